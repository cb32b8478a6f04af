"""Template questions about indicators, answered from the user's facts."""

from __future__ import annotations

from django import template

from lde.core.access.facts import AnyUser
from lde.indicators.policies import indicator_policy

register = template.Library()


@register.filter
def indicators_readable(partnership_id: int, user: AnyUser) -> bool:
    """Whether `user` reads this partnership's indicators (for its navigation)."""
    return indicator_policy.user_can_in(user, "view", partnership_id)
