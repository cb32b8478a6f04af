"""The partnership's navigation asks whether a user reaches its commissioning pages;
pages show money in pounds as people write it."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.commissioning.policies import call_policy
from lde.core import money

register = template.Library()
# Amounts as people write them, £12,500 or £12,500.50: the platform's one way (lde.core.money).
register.filter("pounds", money.pounds)


@register.filter
def commissioning_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's calls for proposals (from their facts)."""
    return call_policy.user_can_in(user, "view", partnership_id)
