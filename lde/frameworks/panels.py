"""The frameworks every signed-in user may read, linked from the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def frameworks_panel(request: HttpRequest) -> dict[str, Any] | None:
    # Shown to everyone, so it does not count as the user having anything of their own.
    return {
        "for_everyone": True,
        "also_here": [
            {
                "url": reverse("frameworks:framework-library"),
                "text": "The frameworks partnerships are assessed against",
                "note": ", written from the report's models",
            }
        ],
    }
