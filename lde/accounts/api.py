"""API: the current user, organisations and posts."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lde.accounts import selectors
from lde.accounts.models import OrganisationType, PostLevel
from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.api_schemas import LIST_ERRORS, READ_ERRORS, ObjectId, Page, PageParams

router = Router(tags=["people and organisations"])


class MembershipBrief(Schema):
    partnership_id: int
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    organisation_id: int | None
    memberships: list[MembershipBrief]
    inspector_of: list[int]
    is_national_analyst: bool
    is_site_administrator: bool


class OrganisationOut(Schema):
    id: int
    name: str
    type: str
    gss_code: str
    website: str


class PostOut(Schema):
    id: int
    organisation_id: int
    kind: str
    title: str
    level: PostLevel
    required_vetting: int
    holder_id: int | None
    holder_name: str | None
    held_since: date | None


class OrganisationFilters(PageParams):
    search: str = Field("", max_length=100, description="Part of the name.")
    type: OrganisationType | None = None


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = acting_user(request)
    facts = facts_for(user)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        organisation_id=facts.organisation_id,
        memberships=[
            MembershipBrief(partnership_id=p, role=r)
            for p, roles in sorted(facts.roles.items())
            for r in sorted(roles)
        ],
        inspector_of=sorted(facts.inspected),
        is_national_analyst=facts.is_national_analyst,
        is_site_administrator=facts.is_site_administrator,
    )


@router.get(
    "/organisations",
    response={200: Page[OrganisationOut], **LIST_ERRORS},
    summary="Organisations you may see",
)
def organisation_list(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> Page[OrganisationOut]:
    organisations = selectors.organisation_list(
        user=request.user, search=filters.search, type=filters.type or ""
    )
    return Page[OrganisationOut](
        count=organisations.count(),
        items=[
            OrganisationOut.model_validate(o, from_attributes=True)
            for o in organisations[filters.window()]
        ],
    )


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **READ_ERRORS},
    summary="One organisation",
)
def organisation_get(request: HttpRequest, organisation_id: ObjectId) -> OrganisationOut:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    return OrganisationOut.model_validate(organisation, from_attributes=True)


def _post_out(post: object) -> PostOut:
    holdings = getattr(post, "current_holdings", [])
    holding = holdings[0] if holdings else None
    return PostOut(
        id=post.pk,  # type: ignore[attr-defined]
        organisation_id=post.organisation_id,  # type: ignore[attr-defined]
        kind=post.kind,  # type: ignore[attr-defined]
        title=post.title,  # type: ignore[attr-defined]
        level=post.level,  # type: ignore[attr-defined]
        required_vetting=post.required_vetting,  # type: ignore[attr-defined]
        holder_id=holding.user_id if holding else None,
        holder_name=holding.user.full_name if holding else None,
        held_since=holding.started_on if holding else None,
    )


@router.get(
    "/organisations/{organisation_id}/posts",
    response={200: Page[PostOut], **READ_ERRORS},
    summary="An organisation's posts",
)
def organisation_posts(
    request: HttpRequest, organisation_id: ObjectId, page: Query[PageParams]
) -> Page[PostOut]:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    posts = selectors.post_list(user=request.user, organisation_ids=[organisation.pk])
    return Page[PostOut](count=posts.count(), items=[_post_out(p) for p in posts[page.window()]])


@router.get("/posts/{post_id}", response={200: PostOut, **READ_ERRORS}, summary="One post")
def post_get(request: HttpRequest, post_id: ObjectId) -> PostOut:
    post = selectors.post_get(user=request.user, post_id=post_id)
    found = selectors.post_list(user=request.user).get(pk=post.pk)
    return _post_out(found)
