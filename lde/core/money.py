"""Money as people write it on the pages: £12,500 for whole pounds, £12,500.50 otherwise.

One function for every app's `pounds` template filter (programme, commissioning, monitoring), so
that an amount reads the same on every page: thousands separated, pence only where there are
some."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def pounds(value: Any) -> str:
    """£12,500 for whole pounds, £12,500.50 otherwise; £0 for nothing."""
    amount = Decimal(value or 0)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"
