"""API: figures across partnerships, for national analysts. Mounted beside the partnerships
router, so the paths read as they did when these figures were part of it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ObjectId
from lde.core.limits import SHORT_TEXT
from lde.partnerships.models import Partnership
from lde.partnerships.selectors import partnership_get
from lde.rollups import areas, selectors, services
from lde.rollups.policies import (
    area_data_set_policy,
    area_neighbour_policy,
    national_figures_allowed,
    peer_review_request_policy,
)

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
    as_at: datetime = Field(
        description="When the figures were worked out: they are kept for up to 5 minutes"
    )


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
    coverage = selectors.national_briefing_coverage_recent()

    def row(r: selectors.NationalCoverageRow) -> NationalCoverageRowOut:
        return NationalCoverageRowOut.model_validate(r, from_attributes=True)

    return NationalCoverageOut(
        regions=[row(r) for r in coverage.regions],
        national=row(coverage.national) if coverage.national else None,
        window_days=coverage.window_days,
        min_partnerships=selectors.MIN_PARTNERSHIPS,
        min_count=selectors.MIN_COUNT,
        as_at=coverage.as_at,
    )


# --- Similar areas --------------------------------------------------------------------------


class AreaVariableOut(Schema):
    name: str
    label: str
    source: str
    licence: str
    weight: float


class AreaDataSetOut(Schema):
    id: int
    file_name: str
    areas: int
    variables: list[AreaVariableOut]
    created_at: datetime


@router.post(
    "/areas/import",
    response={201: AreaDataSetOut, **WRITE_ERRORS},
    summary="Import area data and find every area's 15 nearest neighbours (site administrators)",
)
def area_data_import(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    variables: File[UploadedFile | None] = None,
) -> Status[AreaDataSetOut]:
    """Multipart: `file`, the area data (gss_code and one column per variable), and
    `variables`, their declaration (name, label, source, licence, protected, weight). All or
    nothing: 400 with the problems under `file` and `variables`, each naming its row and
    column."""
    area_data_set_policy.require_in(request.user, "import", None)
    missing = {
        name: ["Send it as a multipart file field"]
        for name, sent in (("file", file), ("variables", variables))
        if sent is None
    }
    if missing:
        raise ValidationError(missing)
    assert file is not None and variables is not None
    data_set = services.area_data_import(
        actor=acting_user(request),
        data=file.read(areas.MAX_BYTES + 1),
        variables=variables.read(areas.MAX_BYTES + 1),
        file_name=file.name or "",
    )
    return Status(201, AreaDataSetOut.model_validate(data_set, from_attributes=True))


class NeighbourContributionOut(Schema):
    name: str
    label: str
    here: float = Field(description="The partnership's area's value")
    there: float = Field(description="The neighbour's value")
    contribution: float = Field(description="The variable's part of the squared distance")
    share: int = Field(description="Percent of the squared distance")


class NeighbourOut(Schema):
    id: int = Field(description="The neighbour row, as in the similar-area page's path")
    rank: int
    area_code: str
    neighbour_code: str
    partnership_id: int
    partnership_name: str
    distance: float
    contributions: list[NeighbourContributionOut] = Field(
        description="Smallest first: what brings the two areas together"
    )
    request_status: str | None = Field(
        description="The partnership's latest request to it for a peer review, if any"
    )


class NeighboursOut(Schema):
    data_set_id: int | None
    neighbours: list[NeighbourOut]


def _neighbours_partnership(request: HttpRequest, partnership_id: int) -> Partnership:
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    area_neighbour_policy.require_in(request.user, "view", partnership.pk)
    return partnership


@router.get(
    "/{partnership_id}/neighbours",
    response={200: NeighboursOut, **READ_ERRORS, 403: WRITE_ERRORS[403]},
    summary="A partnership's nearest neighbours and why each is close",
)
def neighbours(request: HttpRequest, partnership_id: ObjectId) -> NeighboursOut:
    """The partnership's coordinators and board members, and its inspectors. None of a
    neighbour's scores."""
    partnership = _neighbours_partnership(request, partnership_id)
    found = selectors.similar_areas(user=request.user, partnership=partnership)
    return NeighboursOut(
        data_set_id=found.data_set.pk if found.data_set else None,
        neighbours=[
            NeighbourOut(
                id=a.row.pk,
                rank=a.row.rank,
                area_code=a.row.area_code,
                neighbour_code=a.row.neighbour_code,
                partnership_id=a.neighbour.pk,
                partnership_name=a.neighbour.name,
                distance=a.row.distance,
                contributions=[
                    NeighbourContributionOut.model_validate(c, from_attributes=True)
                    for c in a.contributions
                ],
                request_status=a.request.status if a.request else None,
            )
            for a in found.areas
        ],
    )


class PeerReviewRequestIn(Schema):
    asked_id: int = Field(ge=1, description="The neighbour partnership asked")
    message: str = Field("", max_length=SHORT_TEXT)


class PeerReviewDecisionIn(Schema):
    accept: bool
    reply: str = Field("", max_length=SHORT_TEXT)


class PeerReviewRequestOut(Schema):
    id: int
    requester_id: int
    asked_id: int
    status: str
    message: str
    reply: str
    created_at: datetime
    decided_at: datetime | None


@router.post(
    "/{partnership_id}/peer-review-requests",
    response={201: PeerReviewRequestOut, **WRITE_ERRORS},
    summary="Ask one of the partnership's similar areas for a peer review (¶175)",
)
def peer_review_request_create(
    request: HttpRequest, partnership_id: ObjectId, body: PeerReviewRequestIn
) -> Status[PeerReviewRequestOut]:
    """The partnership's coordinators; only a neighbour in the area data in use (400 under
    `asked` otherwise), one open request at a time (409)."""
    partnership = _neighbours_partnership(request, partnership_id)
    peer_review_request_policy.require_in(request.user, "request", partnership.pk)
    asked = Partnership.objects.filter(pk=body.asked_id).first()
    if asked is None:
        raise ValidationError({"asked_id": "Choose one of the partnership's similar areas"})
    made = services.peer_review_request_create(
        actor=acting_user(request), partnership=partnership, asked=asked, message=body.message
    )
    return Status(201, PeerReviewRequestOut.model_validate(made, from_attributes=True))


@router.post(
    "/peer-review-requests/{request_id}/decision",
    response={200: PeerReviewRequestOut, **WRITE_ERRORS},
    summary="Accept or decline a request for a peer review (the asked partnership's coordinators)",
)
def peer_review_decide(
    request: HttpRequest, request_id: ObjectId, body: PeerReviewDecisionIn
) -> PeerReviewRequestOut:
    asked = selectors.peer_review_request_get(user=request.user, request_id=request_id)
    peer_review_request_policy.require(request.user, "decide", asked)
    done = services.peer_review_request_decide(
        actor=acting_user(request), request=asked, accept=body.accept, reply=body.reply
    )
    return PeerReviewRequestOut.model_validate(done, from_attributes=True)
