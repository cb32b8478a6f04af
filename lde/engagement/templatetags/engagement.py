"""The partnership's navigation asks whether a user reaches its engagement pages."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.engagement.policies import forum_policy

register = template.Library()


@register.filter
def engagement_overview_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's engagement overview (from their facts)."""
    return forum_policy.user_can_in(user, "overview", partnership_id)


@register.filter
def engagement_forums_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may see this partnership's forums page: its readers, and its community
    reviewers (who see there the forums their organisation takes part in)."""
    return forum_policy.user_can_in(user, "list", partnership_id)
