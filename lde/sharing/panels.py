"""The gateway on the home page: products waiting for the user's approval, released products
they have not yet acknowledged, and requests for them to answer. Counts are of products the
user may see, through the same rule as every other read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.sharing.selectors import open_requests_count, products_for_attention


def sharing_panel(request: HttpRequest) -> dict[str, Any] | None:
    found = products_for_attention(user=request.user)
    open_requests = open_requests_count(user=request.user)
    return {
        "template": "sharing/panels/home.html",
        # Links for everyone; it counts as the user's own only when something waits for them.
        "for_everyone": not (found["waiting"] or found["unacknowledged"] or open_requests),
        "open_requests": open_requests,
        **found,
    }
