"""The coordinator's home panel: the narratives in force past their review date (¶174)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.core.access.facts import facts_for
from lde.narratives.selectors import due_for_review


def narratives_due_panel(request: HttpRequest) -> dict[str, Any] | None:
    versions = due_for_review(user=request.user, day=facts_for(request.user).today)
    if not versions:
        return None
    return {"template": "narratives/panels/home.html", "versions": versions}
