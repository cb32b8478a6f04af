"""API: consequence management. The same selectors, policies and services as the pages: reads
404 when not visible, writes 403 when visible but not allowed, and a service's refusal (a
mobile that is not a UK mobile, a template's unknown placeholder) is a 400 naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.action_plans.selectors import organisation_choices, owner_choices
from lde.consequence_management import selectors, services
from lde.consequence_management.models import (
    CascadeKind,
    CascadeMode,
    CascadeRecipient,
    ContactKind,
    EntryKind,
    Exercise,
    KeyContact,
    ReadinessPlan,
)
from lde.consequence_management.policies import (
    cascade_policy,
    exercise_policy,
    key_contact_policy,
    readiness_plan_policy,
)
from lde.core.access.facts import facts_for
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ObjectId, chosen, chosen_many
from lde.partnerships import selectors as partnership_selectors

router = Router(tags=["consequence management"])

FREE_TEXT = r"^[^\x00]*$"
BIGINT = 9_223_372_036_854_775_807
Id = Annotated[int, Field(ge=1, le=BIGINT)]
ERRORS: dict[int, type[Schema]] = {s: shape for s, shape in WRITE_ERRORS.items() if s != 409}


def _partnership(request: HttpRequest, partnership_id: int, policy: Any, action: str) -> Any:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    policy.require_in(request.user, action, partnership.pk)
    return partnership


# --- Shapes -----------------------------------------------------------------------------------


class ReadinessPlanSummaryOut(Schema):
    id: int
    title: str
    review_on: date
    past_review: bool


class ReadinessPlanOut(ReadinessPlanSummaryOut):
    before: str
    during: str
    after: str
    communications_strategy: str
    release_contingency: str
    everyday_policing: str
    advisory_group_id: int | None
    advisory_group_breadth: str
    spokesperson_id: int | None
    media_skills: str
    criteria: list[str]
    roles: list[dict[str, Any]]
    key_messages: list[dict[str, Any]]
    rumours: list[dict[str, Any]]


class KeyContactOut(Schema):
    id: int
    kind: str
    organisation_id: int
    post_id: int | None
    level: str
    role: str
    email: str
    mobile: str
    phone: str
    deputy_id: int | None
    consented_on: date
    verified_on: date
    warnings: list[str]


class KeyContactIn(Schema):
    kind: ContactKind
    organisation_id: Id
    post_id: Id | None = None
    role: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)
    email: str = Field("", max_length=254, pattern=FREE_TEXT)
    mobile: str = Field("", max_length=20, pattern=FREE_TEXT)
    phone: str = Field("", max_length=20, pattern=FREE_TEXT)
    deputy_id: Id | None = None
    consented_on: date
    verified_on: date


class CascadeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)
    kind: CascadeKind
    mode: CascadeMode
    template: str = Field(..., min_length=1, max_length=2000, pattern=FREE_TEXT)
    start_key: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    plan_id: Id | None = None
    briefing_product_id: Id | None = None
    quorum_percent: int = Field(60, ge=1, le=100)
    escalate_after_minutes: int = Field(15, ge=1, le=1440)
    contact_ids: list[Id] | None = None


class RollCallRowOut(Schema):
    recipient_id: int
    contact_id: int
    role: str
    organisation: str
    level: int
    deputy_for: int | None
    reached: bool
    acknowledged_at: datetime | None
    acknowledged_via: str
    escalated_at: datetime | None
    call_outcome: str


class CascadeOut(Schema):
    id: int
    title: str
    kind: str
    mode: str
    status: str
    started_at: datetime
    closed_at: datetime | None
    level_reached: int
    called: int
    reached: int
    acknowledged: int
    not_yet: int
    escalated: int
    failed: int
    # One page of the roll-call, as the page lists it: `filter` "not-yet" (the default) or
    # "acknowledged", `page_size` rows a page, in level order; `next` is the following page's
    # number, null on the last.
    filter: str
    page: int
    pages: int
    page_size: int
    listed: int
    next: int | None
    roll_call: list[RollCallRowOut]


class RollCallQuery(Schema):
    page: int = Field(1, ge=1, le=10**9)
    filter: Literal["not-yet", "acknowledged"] = "not-yet"


class CallOutcomeIn(Schema):
    outcome: str = Field(..., max_length=14, pattern=FREE_TEXT)


def _contact(c: KeyContact, today: date) -> KeyContactOut:
    return KeyContactOut(
        id=c.pk,
        kind=c.kind,
        organisation_id=c.organisation_id,
        post_id=c.post_id,
        level=c.level,
        role=c.role,
        email=c.email,
        mobile=c.mobile,
        phone=c.phone,
        deputy_id=c.deputy_id,
        consented_on=c.consented_on,
        verified_on=c.verified_on,
        warnings=services.contact_warnings(c, today),
    )


def cascade_out(cascade: Any, query: RollCallQuery | None = None) -> CascadeOut:
    """The cascade, its counts and one page of its roll-call, built as the page builds them
    (`selectors.roll_call_page`): the same queries whatever the cascade's size."""
    query = query or RollCallQuery(page=1, filter="not-yet")
    roll = selectors.roll_call_page(cascade=cascade, show=query.filter, page=query.page)
    one_page = roll.page
    return CascadeOut(
        id=cascade.pk,
        title=cascade.title,
        kind=cascade.kind,
        mode=cascade.mode,
        status=cascade.status,
        started_at=cascade.started_at,
        closed_at=cascade.closed_at,
        level_reached=cascade.level_reached,
        called=roll.counts.called,
        reached=roll.counts.reached,
        acknowledged=roll.counts.acknowledged,
        not_yet=roll.counts.not_yet,
        escalated=roll.counts.escalated,
        failed=roll.counts.failed,
        filter=roll.show,
        page=one_page.number,
        pages=one_page.paginator.num_pages,
        page_size=selectors.ROLL_CALL_PAGE_SIZE,
        listed=one_page.paginator.count,
        next=one_page.next_page_number() if one_page.has_next() else None,
        roll_call=[
            RollCallRowOut(
                recipient_id=row.recipient.pk,
                contact_id=row.recipient.contact_id,
                role=row.recipient.contact.role,
                organisation=row.recipient.contact.organisation.name,
                level=row.recipient.level,
                deputy_for=row.recipient.deputy_for_id,
                reached=row.reached,
                acknowledged_at=row.recipient.acknowledged_at,
                acknowledged_via=row.recipient.acknowledged_via,
                escalated_at=row.recipient.escalated_at,
                call_outcome=row.recipient.call_outcome,
            )
            for row in roll.rows
        ],
    )


# --- Plans ------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/plans",
    response={200: list[ReadinessPlanSummaryOut], **READ_ERRORS, 403: ErrorOut},
    summary="The partnership's readiness plans",
)
def plan_list(request: HttpRequest, partnership_id: ObjectId) -> list[ReadinessPlanSummaryOut]:
    partnership = _partnership(request, partnership_id, readiness_plan_policy, "overview")
    today = facts_for(request.user).today
    return [
        ReadinessPlanSummaryOut(
            id=p.pk, title=p.title, review_on=p.review_on, past_review=p.review_on < today
        )
        for p in selectors.plan_list(user=request.user, partnership=partnership)
    ]


@router.get(
    "/plans/{readiness_plan_id}",
    response={200: ReadinessPlanOut, **READ_ERRORS},
    summary="One readiness plan: before, during and after, its group, messages and rumour log",
)
def plan_get(request: HttpRequest, readiness_plan_id: ObjectId) -> ReadinessPlanOut:
    plan = selectors.plan_get(user=request.user, plan_id=readiness_plan_id)
    today = facts_for(request.user).today
    return ReadinessPlanOut(
        id=plan.pk,
        title=plan.title,
        review_on=plan.review_on,
        past_review=plan.review_on < today,
        before=plan.before,
        during=plan.during,
        after=plan.after,
        communications_strategy=plan.communications_strategy,
        release_contingency=plan.release_contingency,
        everyday_policing=plan.everyday_policing,
        advisory_group_id=plan.advisory_group_id,
        advisory_group_breadth=plan.advisory_group_breadth,
        spokesperson_id=plan.spokesperson_id,
        media_skills=plan.media_skills,
        criteria=[c.identifier for c in selectors.plan_criteria(plan=plan)],
        roles=[{"post_id": r.post_id, "role": r.role} for r in selectors.plan_roles(plan=plan)],
        key_messages=[
            {"key_message_id": m.key_message_id, "languages": m.languages}
            for m in selectors.plan_messages(plan=plan)
        ],
        rumours=[
            {
                "heard_on": r.heard_on.isoformat(),
                "what_was_heard": r.what_was_heard,
                "where": r.where,
                "response": r.response,
            }
            for r in plan.rumours.all()
        ],
    )


# --- The directory ----------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/contacts",
    response={200: list[KeyContactOut], **READ_ERRORS, 403: ErrorOut},
    summary="The key-individual directory, with each entry's warnings",
)
def contact_list(request: HttpRequest, partnership_id: ObjectId) -> list[KeyContactOut]:
    partnership = _partnership(request, partnership_id, key_contact_policy, "list")
    today = facts_for(request.user).today
    return [
        _contact(c, today)
        for c in selectors.contact_list(user=request.user, partnership=partnership)
    ]


@router.post(
    "/partnerships/{partnership_id}/contacts",
    response={201: KeyContactOut, **ERRORS},
    summary="Add an entry to the directory (coordinators); a mobile must be a UK mobile",
)
def contact_create(
    request: HttpRequest, partnership_id: ObjectId, payload: KeyContactIn
) -> Status[KeyContactOut]:
    partnership = _partnership(request, partnership_id, key_contact_policy, "add")
    organisation = chosen(
        selectors.partnership_organisations(partnership=partnership),
        payload.organisation_id,
        "organisation_id",
        what="an organisation",
    )
    post = chosen(
        selectors.partnership_posts(partnership=partnership),
        payload.post_id,
        "post_id",
        what="a post of the partnership",
    )
    deputy = chosen(
        KeyContact.objects.filter(partnership=partnership),
        payload.deputy_id,
        "deputy_id",
        what="an entry of this directory",
    )
    contact = services.contact_create(
        actor=acting_user(request),
        partnership=partnership,
        fields=services.ContactFields(
            kind=payload.kind,
            organisation=organisation,
            post=post,
            role=payload.role,
            email=payload.email,
            mobile=payload.mobile,
            phone=payload.phone,
            deputy=deputy,
            consented_on=payload.consented_on,
            verified_on=payload.verified_on,
        ),
    )
    return Status(201, _contact(contact, facts_for(request.user).today))


# --- Cascades ---------------------------------------------------------------------------------


@router.post(
    "/partnerships/{partnership_id}/cascades",
    response={201: CascadeOut, **ERRORS},
    summary="Start a cascade (coordinators); the same start_key twice starts one cascade",
)
def cascade_start(
    request: HttpRequest, partnership_id: ObjectId, payload: CascadeIn
) -> Status[CascadeOut]:
    partnership = _partnership(request, partnership_id, cascade_policy, "add")
    contacts = (
        None
        if payload.contact_ids is None
        else chosen_many(
            KeyContact.objects.filter(partnership=partnership).select_related(
                "post", "organisation"
            ),
            payload.contact_ids,
            "contact_ids",
            what="an entry of this directory",
        )
    )
    cascade = services.cascade_start(
        actor=acting_user(request),
        partnership=partnership,
        fields=services.CascadeFields(
            title=payload.title,
            kind=payload.kind,
            mode=payload.mode,
            template=payload.template,
            start_key=payload.start_key,
            plan=chosen(
                selectors.plan_list(user=request.user, partnership=partnership),
                payload.plan_id,
                "plan_id",
                what="a readiness plan of the partnership",
            ),
            briefing_product=chosen(
                selectors.released_products(),
                payload.briefing_product_id,
                "briefing_product_id",
                what="a released briefing product",
            ),
            quorum_percent=payload.quorum_percent,
            escalate_after_minutes=payload.escalate_after_minutes,
            contacts=contacts,
        ),
    )
    return Status(201, cascade_out(selectors.cascade_get(user=request.user, cascade_id=cascade.pk)))


@router.get(
    "/cascades/{cascade_id}",
    response={200: CascadeOut, **READ_ERRORS},
    summary="A cascade's counts and one page of its roll-call (?filter=not-yet|acknowledged"
    "&page=N), as the roll-call page lists it",
)
def cascade_get(
    request: HttpRequest, cascade_id: ObjectId, query: Query[RollCallQuery]
) -> CascadeOut:
    return cascade_out(selectors.cascade_get(user=request.user, cascade_id=cascade_id), query)


@router.post(
    "/cascades/{cascade_id}/recipients/{recipient_id}/call",
    response={200: CascadeOut, **ERRORS},
    summary="Record a ring-round call's outcome (coordinators and contributors, while it runs)",
)
def call_record(
    request: HttpRequest, cascade_id: ObjectId, recipient_id: ObjectId, payload: CallOutcomeIn
) -> CascadeOut:
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    cascade_policy.require(request.user, "record_call", cascade)
    recipient = chosen(
        CascadeRecipient.objects.filter(cascade=cascade).select_related("contact"),
        recipient_id,
        "recipient_id",
        what="someone this cascade calls",
    )
    services.call_record(
        actor=acting_user(request), cascade=cascade, recipient=recipient, outcome=payload.outcome
    )
    return cascade_out(selectors.cascade_get(user=request.user, cascade_id=cascade.pk))


# --- Plans: writes ------------------------------------------------------------------------------


class ReadinessPlanIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)
    before: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    during: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    after: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    communications_strategy: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    release_contingency: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    everyday_policing: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    review_on: date
    advisory_group_id: Id | None = None
    advisory_group_breadth: str = Field("", max_length=2000, pattern=FREE_TEXT)
    spokesperson_id: Id | None = None
    media_skills: str = Field("", max_length=2000, pattern=FREE_TEXT)
    criteria: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Identifiers of the readiness framework's criteria the plan answers.",
    )


def _plan_fields(request: HttpRequest, partnership: Any, payload: ReadinessPlanIn) -> Any:
    return services.PlanFields(
        title=payload.title,
        before=payload.before,
        during=payload.during,
        after=payload.after,
        communications_strategy=payload.communications_strategy,
        release_contingency=payload.release_contingency,
        everyday_policing=payload.everyday_policing,
        review_on=payload.review_on,
        advisory_group=chosen(
            selectors.advisory_groups(user=request.user, partnership=partnership),
            payload.advisory_group_id,
            "advisory_group_id",
            what="an independent advisory group of the partnership",
        ),
        advisory_group_breadth=payload.advisory_group_breadth,
        spokesperson=chosen(
            selectors.spokespeople(partnership=partnership),
            payload.spokesperson_id,
            "spokesperson_id",
            what="a spokesperson of the partnership",
        ),
        media_skills=payload.media_skills,
        criteria=chosen_many(
            selectors.readiness_criteria(),
            payload.criteria,
            "criteria",
            what="a criterion of the readiness framework",
            key="identifier",
        ),
    )


@router.post(
    "/partnerships/{partnership_id}/plans",
    response={201: ReadinessPlanOut, **ERRORS},
    summary="Add a readiness plan (coordinators)",
)
def plan_create(
    request: HttpRequest, partnership_id: ObjectId, payload: ReadinessPlanIn
) -> Status[ReadinessPlanOut]:
    partnership = _partnership(request, partnership_id, readiness_plan_policy, "add")
    plan = services.plan_create(
        actor=acting_user(request),
        partnership=partnership,
        fields=_plan_fields(request, partnership, payload),
    )
    return Status(201, plan_get(request, plan.pk))


@router.put(
    "/plans/{readiness_plan_id}",
    response={200: ReadinessPlanOut, **ERRORS},
    summary="Change a readiness plan (coordinators): the whole plan, as on its form",
)
def plan_update(
    request: HttpRequest, readiness_plan_id: ObjectId, payload: ReadinessPlanIn
) -> ReadinessPlanOut:
    plan: ReadinessPlan = selectors.plan_get(user=request.user, plan_id=readiness_plan_id)
    readiness_plan_policy.require(request.user, "edit", plan)
    services.plan_update(
        actor=acting_user(request),
        plan=plan,
        fields=_plan_fields(request, plan.partnership, payload),
    )
    return plan_get(request, plan.pk)


# --- Exercises ----------------------------------------------------------------------------------


class ExerciseSummaryOut(Schema):
    id: int
    title: str
    held_on: date
    status: str
    lessons: int


class ExerciseParticipantOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class ExerciseEntryOut(Schema):
    kind: str
    at: datetime
    text: str


class LessonOut(Schema):
    id: int
    lesson: str
    action_id: int
    action_title: str
    action_status: str
    action_due_on: date


class UnansweredOut(Schema):
    role: str
    organisation: str
    level: str
    escalated: bool


class AfterActionOut(Schema):
    """A cascade's after-action figures; people by role and organisation, never by name."""

    cascade_id: int
    called: int
    first_message_seconds: float | None
    key_roles: int
    key_roles_acknowledged_within_15_minutes: int
    acknowledged: int
    escalations: int
    never_answered: list[UnansweredOut]


class ExerciseOut(ExerciseSummaryOut):
    scenario: str
    plan_id: int | None
    cascade_id: int | None
    started_at: datetime | None
    closed_at: datetime | None
    criteria: list[str]
    participants: list[ExerciseParticipantOut]
    entries: list[ExerciseEntryOut]
    lesson_actions: list[LessonOut]
    after_action: AfterActionOut | None


class ExerciseIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)
    scenario: str = Field(..., min_length=1, max_length=5000, pattern=FREE_TEXT)
    held_on: date
    plan_id: Id | None = None
    cascade_id: Id | None = None
    criteria: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Identifiers of the readiness framework's criteria the exercise tests.",
    )


class ExerciseParticipantIn(Schema):
    organisation_id: Id
    role: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)


class ExerciseEntryIn(Schema):
    kind: EntryKind
    at: datetime
    text: str = Field(..., min_length=1, max_length=2000, pattern=FREE_TEXT)


class LessonIn(Schema):
    lesson: str = Field(..., min_length=1, max_length=2000, pattern=FREE_TEXT)
    title: str = Field(..., min_length=1, max_length=200, pattern=FREE_TEXT)
    description: str = Field(..., min_length=1, max_length=20000, pattern=FREE_TEXT)
    owner_id: Id
    owner_organisation_id: Id
    due_on: date


def _after_action(review: Any) -> AfterActionOut:
    return AfterActionOut(
        cascade_id=review.cascade.pk,
        called=review.called,
        first_message_seconds=review.first_message_seconds,
        key_roles=review.key_roles,
        key_roles_acknowledged_within_15_minutes=review.key_roles_acknowledged_in_time,
        acknowledged=review.acknowledged,
        escalations=review.escalations,
        never_answered=[
            UnansweredOut(
                role=u.role, organisation=u.organisation, level=u.level, escalated=u.escalated
            )
            for u in review.unanswered
        ],
    )


def exercise_out(request: HttpRequest, exercise: Exercise) -> ExerciseOut:
    review = selectors.exercise_review(user=request.user, exercise=exercise)
    return ExerciseOut(
        id=exercise.pk,
        title=exercise.title,
        held_on=exercise.held_on,
        status=exercise.status,
        lessons=len(review.lessons),
        scenario=exercise.scenario,
        plan_id=exercise.plan_id,
        cascade_id=exercise.cascade_id,
        started_at=exercise.started_at,
        closed_at=exercise.closed_at,
        criteria=[c.identifier for c in review.criteria],
        participants=[
            ExerciseParticipantOut(
                organisation_id=p.organisation_id, organisation=p.organisation.name, role=p.role
            )
            for p in review.participants
        ],
        entries=[
            ExerciseEntryOut(kind=e.kind, at=e.at, text=e.text)
            for e in sorted([*review.timeline, *review.observations], key=lambda e: (e.at, e.pk))
        ],
        lesson_actions=[
            LessonOut(
                id=lesson.pk,
                lesson=lesson.lesson,
                action_id=lesson.action_id,
                action_title=lesson.action.title,
                action_status=lesson.action.status,
                action_due_on=lesson.action.due_on,
            )
            for lesson in review.lessons
        ],
        after_action=_after_action(review.cascade) if review.cascade is not None else None,
    )


def _exercise_fields(request: HttpRequest, partnership: Any, payload: ExerciseIn) -> Any:
    return services.ExerciseFields(
        title=payload.title,
        scenario=payload.scenario,
        held_on=payload.held_on,
        plan=chosen(
            selectors.plan_list(user=request.user, partnership=partnership),
            payload.plan_id,
            "plan_id",
            what="a readiness plan of the partnership",
        ),
        cascade=chosen(
            selectors.exercise_cascades(user=request.user, partnership=partnership),
            payload.cascade_id,
            "cascade_id",
            what="an exercise cascade of the partnership",
        ),
        criteria=chosen_many(
            selectors.readiness_criteria(),
            payload.criteria,
            "criteria",
            what="a criterion of the readiness framework",
            key="identifier",
        ),
    )


@router.get(
    "/partnerships/{partnership_id}/exercises",
    response={200: list[ExerciseSummaryOut], **READ_ERRORS, 403: ErrorOut},
    summary="The partnership's exercises (table-top role plays, ¶161)",
)
def exercise_list(request: HttpRequest, partnership_id: ObjectId) -> list[ExerciseSummaryOut]:
    partnership = _partnership(request, partnership_id, exercise_policy, "list")
    return [
        ExerciseSummaryOut(
            id=e.pk,
            title=e.title,
            held_on=e.held_on,
            status=e.status,
            lessons=getattr(e, "lesson_count", 0),
        )
        for e in selectors.exercise_list(user=request.user, partnership=partnership)
    ]


@router.post(
    "/partnerships/{partnership_id}/exercises",
    response={201: ExerciseOut, **ERRORS},
    summary="Plan an exercise (coordinators)",
)
def exercise_create(
    request: HttpRequest, partnership_id: ObjectId, payload: ExerciseIn
) -> Status[ExerciseOut]:
    partnership = _partnership(request, partnership_id, exercise_policy, "add")
    exercise = services.exercise_create(
        actor=acting_user(request),
        partnership=partnership,
        fields=_exercise_fields(request, partnership, payload),
    )
    return Status(201, exercise_get(request, exercise.pk))


@router.get(
    "/exercises/{exercise_id}",
    response={200: ExerciseOut, **READ_ERRORS},
    summary="An exercise: participants, timeline, observations, lessons and their actions, and "
    "its cascade's after-action figures for those who may see the cascade",
)
def exercise_get(request: HttpRequest, exercise_id: ObjectId) -> ExerciseOut:
    return exercise_out(request, selectors.exercise_get(user=request.user, exercise_id=exercise_id))


def _exercise_for(request: HttpRequest, exercise_id: int, action: str) -> Exercise:
    exercise = selectors.exercise_get(user=request.user, exercise_id=exercise_id)
    exercise_policy.require(request.user, action, exercise)
    return exercise


@router.post(
    "/exercises/{exercise_id}/participants",
    response={201: ExerciseOut, **ERRORS},
    summary="Add a participant, by organisation and role (coordinators, until it is closed)",
)
def participant_add(
    request: HttpRequest, exercise_id: ObjectId, payload: ExerciseParticipantIn
) -> Status[ExerciseOut]:
    exercise = _exercise_for(request, exercise_id, "edit")
    organisation = chosen(
        selectors.partnership_organisations(partnership=exercise.partnership),
        payload.organisation_id,
        "organisation_id",
        what="an organisation",
    )
    services.participant_add(
        actor=acting_user(request), exercise=exercise, organisation=organisation, role=payload.role
    )
    return Status(201, exercise_get(request, exercise.pk))


@router.post(
    "/exercises/{exercise_id}/entries",
    response={201: ExerciseOut, **ERRORS},
    summary="Add a line to the timeline or an observation (coordinators, until it is closed)",
)
def entry_add(
    request: HttpRequest, exercise_id: ObjectId, payload: ExerciseEntryIn
) -> Status[ExerciseOut]:
    exercise = _exercise_for(request, exercise_id, "edit")
    services.entry_add(
        actor=acting_user(request),
        exercise=exercise,
        kind=payload.kind,
        at=payload.at,
        text=payload.text,
    )
    return Status(201, exercise_get(request, exercise.pk))


@router.post(
    "/exercises/{exercise_id}/start",
    response={200: ExerciseOut, **ERRORS},
    summary="Start a planned exercise (coordinators)",
)
def exercise_start(request: HttpRequest, exercise_id: ObjectId) -> ExerciseOut:
    exercise = _exercise_for(request, exercise_id, "start")
    services.exercise_start(actor=acting_user(request), exercise=exercise)
    return exercise_get(request, exercise.pk)


@router.post(
    "/exercises/{exercise_id}/close",
    response={200: ExerciseOut, **ERRORS},
    summary="Close a running exercise (coordinators); it cannot be opened again",
)
def exercise_close(request: HttpRequest, exercise_id: ObjectId) -> ExerciseOut:
    exercise = _exercise_for(request, exercise_id, "close")
    services.exercise_close(actor=acting_user(request), exercise=exercise)
    return exercise_get(request, exercise.pk)


@router.post(
    "/exercises/{exercise_id}/lessons",
    response={201: LessonOut, **WRITE_ERRORS},
    summary="Record a lesson of a closed exercise and raise its action in the action plan "
    "(coordinators); the same lesson twice is a conflict",
)
def lesson_record(
    request: HttpRequest, exercise_id: ObjectId, payload: LessonIn
) -> Status[LessonOut]:
    exercise = _exercise_for(request, exercise_id, "learn")
    partnership = exercise.partnership
    lesson = services.lesson_record(
        actor=acting_user(request),
        exercise=exercise,
        lesson=payload.lesson,
        title=payload.title,
        description=payload.description,
        owner=chosen(
            owner_choices(partnership=partnership),
            payload.owner_id,
            "owner_id",
            what="a member of the partnership",
        ),
        owner_organisation=chosen(
            organisation_choices(partnership=partnership),
            payload.owner_organisation_id,
            "owner_organisation_id",
            what="a partner organisation",
        ),
        due_on=payload.due_on,
    )
    return Status(
        201,
        LessonOut(
            id=lesson.pk,
            lesson=lesson.lesson,
            action_id=lesson.action_id,
            action_title=lesson.action.title,
            action_status=lesson.action.status,
            action_due_on=lesson.action.due_on,
        ),
    )


@router.get(
    "/cascades/{cascade_id}/after-action",
    response={200: AfterActionOut, **READ_ERRORS},
    summary="A cascade's after-action figures: time to the first message, key roles "
    "acknowledged within 15 minutes, who never answered (by role)",
)
def cascade_after_action(request: HttpRequest, cascade_id: ObjectId) -> AfterActionOut:
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    return _after_action(selectors.cascade_review(cascade=cascade))
