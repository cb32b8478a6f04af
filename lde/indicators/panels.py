"""The home page's indicators panel: each partnership whose indicators the user reads, with how
many it has, linking to its list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.indicators.selectors import partnerships_with_indicators


def indicators_panel(request: HttpRequest) -> dict[str, Any] | None:
    partnerships = partnerships_with_indicators(user=request.user)
    if not partnerships:
        return None
    return {"template": "indicators/panels/home.html", "partnerships": partnerships}
