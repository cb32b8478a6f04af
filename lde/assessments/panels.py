"""Assessments for the home page: those needing the user's attention, those their live
assignments lead to, and, for a community reviewer, the published ones they may read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.accounts.selectors import acting_user
from lde.assessments.selectors import (
    assessments_assigned,
    assessments_needing_attention,
    published_for_community_review,
)


def assessments_panel(request: HttpRequest) -> dict[str, Any] | None:
    rows = assessments_needing_attention(user=request.user)
    # A peer reviewer or inspector reaches the work only through the assignment, so the home
    # page must link to it: nothing else on the platform leads there.
    assigned = assessments_assigned(user=acting_user(request))
    published = published_for_community_review(user=request.user)
    if not (rows or assigned or published):
        return None
    return {
        "template": "assessments/panels/home.html",
        "rows": rows,
        "assigned": assigned,
        "published": published,
    }
