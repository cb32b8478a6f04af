"""Writes to action plans: each one checked against the policy, audited, in one transaction.

An action is raised on an assessment's gaps (`action_raise`) or from somewhere else that an
`ActionOrigin` names (`action_raise_from`: a board decision, an exercise's lesson), whose app
keeps the link back to the action (ADR 0017). Status changes go through `TRANSITIONS` and leave
an `ActionTransition`; the reminder job emails each open action's owner once per due date, after
the write that records it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from lde.accounts.models import Organisation, User
from lde.action_plans.models import (
    OPEN_STATUSES,
    Action,
    ActionOrigin,
    ActionStatus,
    ActionTransition,
    ProgressUpdate,
)
from lde.action_plans.policies import action_policy
from lde.assessments.models import Assessment, AssessmentStatus
from lde.assessments.policies import assessment_policy
from lde.assessments.selectors import rated_criterion_choices
from lde.core.access.facts import today
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.concurrency import next_revision, require_unchanged
from lde.core.mail import email_queue
from lde.core.workflow import transition
from lde.frameworks.models import Criterion, FrameworkVersion
from lde.partnerships.models import Membership, PartnerOrganisation, Partnership
from lde.partnerships.reach import READER_ROLES

# The allowed status changes, and the policy action each needs. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS): "record_progress",
    (ActionStatus.PLANNED, ActionStatus.DONE): "record_progress",
    (ActionStatus.IN_PROGRESS, ActionStatus.DONE): "record_progress",
    (ActionStatus.PLANNED, ActionStatus.CANCELLED): "cancel",
    (ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED): "cancel",
    (ActionStatus.DONE, ActionStatus.IN_PROGRESS): "reopen",
    (ActionStatus.CANCELLED, ActionStatus.PLANNED): "reopen",
}

VERBS: dict[str, dict[str, str]] = {
    "record_progress": {
        ActionStatus.IN_PROGRESS: "ACTION_STARTED",
        ActionStatus.DONE: "ACTION_DONE",
    },
    "cancel": {ActionStatus.CANCELLED: "ACTION_CANCELLED"},
    "reopen": {
        ActionStatus.IN_PROGRESS: "ACTION_REOPENED",
        ActionStatus.PLANNED: "ACTION_REOPENED",
    },
}

# How many days before its due date an open action's owner is reminded.
REMINDER_DAYS = 7


def next_statuses(status: str, policy_action: str) -> list[str]:
    """Where an action in `status` may go by `policy_action`, in the order of ActionStatus."""
    allowed = {
        to for (frm, to), needs in TRANSITIONS.items() if frm == status and needs == policy_action
    }
    return [value for value in ActionStatus.values if value in allowed]


def _audit(actor: User | None, verb: str, action: Action, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=action,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=action.partnership_id,
        changes=changes or None,
    )


def _require(actor: User | None, policy_action: str, action: Action) -> None:
    if actor is not None:
        action_policy.require(actor, policy_action, action)


def _clean(
    *,
    partnership: Partnership,
    version: FrameworkVersion | None,
    title: str,
    description: str,
    criteria: Iterable[Criterion],
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    earliest_due: date | None,
) -> tuple[str, str, list[Criterion]]:
    """Every problem with what was given, at once, against the fields they are about. Criteria
    are asked for only of an action raised on an assessment (`version` is its framework's
    version); any other action has none."""
    problems: dict[str, str] = {}
    title, description = title.strip(), description.strip()
    if not title:
        problems["title"] = "Enter a title for the action"
    if not description:
        problems["description"] = "Enter a description of the action"
    chosen = list(criteria)
    if version is None:
        if chosen:
            problems["criteria"] = "Only an action raised on an assessment's gaps has criteria"
    elif not chosen:
        problems["criteria"] = "Select at least one criterion whose gap the action addresses"
    else:
        allowed = set(rated_criterion_choices(version=version).values_list("pk", flat=True))
        if any(c.pk not in allowed for c in chosen):
            problems["criteria"] = "Select criteria of the framework the assessment uses"
    if owner is None:
        problems["owner"] = "Select the person who owns the action"
    elif not Membership.objects.filter(
        partnership=partnership, user=owner, role__in=READER_ROLES, user__is_active=True
    ).exists():
        problems["owner"] = f"The owner must be a member of {partnership.name}"
    if owner_organisation is None:
        problems["owner_organisation"] = "Select the organisation that owns the action"
    elif not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=owner_organisation
    ).exists():
        problems["owner_organisation"] = (
            f"The organisation must be a partner organisation of {partnership.name}"
        )
    if due_on is None:
        problems["due_on"] = "Enter the due date"
    elif earliest_due is not None and due_on < earliest_due:
        problems["due_on"] = "The due date must be today or later"
    if problems:
        raise ValidationError(problems)
    return title, description, sorted(chosen, key=lambda c: c.position)


@transaction.atomic
def action_raise(
    *,
    actor: User | None,
    assessment: Assessment,
    criteria: Iterable[Criterion],
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    raised_on: date | None = None,
) -> Action:
    """Raise an action on the gap of one or more criteria of an assessment. `raised_on` is
    today unless an earlier action is being recorded (the demo's past cycles); the due date may
    not be before it."""
    if actor is not None:
        action_policy.require_in(actor, "raise", assessment.partnership_id)
        if not assessment_policy.user_can(actor, "view_in_full", assessment):
            raise PermissionDenied403(
                "You cannot raise actions on this assessment.",
                who_can=action_policy.who_can["raise"],
            )
    if assessment.status == AssessmentStatus.ABANDONED:
        # Its gaps are nobody's to close: the partnership set the cycle aside.
        raise ValidationError(
            {"__all__": "This assessment was abandoned. Raise actions on a cycle still in use"}
        )
    title, description, chosen = _clean(
        partnership=assessment.partnership,
        version=assessment.framework_version,
        title=title,
        description=description,
        criteria=criteria,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        earliest_due=raised_on or today(),
    )
    assert owner is not None and owner_organisation is not None and due_on is not None
    action = Action.objects.create(
        partnership_id=assessment.partnership_id,
        origin=ActionOrigin.ASSESSMENT_GAP,
        assessment=assessment,
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        created_by=actor,
    )
    action.criteria.set(chosen)
    _audit(
        actor,
        "ACTION_RAISED",
        action,
        origin=ActionOrigin.ASSESSMENT_GAP.value,
        title=title,
        description=description,
        assessment=assessment.pk,
        criteria=[c.pk for c in chosen],
        owner=owner.pk,
        owner_organisation=owner_organisation.pk,
        due_on=due_on.isoformat(),
    )
    return action


@transaction.atomic
def action_raise_from(
    *,
    actor: User | None,
    partnership: Partnership,
    origin: str,
    origin_reference: str,
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    raised_on: date | None = None,
) -> Action:
    """Raise an action that comes from somewhere other than an assessment's gap: a decision of
    the programme board, an exercise's lesson. It has no criteria, and so no before and after;
    `origin_reference` says in words where it came from. The app that raises it keeps the link
    back (the action plan depends on none of them), in the same transaction as this write."""
    if actor is not None:
        action_policy.require_in(actor, "raise", partnership.pk)
    if origin == ActionOrigin.ASSESSMENT_GAP or origin not in ActionOrigin.values:
        raise ValidationError(
            {"origin": "Raise an action on an assessment's gaps from the assessment"}
        )
    origin_reference = origin_reference.strip()
    limit = Action._meta.get_field("origin_reference").max_length or 0
    if not origin_reference or len(origin_reference) > limit:
        raise ValidationError(
            {"origin_reference": f"Say where the action came from in {limit} characters or fewer"}
        )
    title, description, _ = _clean(
        partnership=partnership,
        version=None,
        title=title,
        description=description,
        criteria=[],
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        earliest_due=raised_on or today(),
    )
    assert owner is not None and owner_organisation is not None and due_on is not None
    action = Action.objects.create(
        partnership=partnership,
        origin=origin,
        origin_reference=origin_reference,
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        created_by=actor,
    )
    _audit(
        actor,
        "ACTION_RAISED",
        action,
        origin=origin,
        origin_reference=origin_reference,
        title=title,
        description=description,
        owner=owner.pk,
        owner_organisation=owner_organisation.pk,
        due_on=due_on.isoformat(),
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor: User | None,
    action: Action,
    criteria: Iterable[Criterion],
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    seen_revision: int | None = None,
) -> Action:
    """Change an open action. A new due date must be today or later, and earns its own
    reminder. Refused, with both versions, if someone saved it after the revision the editor
    saw."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _require(actor, "edit", action)
    criteria = list(criteria)
    require_unchanged(
        record=action,
        seen_revision=seen_revision,
        noun="action",
        fields=[
            ("Criteria", [str(c) for c in action.criteria.all()], [str(c) for c in criteria]),
            ("Title", action.title, title.strip()),
            ("Description", action.description, description.strip()),
            ("Owner", action.owner, owner),
            ("Owner's organisation", action.owner_organisation, owner_organisation),
            ("Due", action.due_on, due_on),
        ],
    )
    if action.status not in OPEN_STATUSES:
        raise ValidationError({"status": "Reopen the action before changing it."})
    # Criteria belong only to an action raised on an assessment's gaps.
    version = (
        FrameworkVersion.objects.get(assessments__pk=action.assessment_id)
        if action.assessment_id is not None
        else None
    )
    title, description, chosen = _clean(
        partnership=Partnership.objects.get(pk=action.partnership_id),
        version=version,
        title=title,
        description=description,
        criteria=criteria,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        earliest_due=None if due_on == action.due_on else today(),
    )
    assert owner is not None and owner_organisation is not None and due_on is not None
    before_criteria = sorted(action.criteria.values_list("pk", flat=True))
    after_criteria = [c.pk for c in chosen]
    changed: dict[str, Any] = {
        name: value
        for name, value in (
            ("title", title),
            ("description", description),
            ("owner_id", owner.pk),
            ("owner_organisation_id", owner_organisation.pk),
            ("due_on", due_on),
        )
        if getattr(action, name) != value
    }
    for name, value in changed.items():
        setattr(action, name, value)
    action.save()
    next_revision(action)
    if sorted(after_criteria) != before_criteria:
        action.criteria.set(chosen)
        changed["criteria"] = after_criteria
    if changed:
        _audit(
            actor,
            "ACTION_UPDATED",
            action,
            **{
                name.removesuffix("_id"): value.isoformat() if isinstance(value, date) else value
                for name, value in changed.items()
            },
        )
    return action


def _move(
    actor: User | None,
    action: Action,
    to_status: str,
    *,
    reason: str = "",
    progress_update: ProgressUpdate | None = None,
) -> ActionTransition:
    policy_action, row = transition(
        obj=action,
        to_status=to_status,
        transitions=TRANSITIONS,
        history_model=ActionTransition,
        subject_field="action",
        actor=actor,
        # Worked out only on refusal: a status outside ActionStatus has no label.
        error=lambda: (
            f"An action that is {action.get_status_display().lower()} cannot become "
            f"{ActionStatus(to_status).label.lower()}."
        ),
        reason=reason,
        guard=lambda needed: _require(actor, needed, action),
        history={"progress_update": progress_update},
    )
    _audit(actor, VERBS[policy_action][to_status], action, status=to_status)
    return row


@transaction.atomic
def progress_record(
    *, actor: User | None, action: Action, text: str, status: str | None = None
) -> ProgressUpdate:
    """Report progress on an open action, and optionally start it or mark it done."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _require(actor, "record_progress", action)
    problems: dict[str, str] = {}
    text = text.strip()
    if not text:
        problems["text"] = "Enter what has happened since the last update"
    if status == action.status:
        status = None
    if status is not None and TRANSITIONS.get((action.status, status)) != "record_progress":
        problems["status"] = (
            f"An action that is {action.get_status_display().lower()} cannot be marked "
            f"{ActionStatus(status).label.lower() if status in ActionStatus.values else status}"
            " here"
        )
    if problems:
        raise ValidationError(problems)
    if actor is None:
        raise ValidationError({"text": "Progress is recorded by a person."})
    update = ProgressUpdate.objects.create(
        action=action,
        text=text,
        author=actor,
        status_from=action.status if status else "",
        status_to=status or "",
    )
    _audit(actor, "ACTION_PROGRESS_RECORDED", action, text=text, status=status)
    if status is not None:
        _move(actor, action, status, progress_update=update)
    return update


@transaction.atomic
def action_cancel(*, actor: User | None, action: Action, reason: str) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    _require(actor, "cancel", action)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is cancelled"})
    _move(actor, action, ActionStatus.CANCELLED, reason=reason.strip())
    return action


@transaction.atomic
def action_reopen(*, actor: User | None, action: Action, reason: str) -> Action:
    """A done action goes back to in progress; a cancelled one back to planned."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    _require(actor, "reopen", action)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is reopened"})
    to_status = (
        ActionStatus.IN_PROGRESS if action.status == ActionStatus.DONE else ActionStatus.PLANNED
    )
    _move(actor, action, to_status, reason=reason.strip())
    return action


def _reminder_queue(action: Action) -> None:
    from django.conf import settings
    from django.urls import reverse

    context = {
        "action": action,
        "link": settings.LDE_SITE_URL.rstrip("/")
        + reverse("action_plans:action-detail", args=[action.pk]),
    }
    email_queue(template="action_plans/email/reminder", context=context, to=[action.owner.email])


@transaction.atomic
def action_reminders_send(*, day: date | None = None, days_before: int = REMINDER_DAYS) -> int:
    """Remind the owner of each open action due within `days_before` days, once per due date.
    Each reminder is recorded, audited and its email queued in one transaction (`core.mail`):
    a failed run records and sends nothing, and an email that cannot be sent is tried again by
    the worker without undoing the record or holding up the others."""
    day = day or today()
    due = list(
        Action.objects.select_for_update()
        .filter(
            status__in=OPEN_STATUSES,
            due_on__gte=day,
            due_on__lte=day + timedelta(days=days_before),
            owner__is_active=True,
        )
        .exclude(reminder_sent_for=F("due_on"))
        .select_related("owner", "partnership")
        .order_by("due_on", "pk")
    )
    for action in due:
        action.reminder_sent_for = action.due_on
        action.save(update_fields=["reminder_sent_for"])
        audit_record(
            actor=None,
            verb="ACTION_REMINDER_SENT",
            target=action,
            scope=AuditScope.PARTNERSHIP,
            partnership_id=action.partnership_id,
            changes={"reminder_sent_for": action.due_on.isoformat()},
            detail={"owner": action.owner_id},
        )
        _reminder_queue(action)
    return len(due)
