"""Assessments needing the user's attention, for the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.assessments.selectors import assessments_needing_attention


def assessments_panel(request: HttpRequest) -> dict[str, Any] | None:
    rows = assessments_needing_attention(user=request.user)
    if not rows:
        return None
    return {"template": "assessments/panels/home.html", "rows": rows}
