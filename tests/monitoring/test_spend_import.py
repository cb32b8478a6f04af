"""Filling a return's spend from a spend list (CSV or XLSX): all or nothing, every problem named by
row and column on the page, in the API's 422 and in the command's non-zero exit; a file that is
not a spreadsheet refused by its content; spend beyond a line's tolerance saved and then held at
submission exactly as the return's page holds it; who may not make the return refused first."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook

from lde.core.audit.models import AuditEvent
from lde.monitoring import services
from lde.monitoring.imports import spend_import
from lde.monitoring.models import Return, ReturnSpend, ReturnStatus
from lde.programme.imports import ImportRefused
from tests.conftest import sign_in
from tests.monitoring.test_views import _api

pytestmark = pytest.mark.django_db

GOOD = b"budget_line,amount\nAdministration,150.50\n"
# Row 3 is bad twice over (a heading the agreement lacks, a negative amount); row 4 is not money.
BAD = b"budget_line,amount\nAdministration,100\nCatering,-5\nStaff costs,abc\n"


def _due(mworld: dict[str, Any]) -> Return:
    return Return.objects.get(pk=mworld["monitoring_return_id"])


def _spend(row: Return) -> dict[str, Decimal]:
    return {s.line.heading: s.amount for s in ReturnSpend.objects.filter(return_made=row)}


def test_a_good_csv_fills_the_spend_through_the_return_service_and_is_audited(
    mworld: dict[str, Any],
) -> None:
    row = _due(mworld)
    result = spend_import(
        actor=mworld["commissioning_applicant"], return_made=row, data=GOOD, name="spend.csv"
    )
    assert (result.rows, result.total, result.beyond_tolerance) == (1, Decimal("150.50"), [])
    assert _spend(row) == {"Administration": Decimal("150.50")}
    event = AuditEvent.objects.filter(verb="RETURN_SPEND_IMPORTED").get()
    assert event.target_id == str(row.pk)
    assert '"detail":{"rows":1,"total":"150.50"}' in event.payload


def test_an_xlsx_workbook_is_read_as_well(mworld: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Budget line", "Amount"])
    sheet.append(["administration", 75])
    out = io.BytesIO()
    book.save(out)
    row = _due(mworld)
    spend_import(
        actor=mworld["people"]["coordinator"],
        return_made=row,
        data=out.getvalue(),
        name="spend.xlsx",
    )
    assert _spend(row) == {"Administration": Decimal("75.00")}


def test_one_bad_row_changes_nothing_and_every_problem_is_named_by_row_and_column(
    mworld: dict[str, Any],
) -> None:
    row = _due(mworld)
    with pytest.raises(ImportRefused) as refused:
        spend_import(
            actor=mworld["commissioning_applicant"], return_made=row, data=BAD, name="s.csv"
        )
    assert [str(p) for p in refused.value.problems] == [
        "Row 3, column budget_line: “Catering” is not one of the agreement's budget lines",
        "Row 3, column amount: The spend cannot be negative",
        "Row 4, column amount: Enter the spend as a number, like 2500 or 2500.50",
    ]
    assert not ReturnSpend.objects.filter(return_made=row).exists()
    assert not AuditEvent.objects.filter(verb="RETURN_SPEND_IMPORTED").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"line,amount\nStaff costs,1\n",
            "Row 1, column budget_line: The column “budget_line” is missing",
        ),
        (b"budget_line,amount\n", "The file: The file has no rows under its header"),
        (
            b"budget_line,amount\nAdministration,1\nADMINISTRATION,2\n",
            "Row 3, column budget_line: “ADMINISTRATION” is already given on row 2",
        ),
        (
            b"budget_line,amount\nAdministration,1.005\n",
            "Row 2, column amount: Give the spend in pounds and pence",
        ),
    ],
)
def test_header_empty_duplicate_and_pence_problems_are_named(
    mworld: dict[str, Any], data: bytes, expected: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        spend_import(
            actor=mworld["commissioning_applicant"],
            return_made=_due(mworld),
            data=data,
            name="s.csv",
        )
    assert expected in [str(p) for p in refused.value.problems]


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_content(
    mworld: dict[str, Any],
) -> None:
    # A PDF named .csv: judged by what it is, not by its name.
    with pytest.raises(ImportRefused) as refused:
        spend_import(
            actor=mworld["commissioning_applicant"],
            return_made=_due(mworld),
            data=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
            name="spend.csv",
        )
    (problem,) = refused.value.problems
    assert problem.row is None and problem.column == "file"
    assert not ReturnSpend.objects.filter(return_made=_due(mworld)).exists()


def test_spend_beyond_the_tolerance_is_saved_then_held_at_submission_as_on_the_page(
    mworld: dict[str, Any],
) -> None:
    """Staff costs: £8,000 line, £9,000 already spent in returns made; £400 more is beyond 10%."""
    row = _due(mworld)
    applicant = mworld["commissioning_applicant"]
    result = spend_import(
        actor=applicant,
        return_made=row,
        data=b"budget_line,amount\nStaff costs,400\n",
        name="s.csv",
    )
    assert result.beyond_tolerance == [
        "Staff costs £1,400.00 over a £8,000.00 line (17.5%, tolerance 10%)"
    ]
    with pytest.raises(ValidationError) as held:
        services.return_submit(actor=applicant, return_made=row)
    assert (
        "explain the variance before submitting"
        in held.value.message_dict["variance_explanation"][0]
    )
    assert Return.objects.get(pk=row.pk).status == ReturnStatus.DUE


def test_who_may_not_make_the_return_and_a_closed_agreement_are_refused_before_the_file(
    mworld: dict[str, Any],
) -> None:
    with pytest.raises(PermissionDenied):
        spend_import(
            actor=mworld["people"]["viewer"], return_made=_due(mworld), data=GOOD, name="s.csv"
        )
    closed = Return.objects.get(pk=mworld["monitoring_closed_return_id"])
    with pytest.raises(ValidationError) as refused:
        spend_import(
            actor=mworld["commissioning_applicant"], return_made=closed, data=GOOD, name="s.csv"
        )
    assert refused.value.message_dict == {
        "__all__": ["The agreement is closed: no return is taken on it"]
    }
    assert not ReturnSpend.objects.filter(return_made=closed).exists()


def test_the_page_lists_each_problem_by_row_and_column_and_saves_nothing(
    mworld: dict[str, Any], client: Client
) -> None:
    sign_in(client, mworld["commissioning_applicant"], verified=True)
    row = _due(mworld)
    url = f"/monitoring/returns/{row.pk}/spend/import/"
    page = client.get(url)
    assert page.status_code == 200 and "Staff costs (£8,000)" in page.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("s.csv", BAD, "text/csv")})
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text and 'href="#id_file"' in text
    assert "3 problems in the file" in text and "“Catering” is not one of" in text
    assert not ReturnSpend.objects.filter(return_made=row).exists()
    done = client.post(url, {"file": SimpleUploadedFile("s.csv", GOOD, "text/csv")}, follow=True)
    assert "Spend saved from 1 row." in done.content.decode()
    assert _spend(row) == {"Administration": Decimal("150.50")}


def test_the_api_answers_422_with_the_rows_and_201_when_saved(
    mworld: dict[str, Any], client: Client
) -> None:
    auth = _api(mworld["commissioning_applicant"])
    row = _due(mworld)
    url = f"/api/v1/monitoring/returns/{row.pk}/spend-import"
    refused = client.post(url, {"file": SimpleUploadedFile("s.csv", BAD)}, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "row": 3,
        "column": "budget_line",
        "message": "“Catering” is not one of the agreement's budget lines",
    }
    assert len(refused.json()["errors"]) == 3
    assert not ReturnSpend.objects.filter(return_made=row).exists()
    assert client.post(url, headers=auth).status_code == 422
    saved = client.post(url, {"file": SimpleUploadedFile("s.csv", GOOD)}, headers=auth)
    assert saved.status_code == 201
    assert saved.json() == {"id": row.pk, "rows": 1, "total": "150.50", "beyond_tolerance": []}
    closed = mworld["monitoring_closed_return_id"]
    answer = client.post(
        f"/api/v1/monitoring/returns/{closed}/spend-import",
        {"file": SimpleUploadedFile("s.csv", GOOD)},
        headers=auth,
    )
    assert answer.status_code == 409


def test_the_command_exits_non_zero_naming_the_row_and_field(
    mworld: dict[str, Any], tmp_path: Path
) -> None:
    row = _due(mworld)
    email = mworld["commissioning_applicant"].email
    bad = tmp_path / "spend.csv"
    bad.write_bytes(BAD)
    with pytest.raises(CommandError) as failed:
        call_command("monitoring", "import-spend", str(row.pk), str(bad), "--as", email)
    said = str(failed.value)
    assert "spend.csv has 3 problem(s); nothing was saved." in said
    assert "Row 3, column amount: The spend cannot be negative" in said
    assert not ReturnSpend.objects.filter(return_made=row).exists()
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("monitoring", "import-spend", str(row.pk), str(good), "--as", email, stdout=out)
    assert f"Saved the spend of 1 row(s), £150.50, on return {row.pk}" in out.getvalue()
    with pytest.raises(CommandError, match="may not make this return"):
        call_command(
            "monitoring",
            "import-spend",
            str(row.pk),
            str(good),
            "--as",
            mworld["people"]["viewer"].email,
        )


def test_an_awarded_bid_and_its_agreement_link_to_each_other_for_who_may_read_both(
    mworld: dict[str, Any], client: Client
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from lde.commissioning.models import Decision, Outcome

    decision = Decision.objects.filter(
        outcome=Outcome.AWARD, bid__call__partnership=mworld["partnership"]
    ).first()
    assert decision is not None
    today = timezone.localdate()
    made = services.agreement_from_decision(
        actor=mworld["people"]["coordinator"],
        decision=decision,
        starts_on=today,
        ends_on=today + timedelta(days=200),
    )
    sign_in(client, mworld["people"]["coordinator"], verified=True)
    bid_page = client.get(f"/commissioning/bids/{decision.bid_id}/").content.decode()
    assert f'href="/monitoring/agreements/{made.pk}/"' in bid_page
    agreement_page = client.get(f"/monitoring/agreements/{made.pk}/").content.decode()
    assert f'href="/commissioning/bids/{decision.bid_id}/"' in agreement_page
    # A community reviewer sees neither the bid's agreement nor (404) the agreement itself.
    sign_in(client, mworld["people"]["community_reviewer"], verified=True)
    assert client.get(f"/monitoring/agreements/{made.pk}/").status_code == 404
    seen = client.get(f"/commissioning/bids/{decision.bid_id}/")
    assert f"/monitoring/agreements/{made.pk}/" not in seen.content.decode()
