"""The assessment pages: error summaries on bad input, both versions on an edit conflict, the
evidence download behind the policy, the workflow buttons, and query counts that do not grow
with the number of criteria, raters or evidence items."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus, Evidence
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Assignment, AssignmentKind, Role
from tests import uploads
from tests.assessments.builders import grown, peer_reviewed, published, rate_all, start
from tests.conftest import CONFIRMED, date_input, sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# A real PDF: uploads are judged by their content (lde.core.uploads).
PDF = uploads.pdf()


def text(response: Any) -> str:
    """The page's text, with tags dropped and whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(body).split())


def error_summary(response: Any) -> list[str]:
    """The items of the GOV.UK error summary, in order."""
    html = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    items = re.findall(r"<li><a href=\"#[^\"]+\">(.*?)</a></li>", found.group(0), re.S)
    return [unescape(item).strip() for item in items]


def signed_in(user: Any) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def board_member(coordinator: Any) -> Any:
    return MembershipFactory(
        partnership=coordinator.partnership,
        role=Role.BOARD_MEMBER,
        user__organisation=coordinator.user.organisation,
    )


# --- Starting a cycle ----------------------------------------------------------------------


def test_starting_with_nothing_filled_in_lists_every_problem(coordinator, framework_version):
    client = signed_in(coordinator.user)
    url = reverse("assessments:assessment-start", args=[coordinator.partnership_id])
    response = client.post(url, {"carry_forward": "on"})
    assert response.status_code == 400
    assert error_summary(response) == [
        "Select the framework to assess against",
        "Enter a title for the assessment",
        "Enter the start of the period",
        "Enter the end of the period",
    ]
    assert "<title>Error: Start the next cycle" in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(coordinator, framework_version):
    client = signed_in(coordinator.user)
    url = reverse("assessments:assessment-start", args=[coordinator.partnership_id])
    response = client.post(
        url,
        {
            "framework_version": framework_version.pk,
            "title": "Self-assessment 2026",
            **date_input("period_start", "2026-04-01"),
            **date_input("period_end", "2026-03-01"),
        },
    )
    assert error_summary(response) == ["The end of the period must be after its start"]
    assert Assessment.objects.count() == 0


def test_the_next_cycle_starts_from_the_list_and_carries_forward(coordinator, framework_version):
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 2)
    published(first)
    client = signed_in(coordinator.user)
    listing = client.get(reverse("assessments:assessment-list", args=[coordinator.partnership_id]))
    assert "Start the next cycle" in text(listing)
    form = client.get(reverse("assessments:assessment-start", args=[coordinator.partnership_id]))
    # The form suggests the period after the last published cycle, against the same framework.
    assert form.context["form"].initial["period_start"] == date(2025, 4, 1)
    response = client.post(
        reverse("assessments:assessment-start", args=[coordinator.partnership_id]),
        {
            "framework_version": framework_version.pk,
            "title": "Self-assessment 2025",
            **date_input("period_start", "2025-04-01"),
            **date_input("period_end", "2026-03-31"),
            "carry_forward": "on",
        },
        follow=True,
    )
    second = Assessment.objects.get(title="Self-assessment 2025")
    assert response.redirect_chain == [(f"/assessments/{second.pk}/", 302)]
    page = text(response)
    assert (
        "Self-assessment 2025 started. 3 ratings were carried forward from Self-assessment 2024"
        in page
    )
    assert "Carried-forward ratings to confirm" in page
    assert [r.carried_forward for r in second.responses.all()] == [True, True, True]


def test_only_coordinators_see_the_start_button(coordinator, board_member, framework_version):
    client = signed_in(board_member.user)
    listing = client.get(reverse("assessments:assessment-list", args=[coordinator.partnership_id]))
    assert "Start the next cycle" not in text(listing)
    start_page = client.get(
        reverse("assessments:assessment-start", args=[coordinator.partnership_id])
    )
    assert start_page.status_code == 403
    assert "Coordinators start assessments." in text(start_page)


# --- The criterion page --------------------------------------------------------------------


def test_the_rating_control_shows_the_rubric_or_the_scale_under_each_level(
    coordinator, framework_version
):
    assessment = start(coordinator, framework_version)
    client = signed_in(coordinator.user)
    board = assessment.responses.get(criterion__identifier="board")
    page = client.get(reverse("assessments:response-update", args=[assessment.pk, board.pk]))
    html = page.content.decode()
    # The criterion's own rubric, under each level's radio.
    for value, descriptor in [(1, "No board."), (2, "A board meets."), (4, "It leads.")]:
        assert re.search(
            rf'value="{value}"[^>]*aria-describedby="(id_rating_\d)-hint">.*?'
            rf'<div id="\1-hint" class="govuk-hint govuk-radios__hint">{re.escape(descriptor)}',
            html,
            re.S,
        ), descriptor
    assert "Not rated" in html
    assert '<input type="hidden" name="revision" value="0"' in html
    ownership = assessment.responses.get(criterion__identifier="ownership")
    page = client.get(reverse("assessments:response-update", args=[assessment.pk, ownership.pk]))
    assert "Under each level is the scale's descriptor" in text(page)
    assert "Routine." in text(page)


def test_saving_a_rating_goes_back_to_the_assessment(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    client = signed_in(coordinator.user)
    url = reverse("assessments:response-update", args=[assessment.pk, board.pk])
    response = client.post(
        url, {"rating": "3", "target": "4", "commentary": "It decides.", "revision": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/#criterion-board"
    board.refresh_from_db()
    assert (board.rating, board.target, board.commentary, board.revision) == (
        3,
        4,
        "It decides.",
        1,
    )


def test_a_second_editor_sees_both_versions_and_chooses(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    url = reverse("assessments:response-update", args=[assessment.pk, board.pk])
    # Both open the page at revision 0; the board member saves first.
    services.response_update(
        actor=board_member.user,
        response=board,
        seen_revision=0,
        rating=2,
        target=3,
        commentary="Their words: a board meets.",
    )
    client = signed_in(coordinator.user)
    response = client.post(
        url, {"rating": "4", "target": "4", "commentary": "My words: it leads.", "revision": "0"}
    )
    assert response.status_code == 409
    assert error_summary(response) == [
        "Someone else saved this criterion after you opened it. Nothing has been overwritten: "
        "compare their saved version with yours below, then save yours or keep theirs"
    ]
    page = text(response)
    assert (
        "Their saved version Rating 2 – Developing Target 3 – Established "
        "Commentary Their words: a board meets." in page
    )
    assert (
        "Your version, as you typed it Rating 4 – Leading Target 4 – Leading "
        "Commentary My words: it leads." in page
    )
    board.refresh_from_db()
    assert (board.rating, board.commentary) == (2, "Their words: a board meets.")
    # The form keeps what they typed, now against the version they have been shown.
    html = response.content.decode()
    assert '<input type="hidden" name="revision" value="1"' in html
    assert "My words: it leads.</textarea>" in html
    again = client.post(
        url, {"rating": "4", "target": "4", "commentary": "My words: it leads.", "revision": "1"}
    )
    assert again.status_code == 302
    board.refresh_from_db()
    assert (board.rating, board.commentary, board.revision) == (4, "My words: it leads.", 2)


def test_differing_raters_need_a_reason_shown_in_the_error_summary(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    client = signed_in(coordinator.user)
    own_url = reverse("assessments:rater-rating-record", args=[assessment.pk, board.pk])
    assert client.post(own_url, {"own-rating": "2", "own-note": "Rarely."}).status_code == 302
    services.rater_rating_record(actor=board_member.user, response=board, rating=4)
    url = reverse("assessments:response-update", args=[assessment.pk, board.pk])
    page = client.get(url)
    assert "Spread: 2 to 4" in text(page)
    response = client.post(url, {"rating": "3", "commentary": "", "revision": "0"})
    assert response.status_code == 400
    assert error_summary(response) == ["The raters differ: say why this is the consensus rating."]
    response = client.post(
        url,
        {"rating": "3", "commentary": "", "revision": "0", "consensus_reason": "Met halfway."},
    )
    assert response.status_code == 302


def test_a_contributor_rates_only_what_is_assigned(coordinator, framework_version):
    contributor = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR)
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    projects = assessment.responses.get(criterion__identifier="projects")
    services.contribution_assign(
        actor=coordinator.user,
        assessment=assessment,
        criterion=projects.criterion,
        organisation=contributor.user.organisation,
    )
    client = signed_in(contributor.user)
    detail = client.get(reverse("assessments:assessment-detail", args=[assessment.pk])).content
    assert reverse("assessments:response-update", args=[assessment.pk, projects.pk]) in str(detail)
    assert reverse("assessments:response-update", args=[assessment.pk, board.pk]) not in str(detail)
    refused = client.get(reverse("assessments:response-update", args=[assessment.pk, board.pk]))
    assert refused.status_code == 403


# --- Evidence ------------------------------------------------------------------------------


def test_evidence_file_problems_are_shown_against_the_field(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    client = signed_in(coordinator.user)
    url = reverse("assessments:evidence-add-file", args=[assessment.pk, board.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert error_summary(response) == [
        "Enter a title for the evidence",
        "Select a file",
        "Enter the date the evidence speaks for",
    ]
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\n", content_type="application/x-sh")
    response = client.post(
        url,
        {
            "file-title": "Script",
            "file-file": script,
            **date_input("file-effective_on", "2025-06-01"),
        },
    )
    assert error_summary(response) == [
        "The file is called run.sh, which is not a type of file you can upload here. Upload a "
        "PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file"
    ]
    assert 'class="govuk-file-upload govuk-file-upload--error"' in response.content.decode()
    link = client.post(
        reverse("assessments:evidence-add-link", args=[assessment.pk, board.pk]),
        {
            "link-title": "Minutes",
            "link-url": "not a web address",
            **date_input("link-effective_on", ""),
        },
    )
    assert error_summary(link) == [
        "Enter a web address in the correct format, like https://example.org",
        "Enter the date the evidence speaks for",
    ]
    assert Evidence.objects.count() == 0


def test_evidence_is_downloaded_only_through_the_policy(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    client = signed_in(coordinator.user)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    added = client.post(
        reverse("assessments:evidence-add-file", args=[assessment.pk, board.pk]),
        {
            "file-title": "Board minutes",
            "file-file": upload,
            **date_input("file-effective_on", "2025-06-01"),
        },
    )
    assert added.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.effective_on, evidence.size) == (date(2025, 6, 1), len(PDF))
    url = reverse("assessments:evidence-download", args=[evidence.pk])
    detail = client.get(reverse("assessments:assessment-detail", args=[assessment.pk]))
    assert f'href="{url}">Board minutes (' in detail.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    read = AuditEvent.objects.filter(verb="EVIDENCE_DOWNLOADED").get()
    assert (read.actor_id, read.target_id, read.partnership_id) == (
        coordinator.user.pk,
        str(evidence.pk),
        coordinator.partnership_id,
    )

    other = MembershipFactory(role=Role.COORDINATOR)
    assert signed_in(other.user).get(url).status_code == 404
    viewer = MembershipFactory(partnership=coordinator.partnership, role=Role.VIEWER)
    assert signed_in(viewer.user).get(url).status_code == 404  # a draft: viewers see nothing
    assert AuditEvent.objects.filter(verb="EVIDENCE_DOWNLOADED").count() == 1


def test_community_reviewers_read_a_published_summary_without_evidence(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    rate_all(coordinator.user, assessment, 3)
    board = assessment.responses.get(criterion__identifier="board")
    evidence = services.evidence_add_link(
        actor=coordinator.user,
        response=board,
        title="Minutes",
        url="https://example.org/minutes",
        effective_on=date(2025, 6, 1),
    )
    assessment = services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    services.board_sign_off(actor=board_member.user, assessment=assessment)
    services.assessment_publish(actor=coordinator.user, assessment=assessment)
    reviewer = MembershipFactory(partnership=coordinator.partnership, role=Role.COMMUNITY_REVIEWER)
    client = signed_in(reviewer.user)
    page = client.get(reverse("assessments:assessment-detail", args=[assessment.pk]))
    assert page.status_code == 200
    assert "3 – Established" in text(page)
    assert "Seen in the board minutes." not in text(page)
    assert "Minutes" not in text(page)
    # When the board signed off, not who: names belong to the full assessment, as in its history.
    assert "Board sign-off Signed off on " in text(page)
    assert board_member.user.full_name not in text(page)
    download = reverse("assessments:evidence-download", args=[evidence.pk])
    assert client.get(download).status_code == 404
    viewer = MembershipFactory(partnership=coordinator.partnership, role=Role.VIEWER)
    assert signed_in(viewer.user).get(download)["Location"] == "https://example.org/minutes"


# --- Submitting, signing off, publishing ---------------------------------------------------


def test_submitting_needs_every_carried_forward_rating_confirmed_and_the_declaration(
    coordinator, framework_version
):
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 2)
    published(first)
    second = start(coordinator, framework_version, 2025)
    client = signed_in(coordinator.user)
    url = reverse("assessments:assessment-submit", args=[second.pk])
    page = client.get(url)
    assert (
        "Carried-forward ratings not yet confirmed These ratings were copied from "
        "Self-assessment 2024. Confirm or change each one first. Ownership Board Projects"
    ) in text(page)
    response = client.post(url, CONFIRMED)
    assert response.status_code == 400
    assert error_summary(response) == [
        "3 carried-forward ratings still need confirming or changing.",
        "Confirm that the assessment holds no information about identifiable members of the "
        "public.",
    ]
    for response_row in second.responses.all():
        confirmed = client.post(
            reverse("assessments:response-update", args=[second.pk, response_row.pk]),
            {"rating": "2", "target": "4", "commentary": "Still so.", "revision": "0"},
        )
        assert confirmed.status_code == 302
    # A POST that is not the confirmation page's own form only shows the page.
    unconfirmed = client.post(url, {"no_personal_data_declared": "on"})
    assert unconfirmed.status_code == 200
    assert Assessment.objects.get(pk=second.pk).status == AssessmentStatus.DRAFT
    assert client.post(url, {"no_personal_data_declared": "on", **CONFIRMED}).status_code == 302
    second.refresh_from_db()
    assert second.status == AssessmentStatus.SUBMITTED
    assert second.personal_data_declared_by == coordinator.user


def _pdf_saying(words: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{words}</p>").write_pdf()


def test_the_submit_page_shows_what_the_personal_data_check_found(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    board, ownership, projects = (
        assessment.responses.select_related("criterion").order_by("criterion__position")
    )[:3]
    services.response_update(
        actor=coordinator.user,
        response=board,
        seen_revision=board.revision,
        rating=2,
        target=3,
        commentary="Spoke to the family on 07700 900123 about it.",
        consensus_reason="",
    )
    services.evidence_add_file(
        actor=coordinator.user,
        response=ownership,
        title="Minutes",
        upload=SimpleUploadedFile(
            "minutes.pdf", _pdf_saying("Contact: someone@example.org"), "application/pdf"
        ),
        effective_on=date(2025, 6, 1),
    )
    services.evidence_add_file(
        actor=coordinator.user,
        response=projects,
        title="Photo of the board",
        upload=SimpleUploadedFile("board.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        effective_on=date(2025, 6, 1),
    )
    stored = Evidence.objects.get(title="Minutes")
    assert stored.guard_findings == [
        {
            "kind": "Email address",
            "place": "minutes.pdf, page 1, line 1",
            "excerpt": "so" + "•" * 15 + "rg",
        }
    ]
    client = signed_in(coordinator.user)
    url = reverse("assessments:assessment-submit", args=[assessment.pk])
    page = text(client.get(url))
    assert "2 things in this assessment look like a person's details." in page
    assert (
        f"{board.criterion.title} Commentary Phone number 07700 900123 "
        f"{ownership.criterion.title} minutes.pdf, page 1, line 1 Email address so" in page
    )
    assert f"board.png ({projects.criterion.title})" in page
    assert "someone@example.org" not in page  # a file's identifier is never shown whole


def test_submitting_records_the_guard_counts_beside_the_declaration(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    rate_all(coordinator.user, assessment, 2)
    response = assessment.responses.first()
    services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=response.revision if response else 0,
        rating=2,
        target=3,
        commentary="Write to a.person@example.org.",
        consensus_reason="",
    )
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    event = AuditEvent.objects.filter(verb="PERSONAL_DATA_DECLARED").get()
    assert event.actor_id == coordinator.user.pk
    assert '"guard_findings"' in event.payload and '"files_not_checked"' in event.payload


def test_the_board_signs_off_and_the_page_says_it_was_published_without_review(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    rate_all(coordinator.user, assessment, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    coordinator_client = signed_in(coordinator.user)
    publish = reverse("assessments:assessment-publish", args=[assessment.pk])
    refused = coordinator_client.post(publish, CONFIRMED)
    assert refused.status_code == 400
    assert error_summary(refused) == [
        "The board must sign off a self-assessment that is published without review."
    ]
    board_client = signed_in(board_member.user)
    detail = reverse("assessments:assessment-detail", args=[assessment.pk])
    assert "Sign off for the board" in text(board_client.get(detail))
    assert "Publish" not in re.findall(
        r"<button[^>]*>([^<]*)</button>", str(board_client.get(detail).content)
    )
    sign_off = reverse("assessments:assessment-board-sign-off", args=[assessment.pk])
    assert "You cannot undo this: a sign-off cannot be withdrawn." in text(
        board_client.get(sign_off)
    )
    signed = board_client.post(sign_off, CONFIRMED)
    assert signed.status_code == 302
    published = coordinator_client.post(publish, CONFIRMED, follow=True)
    page = text(published)
    assert "Published without a peer review or inspection, after the board's sign-off on" in page
    name = coordinator.user.full_name
    assert f"Draft Submitted {name} – " in page
    assert f"Submitted Published {name} – " in page


def test_returning_to_draft_needs_a_reason(coordinator, framework_version):
    assessment = start(coordinator, framework_version)
    rate_all(coordinator.user, assessment, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    client = signed_in(coordinator.user)
    url = reverse("assessments:assessment-return-to-draft", args=[assessment.pk])
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400
    assert error_summary(response) == ["Say why it goes back to draft."]
    assert client.post(url, {"reason": "The board asked for changes."}).status_code == 302
    page = text(client.get(reverse("assessments:assessment-detail", args=[assessment.pk])))
    assert "Submitted Draft" in page
    assert "The board asked for changes." in page


def test_contributions_are_assigned_and_organisations_sign_off(
    coordinator, board_member, framework_version
):
    assessment = start(coordinator, framework_version)
    contributor = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR)
    from lde.partnerships.models import PartnerOrganisation

    PartnerOrganisation.objects.create(
        partnership=coordinator.partnership, organisation=contributor.user.organisation
    )
    client = signed_in(coordinator.user)
    url = reverse("assessments:contributions", args=[assessment.pk])
    empty = client.post(url, {"criterion": ""})
    assert error_summary(empty) == ["Select the criterion to assign"]
    no_one = client.post(url, {"criterion": assessment.responses.first().criterion_id})
    assert error_summary(no_one) == ["Select an organisation or a person"]
    projects = assessment.responses.get(criterion__identifier="projects")
    assigned = client.post(
        url,
        {"criterion": projects.criterion_id, "organisation": contributor.user.organisation_id},
    )
    assert assigned.status_code == 302
    contributor_client = signed_in(contributor.user)
    page = contributor_client.get(url)
    organisation = contributor.user.organisation.name
    assert f"{organisation} Not yet" in text(page)
    assert f"Sign off {organisation}'s part" in text(page)
    signed = contributor_client.post(
        reverse("assessments:organisation-sign-off", args=[assessment.pk]), CONFIRMED, follow=True
    )
    assert f"{organisation} Signed off by {contributor.user.full_name}" in text(signed)


def test_publishing_asks_first_saying_what_happens_and_who_will_see_it(
    coordinator, board_member, framework_version
):
    # Given a submitted self-assessment that the board has signed off
    assessment = start(coordinator, framework_version)
    rate_all(coordinator.user, assessment, 3)
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    assessment.refresh_from_db()
    services.board_sign_off(actor=board_member.user, assessment=assessment)
    client = signed_in(coordinator.user)
    detail = client.get(reverse("assessments:assessment-detail", args=[assessment.pk]))
    publish = reverse("assessments:assessment-publish", args=[assessment.pk])
    # Then its page offers a link to the confirmation, not a button that publishes
    assert f'<a class="govuk-button" href="{publish}" data-module="govuk-button">Publish</a>' in (
        detail.content.decode()
    )
    # and the confirmation says what happens, who will see it and that it cannot be undone
    page = client.get(publish)
    assert page.status_code == 200
    assert text(page).count("Publish Self-assessment 2025") == 2  # its title and heading
    for words in (
        "What happens Its status becomes Published.",
        "it is published without review, and its page says so.",
        f"Who will see it Every member of {coordinator.partnership.name}: its coordinators, "
        "board members, contributors and viewers read it in full, and its community reviewers "
        "read its summary.",
        "You cannot undo this: a published self-assessment stays published.",
        "Publish this self-assessment Cancel",
    ):
        assert words in text(page)
    assert 'name="confirmed" value="yes"' in page.content.decode()
    # When something posts to it without the confirmation, nothing is published
    assert client.post(publish).status_code == 200
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
    # and from the confirmation page it is
    assert client.post(publish, CONFIRMED).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.PUBLISHED


# --- Moderation and the factual accuracy check ---------------------------------------------


def test_moderation_highlights_differences_and_records_the_agreed_rating(
    coordinator, framework_version
):
    own, review, peer, board = peer_reviewed(coordinator, framework_version, 2025)

    client = signed_in(coordinator.user)
    url = reverse("assessments:moderation", args=[own.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Ownership 3 – Established 3 – Established Same "
        "Board Differs 3 – Established 2 – Developing Not yet agreed" in text(page)
    )
    finish = reverse("assessments:moderation-finish", args=[own.pk])
    refused = client.post(finish, CONFIRMED)
    assert error_summary(refused) == ["1 differing criterion still need an agreed rating."]
    prefix = f"criterion-{board.criterion_id}"
    no_reason = client.post(url, {"criterion": board.criterion_id, f"{prefix}-agreed_rating": "2"})
    assert error_summary(no_reason) == ["Say why this is the agreed rating."]
    agreed = client.post(
        url,
        {
            "criterion": board.criterion_id,
            f"{prefix}-agreed_rating": "2",
            f"{prefix}-reason": "The board rarely decides.",
        },
        follow=True,
    )
    assert "2 – Developing The board rarely decides." in text(agreed)
    assert client.post(finish, CONFIRMED).status_code == 302
    own.refresh_from_db()
    assert own.status == AssessmentStatus.MODERATED

    # The review's page: the coordinator checks the draft for factual accuracy.
    review_url = reverse("assessments:assessment-detail", args=[review.pk])
    comment_url = reverse("assessments:factual-accuracy-comment", args=[review.pk])
    empty = client.post(comment_url, {"body": ""})
    assert error_summary(empty) == ["Enter your comment."]
    assert client.post(comment_url, {"body": "The chair is named wrongly."}).status_code == 302
    assert "The chair is named wrongly." in text(client.get(review_url))
    peer_client = signed_in(peer)
    assert peer_client.post(comment_url, {"body": "Mine."}).status_code == 403
    published = peer_client.post(
        reverse("assessments:assessment-publish", args=[review.pk]), CONFIRMED, follow=True
    )
    assert "Peer review 2025 published." in text(published)


# --- Home ----------------------------------------------------------------------------------


def test_home_lists_drafts_needing_attention(coordinator, framework_version):
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 2)
    published(first)
    second = start(coordinator, framework_version, 2025)
    page = text(signed_in(coordinator.user).get("/"))
    assert (
        "Assessments needing your attention Assessment Partnership Status Needs "
        f"Self-assessment 2025 {coordinator.partnership.name} Draft "
        "3 carried-forward ratings to confirm or change" in page
    )
    assert second.pk


def test_home_links_a_peer_reviewer_to_the_assessment_their_assignment_names(
    coordinator, framework_version
):
    own = start(coordinator, framework_version, 2025)
    peer = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=peer,
        kind=AssignmentKind.PEER_REVIEWER,
        title="Peer review of the 2025 self-assessment",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        subject_reference=f"assessment:{own.pk}",
    )
    assignment.partnerships.set([coordinator.partnership])
    response = signed_in(peer).get("/")
    assert reverse("assessments:assessment-detail", args=[own.pk]) in response.content.decode()
    assert "Your assigned work Peer review of the 2025 self-assessment" in text(response)
    # Once the assignment has ended, the link goes with it.
    Assignment.objects.filter(pk=assignment.pk).update(
        starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    )
    page = signed_in(peer).get("/").content.decode()
    assert reverse("assessments:assessment-detail", args=[own.pk]) not in page


def test_home_links_an_inspector_to_the_assessments_of_each_partnership(coordinator):
    inspector = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        title="Inspection 2026",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    assignment.partnerships.set([coordinator.partnership])
    client = sign_in(Client(), inspector)
    page = client.get("/").content.decode()
    url = reverse("assessments:assessment-list", args=[coordinator.partnership.pk])
    assert url in page
    assert client.get(url).status_code == 200


def test_home_lists_published_assessments_for_a_community_reviewer(coordinator, framework_version):
    first = start(coordinator, framework_version, 2024)
    rate_all(coordinator.user, first, 2)
    published(first)
    draft = start(coordinator, framework_version, 2025)
    reviewer = UserFactory()
    MembershipFactory(
        partnership=coordinator.partnership, user=reviewer, role=Role.COMMUNITY_REVIEWER
    )
    client = signed_in(reviewer)
    page = client.get("/").content.decode()
    url = reverse("assessments:assessment-detail", args=[first.pk])
    assert url in page
    assert reverse("assessments:assessment-detail", args=[draft.pk]) not in page
    assert "Published assessments to review for the community" in unescape(page)
    assert client.get(url).status_code == 200


# --- Query counts --------------------------------------------------------------------------


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_assessment_page_makes_the_same_queries_whatever_its_size(coordinator):
    client = signed_in(coordinator.user)
    small = grown(coordinator, criteria=3, raters=1, evidence=1)
    large = grown(coordinator, criteria=30, raters=5, evidence=4)
    small_count = count(client, reverse("assessments:assessment-detail", args=[small.pk]))
    large_count = count(client, reverse("assessments:assessment-detail", args=[large.pk]))
    assert large_count == small_count
    page = client.get(reverse("assessments:assessment-detail", args=[large.pk]))
    assert text(page).count("Link 3 (link)") == 30


def test_the_assessment_page_escapes_what_people_typed(coordinator, framework_version):
    """The evidence and rater lists are built outside the template engine; markup in a title,
    an address or a name must still come out as text."""
    assessment = start(coordinator, framework_version)
    response = assessment.responses.select_related("criterion").first()
    services.evidence_add_link(
        actor=coordinator.user,
        response=response,
        title='<script>alert("x")</script> & co',
        url='https://example.org/?a=1&b="2"',
        effective_on=date(2025, 6, 1),
    )
    services.evidence_add_file(
        actor=coordinator.user,
        response=response,
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        title="<b>Plan</b>",
        effective_on=date(2025, 6, 1),
    )
    rater = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER).user
    rater.full_name = "Ann <em>O'Neil</em>"
    rater.save()
    services.rater_rating_record(actor=rater, response=response, rating=2)
    services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=response.revision,
        rating=2,
        target=None,
        commentary="Strong <i>start</i>\r\nwith partners & schools",
    )
    html = (
        signed_in(coordinator.user)
        .get(reverse("assessments:assessment-detail", args=[assessment.pk]))
        .content.decode()
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co (link)" in html
    assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;" rel="noreferrer noopener"' in html
    assert f"&lt;b&gt;Plan&lt;/b&gt; ({len(PDF)} bytes)" in html
    assert "<li>Ann &lt;em&gt;O&#x27;Neil&lt;/em&gt;: 2 – " in html
    # The criterion's row itself is built outside the template engine too: the commentary is
    # escaped, its line breaks kept as <br>.
    assert "Strong &lt;i&gt;start&lt;/i&gt;<br>with partners &amp; schools" in html
    assert "<i>start</i>" not in html


def test_a_peer_reviewer_rates_their_review_until_the_assignment_ends(
    coordinator, framework_version
):
    own = start(coordinator, framework_version)
    other = start(MembershipFactory(role=Role.COORDINATOR), framework_version)
    peer = UserFactory()
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        user=peer,
        kind=AssignmentKind.PEER_REVIEWER,
        title="Peer review",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        subject_reference=f"assessment:{own.pk}",
    )
    assignment.partnerships.set([coordinator.partnership])
    review = services.assessment_start(
        actor=None,
        partnership=coordinator.partnership,
        kind=AssessmentKind.PEER_REVIEW,
        framework_version=framework_version,
        title="Peer review 2025",
        reviews=own,
        period_start=own.period_start,
        period_end=own.period_end,
    )
    client = signed_in(peer)
    home = text(client.get("/"))
    assert f"Peer review 2025 {coordinator.partnership.name} Draft 3 criteria not yet rated" in home
    board = review.responses.get(criterion__identifier="board")
    url = reverse("assessments:response-update", args=[review.pk, board.pk])
    saved = client.post(url, {"rating": "2", "commentary": "Less than claimed.", "revision": "0"})
    assert saved.status_code == 302
    own_board = own.responses.get(criterion__identifier="board")
    assert (
        client.get(reverse("assessments:response-update", args=[own.pk, own_board.pk])).status_code
        == 403
    )
    assert client.get(reverse("assessments:assessment-detail", args=[other.pk])).status_code == 404
    assert (
        client.get(
            reverse("assessments:assessment-list", args=[coordinator.partnership_id])
        ).status_code
        == 404
    )
    Assignment.objects.filter(pk=assignment.pk).update(ends_on=today - timedelta(days=1))
    client = signed_in(peer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("assessments:assessment-detail", args=[review.pk])).status_code == 404
