"""API: figures across partnerships, for national analysts. Mounted beside the partnerships
router, so the paths read as they did when these figures were part of it."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lde.core.api_schemas import READ_ERRORS
from lde.rollups import selectors
from lde.rollups.policies import national_figures_allowed

router = Router(tags=["partnerships"])


class NationalCoverageRowOut(Schema):
    code: str = Field(description="The region's GSS code, or E92000001 for England")
    name: str
    partnerships: int | None = Field(description="null: fewer than 10 (suppressed)")
    posts: int | None = Field(description="Strategic posts; null: fewer than 10 (suppressed)")
    percent: int | None = Field(
        description="Share of the posts covered; null: fewer than 10 posts, covered or not "
        "covered, or England less the regions shown would give away a suppressed figure"
    )


class NationalCoverageOut(Schema):
    regions: list[NationalCoverageRowOut] = Field(
        description="Only regions with at least 5 partnerships"
    )
    national: NationalCoverageRowOut | None = Field(
        description="null: fewer than 5 partnerships in England"
    )
    window_days: int
    min_partnerships: int
    min_count: int


@router.get(
    "/coverage/national",
    response={200: NationalCoverageOut, **READ_ERRORS},
    summary="Briefing coverage by region and for England (national analysts; ¶59)",
)
def national_coverage(request: HttpRequest) -> NationalCoverageOut:
    """National analysts only; 404 for everyone else. Groups of fewer than 5 partnerships are
    left out and figures resting on a count under 10 are null."""
    if not national_figures_allowed(request.user):
        raise Http404
    coverage = selectors.national_briefing_coverage()

    def row(r: selectors.NationalCoverageRow) -> NationalCoverageRowOut:
        return NationalCoverageRowOut.model_validate(r, from_attributes=True)

    return NationalCoverageOut(
        regions=[row(r) for r in coverage.regions],
        national=row(coverage.national) if coverage.national else None,
        window_days=coverage.window_days,
        min_partnerships=selectors.MIN_PARTNERSHIPS,
        min_count=selectors.MIN_COUNT,
    )
