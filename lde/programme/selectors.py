"""Reads of a partnership's programme, each scoped by the records' policies and each a fixed
number of queries whatever the number of projects, streams or years."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum

from lde.accounts.models import Organisation, RequestUser
from lde.assessments.models import CriterionResponse
from lde.assessments.selectors import assessment_list
from lde.core.access.facts import AnyUser
from lde.narratives.sections import SectionKey
from lde.partnerships.models import PartnerOrganisation, Partnership
from lde.partnerships.selectors import partnership_get
from lde.programme.models import (
    CROSS_CUTTING,
    PLAN_YEARS,
    AlliancePot,
    Allocation,
    ExtremismForm,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
    Strand,
    Tier,
    TierLabel,
    financial_year_label,
)
from lde.programme.policies import (
    alliance_pot_policy,
    funding_stream_policy,
    project_funding_policy,
    project_policy,
)

ZERO = Decimal("0")
# The tier the report found almost no one working at (¶36): its empty cells are named first.
TARGETED = Tier.TARGETED


def programme_partnership(*, user: RequestUser, partnership_id: Any) -> Partnership:
    """The partnership, if the user may read its programme: 404 if they cannot see the
    partnership at all, 403 saying who can if they see it but not its programme."""
    partnership = partnership_get(user=user, partnership_id=partnership_id)
    project_policy.require_in(
        user, "view", partnership.pk, message="You cannot read this partnership's programme."
    )
    return partnership


def can_keep(user: AnyUser, partnership: Partnership) -> bool:
    return project_policy.user_can_in(user, "add", partnership.pk)


def tier_labels(*, partnership_id: int) -> dict[int, str]:
    """Each tier's name in this partnership: its own where it set one, else the report's."""
    labels = {int(t.value): str(t.label) for t in Tier}
    labels.update(
        TierLabel.objects.filter(partnership_id=partnership_id).values_list("tier", "label")
    )
    return labels


def strand_label(value: str) -> str:
    return str(Strand(value).label)


def forms_label(values: list[str]) -> str:
    known = dict(ExtremismForm.choices)
    return ", ".join(str(known.get(v, v)) for v in values)


# --- Projects ------------------------------------------------------------------------------------


def _project_queryset() -> QuerySet[Project]:
    return Project.objects.select_related(
        "delivered_by", "answers_gap__criterion", "answers_gap__assessment"
    ).annotate(funded_total=Sum("funding__amount"))


def project_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Project]:
    return (
        project_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("delivered_by")
        .annotate(funded_total=Sum("funding__amount"))
        .order_by("title")
    )


def project_get(*, user: AnyUser, project_id: Any) -> Project:
    return project_policy.get_or_404(
        user,
        project_id,
        _project_queryset().prefetch_related(
            "activities",
            Prefetch(
                "funding",
                queryset=ProjectFunding.objects.select_related("allocation__stream", "pot"),
            ),
        ),
    )


def can_edit_project(user: AnyUser, project: Project) -> bool:
    return project_policy.user_can(user, "edit", project)


@dataclass
class ProjectFacts:
    """What the project page says about a project, in words."""

    strand: str
    cross_cutting: bool
    tier: str
    forms: str
    narrative_priority: str
    gap: str
    funded: Decimal


def project_facts(*, project: Project) -> ProjectFacts:
    gap = ""
    if project.answers_gap is not None:
        response = project.answers_gap
        gap = f"{response.criterion.title} ({response.assessment.title})"
    return ProjectFacts(
        strand=strand_label(project.strand),
        cross_cutting=project.strand in CROSS_CUTTING,
        tier=tier_labels(partnership_id=project.partnership_id)[project.tier],
        forms=forms_label(project.forms_of_extremism),
        narrative_priority=(
            str(SectionKey(project.narrative_priority).label) if project.narrative_priority else ""
        ),
        gap=gap,
        funded=sum((f.amount for f in project.funding.all()), ZERO),
    )


def delivery_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    """Any organisation of the register may deliver: community, faith and voluntary groups are
    rarely partners of the partnership itself (¶54)."""
    return Organisation.objects.order_by("name")


def gap_choices(*, user: RequestUser, partnership: Partnership) -> QuerySet[CriterionResponse]:
    """Criteria of the partnership's assessments that the user may read: a project answers the
    gap one of them found."""
    assessments = assessment_list(user=user, partnership=partnership)
    return (
        CriterionResponse.objects.filter(assessment__in=assessments.values("pk"))
        .select_related("criterion", "assessment")
        .order_by("assessment__title", "criterion__position")
    )


def partner_ids(*, partnership: Partnership) -> set[int]:
    return set(
        PartnerOrganisation.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )


# --- The portfolio: strand × tier (¶15–16, ¶35–36) ----------------------------------------------


@dataclass
class Cell:
    strand: str
    tier: int
    count: int = 0
    funded: Decimal = ZERO


@dataclass
class PortfolioRow:
    strand: str
    label: str
    cross_cutting: bool
    cells: list[Cell]


@dataclass
class Portfolio:
    tiers: list[tuple[int, str]]
    rows: list[PortfolioRow]
    empty: list[str]  # the empty cells, in words
    empty_targeted: list[str]
    projects: int
    funded_projects: int
    unfunded_projects: int
    funded_total: Decimal


def portfolio(*, user: AnyUser, partnership: Partnership) -> Portfolio:
    """Coverage of the programme as strands by tiers, counts and funded amounts in each cell,
    and the empty cells named in words (¶36: almost no targeted Tier 3 work). Three queries."""
    labels = tier_labels(partnership_id=partnership.pk)
    projects = project_policy.visible_to(user, "view").filter(partnership=partnership)
    counts = {
        (row["strand"], row["tier"]): row["n"]
        for row in projects.values("strand", "tier").annotate(n=Count("pk")).order_by()
    }
    funding = project_funding_policy.visible_to(user, "view").filter(
        project__partnership=partnership
    )
    funded = {
        (row["project__strand"], row["project__tier"]): row["total"]
        for row in funding.values("project__strand", "project__tier")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    funded_projects = funding.values("project_id").distinct().count()
    rows = []
    empty: list[str] = []
    empty_targeted: list[str] = []
    for strand in Strand:
        cells = []
        for tier in Tier:
            cell = Cell(
                strand=strand.value,
                tier=int(tier.value),
                count=counts.get((strand.value, tier.value), 0),
                funded=funded.get((strand.value, tier.value)) or ZERO,
            )
            cells.append(cell)
            if not cell.count:
                words = f"No {labels[tier.value]} work under “{strand.label}”"
                (empty_targeted if tier == TARGETED else empty).append(words)
        rows.append(
            PortfolioRow(
                strand=strand.value,
                label=str(strand.label),
                cross_cutting=strand in CROSS_CUTTING,
                cells=cells,
            )
        )
    total_projects = sum(counts.values())
    return Portfolio(
        tiers=[(int(t.value), labels[t.value]) for t in Tier],
        rows=rows,
        empty=empty,
        empty_targeted=empty_targeted,
        projects=total_projects,
        funded_projects=funded_projects,
        unfunded_projects=total_projects - funded_projects,
        funded_total=sum(funded.values(), ZERO),
    )


# --- The budget: streams, allocations and the medium-term plan (¶57) ----------------------------


@dataclass
class YearLine:
    year: int
    label: str
    planned: Decimal = ZERO
    confirmed: bool = False
    committed: Decimal = ZERO

    @property
    def left(self) -> Decimal:
        return self.planned - self.committed


@dataclass
class StreamLine:
    stream: FundingStream
    years: list[YearLine]
    allocated: Decimal
    unallocated: Decimal
    committed: Decimal


@dataclass
class SpendProfile:
    years: list[YearLine]  # the partnership's budget, all streams, by year
    streams: list[StreamLine]
    plan_years: list[str]  # the three years of the medium-term plan
    plan_complete: bool  # every year of the plan has an allocation


def stream_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[FundingStream]:
    return (
        funding_stream_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("source")
        .order_by("name")
    )


def stream_get(*, user: AnyUser, stream_id: Any) -> FundingStream:
    return funding_stream_policy.get_or_404(
        user, stream_id, FundingStream.objects.select_related("source", "partnership")
    )


def plan_start(day: Any) -> int:
    """The financial year `day` falls in: April to March."""
    return int(day.year if day.month >= 4 else day.year - 1)


def spend_profile(*, user: AnyUser, partnership: Partnership, today: Any) -> SpendProfile:
    """Allocations (the plan) against what projects are committed to draw (the spend so far),
    by stream and by financial year. Three queries."""
    streams = list(stream_list(user=user, partnership=partnership))
    allocations = list(
        Allocation.objects.filter(stream__in=[s.pk for s in streams])
        .annotate(committed=Sum("drawn__amount"))
        .order_by("year")
    )
    first = plan_start(today)
    plan = list(range(first, first + PLAN_YEARS))
    years_seen = sorted({a.year for a in allocations} | set(plan))
    by_stream: dict[int, dict[int, YearLine]] = defaultdict(dict)
    totals = {y: YearLine(year=y, label=financial_year_label(y)) for y in years_seen}
    for a in allocations:
        committed = a.committed or ZERO
        by_stream[a.stream_id][a.year] = YearLine(
            year=a.year,
            label=a.year_label,
            planned=a.amount,
            confirmed=a.confirmed,
            committed=committed,
        )
        totals[a.year].planned += a.amount
        totals[a.year].committed += committed
    lines = []
    for stream in streams:
        years = [
            by_stream[stream.pk].get(y) or YearLine(year=y, label=financial_year_label(y))
            for y in years_seen
        ]
        allocated = sum((y.planned for y in years), ZERO)
        lines.append(
            StreamLine(
                stream=stream,
                years=years,
                allocated=allocated,
                unallocated=stream.amount - allocated,
                committed=sum((y.committed for y in years), ZERO),
            )
        )
    return SpendProfile(
        years=[totals[y] for y in years_seen],
        streams=lines,
        plan_years=[financial_year_label(y) for y in plan],
        plan_complete=all(totals[y].planned > 0 for y in plan),
    )


def allocation_choices(*, partnership: Partnership) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(stream__partnership=partnership)
        .select_related("stream")
        .order_by("stream__name", "year")
    )


# --- Alliance pots (¶55, ¶104; ADR 0015) --------------------------------------------------------


@dataclass
class PotLine:
    pot: AlliancePot
    contributions: list[PotContribution]
    contributed: Decimal
    drawn: Decimal
    by_partnership: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def left(self) -> Decimal:
        return self.contributed - self.drawn


def _pot_lines(pots: QuerySet[AlliancePot]) -> list[PotLine]:
    found = list(
        pots.select_related("alliance")
        .annotate(drawn_total=Sum("drawn__amount"))
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=PotContribution.objects.select_related("partnership").order_by(
                    "year", "partnership__name"
                ),
            )
        )
        .order_by("alliance__name", "name")
    )
    lines = []
    for pot in found:
        contributions = list(pot.contributions.all())
        per: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for c in contributions:
            per[c.partnership.name] += c.amount
        lines.append(
            PotLine(
                pot=pot,
                contributions=contributions,
                contributed=sum((c.amount for c in contributions), ZERO),
                drawn=pot.drawn_total or ZERO,
                by_partnership=sorted(per.items()),
            )
        )
    return lines


def pots_for(*, user: AnyUser, partnership: Partnership) -> list[PotLine]:
    """The pots of alliances `partnership` belongs to that the user may see, each with every
    member's contribution. Two queries."""
    return _pot_lines(
        alliance_pot_policy.visible_to(user, "view").filter(alliance__partnerships=partnership)
    )


def pot_line(*, pot: AlliancePot) -> PotLine:
    """One pot (already checked visible), with every member's contribution."""
    return _pot_lines(AlliancePot.objects.filter(pk=pot.pk))[0]


def pot_get(*, user: AnyUser, pot_id: Any) -> AlliancePot:
    return alliance_pot_policy.get_or_404(
        user,
        pot_id,
        AlliancePot.objects.select_related("alliance").prefetch_related("alliance__partnerships"),
    )


def pot_choices(*, user: AnyUser, partnership: Partnership) -> QuerySet[AlliancePot]:
    """Pots the user may allocate from to a project of `partnership`."""
    return (
        alliance_pot_policy.visible_to(user, "allocate")
        .filter(alliance__partnerships=partnership)
        .select_related("alliance")
        .order_by("name")
    )
