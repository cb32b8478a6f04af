"""Links into a partnership's pages from other apps' templates."""

from __future__ import annotations

from typing import Any

from django import template

from lde.accounts.models import RequestUser
from lde.partnerships.policies import partnership_policy
from lde.partnerships.selectors import partnerships_with_coverage

register = template.Library()


@register.simple_tag
def coverage_partnerships(user: RequestUser) -> list[Any]:
    """The partnerships whose briefing coverage `user` may see (one query)."""
    return list(partnerships_with_coverage(user=user))


@register.simple_tag(takes_context=True)
def partnership_actions(context: template.Context, partnership: Any) -> dict[str, bool]:
    """What the signed-in user may do with `partnership`, for its navigation: asked here, so that
    every app's page that shows the navigation shows the same links, not only the partnerships
    app's own pages, whose views pass these answers as `can`."""
    user = context["request"].user
    return {
        action: partnership_policy.user_can(user, action, partnership)
        for action in partnership_policy.actions
    }
