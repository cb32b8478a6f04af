"""The partnership's navigation asks whether a user reaches its capacity pages."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.capacity.policies import board_member_policy

register = template.Library()


@register.filter
def capacity_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's capacity overview (from their facts)."""
    return board_member_policy.user_can_in(user, "view", partnership_id)
