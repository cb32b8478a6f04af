"""The library of what works on the home page: how many entries are published, and for the
partnerships a user reads, their local evaluations waiting for review."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.what_works.models import EntryStatus
from lde.what_works.policies import entry_policy


def what_works_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    visible = entry_policy.visible_to(request.user, "view")
    published = visible.filter(status=EntryStatus.PUBLISHED).count()
    in_review = visible.filter(status=EntryStatus.IN_REVIEW, partnership__isnull=False).count()
    if not published and not in_review:
        return None
    return {
        "template": "what_works/panels/home.html",
        "published": published,
        "in_review": in_review,
    }
