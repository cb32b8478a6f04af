"""Offline completion: the workbook's content, the round trip, every kind of bad row (each of
which changes nothing and names its row), the pages, the API, the command and the export's
query count."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from benchmarks.workbook import workbook_fill, workbook_round_trip
from lde.accounts.services import api_token_create
from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentStatus, CriterionResponse
from lde.assessments.workbook import (
    ABOUT_SHEET,
    COLUMNS,
    CRITERIA_SHEET,
    GUIDE_SHEET,
    LEVELS_SHEET,
    XLSX_CONTENT_TYPE,
    WorkbookProblem,
    workbook_export,
    workbook_import,
)
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.frameworks.services import framework_load
from lde.partnerships.models import Role
from tests.assessments.builders import grown, start
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FRAMEWORK = """
identifier: workbook-check
version: "1.0"
title: Workbook check
status: current
summary: A small framework for the workbook tests.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Not in place, descriptor: Nothing yet.}
      - {value: 2, label: Developing, descriptor: Some of it.}
      - {value: 3, label: Established, descriptor: Routine.}
      - {value: 4, label: Leading, descriptor: Others learn from it.}
  - identifier: assurance
    title: Assurance
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Limited, descriptor: Little assurance.}
      - {value: 2, label: Reasonable, descriptor: Some assurance.}
      - {value: 3, label: Substantial, descriptor: Full assurance.}
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - identifier: ownership
        title: Ownership
        paragraphs: ["93"]
        guidance: Who owns the partnership's Prevent work, and how the board holds them to it.
      - identifier: board
        title: Board
        paragraphs: ["108"]
        rubric_written_by: platform
        rubric: {1: No board., 2: A board meets., 3: It decides., 4: It leads.}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {identifier: projects, title: Projects, paragraphs: ["44"], scale: assurance}
      - identifier: training
        title: Training
        paragraphs: ["45"]
        criteria:
          - {identifier: training-staff, title: Staff training, paragraphs: ["46"]}
"""
# The Criteria sheet's rows: the header is row 1, then the criteria in document order (the
# "training" parent is rated through its sub-criterion).
ROW = {"ownership": 2, "board": 3, "projects": 4, "training-staff": 5}


@pytest.fixture
def version() -> Any:
    return framework_load(actor=None, text=FRAMEWORK, file_name="workbook-check-1.0.yaml").version


@pytest.fixture
def assessment(coordinator: Any, version: Any) -> Assessment:
    return start(coordinator, version)


@pytest.fixture
def contributor(coordinator: Any, assessment: Assessment) -> Any:
    """A contributor from another organisation, assigned the board criterion only."""
    membership = MembershipFactory(partnership=coordinator.partnership, role=Role.CONTRIBUTOR)
    services.contribution_assign(
        actor=coordinator.user,
        assessment=assessment,
        criterion=response(assessment, "board").criterion,
        user=membership.user,
    )
    return membership


def response(assessment: Assessment, identifier: str) -> CriterionResponse:
    return CriterionResponse.objects.select_related("criterion").get(
        assessment=assessment, criterion__identifier=identifier
    )


def rate(actor: Any, assessment: Assessment, identifier: str, **values: Any) -> CriterionResponse:
    found = response(assessment, identifier)
    fields = {"rating": found.rating, "target": found.target, "commentary": found.commentary}
    return services.response_update(
        actor=actor, response=found, seen_revision=found.revision, **{**fields, **values}
    )


def state(assessment: Assessment) -> dict[str, tuple[Any, ...]]:
    """Every response as it is saved: what a refused import must leave exactly as it was."""
    return {
        r.criterion.identifier: (
            r.rating,
            r.target,
            r.commentary,
            r.consensus_reason,
            r.carried_forward,
            r.revision,
        )
        for r in CriterionResponse.objects.filter(assessment=assessment).select_related("criterion")
    }


def opened(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def sheet_rows(data: bytes) -> dict[str, dict[str, Any]]:
    """The Criteria sheet's rows by identifier, each by column key."""
    sheet = opened(data)[CRITERIA_SHEET]
    keys = [c.key for c in COLUMNS]
    found = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(keys, values, strict=True))
        found[row["identifier"]] = row
    return found


def export_and_fill(
    actor: Any, assessment: Assessment, changes: dict[str, dict[str, Any]]
) -> bytes:
    return workbook_fill(workbook_export(actor=actor, assessment=assessment), changes)


def with_cell(data: bytes, cell: str, value: Any) -> bytes:
    book = opened(data)
    book[CRITERIA_SHEET][cell] = value
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- The export ----------------------------------------------------------------------------


def test_the_workbook_opens_on_a_guide_and_lists_each_criterion_with_its_guidance_and_rubric(
    coordinator, assessment
):
    data = workbook_export(actor=coordinator.user, assessment=assessment)
    book = opened(data)
    assert book.sheetnames == [GUIDE_SHEET, LEVELS_SHEET, CRITERIA_SHEET, ABOUT_SHEET]
    assert book.active.title == GUIDE_SHEET
    assert [book[name].sheet_state for name in book.sheetnames] == [
        "visible",
        "hidden",
        "visible",
        "veryHidden",
    ]
    assert book.properties.identifier == f"assessment:{assessment.pk}"
    criteria = book[CRITERIA_SHEET]
    assert [cell.value for cell in criteria[1]] == [c.header for c in COLUMNS]
    rows = sheet_rows(data)
    assert list(rows) == ["ownership", "board", "projects", "training-staff"]
    assert rows["ownership"] == {
        "theme": "Leadership",
        "identifier": "ownership",
        "title": "Ownership",
        "guidance": "Who owns the partnership's Prevent work, and how the board holds them to it.",
        "rubric": "1 – Not in place: Nothing yet.\n2 – Developing: Some of it.\n"
        "3 – Established: Routine.\n4 – Leading: Others learn from it.",
        "raters": "None yet",
        "assigned": "Yes",
        "rating": None,
        "target": None,
        "commentary": None,
        "consensus_reason": None,
        "carried_forward": "No",
        "revision": 0,
    }
    # A criterion's own rubric, not its scale's; and a criterion on the second scale.
    assert rows["board"]["rubric"] == (
        "1 – Not in place: No board.\n2 – Developing: A board meets.\n"
        "3 – Established: It decides.\n4 – Leading: It leads."
    )
    assert rows["projects"]["theme"] == "Delivery"
    assert rows["projects"]["rubric"] == (
        "1 – Limited: Little assurance.\n2 – Reasonable: Some assurance.\n"
        "3 – Substantial: Full assurance."
    )
    guide = " ".join(
        str(value)
        for row in book[GUIDE_SHEET].iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "The Maturity scale" in guide
    assert "The Assurance scale" in guide
    assert "2 – Reasonable Some assurance." in guide
    assert f"Complete {assessment.title} offline" in guide


def test_the_rating_and_target_cells_offer_their_own_scales_levels(coordinator, assessment):
    book = opened(workbook_export(actor=coordinator.user, assessment=assessment))
    criteria, levels = book[CRITERIA_SHEET], book[LEVELS_SHEET]
    lists = {}
    for validation in criteria.data_validations.dataValidation:
        cells = {str(cell) for ranges in validation.sqref.ranges for cell in _cells(ranges)}
        lists[frozenset(cells)] = validation.formula1
    assert lists == {
        frozenset({"H2", "H3", "H5"}): "'Levels'!$A$2:$A$6",
        frozenset({"I2", "I3", "I5"}): "'Levels'!$B$2:$B$6",
        frozenset({"H4"}): "'Levels'!$C$2:$C$5",
        frozenset({"I4"}): "'Levels'!$D$2:$D$5",
    }
    assert [levels.cell(row=r, column=1).value for r in range(2, 7)] == [
        "1 – Not in place",
        "2 – Developing",
        "3 – Established",
        "4 – Leading",
        "Not rated",
    ]
    assert [levels.cell(row=r, column=4).value for r in range(2, 6)] == [
        "1 – Limited",
        "2 – Reasonable",
        "3 – Substantial",
        "No target",
    ]


def _cells(cell_range: Any) -> list[str]:
    return [
        f"{chr(64 + column)}{row}"
        for row in range(cell_range.min_row, cell_range.max_row + 1)
        for column in range(cell_range.min_col, cell_range.max_col + 1)
    ]


def test_only_the_white_cells_of_criteria_the_user_may_rate_are_open(contributor, assessment):
    book = opened(workbook_export(actor=contributor.user, assessment=assessment))
    sheet = book[CRITERIA_SHEET]
    assert sheet.protection.sheet is True
    assert sheet.protection.password is None
    assert sheet.freeze_panes == "C2"
    letter = {c.key: chr(65 + index) for index, c in enumerate(COLUMNS)}
    unlocked = {
        key for key in letter if not sheet[f"{letter[key]}{ROW['board']}"].protection.locked
    }
    assert unlocked == {"rating", "target", "commentary", "consensus_reason"}
    for identifier in ("ownership", "projects", "training-staff"):
        assert all(sheet[f"{letter[key]}{ROW[identifier]}"].protection.locked for key in letter)
    rows = sheet_rows(_saved(book))
    assert rows["board"]["assigned"] == "Yes"
    assert rows["ownership"]["assigned"] == "No: not assigned to you"


def _saved(book: Any) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_text_that_looks_like_a_formula_stays_text(coordinator, assessment):
    rate(coordinator.user, assessment, "ownership", rating=2, commentary='=HYPERLINK("x","y")')
    sheet = opened(workbook_export(actor=coordinator.user, assessment=assessment))[CRITERIA_SHEET]
    cell = sheet[f"J{ROW['ownership']}"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x","y")', "s")
    assert sheet[f"H{ROW['ownership']}"].value == "2 – Developing"


def test_text_a_cell_cannot_hold_leaves_its_row_read_only(coordinator, assessment):
    rate(coordinator.user, assessment, "board", rating=2, commentary="Bell\x07 in the minutes")
    data = workbook_export(actor=coordinator.user, assessment=assessment)
    row = sheet_rows(data)["board"]
    assert (row["commentary"], row["assigned"]) == (
        "Bell in the minutes",
        "No: its text does not fit a spreadsheet cell; change it online",
    )
    # Sent back untouched, it is left alone; its rating changed, it is refused.
    assert workbook_import(actor=coordinator.user, assessment=assessment, data=data).accepted
    assert refused(coordinator.user, assessment, workbook_fill(data, {"board": {"rating": 3}})) == [
        WorkbookProblem(
            ROW["board"],
            "rating",
            "This criterion's text does not fit a spreadsheet cell: change it online.",
        )
    ]


def test_the_export_is_audited(coordinator, assessment):
    workbook_export(actor=coordinator.user, assessment=assessment)
    event = AuditEvent.objects.get(verb="ASSESSMENT_WORKBOOK_EXPORTED")
    assert (event.actor_id, event.target_id) == (coordinator.user.pk, str(assessment.pk))
    assert json.loads(event.payload)["detail"] == {
        "assessment": assessment.pk,
        "rows": 4,
        "editable": 4,
    }


def test_only_those_who_may_rate_a_draft_export_it(coordinator, assessment):
    viewer = MembershipFactory(partnership=coordinator.partnership, role=Role.VIEWER)
    with pytest.raises(PermissionDenied403):
        workbook_export(actor=viewer.user, assessment=assessment)


# --- The round trip ------------------------------------------------------------------------


def test_a_round_trip_changes_exactly_the_edited_rows_and_audits_each(coordinator, assessment):
    rate(coordinator.user, assessment, "ownership", rating=2, commentary="Named owner.")
    before = state(assessment)
    data = export_and_fill(
        coordinator.user,
        assessment,
        {
            "board": {"rating": "3 – Established", "commentary": "Minutes of June."},
            # A bare number, as typed rather than chosen, and a number typed as text.
            "projects": {"rating": 2, "target": "3"},
        },
    )
    result = workbook_import(actor=coordinator.user, assessment=assessment, data=data)
    assert (result.accepted, result.changed) == (True, ["board", "projects"])
    after = state(assessment)
    assert after["board"] == (3, None, "Minutes of June.", "", False, 1)
    assert after["projects"] == (2, 3, "", "", False, 1)
    assert after["ownership"] == before["ownership"]
    assert after["training-staff"] == before["training-staff"]
    updated = AuditEvent.objects.filter(verb="CRITERION_RESPONSE_UPDATED").order_by("sequence")
    assert [e.target_id for e in updated][-2:] == [
        str(response(assessment, "board").pk),
        str(response(assessment, "projects").pk),
    ]
    imported = AuditEvent.objects.get(verb="ASSESSMENT_WORKBOOK_IMPORTED")
    assert json.loads(imported.payload)["detail"] == {"assessment": assessment.pk, "changed": 2}
    assert response(assessment, "board").updated_by == coordinator.user


def test_a_workbook_sent_back_untouched_changes_nothing(coordinator, assessment):
    rate(coordinator.user, assessment, "ownership", rating=2, commentary="Line one\r\nLine two")
    before = state(assessment)
    data = workbook_export(actor=coordinator.user, assessment=assessment)
    result = workbook_import(actor=coordinator.user, assessment=assessment, data=data)
    assert (result.accepted, result.changed) == (True, [])
    assert state(assessment) == before
    assert not AuditEvent.objects.filter(verb="ASSESSMENT_WORKBOOK_IMPORTED").exists()


def test_an_empty_cell_and_not_rated_both_mean_not_rated(coordinator, assessment):
    rate(coordinator.user, assessment, "ownership", rating=2, target=3)
    rate(coordinator.user, assessment, "board", rating=2)
    data = export_and_fill(
        coordinator.user,
        assessment,
        {"ownership": {"rating": None, "target": "No target"}, "board": {"rating": "Not rated"}},
    )
    result = workbook_import(actor=coordinator.user, assessment=assessment, data=data)
    assert result.changed == ["ownership", "board"]
    assert state(assessment)["ownership"][:2] == (None, None)
    assert state(assessment)["board"][0] is None


def test_a_carried_forward_rating_is_confirmed_by_writing_no(coordinator, version):
    last = start(coordinator, version, 2024)
    for identifier in ("ownership", "board"):
        rate(coordinator.user, last, identifier, rating=3)
    Assessment.objects.filter(pk=last.pk).update(status=AssessmentStatus.PUBLISHED)
    current = start(coordinator, version, 2025)
    data = workbook_export(actor=coordinator.user, assessment=current)
    assert sheet_rows(data)["board"]["carried_forward"] == "Yes"
    result = workbook_import(
        actor=coordinator.user,
        assessment=current,
        data=workbook_fill(data, {"board": {"carried_forward": "No"}}),
    )
    assert result.changed == ["board"]
    assert state(current)["board"] == (3, None, "", "", False, 1)
    assert state(current)["ownership"] == (3, None, "", "", True, 0)


def test_a_row_left_alone_keeps_a_change_made_online_after_the_export(coordinator, assessment):
    data = export_and_fill(coordinator.user, assessment, {"board": {"rating": 2}})
    rate(coordinator.user, assessment, "ownership", rating=4, commentary="Changed online.")
    result = workbook_import(actor=coordinator.user, assessment=assessment, data=data)
    assert result.changed == ["board"]
    assert state(assessment)["ownership"] == (4, None, "Changed online.", "", False, 1)


def test_the_benchmarks_round_trip_moves_every_rating_it_may(coordinator, assessment):
    trip = workbook_round_trip(actor=coordinator.user, assessment=assessment)
    assert (trip.criteria, trip.rows_changed) == (4, 4)
    assert trip.result.accepted
    assert {key: value[0] for key, value in state(assessment).items()} == {
        "ownership": 1,
        "board": 1,
        "projects": 1,
        "training-staff": 1,
    }


# --- A bad row changes nothing and names the row --------------------------------------------


def refused(actor: Any, assessment: Assessment, data: bytes) -> list[WorkbookProblem]:
    before = state(assessment)
    result = workbook_import(actor=actor, assessment=assessment, data=data)
    assert result.changed == []
    assert state(assessment) == before
    assert not AuditEvent.objects.filter(verb="ASSESSMENT_WORKBOOK_IMPORTED").exists()
    return result.problems


def test_an_unknown_criterion_changes_nothing_and_names_its_row(coordinator, assessment):
    data = export_and_fill(
        coordinator.user,
        assessment,
        {"ownership": {"rating": 2}, "board": {"identifier": "no-such-criterion"}},
    )
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            ROW["board"],
            "identifier",
            "There is no criterion “no-such-criterion” in this assessment's framework. Do not "
            "change the Identifier column.",
        )
    ]


def test_a_rating_off_the_scale_changes_nothing_and_names_its_row(coordinator, assessment):
    data = export_and_fill(
        coordinator.user, assessment, {"ownership": {"rating": 2}, "projects": {"rating": 4}}
    )
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            ROW["projects"],
            "rating",
            "“4” is not a level of the Assurance scale. Choose one from the list (1 – Limited, "
            "2 – Reasonable, 3 – Substantial), type the level's number, or leave it empty for "
            "not rated.",
        )
    ]


def test_a_level_with_the_wrong_name_or_a_fraction_is_off_the_scale(coordinator, assessment):
    data = export_and_fill(
        coordinator.user,
        assessment,
        {"ownership": {"rating": "2 – Leading"}, "board": {"target": 2.5}},
    )
    problems = refused(coordinator.user, assessment, data)
    assert [(p.row, p.field) for p in problems] == [(ROW["ownership"], "rating"), (3, "target")]
    assert problems[0].message.startswith("“2 – Leading” is not a level of the Maturity scale.")
    assert problems[1].message.startswith("“2.5” is not a level of the Maturity scale.")


def test_a_missing_consensus_reason_changes_nothing_and_names_its_row(coordinator, assessment):
    board = response(assessment, "board")
    for value in (2, 3):
        rater = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER)
        services.rater_rating_record(actor=rater.user, response=board, rating=value)
    data = export_and_fill(
        coordinator.user, assessment, {"ownership": {"rating": 2}, "board": {"rating": 3}}
    )
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            ROW["board"],
            "consensus_reason",
            "The independent ratings differ (2 to 3: they differ): say why this is the agreed "
            "rating.",
        )
    ]
    # With the reason, the same row is saved, as it would be online.
    data = export_and_fill(
        coordinator.user,
        assessment,
        {"board": {"rating": 3, "consensus_reason": "The minutes show decisions."}},
    )
    assert workbook_import(actor=coordinator.user, assessment=assessment, data=data).changed == [
        "board"
    ]


def test_a_criterion_changed_online_since_the_export_changes_nothing(coordinator, assessment):
    data = export_and_fill(
        coordinator.user, assessment, {"ownership": {"rating": 2}, "board": {"rating": 2}}
    )
    rate(coordinator.user, assessment, "board", rating=4, commentary="Saved online meanwhile.")
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            ROW["board"],
            "revision",
            "Someone changed this criterion online after the workbook was downloaded (revision "
            "0 then, 1 now). Your change would overwrite theirs: download a new workbook, or "
            "make this change online.",
        )
    ]


def test_a_criterion_the_user_may_not_rate_changes_nothing(contributor, assessment):
    data = export_and_fill(
        contributor.user, assessment, {"board": {"rating": 2}, "ownership": {"commentary": "Mine"}}
    )
    assert refused(contributor.user, assessment, data) == [
        WorkbookProblem(
            ROW["ownership"],
            "commentary",
            "This criterion is not assigned to you, so you cannot change it. Undo the change, or "
            "ask a coordinator to assign it to you or your organisation.",
        )
    ]


def test_a_changed_revision_changes_nothing(coordinator, assessment):
    data = export_and_fill(coordinator.user, assessment, {"ownership": {"revision": 7}})
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            ROW["ownership"],
            "revision",
            "The revision has been changed. Do not change the Revision column: download a new "
            "workbook.",
        )
    ]


def test_every_bad_row_is_listed_at_once(coordinator, assessment):
    data = export_and_fill(
        coordinator.user,
        assessment,
        {
            "ownership": {"rating": 9, "carried_forward": "Perhaps"},
            "projects": {"target": "Substantial-ish"},
            "training-staff": {"identifier": ""},
        },
    )
    problems = refused(coordinator.user, assessment, data)
    assert [(p.row, p.field) for p in problems] == [
        (ROW["ownership"], "rating"),
        (ROW["ownership"], "carried_forward"),
        (ROW["projects"], "target"),
        (ROW["training-staff"], "identifier"),
    ]
    assert str(problems[1]) == "Row 2, Carried forward: Write Yes or No."


def test_a_file_that_is_not_a_workbook_is_refused_plainly(coordinator, assessment):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "Not a workbook.")
    # Judged by its content (lde.core.uploads), and named as what it is.
    for data, found in (
        (b"name,rating\nownership,2\n", "a text file"),
        (archive.getvalue(), "a zip archive"),
    ):
        assert refused(coordinator.user, assessment, data) == [
            WorkbookProblem(None, "file", f"The file is {found}. Upload an Excel workbook (.xlsx).")
        ]
    assert refused(coordinator.user, assessment, b"") == [
        WorkbookProblem(None, "file", "The file is empty.")
    ]


def test_a_workbook_without_its_hidden_sheet_is_refused(coordinator, assessment):
    book = opened(workbook_export(actor=coordinator.user, assessment=assessment))
    del book[ABOUT_SHEET]
    assert refused(coordinator.user, assessment, _saved(book)) == [
        WorkbookProblem(
            None,
            "workbook",
            "This is not an assessment workbook from this platform, or its sheets have been "
            "renamed. Download the assessment's workbook and fill that in.",
        )
    ]


def test_another_assessments_workbook_is_refused(coordinator, version, assessment):
    other = start(coordinator, version, 2026)
    data = export_and_fill(coordinator.user, other, {"ownership": {"rating": 2}})
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            None,
            "workbook",
            "This workbook is for another assessment. Download this assessment's workbook "
            "and fill that in.",
        )
    ]


def test_a_missing_column_is_named(coordinator, assessment):
    data = with_cell(workbook_export(actor=coordinator.user, assessment=assessment), "H1", "Score")
    assert refused(coordinator.user, assessment, data) == [
        WorkbookProblem(
            1,
            "rating",
            "The Criteria sheet has no “Rating” column. Put it back, or download a new workbook.",
        )
    ]


def test_a_submitted_assessment_takes_no_workbook(coordinator, assessment):
    data = export_and_fill(coordinator.user, assessment, {"ownership": {"rating": 2}})
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied403):
        workbook_import(actor=coordinator.user, assessment=assessment, data=data)
    assert state(assessment)["ownership"][0] is None


# --- Pages ---------------------------------------------------------------------------------


def text(page: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", page.content.decode())
    return " ".join(unescape(body).split())


def error_summary(page: Any) -> list[str]:
    html = page.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    items = re.findall(r"<li><a href=\"#[^\"]+\">(.*?)</a></li>", found.group(0), re.S)
    return [unescape(item).strip() for item in items]


def signed_in(user: Any) -> Client:
    return sign_in(Client(), user)


def upload(data: bytes, name: str = "completed.xlsx") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_the_assessment_page_leads_raters_to_offline_completion(coordinator, assessment):
    link = reverse("assessments:workbook", args=[assessment.pk])
    page = signed_in(coordinator.user).get(
        reverse("assessments:assessment-detail", args=[assessment.pk])
    )
    assert f'href="{link}"' in page.content.decode()
    # Once submitted, nobody rates it: the link goes.
    board_member = MembershipFactory(partnership=coordinator.partnership, role=Role.BOARD_MEMBER)
    services.assessment_submit(
        actor=coordinator.user, assessment=assessment, no_personal_data_declared=True
    )
    page = signed_in(board_member.user).get(
        reverse("assessments:assessment-detail", args=[assessment.pk])
    )
    assert f'href="{link}"' not in page.content.decode()


def test_the_workbook_page_explains_and_the_download_is_an_attachment(contributor, assessment):
    client = signed_in(contributor.user)
    page = client.get(reverse("assessments:workbook", args=[assessment.pk]))
    assert page.status_code == 200
    assert "You may change the 1 criterion assigned to you or your organisation" in text(page)
    download = client.get(reverse("assessments:workbook-download", args=[assessment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert download["Content-Disposition"] == (
        f'attachment; filename="assessment-{assessment.pk}-self-assessment-2025.xlsx"'
    )
    assert download["Cache-Control"] == "private, no-store"
    assert list(sheet_rows(download.content)) == list(ROW)


def test_an_upload_with_a_bad_row_shows_each_problem_and_changes_nothing(coordinator, assessment):
    before = state(assessment)
    data = export_and_fill(
        coordinator.user, assessment, {"ownership": {"rating": 2}, "board": {"rating": 7}}
    )
    page = signed_in(coordinator.user).post(
        reverse("assessments:workbook-import", args=[assessment.pk]), {"file": upload(data)}
    )
    assert page.status_code == 422
    assert error_summary(page) == [
        "Row 3, Rating: “7” is not a level of the Maturity scale. Choose one from the list (1 – "
        "Not in place, 2 – Developing, 3 – Established, 4 – Leading), type the level's number, "
        "or leave it empty for not rated. Nothing has been saved"
    ]
    assert "1 problem in the workbook" in text(page)
    assert "3 Rating “7” is not a level of the Maturity scale." in text(page)
    assert state(assessment) == before


def test_an_upload_without_a_file_asks_for_one(coordinator, assessment):
    page = signed_in(coordinator.user).post(
        reverse("assessments:workbook-import", args=[assessment.pk]), {}
    )
    assert page.status_code == 400
    assert error_summary(page) == ["Select the completed workbook"]


def test_an_upload_that_is_not_a_workbook_says_so(coordinator, assessment):
    page = signed_in(coordinator.user).post(
        reverse("assessments:workbook-import", args=[assessment.pk]),
        {"file": upload(b"%PDF-1.4\n", "minutes.pdf")},
    )
    assert page.status_code == 422
    assert error_summary(page) == [
        "File: The file is called minutes.pdf, which is not a type of file you can upload here. "
        "Upload an Excel workbook (.xlsx). Nothing has been saved"
    ]


def test_a_good_upload_saves_and_says_how_many_criteria_changed(coordinator, assessment):
    data = export_and_fill(coordinator.user, assessment, {"ownership": {"rating": "2"}})
    client = signed_in(coordinator.user)
    answer = client.post(
        reverse("assessments:workbook-import", args=[assessment.pk]), {"file": upload(data)}
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("assessments:assessment-detail", args=[assessment.pk])
    page = client.get(answer["Location"])
    assert "Workbook uploaded: 1 criterion changed." in text(page)
    assert state(assessment)["ownership"][0] == 2


# --- API -----------------------------------------------------------------------------------


def bearer(user: Any) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="workbook")
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_gives_the_workbook_and_takes_it_back(client, coordinator, assessment):
    headers = bearer(coordinator.user)
    url = f"/api/v1/assessments/{assessment.pk}/workbook"
    got = client.get(url, headers=headers)
    assert (got.status_code, got["Content-Type"]) == (200, XLSX_CONTENT_TYPE)
    data = workbook_fill(got.content, {"board": {"rating": "4 – Leading"}})
    sent = client.post(url, {"file": upload(data)}, headers=headers)
    assert (sent.status_code, sent.json()) == (200, {"changed": 1, "criteria": ["board"]})
    assert state(assessment)["board"][0] == 4


def test_the_api_answers_422_with_each_rows_problem(client, coordinator, assessment):
    before = state(assessment)
    data = export_and_fill(
        coordinator.user,
        assessment,
        {"ownership": {"rating": 2}, "projects": {"identifier": "elsewhere"}},
    )
    sent = client.post(
        f"/api/v1/assessments/{assessment.pk}/workbook",
        {"file": upload(data)},
        headers=bearer(coordinator.user),
    )
    assert sent.status_code == 422
    assert sent.json() == {
        "detail": "The workbook has 1 problem(s); nothing was saved.",
        "errors": [
            {
                "row": ROW["projects"],
                "field": "identifier",
                "column": "Identifier",
                "message": "There is no criterion “elsewhere” in this assessment's framework. "
                "Do not change the Identifier column.",
            }
        ],
    }
    assert state(assessment) == before
    missing = client.post(
        f"/api/v1/assessments/{assessment.pk}/workbook", headers=bearer(coordinator.user)
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "file"


# --- The command ---------------------------------------------------------------------------


def command(*args: str) -> tuple[str, str]:
    """Run `lde assessment-workbook …` and return what it printed. A failure raises
    CommandError, whose return code is what `lde` exits with."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("assessment-workbook", *args, stdout=out, stderr=err)
    except CommandError as error:
        error.add_note(err.getvalue())
        raise
    return out.getvalue(), err.getvalue()


def test_the_command_exports_and_imports(tmp_path, coordinator, assessment):
    path = tmp_path / "assessment.xlsx"
    email = coordinator.user.email
    out, _ = command("export", str(assessment.pk), str(path), "--as", email)
    assert out.startswith(f"Wrote {path} (")
    path.write_bytes(workbook_fill(path.read_bytes(), {"projects": {"rating": 3}}))
    out, _ = command("import", str(assessment.pk), str(path), "--as", email)
    assert out == "1 criterion changed in Self-assessment 2025: projects.\n"
    assert state(assessment)["projects"][0] == 3


def test_the_command_exits_non_zero_naming_each_bad_row_and_field(
    tmp_path, coordinator, assessment
):
    path = tmp_path / "assessment.xlsx"
    before = state(assessment)
    path.write_bytes(
        export_and_fill(
            coordinator.user, assessment, {"board": {"rating": 0}, "projects": {"target": "x"}}
        )
    )
    with pytest.raises(CommandError) as failed:
        command("import", str(assessment.pk), str(path), "--as", coordinator.user.email)
    assert failed.value.returncode == 1
    assert str(failed.value) == "2 problem(s): nothing was changed."
    lines = failed.value.__notes__[0].splitlines()
    assert [line.split(" is not a level")[0] for line in lines] == [
        f"{path}: Row 3, Rating: “0”",
        f"{path}: Row 4, Target: “x”",
    ]
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["[rating]", "[target]"]
    assert state(assessment) == before


def test_the_command_does_not_show_an_assessment_the_person_may_not_see(tmp_path, assessment):
    stranger = MembershipFactory(role=Role.COORDINATOR).user
    target = tmp_path / "x.xlsx"
    with pytest.raises(CommandError) as failed:
        command("export", str(assessment.pk), str(target), "--as", stranger.email)
    assert str(failed.value) == (
        f"There is no assessment {assessment.pk} that {stranger.email} may see."
    )
    assert not target.exists()


# --- Queries -------------------------------------------------------------------------------


def export_queries(user: Any, assessment: Assessment) -> int:
    with CaptureQueriesContext(connection) as captured:
        workbook_export(actor=user, assessment=assessment)
    return len(captured)


def test_the_export_makes_the_same_queries_whatever_the_size(coordinator):
    small = grown(coordinator, criteria=3, raters=1, evidence=1)
    large = grown(coordinator, criteria=30, raters=4, evidence=2)
    user = coordinator.user
    # The user's facts are loaded once, then kept on the user, as in a request.
    export_queries(user, small)
    assert export_queries(user, small) == export_queries(user, large)
    assert len(sheet_rows(workbook_export(actor=user, assessment=large))) == 30


def test_periods_appear_on_the_guide(coordinator, assessment):
    guide = opened(workbook_export(actor=coordinator.user, assessment=assessment))[GUIDE_SHEET]
    values = [row for row in guide.iter_rows(values_only=True) if row[0] == "Period"]
    assert values[0][1] == "1 April 2025 to 31 March 2026"


def test_a_commentary_over_its_limit_changes_nothing_and_names_its_row_and_column(
    coordinator, assessment
):
    # The criterion page's limit, named where the text was typed, rather than a failure
    # somewhere the user never touched.
    data = export_and_fill(
        coordinator.user, assessment, {"board": {"rating": 2, "commentary": "x" * 5_001}}
    )
    (problem,) = refused(coordinator.user, assessment, data)
    assert (problem.row, problem.field) == (ROW["board"], "commentary")
    assert problem.message == "Commentary must be 5,000 characters or fewer (it has 5,001)"
    assert str(problem).startswith(f"Row {ROW['board']}, Commentary: ")
