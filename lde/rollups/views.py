"""Pages of figures across partnerships: national analysts only, 404 for everyone else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lde.rollups import selectors
from lde.rollups.policies import national_figures_allowed


@login_required
def national_coverage(request: HttpRequest) -> HttpResponse:
    """Briefing coverage by region and for England, with groups of fewer than 5 partnerships
    left out and counts under 10 withheld."""
    if not national_figures_allowed(request.user):
        raise Http404
    return render(
        request,
        "rollups/national_coverage.html",
        {
            "coverage": selectors.national_briefing_coverage(),
            "min_partnerships": selectors.MIN_PARTNERSHIPS,
            "min_count": selectors.MIN_COUNT,
        },
    )
