"""The partnership's navigation asks whether a user reaches its consequence management."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.consequence_management.policies import readiness_plan_policy

register = template.Library()


@register.filter
def consequence_management_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's readiness plans (from their facts)."""
    return readiness_plan_policy.user_can_in(user, "overview", partnership_id)
