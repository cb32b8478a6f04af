"""Regional and national distributions of Prevent programme money across partnerships (issue
17, "Roll-ups … and money where those apps exist"): how much each partnership has allocated to
its budget for one financial year, spread by box plot and histogram, never as a league table and
never naming a partnership. Who may see it is settled in ADR 0027.

**What is counted.** For one financial year (April to March, by the year it starts in), each
partnership counts once: the sum of its allocations for that year (`programme.Allocation`) —
confirmed only, or confirmed and planned — over its funding streams, optionally of one kind of
stream (`StreamKind`) and ring-fenced or not. A partnership that recorded no allocation that
matches is not counted at all: no record is not the same as no money, so it is never a zero.
A partnership that recorded an allocation of £0 is counted at £0.

**What is not counted.** Alliance pots (¶55, ¶104): a pot belongs to no one partnership
(ADR 0015), and what a member puts into it may be money already allocated in its own budget, so
adding contributions could count the same pound twice.

**What may be shown.** Exactly what the distributions of scores show, through the same code
(`lde.rollups.distributions.suppressed_groups` and so `lde.core.suppression`): a region with
fewer than 5 partnerships counted is withheld whole, a count under 10 is "fewer than 10",
England is withheld where, less the regions shown, it would give a withheld region away; and
every sum shown is rounded to the nearest £1,000 (`MONEY.round_to`), so that a median or
quartile that falls on one partnership's allocation does not give it to the pound.

**Speed.** One query for the sums (grouped by partnership in the database), kept for
`LDE_NATIONAL_FIGURES_SECONDS` as the scores are (ADR 0025), and, for a coordinator or board
member, two more for their own partnerships and their names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum

from lde.core.access.facts import AnyUser, facts_for, today
from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS
from lde.partnerships.models import Region
from lde.programme.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Allocation,
    StreamKind,
    financial_year_label,
)
from lde.rollups.distributions import Group, Mark, Scale, cycle_of, grouped, kept
from lde.rollups.distributions_policies import money_distribution_policy

# Bands of £50,000, the last open: a partnership's Prevent allocation for a year runs from a few
# thousand pounds to a few hundred thousand, and bands this wide let one reach 10 partnerships.
MONEY = Scale(
    edges=(0, 50_000, 100_000, 150_000, 200_000),
    unit="£",
    counted="recorded money allocated that year",
    open_top=True,
    round_to=1_000,
)
STEP = 50_000  # the axis' ticks


# Each figure's context: what a partnership's absence from the count means.
NOT_COUNTED = (
    "Only partnerships that recorded an allocation for the year are counted. A partnership with "
    "no record is not counted as spending nothing: it may keep its budget elsewhere. Money "
    "pooled in an alliance's pot is not counted, as it may already be counted in a member's own "
    "allocations."
)


class Basis(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed allocations only"
    PLANNED = "planned", "Confirmed and planned allocations"


class RingFence(models.TextChoices):
    ANY = "any", "Ring-fenced or not"
    RING_FENCED = "ring_fenced", "Ring-fenced only"
    NOT_RING_FENCED = "not_ring_fenced", "Not ring-fenced only"


@dataclass(frozen=True)
class MoneyQuery:
    year: int
    basis: str  # a Basis
    kind: str  # a StreamKind, or "" for every kind
    ring_fence: str  # a RingFence
    region: str  # a region's GSS code, or "" for England

    @property
    def what(self) -> str:
        """What is counted, in words: "Confirmed allocations only, police streams, …"."""
        kind = f"{StreamKind(self.kind).label} streams" if self.kind else "every kind of stream"
        return f"{Basis(self.basis).label}, {kind}, {RingFence(self.ring_fence).label.lower()}"


@dataclass
class MoneyDistribution:
    query: MoneyQuery
    scope: Group  # the region asked for, or England
    england: Group
    regions: list[Group] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def cycle_label(self) -> str:
        return financial_year_label(self.query.year)

    @property
    def shown_regions(self) -> list[Group]:
        return [g for g in self.regions if g.figures is not None]

    @property
    def withheld_regions(self) -> list[Group]:
        return [g for g in self.regions if g.figures is None]


def latest_year(basis: str = Basis.CONFIRMED) -> int | None:
    """The last financial year for which any partnership recorded an allocation of `basis`."""
    allocations = Allocation.objects.all()
    if basis == Basis.CONFIRMED:
        allocations = allocations.filter(confirmed=True)
    last = allocations.order_by("-year").values_list("year", flat=True).first()
    return None if last is None else int(last)


def query_from(
    *,
    year: int | None = None,
    basis: str = Basis.CONFIRMED,
    kind: str = "",
    ring_fence: str = RingFence.ANY,
    region: str = "",
) -> MoneyQuery:
    """The distribution asked for, checked: every problem raised at once as a `ValidationError`
    naming its field (the page's error summary, the API's 400, the CLI's exit)."""
    errors: dict[str, str] = {}
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = f"Enter a financial year from {FIRST_YEAR} to {LAST_YEAR}."
    if basis not in Basis.values:
        errors["basis"] = f"{basis!r} is neither 'confirmed' nor 'planned'."
    if kind and kind not in StreamKind.values:
        errors["kind"] = f"{kind!r} is not a kind of funding stream."
    if ring_fence not in RingFence.values:
        errors["ring_fence"] = f"{ring_fence!r} is not one of {', '.join(RingFence.values)}."
    if region and region not in Region.values:
        errors["region"] = f"{region!r} is not the GSS code of an English region."
    if errors:
        raise ValidationError(errors)
    if year is None:
        year = latest_year(basis) or cycle_of(today())
    return MoneyQuery(year, basis, kind, ring_fence, region)


def counted_amounts(query: MoneyQuery) -> dict[int, tuple[str, float]]:
    """Each counted partnership's region and sum for the year (see the module's docstring).
    Never shown as they are: `money_distribution` aggregates them."""
    allocations = Allocation.objects.filter(year=query.year)
    if query.basis == Basis.CONFIRMED:
        allocations = allocations.filter(confirmed=True)
    if query.kind:
        allocations = allocations.filter(stream__kind=query.kind)
    if query.ring_fence != RingFence.ANY:
        allocations = allocations.filter(
            stream__ring_fenced=query.ring_fence == RingFence.RING_FENCED
        )
    sums = (
        allocations.values(partnership=F("stream__partnership_id"))
        .annotate(region=F("stream__partnership__region"), total=Sum("amount"))
        .order_by("partnership")
    )
    return {row["partnership"]: (row["region"], float(row["total"])) for row in sums}


def counted_amounts_recent(query: MoneyQuery) -> dict[int, tuple[str, float]]:
    """`counted_amounts(query)`, kept as the scores are (ADR 0025)."""
    key = f"rollups:money:{query.year}:{query.basis}:{query.kind}:{query.ring_fence}"
    return kept(key, lambda: counted_amounts(query))


def _marks(user: AnyUser, query: MoneyQuery, sums: dict[int, tuple[str, float]]) -> list[Mark]:
    """The user's own partnerships' sums, named (they are theirs), within the scope. Unlike the
    scores' distribution, no similar area is marked: a neighbour's money is its own people's to
    read (ADR 0015), and its place among a few neighbours would come close to naming it."""
    if not facts_for(user).is_authenticated:
        return []
    in_scope = {
        p: amount
        for p, (region, amount) in sums.items()
        if not query.region or region == query.region
    }
    own = dict(
        money_distribution_policy.visible_to(user, "mark")
        .filter(pk__in=list(in_scope))
        .order_by("name")
        .values_list("pk", "name")
    )
    return [Mark(f"Your partnership: {name}", in_scope[pk], own=True) for pk, name in own.items()]


def money_distribution(*, user: AnyUser, query: MoneyQuery) -> MoneyDistribution:
    """The distribution asked for, suppressed, with the user's own partnership marked. The
    caller has checked that the user may see it (`money_distribution_policy`, "view")."""
    sums = counted_amounts_recent(query)
    scope, england, regions = grouped(sums, query.region, MONEY)
    marks = _marks(user, query, sums) if scope.figures is not None else []
    return MoneyDistribution(
        query=query, scope=scope, england=england, regions=regions, marks=marks
    )


def axis_ticks(result: MoneyDistribution | None) -> list[int]:
    """The money axis' ticks, every £50,000 from £0 to past the last band's edge and past
    everything drawn on it (the upper figures of each area shown, and the marks)."""
    highest = float(MONEY.edges[-1])
    if result is not None:
        for group in [result.england, *result.shown_regions]:
            if group.figures is not None:
                highest = max(
                    [highest] + [v for v in vars(group.figures).values() if isinstance(v, float)]
                )
        highest = max([highest] + [m.score for m in result.marks])
    top = -(-int(highest) // STEP) * STEP
    return list(range(0, top + 1, STEP))


__all__ = ["MIN_COUNT", "MIN_PARTNERSHIPS", "NOT_COUNTED"]
