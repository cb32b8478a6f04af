"""API: action plans. Actions raised on assessments' gaps, each read with its criteria before
and after, changed, reported on, cancelled and reopened.

The same policies as the pages: reads go through the selectors (404 when not visible), writes
through the services (403 when visible but not allowed, saying who can); a service's refusal is
a 400 with its messages by field.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from lde.accounts.selectors import acting_user
from lde.action_plans import selectors, services
from lde.action_plans.models import Action, ProgressUpdate
from lde.action_plans.policies import action_policy
from lde.assessments import selectors as assessment_selectors
from lde.assessments.models import Assessment
from lde.core import limits
from lde.core.access.facts import facts_for
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    api_field_names,
    revision_sent,
)
from lde.core.limits import limit_of
from lde.partnerships.models import Partnership

router = Router(tags=["action plans"])

BIGINT = 9_223_372_036_854_775_807
# Free text as the pages accept it: anything but the NUL character, which no database stores.
FREE_TEXT = r"^[^\x00]*$"
# Writes other than a change to the action never conflict: the write errors less 409, with the
# service's refusals as 400. A change may meet someone else's (409: lde/core/concurrency.py).
ACTION_WRITE_ERRORS: dict[int, type[Schema]] = {
    **{status: shape for status, shape in WRITE_ERRORS.items() if status != 409},
    400: FieldErrorsOut,
}
ACTION_CHANGE_ERRORS: dict[int, type[Schema]] = {**ACTION_WRITE_ERRORS, 409: FieldErrorsOut}
# The services name the fields as the pages do; the API names them as its bodies do.
FIELD_NAMES = {
    "criteria": "criterion_ids",
    "owner": "owner_id",
    "owner_organisation": "owner_organisation_id",
}

Id = Annotated[int, Field(ge=1, le=BIGINT)]


class StatusFilter(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    OVERDUE = "overdue"


class ProgressStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    DONE = "done"


# --- Shapes --------------------------------------------------------------------------------


class ActionAssessmentRef(Schema):
    id: int
    title: str
    status: str


class CriterionRef(Schema):
    id: int
    identifier: str
    title: str


class ActionOut(Schema):
    id: int
    title: str
    description: str
    status: str = Field(description="planned, in_progress, done or cancelled.")
    overdue: bool = Field(
        description="Due before today and neither done nor cancelled; worked out on each read, "
        "never stored."
    )
    partnership_id: int
    partnership_name: str
    origin: str = Field(
        description="Where it came from: assessment_gap, board_decision or exercise_lesson."
    )
    origin_label: str = Field(description="Where it came from, in words.")
    origin_reference: str = Field(
        description="Where it came from, when not an assessment: for example “Programme board, "
        "12 March 2026: decision 3”. Empty for an action raised on an assessment."
    )
    assessment: ActionAssessmentRef | None = Field(
        description="The assessment it was raised on; null when it came from elsewhere (and "
        "then it has no criteria, and no before and after)."
    )
    criteria: list[CriterionRef]
    owner_id: int
    owner_name: str
    owner_organisation_id: int
    owner_organisation_name: str
    due_on: date
    reminder_sent_for: date | None = Field(
        description="The due date the owner was reminded of, if any."
    )
    created_at: datetime


class RatingOut(Schema):
    value: int | None = Field(description="Null means not rated: missing, never zero.")
    label: str
    agreed: bool = Field(description="The agreed rating of a moderation.")


class AfterOut(Schema):
    identifier: str
    title: str
    rating: RatingOut
    movement: str = Field(description="up, down, same, or unrated when either side is not rated.")


class OutcomeOut(Schema):
    criterion: CriterionRef
    before: RatingOut
    mapping: str | None = Field(
        description="Null when the next assessment uses the same framework version; otherwise "
        "same, renamed, split, merged, retired, or unmapped."
    )
    merged_with: list[str]
    after: list[AfterOut] = Field(
        description="Empty until the next self-assessment is published, or when the criterion "
        "was retired; several when it was split."
    )
    movement: str = Field(
        description="up, down, same, unrated, pending (not re-assessed yet), split, retired "
        "or unmapped."
    )


class ProgressOut(Schema):
    id: int
    text: str
    author_id: int
    author_name: str
    status_from: str | None
    status_to: str | None
    created_at: datetime


class ActionTransitionOut(Schema):
    from_status: str
    to_status: str
    actor_id: int | None
    actor_name: str | None
    reason: str
    occurred_at: datetime


class ActionDetailOut(ActionOut):
    revision: int = Field(description="Raised by one on every change: send it back with a change.")
    next_assessment: ActionAssessmentRef | None = Field(
        description="The partnership's next published self-assessment, where the criteria were "
        "rated again."
    )
    outcomes: list[OutcomeOut]
    progress_updates: list[ProgressOut]
    transitions: list[ActionTransitionOut]


class ActionFilters(PageParams):
    partnership_id: int | None = Field(None, ge=1, le=BIGINT, description="Only this one's.")
    status: StatusFilter | None = Field(None, description="A status, or overdue.")
    owner_id: int | None = Field(
        None, ge=1, le=BIGINT, description="Only those owned by this user."
    )
    assessment_id: int | None = Field(
        None, ge=1, le=BIGINT, description="Only those raised on this assessment."
    )


class ActionChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    criterion_ids: list[Id] = Field(
        max_length=200,
        description="Criteria of the assessment's framework version that take a rating: at "
        "least one for an action raised on an assessment, none for any other.",
    )
    title: str = Field(min_length=1, max_length=limit_of(Action, "title"), pattern=FREE_TEXT)
    description: str = Field(
        min_length=1, max_length=limit_of(Action, "description"), pattern=FREE_TEXT
    )
    owner_id: Id = Field(description="A member of the partnership.")
    owner_organisation_id: Id = Field(description="A partner organisation of the partnership.")
    due_on: date = Field(description="Today or later when it is set or changed.")


class ActionUpdateIn(ActionChangeIn):
    revision: int | None = revision_sent()


class ActionIn(ActionChangeIn):
    assessment_id: Id = Field(description="The assessment whose gaps the action addresses.")


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=limit_of(ProgressUpdate, "text"), pattern=FREE_TEXT)
    status: ProgressStatus | None = Field(
        None, description="Optionally start the action, or mark it done."
    )


class ActionReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=limits.SHORT_TEXT, pattern=FREE_TEXT)


# --- Building the answers ------------------------------------------------------------------


def _ref(assessment: Assessment | None) -> ActionAssessmentRef | None:
    if assessment is None:
        return None
    return ActionAssessmentRef(id=assessment.pk, title=assessment.title, status=assessment.status)


def _criterion(criterion: Any) -> CriterionRef:
    return CriterionRef(id=criterion.pk, identifier=criterion.identifier, title=criterion.title)


def _summary(action: Action, today: date) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "status": action.status,
        "overdue": action.is_overdue(today),
        "partnership_id": action.partnership_id,
        "partnership_name": action.partnership.name,
        "origin": action.origin,
        "origin_label": action.get_origin_display(),
        "origin_reference": action.origin_reference,
        "assessment": _ref(action.assessment),
        "criteria": [_criterion(c) for c in action.criteria.all()],
        "owner_id": action.owner_id,
        "owner_name": action.owner.full_name,
        "owner_organisation_id": action.owner_organisation_id,
        "owner_organisation_name": action.owner_organisation.name,
        "due_on": action.due_on,
        "reminder_sent_for": action.reminder_sent_for,
        "created_at": action.created_at,
    }


def _rating(rating: selectors.Rating) -> RatingOut:
    return RatingOut(value=rating.value, label=rating.label, agreed=rating.agreed)


def _detail(request: HttpRequest, action: Action) -> ActionDetailOut:
    outcome = selectors.action_outcomes(user=request.user, actions=[action])[action.pk]
    return ActionDetailOut(
        **_summary(action, facts_for(request.user).today),
        revision=action.revision,
        next_assessment=_ref(outcome.next_assessment),
        outcomes=[
            OutcomeOut(
                criterion=_criterion(row.criterion),
                before=_rating(row.before),
                mapping=row.mapping or None,
                merged_with=row.merged_with,
                after=[
                    AfterOut(
                        identifier=a.identifier,
                        title=a.title,
                        rating=_rating(a.rating),
                        movement=a.movement,
                    )
                    for a in row.after
                ],
                movement=row.movement,
            )
            for row in outcome.criteria
        ],
        progress_updates=[
            ProgressOut(
                id=u.pk,
                text=u.text,
                author_id=u.author_id,
                author_name=u.author.full_name,
                status_from=u.status_from or None,
                status_to=u.status_to or None,
                created_at=u.created_at,
            )
            for u in selectors.progress_updates(action=action)
        ],
        transitions=[
            ActionTransitionOut(
                from_status=t.from_status,
                to_status=t.to_status,
                actor_id=t.actor_id,
                actor_name=t.actor.full_name if t.actor is not None else None,
                reason=t.reason,
                occurred_at=t.occurred_at,
            )
            for t in selectors.action_history(action=action)
        ],
    )


def _resolve(
    payload: ActionChangeIn, assessment: Assessment | None, partnership: Partnership
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The rows the ids name, among those the partnership and assessment allow; and, for any
    that are not, what is wrong. An action not raised on an assessment takes no criteria."""
    problems: dict[str, list[str]] = {}
    wanted = set(payload.criterion_ids)
    criteria = (
        list(selectors.criterion_choices(assessment=assessment).filter(pk__in=wanted))
        if assessment is not None
        else []
    )
    if assessment is None and wanted:
        problems["criterion_ids"] = ["Only an action raised on an assessment's gaps has criteria."]
    elif len(criteria) != len(wanted):
        problems["criterion_ids"] = [
            "Select criteria of the framework the assessment uses that take a rating."
        ]
    owner = selectors.owner_choices(partnership=partnership).filter(pk=payload.owner_id).first()
    if owner is None:
        problems["owner_id"] = [f"The owner must be a member of {partnership.name}."]
    organisation = (
        selectors.organisation_choices(partnership=partnership)
        .filter(pk=payload.owner_organisation_id)
        .first()
    )
    if organisation is None:
        problems["owner_organisation_id"] = [
            f"The organisation must be a partner organisation of {partnership.name}."
        ]
    found = {
        "criteria": criteria,
        "title": payload.title,
        "description": payload.description,
        "owner": owner,
        "owner_organisation": organisation,
        "due_on": payload.due_on,
    }
    return found, problems


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[ActionOut], **LIST_ERRORS},
    summary="Actions you may see, soonest due first",
)
def action_list(request: HttpRequest, filters: Query[ActionFilters]) -> Page[ActionOut]:
    today = facts_for(request.user).today
    actions = selectors.action_list(
        user=request.user,
        status=filters.status.value if filters.status is not None else "",
        owner_id=filters.owner_id,
        assessment_id=filters.assessment_id,
        day=today,
    )
    if filters.partnership_id is not None:
        actions = actions.filter(partnership_id=filters.partnership_id)
    return Page[ActionOut](
        count=actions.count(),
        items=[ActionOut(**_summary(a, today)) for a in actions[filters.window()]],
    )


@router.get(
    "/{action_id}",
    response={200: ActionDetailOut, **READ_ERRORS},
    summary="One action: its criteria before and after, its progress and its history",
)
def action_get(request: HttpRequest, action_id: ObjectId) -> ActionDetailOut:
    """The same number of queries whatever the number of criteria and updates."""
    action = selectors.action_get(user=request.user, action_id=action_id)
    return _detail(request, action)


@router.post(
    "",
    response={201: ActionDetailOut, **ACTION_WRITE_ERRORS},
    summary="Raise an action on the gaps of an assessment (coordinators and board members)",
)
def action_create(
    request: HttpRequest, payload: ActionIn
) -> Status[ActionDetailOut | FieldErrorsOut | ErrorOut]:
    assessment = assessment_selectors.assessment_get(
        user=request.user, assessment_id=payload.assessment_id
    )
    action_policy.require_in(request.user, "raise", assessment.partnership_id)
    found, problems = _resolve(payload, assessment, assessment.partnership)
    if problems:
        raise DjangoValidationError(problems)
    with api_field_names(FIELD_NAMES):
        action = services.action_raise(actor=acting_user(request), assessment=assessment, **found)
    saved = selectors.action_get(user=request.user, action_id=action.pk)
    return Status(201, _detail(request, saved))


@router.put(
    "/{action_id}",
    response={200: ActionDetailOut, **ACTION_CHANGE_ERRORS},
    summary="Change an open action (coordinators and board members)",
)
def action_update(
    request: HttpRequest, action_id: ObjectId, payload: ActionUpdateIn
) -> Status[ActionDetailOut | FieldErrorsOut | ErrorOut]:
    action = selectors.action_get(user=request.user, action_id=action_id)
    action_policy.require(request.user, "edit", action)
    found, problems = _resolve(payload, action.assessment, action.partnership)
    if problems:
        raise DjangoValidationError(problems)
    with api_field_names(FIELD_NAMES):
        services.action_update(
            actor=acting_user(request), action=action, seen_revision=payload.revision, **found
        )
    saved = selectors.action_get(user=request.user, action_id=action.pk)
    return Status(200, _detail(request, saved))


@router.post(
    "/{action_id}/progress",
    response={201: ProgressOut, **ACTION_WRITE_ERRORS},
    summary="Record progress on an open action (its owner and coordinators)",
)
def progress_record(
    request: HttpRequest, action_id: ObjectId, payload: ProgressIn
) -> Status[ProgressOut | FieldErrorsOut | ErrorOut]:
    action = selectors.action_get(user=request.user, action_id=action_id)
    action_policy.require(request.user, "record_progress", action)
    update = services.progress_record(
        actor=acting_user(request),
        action=action,
        text=payload.text,
        status=payload.status.value if payload.status is not None else None,
    )
    return Status(
        201,
        ProgressOut(
            id=update.pk,
            text=update.text,
            author_id=update.author_id,
            author_name=update.author.full_name,
            status_from=update.status_from or None,
            status_to=update.status_to or None,
            created_at=update.created_at,
        ),
    )


def _reason_step(
    request: HttpRequest, action_id: int, policy_action: str, reason: str
) -> Status[ActionDetailOut | FieldErrorsOut | ErrorOut]:
    action = selectors.action_get(user=request.user, action_id=action_id)
    action_policy.require(request.user, policy_action, action)
    service = services.action_cancel if policy_action == "cancel" else services.action_reopen
    service(actor=acting_user(request), action=action, reason=reason)
    saved = selectors.action_get(user=request.user, action_id=action.pk)
    return Status(200, _detail(request, saved))


@router.post(
    "/{action_id}/cancel",
    response={200: ActionDetailOut, **ACTION_WRITE_ERRORS},
    summary="Cancel an open action, with a reason (coordinators and board members)",
)
def action_cancel(
    request: HttpRequest, action_id: ObjectId, payload: ActionReasonIn
) -> Status[ActionDetailOut | FieldErrorsOut | ErrorOut]:
    return _reason_step(request, action_id, "cancel", payload.reason)


@router.post(
    "/{action_id}/reopen",
    response={200: ActionDetailOut, **ACTION_WRITE_ERRORS},
    summary="Reopen a done or cancelled action, with a reason (coordinators and board members)",
)
def action_reopen(
    request: HttpRequest, action_id: ObjectId, payload: ActionReasonIn
) -> Status[ActionDetailOut | FieldErrorsOut | ErrorOut]:
    return _reason_step(request, action_id, "reopen", payload.reason)
