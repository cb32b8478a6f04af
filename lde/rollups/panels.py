"""The national analyst's home panel: the figures across partnerships themselves, not only a
link to them, since a national analyst has no partnership and nothing else on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.rollups import selectors
from lde.rollups.policies import national_figures_allowed


def national_analyst_panel(request: HttpRequest) -> dict[str, Any] | None:
    """National analysts learn across areas from aggregates, never one partnership's rows: the
    panel shows England's briefing coverage and the regions shown on the coverage page, through
    the same selector and so the same small-number rule."""
    if not national_figures_allowed(request.user):
        return None
    return {
        "template": "rollups/panels/national_analyst.html",
        "coverage": selectors.national_briefing_coverage(),
        "min_partnerships": selectors.MIN_PARTNERSHIPS,
        "min_count": selectors.MIN_COUNT,
    }
