"""The report for the board: a PDF and an XLSX with the summary, gaps, chart and table,
moderation outcome and actions, under the assessment's policy."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lde.action_plans import services as action_services
from lde.assessments import selectors, services
from lde.assessments.models import AssessmentStatus
from lde.partnerships.models import Role
from tests.assessments.builders import peer_reviewed, rate_all, start
from tests.assessments.test_api import api as api_client
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(user: Any) -> Client:
    return sign_in(Client(), user)


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces (table cells wrap)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


def publish(assessment: Any, coordinator: Any, board_member: Any) -> None:
    """Submitted, signed off by the board, and published without review."""
    submitted = services.assessment_submit(
        actor=coordinator, assessment=assessment, no_personal_data_declared=True
    )
    signed = services.board_sign_off(actor=board_member, assessment=submitted)
    services.assessment_publish(actor=coordinator, assessment=signed)


@pytest.fixture
def published_pair(coordinator: Any, framework_version: Any) -> tuple[Any, Any, Any]:
    """Two published cycles; an action raised on the first's gap, reassessed by the second."""
    coordinator.user.full_name = "Dana O'Hara <Coordinator>"
    coordinator.user.save()
    board = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER)
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 1)
    publish(first, coordinator.user, board.user)
    board_criterion = first.responses.get(criterion__identifier="board").criterion
    action = action_services.action_raise(
        actor=coordinator.user,
        assessment=first,
        criteria=[board_criterion],
        title="Give the board terms of reference",
        description="Agree and publish them.",
        owner=coordinator.user,
        owner_organisation=coordinator.partnership.lead_council,
        due_on=date.today() + timedelta(days=30),
    )
    second = start(coordinator, framework_version, 2025)
    rate_all(coordinator.user, second, 3)
    response = second.responses.get(criterion__identifier="ownership")
    services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=response.revision,
        rating=2,
        target=4,
        commentary="=SUM(A1:A3) is not a formula here.",
        consensus_reason="",
    )
    publish(second, coordinator.user, board.user)
    second.refresh_from_db()
    assert second.status == AssessmentStatus.PUBLISHED
    return first, second, action


def test_the_pdf_holds_the_summary_gaps_chart_table_moderation_and_actions(
    coordinator, published_pair
):
    _first, second, _action = published_pair
    response = signed_in(coordinator.user).get(reverse("assessments:report-pdf", args=[second.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment;" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        coordinator.partnership.name,
        "Summary",
        "Scores by theme",
        "Scores by theme: the figures in the chart",
        "Largest gaps",
        "Ownership",
        "2 – Developing",
        "Published without a peer review or inspection",
        "Board sign-off Signed off by ",
        "No actions have been raised on this assessment.",
        "Actions from earlier cycles",
        "Give the board terms of reference (planned, raised on Self- assessment 2024) Board "
        "1 – Not in place 3 – Established Moved up",
        "Made for Dana O'Hara <Coordinator>",
        "Page 1 of",
        "=SUM(A1:A3) is not a formula here.",
    ):
        assert expected in text, expected


def test_the_xlsx_has_the_same_parts_and_keeps_text_as_text(coordinator, published_pair):
    _, second, _ = published_pair
    response = signed_in(coordinator.user).get(reverse("assessments:report-xlsx", args=[second.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Themes", "Gaps", "Ratings", "Actions", "Earlier actions"]
    themes = list(book["Themes"].iter_rows(values_only=True))
    assert themes[0] == ("Theme", "Score (%)", "Target (%)", "Rated", "Not rated")
    assert themes[-1][0] == "Overall"
    ratings = {row[1]: row for row in book["Ratings"].iter_rows(min_row=2, values_only=True)}
    assert ratings["ownership"][3] == "2 – Developing"
    assert ratings["ownership"][5] == "=SUM(A1:A3) is not a formula here."
    assert book["Ratings"]["F2"].data_type == "s"
    earlier = list(book["Earlier actions"].iter_rows(min_row=2, values_only=True))
    assert earlier == [
        (
            "Give the board terms of reference",
            "Self-assessment 2024",
            "Board",
            "1 – Not in place",
            "3 – Established",
            "Moved up",
        )
    ]


def test_a_community_reviewer_gets_no_commentary_and_no_actions(coordinator, published_pair):
    _, second, _ = published_pair
    reviewer = MembershipFactory(
        partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER
    ).user
    client = signed_in(reviewer)
    book = load_workbook(
        io.BytesIO(client.get(reverse("assessments:report-xlsx", args=[second.pk])).content)
    )
    assert [c.value for c in book["Ratings"][1]] == [
        "Theme",
        "Identifier",
        "Criterion",
        "Rating",
        "Target",
    ]
    assert list(book["Actions"].iter_rows(min_row=2, values_only=True)) == []
    text = pdf_text(client.get(reverse("assessments:report-pdf", args=[second.pk])).content)
    assert "not a formula here" not in text
    assert "Give the board terms of reference" not in text


def test_someone_who_cannot_see_the_assessment_gets_404_everywhere(published_pair):
    _, second, _ = published_pair
    client = signed_in(UserFactory())
    for name in ("assessments:report-pdf", "assessments:report-xlsx"):
        assert client.get(reverse(name, args=[second.pk])).status_code == 404


def test_the_api_gives_either_format(coordinator, published_pair):
    _, second, _ = published_pair
    api = api_client(coordinator.user)
    pdf = api.get(f"/api/v1/assessments/{second.pk}/report")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = api.get(f"/api/v1/assessments/{second.pk}/report?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert api.get(f"/api/v1/assessments/{second.pk}/report?format=doc").status_code == 422
    stranger = api_client(UserFactory())
    assert stranger.get(f"/api/v1/assessments/{second.pk}/report").status_code == 404


def test_the_assessment_page_and_the_gaps_page_link_to_the_report(coordinator, published_pair):
    _, second, _ = published_pair
    client = signed_in(coordinator.user)
    pdf = reverse("assessments:report-pdf", args=[second.pk])
    for page in ("assessments:assessment-detail", "assessments:gaps"):
        assert f'href="{pdf}"' in client.get(reverse(page, args=[second.pk])).content.decode()


def test_a_moderated_cycles_report_counts_and_shows_the_agreed_ratings(
    coordinator, framework_version
):
    own, _review, _peer, _board = peer_reviewed(coordinator, framework_version, 2025)
    own.refresh_from_db()
    services.moderation_decide(
        actor=coordinator.user,
        assessment=own,
        criterion=own.responses.get(criterion__identifier="board").criterion,
        agreed_rating=2,
        reason="The board met twice, not four times.",
    )
    moderated = services.assessment_moderate(actor=coordinator.user, assessment=own)
    assert selectors.board_sign_off_summary(assessment=moderated) == (
        "Not needed: moderated against the peer review, which takes the place of a sign-off"
    )
    services.assessment_publish(actor=coordinator.user, assessment=moderated)

    response = signed_in(coordinator.user).get(reverse("assessments:report-xlsx", args=[own.pk]))

    book = load_workbook(io.BytesIO(response.content))
    ratings = {row[1]: row[3] for row in book["Ratings"].iter_rows(min_row=2, values_only=True)}
    assert ratings == {
        "ownership": "3 – Established",
        "board": "2 – Developing (agreed at moderation)",
        "projects": "3 – Established",
    }
    gaps = {row[1]: row[3] for row in book["Gaps"].iter_rows(min_row=2, values_only=True)}
    assert gaps["board"] == "2 – Developing"
    themes = {row[0]: row[1] for row in book["Themes"].iter_rows(min_row=2, values_only=True)}
    # Ownership at 3 (66.7%) and board at the agreed 2 (33.3%); projects at 3.
    assert themes["1. Leadership"] == 50.0
    assert themes["Overall"] == pytest.approx(round((50 + 200 / 3) / 2, 1))
    # The board signs off only what is published without review: the report says why it did not.
    summary = dict(book["Summary"].iter_rows(values_only=True))
    not_needed = "Not needed: published after moderation against the peer review"
    assert summary["Board sign-off"] == not_needed
    pdf = signed_in(coordinator.user).get(reverse("assessments:report-pdf", args=[own.pk]))
    assert f"Board sign-off {not_needed}" in pdf_text(pdf.content)
    page = signed_in(coordinator.user).get(reverse("assessments:assessment-detail", args=[own.pk]))
    assert not_needed in page.content.decode()
    moderation = list(book["Moderation"].iter_rows(min_row=2, values_only=True))
    assert moderation == [
        (
            "Board",
            "3 – Established",
            "2 – Developing",
            "2 – Developing",
            "The board met twice, not four times.",
        )
    ]


def test_text_a_worksheet_cannot_hold_is_replaced_not_a_server_error(coordinator, published_pair):
    _, second, _ = published_pair
    second.responses.filter(criterion__identifier="board").update(
        commentary="Bell\x07 and form feed\x0c here.", consensus_reason="x" * 40_000
    )
    response = signed_in(coordinator.user).get(reverse("assessments:report-xlsx", args=[second.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    board = next(
        r for r in book["Ratings"].iter_rows(min_row=2, values_only=True) if r[1] == "board"
    )
    assert board[5] == "Bell\ufffd and form feed\ufffd here."
    assert len(board[6]) == 32_767 and board[6].endswith("(cut short: see the assessment page)")
    pdf = signed_in(coordinator.user).get(reverse("assessments:report-pdf", args=[second.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_pdf_is_tagged_titled_and_in_british_english(coordinator, published_pair, caplog):
    from tests.tagged_pdf import assert_tagged

    _first, second, _action = published_pair
    with caplog.at_level("ERROR", logger="weasyprint"):
        response = signed_in(coordinator.user).get(
            reverse("assessments:report-pdf", args=[second.pk])
        )
    facts = assert_tagged(
        response.content, title=f"{second.title} – {coordinator.partnership.name}"
    )
    # The structure a screen reader walks: sections, the chart with its text, the tables.
    assert facts["structure"]["/H2"] == 6
    assert facts["structure"]["/Figure"] == 1
    assert facts["structure"]["/Table"] >= 4
    assert [r.getMessage() for r in caplog.records] == []
