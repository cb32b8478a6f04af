"""API: distributions of programme money across partnerships, the same figures as the page.
Mounted at /rollups by the API router: GET /api/v1/rollups/money-distributions."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lde.core.api_schemas import ErrorOut, FieldErrorsOut, ValidationErrorOut
from lde.rollups import money_distributions as m
from lde.rollups.distributions_api import GroupOut, group_out
from lde.rollups.distributions_policies import money_distribution_policy

router = Router(tags=["partnerships"])


class MoneyDistributionParams(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="The financial year, by the year its April falls in"
    )
    basis: str = Field(
        m.Basis.CONFIRMED, max_length=20, description="'confirmed', or 'planned' for both"
    )
    kind: str = Field("", max_length=24, description="A kind of funding stream; empty: every kind")
    ring_fence: str = Field(
        m.RingFence.ANY, max_length=20, description="'any', 'ring_fenced' or 'not_ring_fenced'"
    )
    region: str = Field("", max_length=9, description="A region's GSS code; empty: England")


class MoneyMarkOut(Schema):
    label: str
    amount: float = Field(description="Your partnership's sum for the year, to the pound")


class MoneyDistributionOut(Schema):
    year: int
    year_label: str
    basis: str
    kind: str
    ring_fence: str
    counted: str = Field(description="What is counted, in words")
    scope: GroupOut
    england: GroupOut
    regions: list[GroupOut] = Field(description="Every region; figures null where withheld")
    marks: list[MoneyMarkOut]
    rounded_to: int = Field(description="Every sum shown is rounded to this many pounds")
    not_counted: str
    min_partnerships: int
    min_count: int


@router.get(
    "/money-distributions",
    response={
        200: MoneyDistributionOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="The distribution of programme money allocated across partnerships (issue 17)",
)
def money_distribution(
    request: HttpRequest, params: Query[MoneyDistributionParams]
) -> MoneyDistributionOut:
    """National analysts, and coordinators and board members (their own partnership marked);
    404 for everyone else (ADR 0027). An area with fewer than 5 partnerships that recorded
    money has `figures` null and says why; 400 names a bad field. Bins are in pounds, the last
    open above its `low`."""
    if not money_distribution_policy.user_can_in(request.user, "view"):
        raise Http404
    query = m.query_from(
        year=params.year,
        basis=params.basis,
        kind=params.kind,
        ring_fence=params.ring_fence,
        region=params.region,
    )
    result = m.money_distribution(user=request.user, query=query)
    return MoneyDistributionOut(
        year=query.year,
        year_label=result.cycle_label,
        basis=query.basis,
        kind=query.kind,
        ring_fence=query.ring_fence,
        counted=query.what,
        scope=group_out(result.scope),
        england=group_out(result.england),
        regions=[group_out(g) for g in result.regions],
        marks=[MoneyMarkOut(label=mark.label, amount=mark.score) for mark in result.marks],
        rounded_to=m.MONEY.round_to,
        not_counted=m.NOT_COUNTED,
        min_partnerships=m.MIN_PARTNERSHIPS,
        min_count=m.MIN_COUNT,
    )
