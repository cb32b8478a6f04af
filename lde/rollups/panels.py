"""The national analyst's home panel: the figures across partnerships themselves, not only a
link to them, since a national analyst has no partnership and nothing else on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.core.access.facts import facts_for
from lde.partnerships.models import Partnership
from lde.rollups import selectors
from lde.rollups.models import AreaDataSet
from lde.rollups.policies import (
    NEIGHBOUR_READERS,
    national_figures_allowed,
    peer_review_request_policy,
)


def national_analyst_panel(request: HttpRequest) -> dict[str, Any] | None:
    """National analysts learn across areas from aggregates, never one partnership's rows: the
    panel shows England's briefing coverage and the regions shown on the coverage page, through
    the same selector and so the same small-number rule."""
    if not national_figures_allowed(request.user):
        return None
    return {
        "template": "rollups/panels/national_analyst.html",
        "coverage": selectors.national_briefing_coverage_recent(),
        "min_partnerships": selectors.MIN_PARTNERSHIPS,
        "min_count": selectors.MIN_COUNT,
        "kept_minutes": selectors.national_figures_seconds() // 60,
    }


def similar_areas_panel(request: HttpRequest) -> dict[str, Any] | None:
    """For a partnership's coordinators and board members: a line per partnership linking to its
    similar areas, and the requests for a peer review waiting for their answer, once there is
    area data. Three queries, whatever the number of partnerships; one without area data."""
    facts = facts_for(request.user)
    readable = facts.partnerships_with(*NEIGHBOUR_READERS)
    if not readable:
        return None
    # Until a site administrator imports area data there are no neighbours to show, and a home
    # page shows only what has work or news in it.
    if not AreaDataSet.objects.exists():
        return None
    partnerships = list(Partnership.objects.filter(pk__in=readable).order_by("name"))
    waiting = peer_review_request_policy.visible_to(request.user, "decide").count()
    return {
        "template": "rollups/panels/similar_areas.html",
        "partnerships": partnerships,
        "waiting": waiting,
    }
