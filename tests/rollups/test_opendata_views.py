"""Open data's pages, downloads, API and CLI (issue 17): anyone reads and downloads released
data sets; the analyst who proposed national figures is refused their approval, saying who may;
bad input is named field by field; the open list's queries do not grow with the data sets."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lde.accounts.models import User
from lde.accounts.services import api_token_create
from lde.rollups import opendata_services
from lde.rollups.models import OpenDataRelease, OpenDataStatus
from tests.conftest import sign_in
from tests.rollups.opendata_builders import (
    Partnered,
    analyst,
    in_state,
    national_draft,
    partnered,
    partnership_draft,
)

pytestmark = pytest.mark.django_db


def _released(p: Partnered, title: str = "Channel panel cases by quarter") -> OpenDataRelease:
    return in_state(
        OpenDataStatus.RELEASED,
        proposer=p.coordinator,
        approver=p.coordinator,
        make=lambda: partnership_draft(p, title=title),
    )


def _token(user: User) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_anyone_lists_reads_and_downloads_a_released_data_set() -> None:
    p = partnered()
    release = _released(p)
    client = Client()
    listing = client.get("/open-data/")
    assert listing.status_code == 200
    assert "Channel panel cases by quarter" in listing.content.decode()
    assert "Open Government Licence v3.0" in listing.content.decode()
    page = client.get(f"/open-data/{release.pk}/").content.decode()
    assert "By a coordinator of the partnership" in page
    assert p.coordinator.email not in page and p.coordinator.full_name not in page
    answer = client.get(f"/open-data/{release.pk}.csv")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows == [
        ["period", "period_code", "value", "numerator", "denominator"],
        ["Q1 2025 (January to March)", "2025-Q1", "12.0", "", ""],
        ["Q2 2025 (April to June)", "2025-Q2", "", "", ""],
        ["Q3 2025 (July to September)", "2025-Q3", "25.0", "", ""],
        ["Q4 2025 (October to December)", "2025-Q4", "", "", ""],
    ]
    document = json.loads(client.get(f"/open-data/{release.pk}.json").content)
    assert document["licence"] == {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    }
    assert document["approval"]["approved_by"] == "A coordinator of the partnership"
    assert p.coordinator.email not in json.dumps(document)
    assert document["sha256"] == release.figures_sha256
    metadata = json.loads(client.get(f"/open-data/{release.pk}-metadata.json").content)
    assert "rows" not in metadata and metadata["columns"][0] == "period"


def test_nothing_before_release_is_downloadable_even_by_its_coordinator() -> None:
    p = partnered()
    approved = in_state(
        OpenDataStatus.APPROVED,
        proposer=p.coordinator,
        approver=p.coordinator,
        make=lambda: partnership_draft(p),
    )
    client = sign_in(Client(), p.coordinator)
    for suffix in (".csv", ".json", "-metadata.json"):
        assert client.get(f"/open-data/{approved.pk}{suffix}").status_code == 404
    assert Client().get(f"/open-data/{approved.pk}/").status_code == 404
    assert client.get(f"/open-data/{approved.pk}/").status_code == 200


def test_the_proposer_cannot_approve_national_figures_and_a_second_analyst_can() -> None:
    first, second = analyst(), analyst()
    release = national_draft(first)
    opendata_services.open_data_release_propose(actor=first, release=release)
    proposer = sign_in(Client(), first)
    page = proposer.get(f"/open-data/{release.pk}/").content.decode()
    assert "You proposed these national figures, so you cannot approve them" in page
    assert f"/open-data/{release.pk}/approve/" not in page
    refused = proposer.post(f"/open-data/{release.pk}/approve/", {"confirmed": "yes"})
    assert refused.status_code == 403
    assert "approved by a second national analyst" in refused.content.decode()
    release.refresh_from_db()
    assert release.status == OpenDataStatus.PROPOSED
    other = sign_in(Client(), second)
    confirm = other.get(f"/open-data/{release.pk}/approve/")
    assert confirm.status_code == 200 and "Approve these figures" in confirm.content.decode()
    done = other.post(f"/open-data/{release.pk}/approve/", {"confirmed": "yes"})
    assert done.status_code == 302
    release.refresh_from_db()
    assert (release.status, release.approved_by) == (OpenDataStatus.APPROVED, second)


def test_a_post_without_the_confirmation_changes_nothing() -> None:
    first, second = analyst(), analyst()
    release = national_draft(first)
    opendata_services.open_data_release_propose(actor=first, release=release)
    answer = sign_in(Client(), second).post(f"/open-data/{release.pk}/approve/")
    assert answer.status_code == 200
    release.refresh_from_db()
    assert release.status == OpenDataStatus.PROPOSED


def test_the_draft_form_shows_each_problem_in_the_error_summary() -> None:
    p = partnered()
    client = sign_in(Client(), p.coordinator)
    answer = client.post(
        f"/open-data/prepare/{p.partnership.pk}/",
        {
            "title": "",
            "description": "Call 07700 900123 for the figures",
            "publisher": "Harrowfield",
            "figures_kind": "indicator_observations",
            "indicator": "",
        },
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter a title" in body
    made = client.post(
        f"/open-data/prepare/{p.partnership.pk}/",
        {
            "title": "Cases",
            "description": "Call 07700 900123 for the figures",
            "publisher": "Harrowfield",
            "figures_kind": "indicator_observations",
            "indicator": str(p.indicator.pk),
        },
    )
    assert made.status_code == 400
    assert "Description must not hold a person&#x27;s details" in made.content.decode()
    assert OpenDataRelease.objects.count() == 0
    good = client.post(
        f"/open-data/prepare/{p.partnership.pk}/",
        {
            "title": "Cases",
            "description": "",
            "publisher": "Harrowfield",
            "figures_kind": "indicator_observations",
            "indicator": str(p.indicator.pk),
            "embargo_until-day": "1",
            "embargo_until-month": "1",
            "embargo_until-year": "2099",
        },
    )
    assert good.status_code == 302
    release = OpenDataRelease.objects.get()
    assert release.parameters == {"indicator_id": p.indicator.pk}
    assert release.embargo_until is not None and release.embargo_until.year == 2099


def test_the_open_list_makes_the_same_queries_for_one_data_set_or_ten(
    django_assert_max_num_queries: Any,
) -> None:
    p = partnered()
    _released(p, "First")
    client = Client()
    with django_assert_max_num_queries(1):
        assert client.get("/open-data/").status_code == 200
    for i in range(9):
        _released(p, f"More {i}")
    with django_assert_max_num_queries(1):
        body = client.get("/open-data/").content.decode()
    assert body.count("/open-data/") >= 10


def test_the_api_lists_for_anyone_and_refuses_the_proposers_approval() -> None:
    p = partnered()
    release = _released(p)
    listing = Client().get("/api/v1/open-data")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["items"]] == [release.pk]
    one = Client().get(f"/api/v1/open-data/{release.pk}").json()
    assert one["metadata"]["licence"]["name"] == "Open Government Licence v3.0"
    assert [r["value"] for r in one["rows"]] == [12.0, None, 25.0, None]

    first, second = analyst(), analyst()
    made = Client().post(
        "/api/v1/open-data",
        {
            "title": "Coverage",
            "publisher": "National analysts",
            "figures_kind": "national_briefing_coverage",
        },
        content_type="application/json",
        headers=_token(first),
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert (
        Client().post(f"/api/v1/open-data/{pk}/propose", headers=_token(first)).status_code == 200
    )
    refused = Client().post(f"/api/v1/open-data/{pk}/approve", headers=_token(first))
    assert refused.status_code == 403
    approved = Client().post(f"/api/v1/open-data/{pk}/approve", headers=_token(second))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_the_api_names_bad_fields() -> None:
    first = analyst()
    answer = Client().post(
        "/api/v1/open-data",
        {
            "title": "Coverage",
            "publisher": "",
            "figures_kind": "indicator_observations",
            "parameters": {"indicator_id": 1},
        },
        content_type="application/json",
        headers=_token(first),
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"publisher", "figures_kind"}


def test_the_cli_exports_csv_with_its_metadata_and_json(tmp_path: Path) -> None:
    p = partnered()
    release = _released(p)
    out = io.StringIO()
    call_command(
        "rollups", "open-data-export", str(release.pk), "--out", str(tmp_path / "a.csv"), stdout=out
    )
    assert (tmp_path / "a.csv").read_text().startswith("period,period_code,value")
    assert json.loads((tmp_path / "a-metadata.json").read_text())["id"] == release.pk
    call_command(
        "rollups",
        "open-data-export",
        str(release.pk),
        "--out",
        str(tmp_path / "a.json"),
        stdout=out,
    )
    assert json.loads((tmp_path / "a.json").read_text())["rows"][0]["value"] == 12.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x", "--out", "a.csv"], "release_id: 'x' is not a data set's number"),
        (["{pk}", "--out", "a.txt"], "--out: a.txt must end in .csv or .json"),
        (
            ["{draft}", "--out", "a.csv"],
            "release_id: open data set {draft} does not exist or is not released",
        ),
    ],
)
def test_the_cli_exits_non_zero_naming_the_argument(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    p = partnered()
    release = _released(p)
    draft = partnership_draft(p, title="Draft")
    values = {"pk": release.pk, "draft": draft.pk}
    filled = [a.format(**values) for a in arguments]
    filled[2] = str(tmp_path / filled[2])
    with pytest.raises(CommandError) as refused:
        call_command("rollups", "open-data-export", *filled)
    assert str(refused.value) == message.format(**values)
