"""Small budgets for the tests of money distributions and their access matrix and query counts:
a funding stream with one allocation, written straight to the tables (the services, and their
checks and audit, are the programme app's, tested there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lde.partnerships.models import Partnership
from lde.programme.models import Allocation, FundingStream, StreamKind
from tests.factories import OrganisationFactory, PartnershipFactory


def funded(
    partnership: Partnership,
    amount: int,
    *,
    year: int = 2024,
    confirmed: bool = True,
    kind: str = StreamKind.PREVENT_FUND,
    ring_fenced: bool = False,
) -> Allocation:
    """A new stream of the partnership's holding `amount` pounds, all allocated to `year`."""
    number = FundingStream.objects.filter(partnership=partnership).count() + 1
    stream = FundingStream.objects.create(
        partnership=partnership,
        name=f"Stream {number}",
        source=OrganisationFactory(),
        kind=kind,
        amount=Decimal(amount),
        starts_on=date(year, 4, 1),
        ends_on=date(year + 1, 3, 31),
        ring_fenced=ring_fenced,
    )
    return Allocation.objects.create(
        stream=stream, year=year, amount=Decimal(amount), confirmed=confirmed
    )


def region_funded(region: str, amounts: list[int], **kwargs: Any) -> list[Partnership]:
    """A partnership in the region for each amount, with one allocation of it."""
    made = []
    for amount in amounts:
        partnership = PartnershipFactory(region=region)
        funded(partnership, amount, **kwargs)
        made.append(partnership)
    return made
