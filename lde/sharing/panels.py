"""The gateway on the home page: the products the user is drafting, products waiting for their
approval, released products they have not yet acknowledged, and requests for them to answer.
Counts are of products the user may see, through the same rule as every other read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.sharing.models import PersonKind
from lde.sharing.selectors import (
    open_requests_count,
    product_parts,
    products_drafting,
    products_for_attention,
)


def sharing_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = acting_user(request)
    # Most people author and approve nothing: one small query spares them the two lists, each
    # of which puts the gateway's whole rule together (about half the panel's time).
    parts = product_parts(user=user)
    found = products_for_attention(user=user, approver=PersonKind.APPROVER in parts)
    drafting = products_drafting(user=user) if PersonKind.AUTHOR in parts else []
    open_requests = open_requests_count(user=request.user)
    # Anyone who works for an organisation may draft a product for it: a unit's analyst with
    # no partnership drafts here, so the home page must lead to it.
    can_draft = facts_for(request.user).organisation_id is not None
    links = [
        {"url": reverse("sharing:product-list"), "text": "Briefing products you can see"},
        {"url": reverse("sharing:protocol-list"), "text": "Information sharing protocols"},
    ]
    if not (found["waiting"] or found["unacknowledged"] or open_requests or drafting):
        # Nothing waits for the user: the links join the home page's "Also here" list.
        if can_draft:
            links.append(
                {"url": reverse("sharing:product-create"), "text": "Draft a briefing product"}
            )
        return {"for_everyone": True, "also_here": links}
    return {
        "template": "sharing/panels/home.html",
        "open_requests": open_requests,
        "drafting": drafting,
        "can_draft": can_draft,
        **found,
    }
