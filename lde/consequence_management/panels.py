"""The home panel: readiness plans past their review date, for the coordinators who keep them
(¶88: an operation may develop at very short notice, so the plan must be current)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.consequence_management import selectors
from lde.core.access.facts import facts_for


def readiness_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    if not facts.is_authenticated:
        return None
    kept = facts.partnerships_with("coordinator")
    if not kept:
        return None
    plans = selectors.plans_past_review(user=request.user, partnership_ids=kept, today=facts.today)
    if not plans:
        return None
    return {"template": "consequence_management/panels/home.html", "plans": plans}
