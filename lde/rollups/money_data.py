"""Funding streams and allocations written in bulk, for a national set of fictional budgets: the
demo's national roll-up of money (`lde.rollups.demo`) and the tests of money distributions.

They are written straight to the tables with `bulk_create`, not through the audited services,
as the national set of scores is (`distributions_data`): the national picture's partnerships
have no coordinator to keep a budget (each is its lead council's two strategic post holders on
its board), and their budgets record nothing real. Each stream is named as fictional and comes
from one fictional funder; amounts are drawn round the partnership's own size (a fixed seed), so
that they spread as real budgets would, confirmed for the year in hand and planned after it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from lde.accounts.models import Organisation, OrganisationType
from lde.partnerships.models import Partnership
from lde.programme.models import Allocation, FundingStream, StreamKind

FUNDER = "Prevent funding (fictional national set)"
# Each partnership's streams: name, kind, ring-fenced, share of its budget.
STREAMS = (
    ("Prevent fund (fictional)", StreamKind.PREVENT_FUND, True, 0.6),
    ("Police Prevent budget (fictional)", StreamKind.POLICE, False, 0.4),
)


def allocated_years(
    *,
    partnerships: Sequence[Partnership],
    years: Sequence[int],
    confirmed_until: int,
    seed: int = 57,
) -> int:
    """For each partnership, the streams of `STREAMS` over `years`, each with an allocation
    for every year: confirmed up to and including `confirmed_until`, planned after it. Returns
    the number of allocations written. A partnership that already has a stream of the names
    above is left as it is, so that running it again writes nothing twice."""
    funder = Organisation.objects.get_or_create(
        name=FUNDER, defaults={"type": OrganisationType.GOVERNMENT_OFFICE}
    )[0]
    names = [name for name, _, _, _ in STREAMS]
    done = set(
        FundingStream.objects.filter(
            partnership__in=list(partnerships), name__in=names
        ).values_list("partnership_id", flat=True)
    )
    rng = random.Random(seed)  # noqa: S311 - fictional budgets, not secrets
    first, last = min(years), max(years)
    planned: list[tuple[FundingStream, dict[int, Decimal]]] = []
    for partnership in partnerships:
        size = rng.lognormvariate(11.3, 0.45)  # about £80,000 a year, most within half or double
        if partnership.pk in done:
            continue
        for name, kind, ring_fenced, share in STREAMS:
            by_year = {
                year: Decimal(round(size * share * rng.uniform(0.85, 1.15), -2)) for year in years
            }
            stream = FundingStream(
                partnership=partnership,
                name=name,
                source=funder,
                kind=kind,
                amount=sum(by_year.values(), Decimal(0)),
                starts_on=date(first, 4, 1),
                ends_on=date(last + 1, 3, 31),
                ring_fenced=ring_fenced,
            )
            planned.append((stream, by_year))
    FundingStream.objects.bulk_create([stream for stream, _ in planned], batch_size=500)
    allocations = [
        Allocation(stream=stream, year=year, amount=amount, confirmed=year <= confirmed_until)
        for stream, by_year in planned
        for year, amount in by_year.items()
    ]
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    return len(allocations)


def _marden_vale_budget(years: Sequence[int], confirmed_until: int) -> None:
    """Marden Vale's Prevent fund, kept by its coordinator through the audited services as the
    main demo's budgets are: with it, England less the regions shown holds Yorkshire's four and
    Marden Vale, five, so that England's figures can be shown."""
    from lde.programme import services as programme_services
    from lde.programme.demo import _coordinator

    partnership = Partnership.objects.filter(name=MARDEN_VALE).first()
    if partnership is None or FundingStream.objects.filter(partnership=partnership).exists():
        return
    coordinator = _coordinator(partnership)
    if coordinator is None:
        return
    funder = Organisation.objects.get_or_create(
        name="Home Office (demo)", defaults={"type": OrganisationType.GOVERNMENT_OFFICE}
    )[0]
    stream = programme_services.stream_add(
        actor=coordinator,
        partnership=partnership,
        name="Prevent fund",
        source=funder,
        kind=StreamKind.PREVENT_FUND,
        amount=Decimal("62000") * len(years),
        starts_on=date(min(years), 4, 1),
        ends_on=date(max(years) + 1, 3, 31),
        ring_fenced=True,
    )
    for year in years:
        programme_services.allocation_set(
            actor=coordinator,
            stream=stream,
            year=year,
            amount=Decimal("62000"),
            confirmed=year <= confirmed_until,
        )


MARDEN_VALE = "Marden Vale Prevent Partnership"


def demo_national_money() -> int:
    """The demo's national roll-up of money: the fictional partnerships of the national picture
    (`data/demo.yaml`) each allocate money for last year, this year (confirmed) and next year
    (planned), and Marden Vale's coordinator records its Prevent fund, so that a national
    distribution of money shows figures (Harrowfield's budget, the programme demo's, counts
    too)."""
    from lde.core.access.facts import today
    from lde.rollups.demo import TEXT
    from lde.rollups.distributions import cycle_of

    names = [f"{entry['place']} Prevent Partnership" for entry in TEXT["partnerships"]]
    partnerships = list(Partnership.objects.filter(name__in=names).order_by("name"))
    this_year = cycle_of(today())
    years = [this_year - 1, this_year, this_year + 1]
    _marden_vale_budget(years, this_year)
    return allocated_years(partnerships=partnerships, years=years, confirmed_until=this_year)
