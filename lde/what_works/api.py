"""API: the library of what works, with its ratings typed — the Maryland level (derived from the
design) and each EMMIE dimension's text and quality — so that a script can read them. The same
selectors, policies and services as the pages: a draft or another partnership's evaluation is a
404, a write not allowed a 403 saying who can, a refusal a 400 naming the field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ObjectId,
    Page,
    PageParams,
    api_field_names,
    chosen,
)
from lde.core.limits import limit_of
from lde.what_works import scales, selectors, services
from lde.what_works.models import (
    EMMIE,
    Audience,
    Design,
    EffectDirection,
    Entry,
    EntryKind,
    Setting,
    Strand,
)
from lde.what_works.policies import ADD_LOCAL, entry_policy

router = Router(tags=["what works"])

FREE_TEXT = r"^[^\x00]*$"
Id = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]
Quality = Annotated[int, Field(ge=0, le=4)]
Answer = Status[Any]


def _text(name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(Entry, name),
        pattern=FREE_TEXT,
    )


class EmmieOut(Schema):
    text: str
    quality: int = Field(description="Quality of the evidence, 0 (none) to 4 (very strong).")


class EntryRatingOut(Schema):
    design: Design
    maryland_level: int | None = Field(
        description="Maryland Scientific Methods Scale, 1–5, derived from the design; null "
        "for a design that measures no effect."
    )
    effect_direction: EffectDirection
    effect: EmmieOut
    mechanism: EmmieOut
    moderators: EmmieOut
    implementation: EmmieOut
    economic_cost: EmmieOut
    rated_by: str | None
    rated_on: date | None


class EntryOut(Schema):
    id: int
    kind: EntryKind
    title: str
    summary: str
    strands: list[Strand]
    tier: int | None
    audiences: list[Audience]
    setting: Setting
    source: str
    paragraphs: str
    status: str
    partnership_id: int | None
    project_id: int | None
    rating: EntryRatingOut


class EntryCreatedOut(Schema):
    id: int


class EntryIn(Schema):
    partnership_id: Id | None = Field(
        None, description="For a local evaluation: the partnership; none for the library."
    )
    project_id: Id | None = None
    kind: EntryKind
    title: str = _text("title")
    summary: str = _text("summary")
    strands: list[Strand] = Field(min_length=1, max_length=len(Strand.values))
    tier: int | None = Field(None, ge=1, le=4)
    audiences: list[Audience] = Field(default_factory=list, max_length=len(Audience.values))
    setting: Setting
    source: str = _text("source")
    paragraphs: str = _text("paragraphs", required=False)


class RatingIn(Schema):
    design: Design
    effect_direction: EffectDirection = EffectDirection.NOT_MEASURED
    effect: str = _text("effect", required=False)
    effect_quality: Quality = 0
    mechanism: str = _text("mechanism", required=False)
    mechanism_quality: Quality = 0
    moderators: str = _text("moderators", required=False)
    moderators_quality: Quality = 0
    implementation: str = _text("implementation", required=False)
    implementation_quality: Quality = 0
    economic_cost: str = _text("economic_cost", required=False)
    economic_cost_quality: Quality = 0


class EntryFilters(PageParams):
    q: str = Field("", max_length=200, description="Words to search for.")
    kind: EntryKind | None = None
    strand: Strand | None = None
    level: int | None = Field(None, ge=1, le=5, description="Maryland level.")
    setting: Setting | None = None
    audience: Audience | None = None


def entry_out(entry: Entry) -> EntryOut:
    def emmie(name: str) -> EmmieOut:
        return EmmieOut(text=getattr(entry, name), quality=getattr(entry, f"{name}_quality"))

    return EntryOut(
        id=entry.pk,
        kind=EntryKind(entry.kind),
        title=entry.title,
        summary=entry.summary,
        strands=[Strand(s) for s in entry.strand_list],
        tier=entry.tier,
        audiences=[Audience(a) for a in entry.audience_list],
        setting=Setting(entry.setting),
        source=entry.source,
        paragraphs=entry.paragraphs,
        status=entry.status,
        partnership_id=entry.partnership_id,
        project_id=entry.project_id,
        rating=EntryRatingOut(
            design=Design(entry.design),
            maryland_level=scales.maryland_level(entry.design),
            effect_direction=EffectDirection(entry.effect_direction),
            rated_by=entry.rated_by.full_name if entry.rated_by else None,
            rated_on=entry.rated_on,
            **{name: emmie(name) for name in EMMIE},
        ),
    )


@router.get(
    "/entries",
    response={200: Page[EntryOut], **LIST_ERRORS},
    summary="Search the library: the entries you may see, best match first",
)
def entry_list(request: HttpRequest, filters: Query[EntryFilters]) -> Page[EntryOut]:
    found = selectors.Filters.from_query(
        {
            "q": filters.q,
            "kind": filters.kind or "",
            "strand": filters.strand or "",
            "level": filters.level or "",
            "setting": filters.setting or "",
            "audience": filters.audience or "",
        }
    )
    results = selectors.entry_search(
        user=request.user, filters=found, limit=filters.offset + filters.limit
    )
    hits = results.hits[filters.window()]
    return Page[EntryOut](count=results.total, items=[entry_out(h.entry) for h in hits])


@router.get(
    "/entries/{entry_id}",
    response={200: EntryOut, **READ_ERRORS},
    summary="One entry with its ratings",
)
def entry_get(request: HttpRequest, entry_id: ObjectId) -> EntryOut:
    return entry_out(selectors.entry_get(user=request.user, entry_id=entry_id))


@router.post(
    "/entries",
    response={201: EntryCreatedOut, **WRITE_ERRORS},
    summary="Add a draft: to the library (site administrators) or a local evaluation of a "
    "project (the partnership's coordinators)",
)
def entry_add(request: HttpRequest, payload: EntryIn) -> Answer:
    fields = payload.dict()
    partnership_id = fields.pop("partnership_id")
    project_id = fields.pop("project_id")
    partnership = project = None
    if partnership_id is not None:
        partnership = selectors.evaluations_partnership(
            user=request.user, partnership_id=partnership_id
        )
        entry_policy.require_in(request.user, "add", partnership.pk, message=ADD_LOCAL)
        with api_field_names({"project": "project_id"}):
            project = chosen(
                selectors.project_choices(partnership=partnership),
                project_id,
                "project_id",
                what="one of the partnership's projects",
            )
    fields["strands"] = [str(s) for s in fields["strands"]]
    fields["audiences"] = [str(a) for a in fields["audiences"]]
    with api_field_names({"project": "project_id"}):
        entry = services.entry_add(
            actor=acting_user(request), partnership=partnership, project=project, **fields
        )
    return Status(201, EntryCreatedOut(id=entry.pk))


@router.put(
    "/entries/{entry_id}/rating",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="Rate a draft: its design (the Maryland level follows) and EMMIE",
)
def entry_rate(request: HttpRequest, entry_id: ObjectId, payload: RatingIn) -> EntryOut:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    fields = {
        k: (str(v) if k in ("design", "effect_direction") else v) for k, v in payload.dict().items()
    }
    entry = services.entry_rate(actor=acting_user(request), entry=entry, **fields)
    return entry_out(entry)


@router.post(
    "/entries/{entry_id}/submit",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="Send a rated draft for review",
)
def entry_submit(request: HttpRequest, entry_id: ObjectId) -> EntryOut:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    return entry_out(services.entry_submit(actor=acting_user(request), entry=entry))


@router.post(
    "/entries/{entry_id}/publish",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="Publish an entry in review to the library (someone other than its rater)",
)
def entry_publish(request: HttpRequest, entry_id: ObjectId) -> EntryOut:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    return entry_out(services.entry_publish(actor=acting_user(request), entry=entry))
