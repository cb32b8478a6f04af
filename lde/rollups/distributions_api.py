"""API: distributions of scores across partnerships, the same figures as the page. Mounted
at /rollups by the API router:
GET /api/v1/rollups/distributions."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lde.core.api_schemas import ErrorOut, FieldErrorsOut, ValidationErrorOut
from lde.rollups import distributions as d
from lde.rollups.distributions_policies import distribution_policy

router = Router(tags=["partnerships"])


class DistributionParams(Schema):
    # Empty by default, so that who may ask is answered (404) before what was asked (400).
    framework: str = Field("", max_length=60, description="The framework's identifier")
    version: str = Field("", max_length=20)
    mapped: str = Field(
        "", max_length=20, description="A second version, joined to the first by version mappings"
    )
    theme: str = Field("", max_length=60, description="A theme's identifier; empty: overall")
    cycle: int | None = Field(
        None, ge=2000, le=2100, description="The year the cycle starts (April); empty: latest"
    )
    region: str = Field("", max_length=9, description="A region's GSS code; empty: England")


class BinOut(Schema):
    low: int
    high: int = Field(
        description="Not included, except in the last bin: 100 for scores; for money the last "
        "bin has no top, and `high` is only where it is drawn to"
    )
    count: int | None = Field(description="null: fewer than 10 (suppressed)")


class FiguresOut(Schema):
    partnerships: int | None = Field(description="null: fewer than 10 (suppressed)")
    # The box plot's five figures (ADR 0026): never the lowest or highest, which are each one
    # partnership's own, and null where fewer than 11 partnerships count.
    tenth_percentile: float | None = Field(
        description="The lower whisker; null: fewer than 11 partnerships count (withheld)"
    )
    lower_quartile: float | None = Field(description="null: fewer than 11 partnerships count")
    median: float | None = Field(description="null: fewer than 11 partnerships count")
    upper_quartile: float | None = Field(description="null: fewer than 11 partnerships count")
    ninetieth_percentile: float | None = Field(
        description="The upper whisker; null: fewer than 11 partnerships count (withheld)"
    )
    mean: float
    bins: list[BinOut]


class GroupOut(Schema):
    code: str = Field(description="The region's GSS code, or E92000001 for England")
    name: str
    figures: FiguresOut | None = Field(description="null: withheld, and `withheld` says why")
    withheld: str


class MarkOut(Schema):
    label: str
    score: float
    own: bool = Field(description="Your partnership; false: one of its similar areas, unnamed")


class DistributionOut(Schema):
    framework: str
    versions: list[str]
    theme: str
    theme_title: str
    cycle: int
    cycle_label: str
    scope: GroupOut
    england: GroupOut
    regions: list[GroupOut] = Field(description="Every region; figures null where withheld")
    marks: list[MarkOut]
    quantile_rule: str
    min_partnerships: int
    min_count: int


def group_out(group: d.Group) -> GroupOut:
    return GroupOut(
        code=group.code,
        name=group.name,
        figures=FiguresOut.model_validate(group.figures, from_attributes=True)
        if group.figures
        else None,
        withheld=group.withheld,
    )


@router.get(
    "/distributions",
    response={
        200: DistributionOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="The distribution of counted scores across partnerships (issue 17, roll-ups)",
)
def distribution(request: HttpRequest, params: Query[DistributionParams]) -> DistributionOut:
    """National analysts, and coordinators, board members and inspectors (their own partnership
    marked); 404 for everyone else. An area with fewer than 5 partnerships counted has
    `figures` null and says why; 400 names a bad field."""
    if not distribution_policy.user_can_in(request.user, "view"):
        raise Http404
    query = d.query_from(
        framework=params.framework,
        version=params.version,
        mapped=params.mapped,
        theme=params.theme,
        cycle=params.cycle,
        region=params.region,
    )
    result = d.distribution(user=request.user, query=query)
    return DistributionOut(
        framework=query.framework.identifier,
        versions=[v.version for v in query.versions],
        theme=query.theme,
        theme_title=result.theme_title,
        cycle=query.cycle,
        cycle_label=result.cycle_label,
        scope=group_out(result.scope),
        england=group_out(result.england),
        regions=[group_out(g) for g in result.regions],
        marks=[MarkOut(label=m.label, score=m.score, own=m.own) for m in result.marks],
        quantile_rule="inclusive (type 7): position 1 + (n - 1) p, linear between neighbours; "
        "whiskers at the 10th and 90th percentiles, the five shown from 11 partnerships",
        min_partnerships=d.MIN_PARTNERSHIPS,
        min_count=d.MIN_COUNT,
    )
