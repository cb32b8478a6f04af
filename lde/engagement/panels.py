"""The home panel: forums the partnership has not engaged for six months or more, or has never
met, for the coordinators who keep them (¶131: relationships must "remain current")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.core.access.facts import facts_for
from lde.engagement import selectors

STALE_MONTHS = 6


def engagement_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    if not facts.is_authenticated:
        return None
    kept = facts.partnerships_with("coordinator")
    if not kept:
        return None
    rows = selectors.forums_to_engage(user=request.user, partnership_ids=kept, today=facts.today)
    if not rows:
        return None
    return {"template": "engagement/panels/home.html", "rows": rows, "months": STALE_MONTHS}
