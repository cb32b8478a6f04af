"""The frameworks every signed-in user may read, linked from the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def frameworks_panel(request: HttpRequest) -> dict[str, Any] | None:
    # Shown to everyone, so it does not count as the user having anything of their own.
    return {"template": "frameworks/panels/home.html", "for_everyone": True}
