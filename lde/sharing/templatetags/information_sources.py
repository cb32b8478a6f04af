"""The catalogue's link in a partnership's navigation."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.sharing.policies import information_source_policy

register = template.Library()


@register.filter
def information_sources_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's catalogue (from their facts alone)."""
    return information_source_policy.user_can_in(user, "view", partnership_id)
