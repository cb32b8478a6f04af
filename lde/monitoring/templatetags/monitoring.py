"""The partnership's navigation asks whether a user reaches its agreements and returns."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.monitoring.policies import agreement_policy

register = template.Library()


@register.filter
def monitoring_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's agreements (from their facts)."""
    return agreement_policy.user_can_in(user, "view", partnership_id)
