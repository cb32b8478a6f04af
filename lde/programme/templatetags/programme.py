"""The partnership's navigation asks whether a user reaches its programme; pages show money in
pounds as people write it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from lde.accounts.models import RequestUser
from lde.programme.policies import project_policy

register = template.Library()


@register.filter
def programme_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's programme (from their facts)."""
    return project_policy.user_can_in(user, "view", partnership_id)


@register.filter
def pounds(value: Any) -> str:
    """£12,500 for whole pounds, £12,500.50 otherwise; £0 for nothing."""
    amount = Decimal(value or 0)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"
