"""Programme services and the import: exact values, the audit event of each write, and the bad
input the issue names (negative and non-numeric amounts, a funded project without an exit plan,
a CSV with one bad row that changes nothing and names its row and column)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from lde.core.audit.models import AuditEvent
from lde.programme import selectors, services
from lde.programme.imports import ImportRefused, programme_import
from lde.programme.models import Allocation, Project, ProjectFunding, Strand, Tier

pytestmark = pytest.mark.django_db


def _coordinator(cast: dict[str, Any]) -> Any:
    return cast["people"]["coordinator"]


@pytest.mark.parametrize("amount", ["-5", "-0.01", Decimal("-1"), -3])
def test_a_negative_amount_is_refused_with_a_field_error(cast: dict[str, Any], amount: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.allocation_set(
            actor=_coordinator(cast), stream=cast["stream"], year=2030, amount=amount
        )
    assert refused.value.message_dict == {"amount": ["Amount must be £0 or more"]}


@pytest.mark.parametrize("amount", ["ten pounds", "12,5x", "NaN", "Infinity", "", "1.234"])
def test_a_non_numeric_amount_is_refused_with_a_field_error(
    cast: dict[str, Any], amount: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.stream_add(
            actor=_coordinator(cast),
            partnership=cast["partnership"],
            name="Bad",
            source=cast["home_office"],
            kind="police",
            amount=amount,
            starts_on=cast["stream"].starts_on,
            ends_on=cast["stream"].ends_on,
        )
    assert list(refused.value.message_dict) == ["amount"]
    assert not cast["partnership"].funding_streams.filter(name="Bad").exists()


def test_allocations_cannot_exceed_the_stream(cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.allocation_set(
            actor=_coordinator(cast), stream=cast["stream"], year=2030, amount="1"
        )
    assert refused.value.message_dict["amount"] == [
        "Amount is more than the stream has left: £0.00 of £90,000.00 is not yet allocated"
    ]


def test_allocation_is_audited_with_its_year_and_amount(cast: dict[str, Any]) -> None:
    allocation = services.allocation_set(
        actor=_coordinator(cast), stream=cast["stream"], year=2026, amount="25000.50"
    )
    assert allocation.amount == Decimal("25000.50")
    assert allocation.year_label == "2026–27"
    event = AuditEvent.objects.filter(verb="ALLOCATION_SET").latest("pk")
    assert event.partnership_id == cast["partnership"].pk


def test_a_funded_project_needs_its_exit_plan(cast: dict[str, Any]) -> None:
    unfunded = cast["unfunded"]
    with pytest.raises(ValidationError) as refused:
        services.funding_add(
            actor=_coordinator(cast),
            project=unfunded,
            allocation=cast["allocations"][0],
            amount="100",
        )
    assert list(refused.value.message_dict) == ["exit_plan"]
    # And a funded project's exit plan cannot be taken away.
    with pytest.raises(ValidationError) as cleared:
        services.project_edit(actor=_coordinator(cast), project=cast["funded"], exit_plan="")
    assert list(cleared.value.message_dict) == ["exit_plan"]


def test_funding_cannot_draw_more_than_the_allocation_or_the_pot(cast: dict[str, Any]) -> None:
    funded = cast["funded"]
    with pytest.raises(ValidationError) as refused:
        services.funding_add(
            actor=_coordinator(cast),
            project=funded,
            allocation=cast["allocations"][0],
            amount="18000.01",
        )
    assert "£18,000.00 of £30,000.00" in refused.value.message_dict["amount"][0]
    with pytest.raises(ValidationError):
        services.funding_add(
            actor=_coordinator(cast),
            project=cast["pooled"],
            pot=cast["pot"],
            year=2026,
            amount="25000.01",
        )


def test_project_add_is_audited_and_refuses_a_person_s_details(cast: dict[str, Any]) -> None:
    fields = {
        "title": "Grievances forum",
        "delivered_by": cast["council"],
        "audiences": "Residents' groups",
        "strand": Strand.GRIEVANCES,
        "tier": Tier.TARGETED,
        "forms_of_extremism": ["all_forms"],
    }
    with pytest.raises(ValidationError) as refused:
        services.project_add(
            actor=_coordinator(cast),
            partnership=cast["partnership"],
            **{**fields, "summary": "Ring Jo on 07700 900123"},
        )
    assert list(refused.value.message_dict) == ["summary"]
    project = services.project_add(
        actor=_coordinator(cast), partnership=cast["partnership"], **fields
    )
    assert AuditEvent.objects.filter(verb="PROJECT_ADDED", target_id=str(project.pk)).exists()


def test_a_contributor_edits_only_what_their_organisation_delivers(cast: dict[str, Any]) -> None:
    contributor = cast["people"]["contributor"]
    services.project_edit(actor=contributor, project=cast["funded"], audiences="Year 9 pupils")
    assert Project.objects.get(pk=cast["funded"].pk).audiences == "Year 9 pupils"
    with pytest.raises(PermissionDenied):
        services.project_edit(actor=contributor, project=cast["unfunded"], audiences="Others")
    with pytest.raises(PermissionDenied):
        services.funding_add(
            actor=contributor,
            project=cast["funded"],
            allocation=cast["allocations"][1],
            amount="1",
        )


def test_a_contribution_is_recorded_by_its_own_partnership_s_coordinators(
    cast: dict[str, Any],
) -> None:
    with pytest.raises(PermissionDenied):
        services.contribution_set(
            actor=cast["outsider"],
            pot=cast["pot"],
            partnership=cast["partnership"],
            year=2027,
            amount="1",
        )
    with pytest.raises(PermissionDenied):
        services.contribution_set(
            actor=cast["people"]["board_member"],
            pot=cast["pot"],
            partnership=cast["partnership"],
            year=2027,
            amount="1",
        )


def test_the_portfolio_names_the_empty_cells(cast: dict[str, Any]) -> None:
    found = selectors.portfolio(user=cast["people"]["viewer"], partnership=cast["partnership"])
    assert found.projects == 3
    assert found.funded_projects == 2 and found.unfunded_projects == 1
    assert found.funded_total == Decimal("17000")
    assert len(found.empty_targeted) == 7  # no targeted Tier 3 work anywhere
    assert found.empty_targeted[0] == (
        "No Tier 3: targeted support for people at risk of, or moving towards, extremism work "
        "under “Challenging the violent extremist ideology and supporting mainstream voices”"
    )
    cell = found.rows[0].cells[0]
    assert (cell.count, cell.funded) == (1, Decimal("12000"))


def test_tier_labels_are_the_partnership_s_own(cast: dict[str, Any]) -> None:
    services.tier_label_set(
        actor=_coordinator(cast), partnership=cast["partnership"], tier=3, label="Targeted"
    )
    found = selectors.portfolio(user=cast["people"]["viewer"], partnership=cast["partnership"])
    assert found.tiers[2] == (3, "Targeted")
    assert found.empty_targeted[0].startswith("No Targeted work under")
    services.tier_label_set(
        actor=_coordinator(cast), partnership=cast["partnership"], tier=3, label=""
    )
    assert selectors.tier_labels(partnership_id=cast["partnership"].pk)[3].startswith("Tier 3")


HEADER = (
    "title,delivered_by,audiences,strand,tier,forms_of_extremism,exit_plan,stream,year,amount\n"
)


def _csv(cast: dict[str, Any], *rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def test_a_csv_with_one_bad_row_changes_nothing_and_names_row_and_column(
    cast: dict[str, Any],
) -> None:
    council = cast["council"].name
    data = _csv(
        cast,
        f"Good one,{council},Young people,challenging,1,all_forms,,,,",
        f"Funded one,{council},Parents,resilience,2,all_forms,Mainstreamed,"
        "Prevent fund 2026–29,2027,1000",
        f"Bad one,{council},Parents,resilience,Tier 9,all_forms,,,,",
    )
    before = (Project.objects.count(), ProjectFunding.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRefused) as refused:
        programme_import(
            actor=_coordinator(cast), partnership=cast["partnership"], data=data, name="p.csv"
        )
    assert [str(p) for p in refused.value.problems] == [
        "Row 4, column tier: “Tier 9” is not a tier: enter 1, 2, 3 or 4"
    ]
    after = (Project.objects.count(), ProjectFunding.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_an_import_names_every_problem(cast: dict[str, Any]) -> None:
    data = _csv(
        cast,
        "X,Nobody Ltd,Young people,sideways,1,all_forms,,,,",
        f"Y,{cast['council'].name},Young people,challenging,1,all_forms,Plan,Prevent fund 2026–29,"
        "2027,-40",
        f"Z,{cast['council'].name},Young people,challenging,1,all_forms,Plan,Prevent fund 2026–29,"
        "2027,lots",
    )
    with pytest.raises(ImportRefused) as refused:
        programme_import(
            actor=_coordinator(cast), partnership=cast["partnership"], data=data, name="p.csv"
        )
    assert {(p.row, p.column) for p in refused.value.problems} == {
        (2, "delivered_by"),
        (2, "strand"),
        (3, "amount"),
        (4, "amount"),
    }


def test_a_good_csv_imports_projects_with_funding(cast: dict[str, Any]) -> None:
    data = _csv(
        cast,
        f"Imported,{cast['council'].name},Young people,Strategic communications,Tier 4,"
        "extreme_right_wing;al_qaida_influenced,Mainstreamed,prevent fund 2026–29,2027,1500.50",
    )
    result = programme_import(
        actor=_coordinator(cast), partnership=cast["partnership"], data=data, name="p.csv"
    )
    assert (result.kind, result.projects, result.funded) == ("projects", 1, 1)
    project = Project.objects.get(title="Imported")
    assert (project.strand, project.tier) == ("communications", 4)
    assert project.funding.get().amount == Decimal("1500.50")
    assert AuditEvent.objects.filter(verb="PROGRAMME_IMPORTED").exists()


def test_an_xlsx_of_allocations_imports(cast: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["stream", "year", "amount", "confirmed"])
    sheet.append(["Prevent fund 2026–29", 2027, 25000, "yes"])
    out = io.BytesIO()
    book.save(out)
    result = programme_import(
        actor=_coordinator(cast),
        partnership=cast["partnership"],
        data=out.getvalue(),
        name="a.xlsx",
    )
    assert result.allocations == 1
    allocation = Allocation.objects.get(stream=cast["stream"], year=2027)
    assert (allocation.amount, allocation.confirmed) == (Decimal("25000"), True)


def test_an_import_refuses_what_is_not_a_csv_or_workbook(cast: dict[str, Any]) -> None:
    with pytest.raises(ImportRefused) as refused:
        programme_import(
            actor=_coordinator(cast),
            partnership=cast["partnership"],
            data=b"%PDF-1.4\n...",
            name="p.csv",
        )
    assert refused.value.problems[0].column == "file"


def test_only_coordinators_import(cast: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        programme_import(
            actor=cast["people"]["board_member"],
            partnership=cast["partnership"],
            data=_csv(cast),
            name="p.csv",
        )
