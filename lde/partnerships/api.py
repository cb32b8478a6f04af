"""API: partnerships and their memberships."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from lde.core.api_schemas import (
    EMAIL_PATTERN,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    ObjectId,
    Page,
    PageParams,
    chosen,
)
from lde.core.refusals import Conflict
from lde.partnerships import selectors, services
from lde.partnerships.models import Role
from lde.partnerships.policies import partnership_policy

router = Router(tags=["partnerships"])


class PartnershipOut(Schema):
    id: int
    name: str
    region: str
    lead_council_id: int
    area_gss_codes: list[str]


class MembershipOut(Schema):
    id: int
    user_id: int
    full_name: str
    email: str
    role: str
    organisation_id: int | None


class MembershipIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    full_name: str = Field(
        min_length=1, max_length=150, pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$"
    )
    role: Role
    organisation_id: int | None = None


def _membership_out(membership: object) -> MembershipOut:
    return MembershipOut(
        id=membership.pk,  # type: ignore[attr-defined]
        user_id=membership.user_id,  # type: ignore[attr-defined]
        full_name=membership.user.full_name,  # type: ignore[attr-defined]
        email=membership.user.email,  # type: ignore[attr-defined]
        role=membership.role,  # type: ignore[attr-defined]
        organisation_id=membership.organisation_id,  # type: ignore[attr-defined]
    )


@router.get(
    "", response={200: Page[PartnershipOut], **LIST_ERRORS}, summary="Partnerships you may see"
)
def partnership_list(request: HttpRequest, page: Query[PageParams]) -> Page[PartnershipOut]:
    partnerships = selectors.partnership_list(user=request.user)
    return Page[PartnershipOut](
        count=partnerships.count(),
        items=[
            PartnershipOut.model_validate(p, from_attributes=True)
            for p in partnerships[page.window()]
        ],
    )


@router.get(
    "/{partnership_id}", response={200: PartnershipOut, **READ_ERRORS}, summary="One partnership"
)
def partnership_get(request: HttpRequest, partnership_id: ObjectId) -> PartnershipOut:
    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    return PartnershipOut.model_validate(partnership, from_attributes=True)


@router.get(
    "/{partnership_id}/memberships",
    response={200: Page[MembershipOut], 403: ErrorOut, **READ_ERRORS},
    summary="A partnership's members and their roles",
)
def membership_list(
    request: HttpRequest, partnership_id: ObjectId, page: Query[PageParams]
) -> Page[MembershipOut]:
    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    partnership_policy.require(request.user, "view_members", partnership)
    memberships = selectors.membership_list(user=request.user, partnership=partnership)
    return Page[MembershipOut](
        count=memberships.count(), items=[_membership_out(m) for m in memberships[page.window()]]
    )


@router.post(
    "/{partnership_id}/memberships",
    response={201: MembershipOut, **WRITE_ERRORS},
    summary="Give someone a role (coordinators)",
)
def membership_create(
    request: HttpRequest, partnership_id: ObjectId, payload: MembershipIn
) -> Status[MembershipOut | ErrorOut]:
    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    partnership_policy.require(request.user, "manage", partnership)
    organisation = chosen(
        selectors.partner_organisation_choices(partnership=partnership),
        payload.organisation_id,
        "organisation_id",
        what="a partner organisation of this partnership",
    )
    try:
        membership = services.membership_invite(
            actor=request.user,  # type: ignore[arg-type]
            partnership=partnership,
            email=str(payload.email),
            full_name=payload.full_name,
            role=payload.role,
            organisation=organisation,
        )
    except IntegrityError as error:
        # Two invitations of the same person at once: the second finds the first's row.
        raise Conflict({"role": "They already hold this role."}) from error
    return Status(201, _membership_out(membership))


class CoveragePostOut(Schema):
    post_id: int
    post_title: str
    organisation_name: str
    holder_name: str | None
    reason: str = Field(
        description="vacant, not_listed, cannot_see, not_acknowledged or nothing_released"
    )
    reason_label: str


class CoverageOut(Schema):
    partnership_id: int
    covered: int
    total: int
    percent: int | None
    window_days: int
    anything_released: bool
    not_covered: list[CoveragePostOut]


@router.get(
    "/{partnership_id}/coverage",
    response={200: CoverageOut, **READ_ERRORS},
    summary="Briefing coverage of the partnership's strategic posts (¶59)",
)
def briefing_coverage(request: HttpRequest, partnership_id: ObjectId) -> CoverageOut:
    """Coordinators, board members and assigned inspectors; 404 for everyone else."""
    from django.http import Http404

    partnership = selectors.partnership_get(user=request.user, partnership_id=partnership_id)
    if not partnership_policy.user_can(request.user, "view_coverage", partnership):
        raise Http404
    coverage = selectors.briefing_coverage(partnership=partnership)
    return CoverageOut(
        partnership_id=partnership.pk,
        covered=coverage.covered,
        total=coverage.total,
        percent=coverage.percent,
        window_days=coverage.window_days,
        anything_released=coverage.anything_released,
        not_covered=[
            CoveragePostOut(
                post_id=row.post.pk,
                post_title=row.post.title,
                organisation_name=row.post.organisation.name,
                holder_name=row.holder.full_name if row.holder else None,
                reason=row.status,
                reason_label=row.reason,
            )
            for row in coverage.not_covered
        ],
    )
