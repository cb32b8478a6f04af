"""Monitoring's pages and API through the test client: every page renders, the status of a
return is said in words, bad input shows the GOV.UK error summary naming the field (pages) or a
400/409 (API), actions that cannot be undone are confirmed first, and each page's query count
does not grow with the data."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lde.monitoring.models import Agreement, Return, ReturnEvidence, ReturnStatus
from tests.conftest import sign_in
from tests.monitoring.builders import agreement

pytestmark = pytest.mark.django_db


def _as(client: Client, user: Any) -> Client:
    return sign_in(client, user, verified=True)


def _api(user: Any) -> dict[str, str]:
    """The API's bearer-token header for `user`."""
    from lde.accounts.models import ApiToken

    raw, digest = ApiToken.generate()
    ApiToken.objects.create(user=user, name="t", digest=digest, hint=raw[:8])
    return {"Authorization": f"Bearer {raw}"}


def test_the_coordinator_reads_every_page(mworld: dict[str, Any], client: Client) -> None:
    _as(client, mworld["people"]["coordinator"])
    p = mworld["partnership"].pk
    active = mworld["monitoring_agreement_id"]
    pages = [
        f"/monitoring/{p}/",
        f"/monitoring/{p}/rules/",
        f"/monitoring/{p}/agreements/new/",
        f"/monitoring/agreements/{active}/",
        f"/monitoring/agreements/{mworld['states']['agreement']['draft']['agreement_id']}/lines/new/",
        f"/monitoring/returns/{mworld['monitoring_return_id']}/",
        f"/monitoring/returns/{mworld['monitoring_return_id']}/edit/",
        f"/monitoring/returns/{mworld['monitoring_submitted_id']}/accept/",
        f"/monitoring/returns/{mworld['monitoring_submitted_id']}/send-back/",
        f"/monitoring/{p}/value-for-money/",
        "/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    submitted = client.get(f"/monitoring/returns/{mworld['monitoring_submitted_id']}/").content
    assert "Overspent: Staff costs £1,000.00 over a £8,000.00 line (12.5%, tolerance 10%)" in (
        submitted.decode()
    )
    home = client.get("/").content.decode()
    assert "Late returns, past their due date and not submitted" in home
    pdf = client.get(f"/monitoring/{p}/value-for-money.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/monitoring/{p}/value-for-money.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_bad_spend_on_the_page_is_named_in_the_error_summary(
    mworld: dict[str, Any], client: Client
) -> None:
    _as(client, mworld["commissioning_applicant"])
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    line = row.agreement.lines.get(kind="staff").pk
    response = client.post(f"/monitoring/returns/{row.pk}/edit/", {f"spend_{line}": "-40"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "The spend cannot be negative" in page
    assert f'href="#id_spend_{line}"' in page
    assert not row.spend.exists()


def test_submitting_is_confirmed_first_then_refused_over_the_tolerance_by_name(
    mworld: dict[str, Any], client: Client
) -> None:
    _as(client, mworld["commissioning_applicant"])
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    line = row.agreement.lines.get(kind="staff").pk
    assert (
        client.post(f"/monitoring/returns/{row.pk}/edit/", {f"spend_{line}": "500"}).status_code
        == 302
    )
    # A POST without the confirmation's own field only shows the confirmation.
    assert client.post(f"/monitoring/returns/{row.pk}/submit/").status_code == 200
    assert Return.objects.get(pk=row.pk).status == ReturnStatus.DUE
    response = client.post(
        f"/monitoring/returns/{row.pk}/submit/", {"confirmed": "yes"}, follow=True
    )
    assert "explain the variance before submitting" in response.content.decode()
    assert Return.objects.get(pk=row.pk).status == ReturnStatus.DUE


def test_the_api_refuses_bad_amounts_and_closed_agreements(
    mworld: dict[str, Any], client: Client
) -> None:
    auth = _api(mworld["commissioning_applicant"])
    row = Return.objects.get(pk=mworld["monitoring_return_id"])
    line = row.agreement.lines.get(kind="staff").pk
    api = f"/api/v1/monitoring/returns/{row.pk}"
    for value, message in (
        ("-1", "The spend cannot be negative"),
        ("abc", "Enter the spend as a number, like 2500 or 2500.50"),
    ):
        answer = client.post(
            api, {"spend": {str(line): value}}, content_type="application/json", headers=auth
        )
        assert answer.status_code == 400
        assert answer.json()["errors"] == {f"spend_{line}": [message]}
    closed = mworld["monitoring_closed_return_id"]
    answer = client.post(
        f"/api/v1/monitoring/returns/{closed}",
        {"narrative": "x"},
        content_type="application/json",
        headers=auth,
    )
    assert answer.status_code == 409
    assert answer.json()["errors"] == {
        "__all__": ["The agreement is closed: no return is taken on it"]
    }
    ok = client.post(
        api,
        {"spend": {str(line): "100"}, "narrative": "Going well."},
        content_type="application/json",
        headers=auth,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "due"
    listed = client.get(
        f"/api/v1/monitoring/agreements/{row.agreement_id}/returns", headers=auth
    ).json()
    assert {r["id"] for r in listed} == set(row.agreement.returns.values_list("pk", flat=True))
    assert all(r["flags"] and r["flags"][0]["words"] for r in listed)


def test_an_applicant_sees_only_its_own_organisations_agreements(
    mworld: dict[str, Any], client: Client
) -> None:
    _as(client, mworld["other_applicant"])
    active = mworld["monitoring_agreement_id"]
    assert client.get(f"/monitoring/agreements/{active}/").status_code == 404
    assert client.get(f"/monitoring/returns/{mworld['monitoring_return_id']}/").status_code == 404
    headers = _api(mworld["other_applicant"])
    assert client.get(f"/api/v1/monitoring/agreements/{active}", headers=headers).status_code == 404
    _as(client, mworld["commissioning_applicant"])
    page = client.get(f"/monitoring/agreements/{active}/")
    assert page.status_code == 200
    draft = mworld["states"]["agreement"]["draft"]["agreement_id"]
    assert client.get(f"/monitoring/agreements/{draft}/").status_code == 404
    home = client.get("/").content.decode()
    assert "Returns your organisation owes" in home


def test_evidence_is_checked_by_its_content_and_downloaded_through_the_policy(
    mworld: dict[str, Any], client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_FILES_ROOT = tmp_path
    _as(client, mworld["commissioning_applicant"])
    row = mworld["monitoring_return_id"]
    fake = SimpleUploadedFile("register.pdf", b"<html><body>not a pdf</body></html>")
    refused = client.post(
        f"/monitoring/returns/{row}/evidence/new/", {"title": "Register", "file": fake}
    )
    assert refused.status_code == 400 and "HTML" in refused.content.decode()
    good = SimpleUploadedFile("counts.csv", b"session,count\n1,12\n2,15\n")
    assert (
        client.post(
            f"/monitoring/returns/{row}/evidence/new/", {"title": "Counts", "file": good}
        ).status_code
        == 302
    )
    evidence = ReturnEvidence.objects.get(return_made_id=row)
    assert evidence.content_type == "text/csv"
    download = client.get(f"/monitoring/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download.getvalue() == b"session,count\n1,12\n2,15\n"
    _as(client, mworld["other_applicant"])
    assert client.get(f"/monitoring/evidence/{evidence.pk}/").status_code == 404


def test_the_command_exports_returns_and_lists_the_overdue(
    mworld: dict[str, Any], tmp_path: Any
) -> None:
    out = io.StringIO()
    call_command("monitoring", "overdue", stdout=out)
    assert "Late: due" in out.getvalue() and "overdue return" in out.getvalue()
    target = tmp_path / "returns.csv"
    call_command("monitoring", "export-returns", str(target), stdout=io.StringIO())
    rows = list(csv.DictReader(target.open()))
    submitted = [r for r in rows if r["status"] == "submitted" and r["line"] == "Staff costs"]
    assert submitted and "Overspent: Staff costs £1,000.00" in submitted[0]["flags"]


def test_value_for_money_counts_cost_per_participant_and_the_administration_share(
    mworld: dict[str, Any], client: Client
) -> None:
    _as(client, mworld["people"]["coordinator"])
    page = client.get(f"/monitoring/{mworld['partnership'].pk}/value-for-money/").content.decode()
    # Spent in returns made: £1,200 + £8,000 (the sent-back one spent nothing); 20 participants.
    assert "£9,200 spent" in page
    assert "£460" in page and "£460.00" not in page  # 9,200 / 20, in whole pounds
    assert "20.0%" in page  # administration: £2,000 of each £10,000


def test_page_query_counts_do_not_grow_with_the_data(
    mworld: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    coordinator = mworld["people"]["coordinator"]
    _as(client, coordinator)
    p = mworld["partnership"].pk
    pages = [f"/monitoring/{p}/", f"/monitoring/{p}/value-for-money/"]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(100) as before:
            client.get(page)
        counts[page] = len(before.captured_queries)
    for n in range(4):
        made = agreement(
            coordinator,
            mworld["partnership"],
            mworld["organisation"],
            f"More {n}",
            starts_on=date.today() - timedelta(days=200),
        )
        from lde.monitoring import services

        services.agreement_activate(actor=coordinator, agreement=made)
    assert Agreement.objects.count() >= 7
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            client.get(page)
