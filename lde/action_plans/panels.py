"""Overdue actions for the home page: those the user owns, and those of the partnerships they
coordinate."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.action_plans.selectors import overdue_for_attention
from lde.core.access.facts import facts_for

SHOWN = 10


def overdue_actions_panel(request: HttpRequest) -> dict[str, Any] | None:
    actions = overdue_for_attention(user=request.user)
    if not actions:
        return None
    user_id = facts_for(request.user).user_id
    partnerships = {a.partnership_id: a.partnership for a in actions}
    return {
        "template": "action_plans/panels/home.html",
        "actions": actions[:SHOWN],
        "count": len(actions),
        "more": len(actions) > SHOWN,
        "owned": sum(1 for a in actions if a.owner_id == user_id),
        "partnerships": sorted(partnerships.values(), key=lambda p: p.name),
    }
