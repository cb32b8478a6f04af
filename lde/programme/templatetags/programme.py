"""The partnership's navigation asks whether a user reaches its programme; pages show money in
pounds as people write it."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.core import money
from lde.programme.policies import project_policy

register = template.Library()


@register.filter
def programme_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's programme (from their facts)."""
    return project_policy.user_can_in(user, "view", partnership_id)


# £12,500 for whole pounds, £12,500.50 otherwise: written once, in lde.core.money.
register.filter("pounds", money.pounds)
