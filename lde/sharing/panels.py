"""The gateway on the home page: products waiting for the user's approval, released products
they have not yet acknowledged, and requests for them to answer. Counts are of products the
user may see, through the same rule as every other read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from lde.accounts.selectors import acting_user
from lde.sharing.selectors import open_requests_count, products_for_attention


def sharing_panel(request: HttpRequest) -> dict[str, Any] | None:
    found = products_for_attention(user=acting_user(request))
    open_requests = open_requests_count(user=request.user)
    links = [
        {"url": reverse("sharing:product-list"), "text": "Briefing products you can see"},
        {"url": reverse("sharing:protocol-list"), "text": "Information sharing protocols"},
    ]
    if not (found["waiting"] or found["unacknowledged"] or open_requests):
        # Nothing waits for the user: the links join the home page's "Also here" list.
        return {"for_everyone": True, "also_here": links}
    return {"template": "sharing/panels/home.html", "open_requests": open_requests, **found}
