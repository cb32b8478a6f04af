"""Programme pages, API and command line: what a reader sees (the strand × tier table, the
empty Tier 3 cells in words, the plan and each member's contribution to the pot), the GOV.UK
error summary on bad input, the import's problems on the page, as a 422 and as a non-zero exit
naming row and column, and query counts that do not grow with the data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.accounts.services import api_token_create
from lde.programme import services
from lde.programme.models import Project, Strand, Tier
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

BAD_CSV = (
    "title,delivered_by,audiences,strand,tier,forms_of_extremism\n"
    "Fine,{org},Young people,challenging,1,all_forms\n"
    "Broken,{org},Young people,challenging,7,all_forms\n"
)


def _token(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


def test_the_portfolio_shows_the_matrix_and_names_empty_tier_3_cells(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["viewer"])
    text = client.get(
        reverse("programme:portfolio", args=[cast["partnership"].pk])
    ).content.decode()
    assert "Coverage by strand and tier" in text
    assert 'class="lde-table-scroll" role="region"' in text
    assert "No targeted work under 7 of 7 strands" in text
    assert (
        "No Tier 3: targeted support for people at risk of, or moving towards, extremism work"
        in text
    )
    assert "£12,000 funded" in text
    assert "Add a project" not in text  # a viewer is offered no writes
    partnership_page = client.get(
        reverse("partnerships:partnership-detail", args=[cast["partnership"].pk])
    ).content.decode()
    assert reverse("programme:portfolio", args=[cast["partnership"].pk]) in partnership_page


def test_the_budget_shows_the_plan_and_each_member_s_contribution(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["board_member"])
    text = client.get(reverse("programme:budget", args=[cast["partnership"].pk])).content.decode()
    assert "Spend profile against plan, by year" in text
    assert "2026–27" in text and "2028–29" in text
    assert "Pooled youth fund" in text
    assert f"{cast['partnership'].name}: £20,000" in text
    assert f"{cast['other'].name}: £10,000" in text
    # A viewer does not see the alliance's pot (ADR 0015).
    sign_in(client, cast["people"]["viewer"])
    text = client.get(reverse("programme:budget", args=[cast["partnership"].pk])).content.decode()
    assert "Pooled youth fund" not in text


def test_a_negative_amount_on_the_page_is_in_the_error_summary(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["coordinator"])
    url = reverse("programme:allocation-set", args=[cast["stream_id"]])
    for amount, message in [("-10", "Amount must be £0 or more"), ("ten", "must be a number")]:
        response = client.post(url, {"year": "2030", "amount": amount})
        text = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in text and message in text


def test_a_project_added_on_the_page(client: Client, cast: dict[str, Any]) -> None:
    sign_in(client, cast["people"]["coordinator"])
    url = reverse("programme:project-add", args=[cast["partnership"].pk])
    response = client.post(
        url,
        {
            "title": "Page project",
            "delivered_by": cast["council"].pk,
            "audiences": "Young people",
            "strand": "supporting",
            "tier": "3",
            "forms_of_extremism": ["all_forms"],
            "narrative_priority": "vulnerability",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Page project")
    assert (project.tier, project.narrative_priority) == (3, "vulnerability")
    text = client.get(reverse("programme:project-detail", args=[project.pk])).content.decode()
    assert "Step 2: understanding local vulnerability" in text


def test_the_import_page_lists_problems_and_saves_nothing(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["coordinator"])
    before = Project.objects.count()
    upload = SimpleUploadedFile(
        "p.csv", BAD_CSV.format(org=cast["council"].name).encode(), content_type="text/csv"
    )
    response = client.post(
        reverse("programme:import", args=[cast["partnership"].pk]), {"file": upload}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Row 3, column tier" in text
    assert Project.objects.count() == before


def test_the_api_answers_an_import_with_problems_422(client: Client, cast: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("p.csv", BAD_CSV.format(org=cast["council"].name).encode())
    response = client.post(
        f"/api/v1/programme/partnerships/{cast['partnership'].pk}/import",
        {"file": upload},
        HTTP_AUTHORIZATION=_token(cast["people"]["coordinator"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 3, "column": "tier", "message": "“7” is not a tier: enter 1, 2, 3 or 4"}
    ]
    assert not Project.objects.filter(title="Fine").exists()


def test_the_api_refuses_negative_and_non_numeric_amounts(
    client: Client, cast: dict[str, Any]
) -> None:
    auth = _token(cast["people"]["coordinator"])
    url = f"/api/v1/programme/streams/{cast['stream_id']}/allocations"
    for amount in (-5, "-5", "ten pounds"):
        response = client.post(
            url,
            {"year": 2030, "amount": amount},
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )
        assert response.status_code == 400, amount
        assert "amount" in response.content.decode()


def test_the_api_reads_the_portfolio(client: Client, cast: dict[str, Any]) -> None:
    response = client.get(
        f"/api/v1/programme/partnerships/{cast['partnership'].pk}/portfolio",
        HTTP_AUTHORIZATION=_token(cast["people"]["board_member"]),
    )
    assert response.status_code == 200
    assert response.json()["funded_total"] == "17000.00"
    assert len(response.json()["empty_targeted"]) == 7


def test_the_cli_import_exits_non_zero_naming_row_and_column(
    cast: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(BAD_CSV.format(org=cast["council"].name), encoding="utf-8")
    before = Project.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command(
            "programme",
            "import",
            str(cast["partnership"].pk),
            str(path),
            "--as",
            cast["people"]["coordinator"].email,
        )
    assert "Row 3, column tier" in str(refused.value)
    assert Project.objects.count() == before


def test_the_cli_export_holds_what_the_reader_may_read(cast: dict[str, Any], capsys: Any) -> None:
    call_command(
        "programme", "export", str(cast["partnership"].pk), "--as", cast["people"]["viewer"].email
    )
    out = capsys.readouterr().out
    assert "Schools challenge programme" in out
    assert "Pooled youth fund" not in out  # a viewer does not see the pot
    with pytest.raises(CommandError, match="partnership_id"):
        call_command("programme", "export", "abc", "--as", cast["people"]["viewer"].email)


def test_portfolio_and_budget_queries_do_not_grow(client: Client, cast: dict[str, Any]) -> None:
    sign_in(client, cast["people"]["coordinator"])
    urls = [
        reverse(f"programme:{name}", args=[cast["partnership"].pk])
        for name in ("portfolio", "budget", "project-list")
    ] + [
        reverse("programme:project-detail", args=[cast["project_id"]]),
        reverse("programme:pot-detail", args=[cast["pot_id"]]),
        reverse("programme:stream-edit", args=[cast["stream_id"]]),
    ]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    coordinator = cast["people"]["coordinator"]
    for n in range(12):
        project = services.project_add(
            actor=coordinator,
            partnership=cast["partnership"],
            title=f"More {n}",
            delivered_by=cast["council"],
            audiences="Groups",
            strand=list(Strand)[n % 7],
            tier=list(Tier)[n % 4],
            forms_of_extremism=["all_forms"],
            exit_plan="Plan",
        )
        services.funding_add(
            actor=coordinator,
            project=project,
            allocation=cast["allocations"][2],
            amount=Decimal("10"),
        )
    assert counts() == before


def test_a_stream_is_changed_on_its_page_and_never_below_what_is_allocated(
    client: Client, cast: dict[str, Any]
) -> None:
    stream = cast["stream"]
    sign_in(client, cast["people"]["coordinator"])
    url = reverse("programme:stream-edit", args=[stream.pk])
    page = client.get(url).content.decode()
    assert f'value="{stream.name}"' in page and f'value="{stream.amount}"' in page
    form = {
        "name": "Prevent grant, renamed",
        "source": str(stream.source_id),
        "kind": stream.kind,
        "amount": "1",
        "starts_on-day": str(stream.starts_on.day),
        "starts_on-month": str(stream.starts_on.month),
        "starts_on-year": str(stream.starts_on.year),
        "ends_on-day": str(stream.ends_on.day),
        "ends_on-month": str(stream.ends_on.month),
        "ends_on-year": str(stream.ends_on.year),
    }
    refused = client.post(url, form)
    assert "Amount must be at least the £" in refused.content.decode()
    stream.refresh_from_db()
    assert stream.name != "Prevent grant, renamed"
    saved = client.post(url, {**form, "amount": str(stream.amount + 100)})
    assert saved["Location"] == reverse("programme:budget", args=[cast["partnership"].pk])
    stream.refresh_from_db()
    assert stream.name == "Prevent grant, renamed" and not stream.ring_fenced
    budget = client.get(saved["Location"]).content.decode()
    assert f'href="{url}"' in budget
