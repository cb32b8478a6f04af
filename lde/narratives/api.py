"""API: the local narrative. A partnership's versions, one version with its sections (each with
the report's guidance), its register of plans, signatories and comments; starting the next
version, writing a section, sharing, commenting, signing off, publishing; the difference
between two versions; and the public summary, which answers without a token.

The same policies as the pages: reads go through the selectors (404 when not visible), writes
through the services (403 when visible but not allowed, saying who can); a service's refusal is
a 400 with its messages by field, and what already happened a 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.api_schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    api_field_names,
    chosen_many,
)
from lde.narratives import selectors, services
from lde.narratives.models import Comment, NarrativeVersion
from lde.narratives.policies import narrative_policy
from lde.narratives.sections import SectionKey
from lde.partnerships import selectors as partnership_selectors

router = Router(tags=["narratives"])

FREE_TEXT = r"^[^\x00]*$"
BIGINT = 9_223_372_036_854_775_807
Id = Annotated[int, Field(ge=1, le=BIGINT)]


# --- Shapes --------------------------------------------------------------------------------


class NarrativeVersionOut(Schema):
    id: int
    partnership_id: int
    number: int
    status: str = Field(description="draft, shared, approved or superseded.")
    published: bool
    review_on: date | None
    created_at: datetime


class ProductRef(Schema):
    id: int
    title: str


class SectionOut(Schema):
    key: str
    label: str
    paragraphs: str = Field(description="The report's paragraphs the guidance comes from.")
    guidance: str
    required: bool
    text: str
    products: list[ProductRef] = Field(
        description="Briefing products it refers to that the gateway rule lets you read."
    )


class PlanOut(Schema):
    kind: str
    name: str
    organisation_id: int
    organisation_name: str
    how_carried: str


class NarrativeSignatoryOut(Schema):
    organisation_id: int
    organisation_name: str
    signed_by_name: str | None
    signed_at: datetime | None


class NarrativeCommentOut(Schema):
    id: int
    author_name: str
    written_as: str = Field(description="partner or community.")
    section: str
    text: str
    created_at: datetime


class FreshnessOut(Schema):
    up_to_date: bool
    complete: bool
    influences_recent: bool
    missing: list[str]


class NarrativeVersionDetailOut(NarrativeVersionOut):
    influences_reviewed_on: date | None
    standalone_reason: str
    public_summary: str
    approved_at: datetime | None
    published_at: datetime | None
    sections: list[SectionOut]
    mainstream_plans: list[PlanOut]
    signatories: list[NarrativeSignatoryOut]
    comments: list[NarrativeCommentOut]
    freshness: FreshnessOut


class SectionIn(Schema):
    text: str = Field(max_length=20_000, pattern=FREE_TEXT)
    product_ids: list[Id] = Field(default_factory=list, max_length=100)


class NarrativeCommentIn(Schema):
    text: str = Field(max_length=2_000, pattern=FREE_TEXT)
    section: SectionKey | None = None


class LineOut(Schema):
    kind: str = Field(description="same, added or removed.")
    text: str


class DifferenceOut(Schema):
    label: str
    changed: bool
    lines: list[LineOut]


class CompareOut(Schema):
    older: NarrativeVersionOut
    newer: NarrativeVersionOut
    sections: list[DifferenceOut]


class PublicSummaryOut(Schema):
    partnership_name: str
    number: int
    summary: str
    approved_by: list[str] = Field(description="The organisations that signed it off.")
    approved_at: datetime | None
    published_at: datetime


# --- Helpers ------------------------------------------------------------------------------


def _summary(version: NarrativeVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "partnership_id": version.partnership_id,
        "number": version.number,
        "status": version.status,
        "published": version.is_published,
        "review_on": version.review_on,
        "created_at": version.created_at,
    }


def _comment(comment: Comment) -> NarrativeCommentOut:
    return NarrativeCommentOut(
        id=comment.pk,
        author_name=comment.author.full_name,
        written_as=comment.written_as,
        section=comment.section,
        text=comment.text,
        created_at=comment.created_at,
    )


def _detail(request: HttpRequest, version: NarrativeVersion) -> NarrativeVersionDetailOut:
    fresh = selectors.freshness(version=version, day=facts_for(request.user).today)
    return NarrativeVersionDetailOut(
        **_summary(version),
        influences_reviewed_on=version.influences_reviewed_on,
        standalone_reason=version.standalone_reason,
        public_summary=version.public_summary,
        approved_at=version.approved_at,
        published_at=version.published_at,
        sections=[
            SectionOut(
                key=s.key,
                label=s.label,
                paragraphs=s.paragraphs,
                guidance=s.guidance,
                required=s.required,
                text=s.text,
                products=[ProductRef(id=p.pk, title=p.title) for p in s.products],
            )
            for s in selectors.sections_of(version=version, user=acting_user(request))
        ],
        mainstream_plans=[
            PlanOut(
                kind=p.kind,
                name=p.name,
                organisation_id=p.organisation_id,
                organisation_name=p.organisation.name,
                how_carried=p.how_carried,
            )
            for p in version.mainstream_plans.all()
        ],
        signatories=[
            NarrativeSignatoryOut(
                organisation_id=s.organisation_id,
                organisation_name=s.organisation.name,
                signed_by_name=s.signed_by.full_name if s.signed_by else None,
                signed_at=s.signed_at,
            )
            for s in version.signatories.all()
        ],
        comments=[_comment(c) for c in selectors.version_comments(version=version)],
        freshness=FreshnessOut(
            up_to_date=fresh.up_to_date,
            complete=fresh.complete,
            influences_recent=fresh.influences_recent,
            missing=list(fresh.missing),
        ),
    )


def _reread(request: HttpRequest, version: NarrativeVersion) -> NarrativeVersionDetailOut:
    return _detail(request, selectors.version_get(user=request.user, version_id=version.pk))


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "/partnership/{partnership_id}",
    response={200: list[NarrativeVersionOut], **READ_ERRORS},
    summary="The partnership's narrative versions you may read, newest first",
)
def version_list(request: HttpRequest, partnership_id: ObjectId) -> list[NarrativeVersionOut]:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    return [
        NarrativeVersionOut(**_summary(v))
        for v in selectors.version_list(user=request.user, partnership=partnership)
    ]


@router.post(
    "/partnership/{partnership_id}",
    response={201: NarrativeVersionDetailOut, **WRITE_ERRORS},
    summary="Start the next version, from the latest (coordinators)",
)
def version_start(
    request: HttpRequest, partnership_id: ObjectId
) -> Status[NarrativeVersionDetailOut | FieldErrorsOut | ErrorOut]:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    narrative_policy.require_in(request.user, "start", partnership.pk)
    version = services.version_start(actor=acting_user(request), partnership=partnership)
    return Status(201, _reread(request, version))


@router.get(
    "/{version_id}",
    response={200: NarrativeVersionDetailOut, **READ_ERRORS},
    summary="One version: its sections with the report's guidance, plans, signatories, comments",
)
def version_get(request: HttpRequest, version_id: ObjectId) -> NarrativeVersionDetailOut:
    return _detail(request, selectors.version_get(user=request.user, version_id=version_id))


@router.put(
    "/{version_id}/sections/{key}",
    response={200: NarrativeVersionDetailOut, **WRITE_ERRORS},
    summary="Write one section of a draft (coordinators)",
)
def section_update(
    request: HttpRequest, version_id: ObjectId, key: SectionKey, payload: SectionIn
) -> Status[NarrativeVersionDetailOut | FieldErrorsOut | ErrorOut]:
    version = selectors.version_get(user=request.user, version_id=version_id)
    narrative_policy.require(request.user, "edit", version)
    products = chosen_many(
        selectors.product_choices(user=acting_user(request)),
        payload.product_ids,
        "product_ids",
        what="a briefing product",
    )
    with api_field_names({"products": "product_ids"}):
        services.section_update(
            actor=acting_user(request),
            version=version,
            key=key.value,
            text=payload.text,
            products=products,
        )
    return Status(200, _reread(request, version))


@router.post(
    "/{version_id}/share",
    response={200: NarrativeVersionDetailOut, **WRITE_ERRORS},
    summary="Share a draft for consultation (coordinators)",
)
def version_share(
    request: HttpRequest, version_id: ObjectId
) -> Status[NarrativeVersionDetailOut | FieldErrorsOut | ErrorOut]:
    version = selectors.version_get(user=request.user, version_id=version_id)
    narrative_policy.require(request.user, "share", version)
    services.version_share(actor=acting_user(request), version=version)
    return Status(200, _reread(request, version))


@router.post(
    "/{version_id}/comments",
    response={201: NarrativeCommentOut, **WRITE_ERRORS},
    summary="Comment on a draft or a shared version (partners; community reviewers when shared)",
)
def comment_add(
    request: HttpRequest, version_id: ObjectId, payload: NarrativeCommentIn
) -> Status[NarrativeCommentOut | FieldErrorsOut | ErrorOut]:
    version = selectors.version_get(user=request.user, version_id=version_id)
    narrative_policy.require(request.user, "comment", version)
    comment = services.comment_add(
        actor=acting_user(request),
        version=version,
        text=payload.text,
        section=payload.section.value if payload.section else "",
    )
    return Status(201, _comment(comment))


@router.post(
    "/{version_id}/sign",
    response={200: NarrativeVersionDetailOut, **WRITE_ERRORS},
    summary="Sign a shared version off for your organisation (a party's coordinator or board "
    "member)",
)
def version_sign(
    request: HttpRequest, version_id: ObjectId
) -> Status[NarrativeVersionDetailOut | FieldErrorsOut | ErrorOut]:
    version = selectors.version_get(user=request.user, version_id=version_id)
    services.version_sign(actor=acting_user(request), version=version)
    return Status(200, _reread(request, version))


@router.post(
    "/{version_id}/publish",
    response={200: NarrativeVersionDetailOut, **WRITE_ERRORS},
    summary="Publish an approved version's public summary (coordinators)",
)
def version_publish(
    request: HttpRequest, version_id: ObjectId
) -> Status[NarrativeVersionDetailOut | FieldErrorsOut | ErrorOut]:
    version = selectors.version_get(user=request.user, version_id=version_id)
    services.version_publish(actor=acting_user(request), version=version)
    return Status(200, _reread(request, version))


@router.get(
    "/{version_id}/compare/{other_id}",
    response={200: CompareOut, **READ_ERRORS},
    summary="The difference between two versions of the same narrative, section by section",
)
def version_compare(request: HttpRequest, version_id: ObjectId, other_id: ObjectId) -> CompareOut:
    version = selectors.version_get(user=request.user, version_id=version_id)
    other = selectors.version_get(user=request.user, version_id=other_id)
    if other.partnership_id != version.partnership_id or other.pk == version.pk:
        raise Http404
    older, newer = sorted((version, other), key=lambda v: v.number)
    return CompareOut(
        older=NarrativeVersionOut(**_summary(older)),
        newer=NarrativeVersionOut(**_summary(newer)),
        sections=[
            DifferenceOut(
                label=row.label,
                changed=row.changed,
                lines=[LineOut(kind=line.kind, text=line.text) for line in row.lines],
            )
            for row in selectors.version_difference(older=older, newer=newer)
        ],
    )


@router.get(
    "/public/{version_id}",
    response={200: PublicSummaryOut, **READ_ERRORS},
    summary="A published public summary: every token holder may read it (anyone, on its page)",
)
def public_summary(request: HttpRequest, version_id: ObjectId) -> PublicSummaryOut:
    version = selectors.public_summary(version_id=version_id)
    assert version.published_at is not None
    return PublicSummaryOut(
        partnership_name=version.partnership.name,
        number=version.number,
        summary=version.public_summary,
        approved_by=[s.organisation.name for s in version.signatories.all()],
        approved_at=version.approved_at,
        published_at=version.published_at,
    )
