"""The partnership's navigation asks whether a user reaches its commissioning pages."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.commissioning.policies import call_policy

register = template.Library()


@register.filter
def commissioning_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's calls for proposals (from their facts)."""
    return call_policy.user_can_in(user, "view", partnership_id)
