"""Action plan pages: a partnership's plan, raising an action on an assessment's gaps, one
action with its criteria before and after, changing it, recording its progress, cancelling and
reopening it.

Reads go through the selectors, which apply the policy (404 when not visible); each action asks
the policy first (403, saying who can) and then calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.action_plans import confirmations, selectors, services
from lde.action_plans.forms import ActionChangeForm, ActionForm, ProgressForm, ReasonForm
from lde.action_plans.models import Action, ActionStatus
from lde.action_plans.policies import action_policy
from lde.assessments import selectors as assessment_selectors
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.policies import assessment_policy
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.concurrency import EditConflict, posted_again
from lde.core.confirm import confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership
from lde.partnerships.policies import partnership_policy


def _action(request: HttpRequest, action_id: int, policy_action: str = "view") -> Action:
    action = selectors.action_get(user=request.user, action_id=action_id)
    if policy_action != "view":
        action_policy.require(request.user, policy_action, action)
    return action


def _can(request: HttpRequest, action: Action) -> dict[str, bool]:
    return {
        name: action_policy.user_can(request.user, name, action) for name in action_policy.actions
    }


def _partnership_can(request: HttpRequest, partnership: Partnership) -> dict[str, bool]:
    return {
        name: partnership_policy.user_can(request.user, name, partnership)
        for name in partnership_policy.actions
    }


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


# --- The partnership's action plan ---------------------------------------------------------


@login_required
@require_safe
def action_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    action_policy.require_in(request.user, "view", partnership.pk)
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    owners = list(selectors.owner_choices(partnership=partnership))
    owner_id = _id(request.GET.get("owner"))
    owner_id = owner_id if owner_id in {o.pk for o in owners} else None
    assessment_id = _id(request.GET.get("assessment"))
    actions = list(
        selectors.action_list(
            user=request.user,
            partnership=partnership,
            status=status,
            owner_id=owner_id,
            assessment_id=assessment_id,
        )
    )
    outcomes = selectors.action_outcomes(user=request.user, actions=actions)
    day = facts_for(request.user).today
    totals = selectors.action_totals(user=request.user, partnership=partnership, day=day)
    may_raise = action_policy.user_can_in(request.user, "raise", partnership.pk)
    latest = (
        assessment_selectors.assessment_list(user=request.user, partnership=partnership)
        .filter(kind=AssessmentKind.SELF, status=AssessmentStatus.PUBLISHED)
        .first()
        if may_raise
        else None
    )
    return render(
        request,
        "action_plans/action_list.html",
        {
            "partnership": partnership,
            "can": _partnership_can(request, partnership),
            "rows": [{"action": a, "outcome": outcomes[a.pk]} for a in actions],
            "totals": totals,
            "status": status,
            "status_choices": [*ActionStatus.choices, (selectors.OVERDUE, "Overdue")],
            "owners": owners,
            "owner_id": owner_id,
            "assessment_id": assessment_id,
            "filtered": bool(status or owner_id or assessment_id),
            "may_raise": may_raise,
            "latest": latest,
            "today": day,
        },
    )


# --- Raising and changing an action --------------------------------------------------------


def _form_kwargs(assessment: Assessment | None, partnership: Partnership) -> dict[str, Any]:
    """The form's choices; an action that did not come from an assessment has no criteria."""
    if assessment is None:
        return {
            "with_criteria": False,
            "owners": selectors.owner_choices(partnership=partnership),
            "organisations": selectors.organisation_choices(partnership=partnership),
        }
    gaps = selectors.assessment_gaps(assessment=assessment)
    return {
        "criteria": selectors.criterion_choices(assessment=assessment),
        "shown": [g.criterion for g in gaps],
        "hints": {str(g.criterion.pk): g.hint for g in gaps},
        "owners": selectors.owner_choices(partnership=assessment.partnership),
        "organisations": selectors.organisation_choices(partnership=assessment.partnership),
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Raise an action on the gaps of an assessment; `?criterion=<id>` (repeatable) preselects
    criteria, as the gap analysis links here."""
    assessment = assessment_selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    action_policy.require_in(request.user, "raise", assessment.partnership_id)
    if not assessment_policy.user_can(request.user, "view_in_full", assessment):
        raise PermissionDenied403(
            "You cannot raise actions on this assessment.",
            who_can=action_policy.who_can["raise"],
        )
    kwargs = _form_kwargs(assessment, assessment.partnership)
    if request.method == "POST":
        form = ActionForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = services.action_raise(
                    actor=_actor(request),
                    assessment=assessment,
                    criteria=data["criteria"],
                    title=data["title"],
                    description=data["description"],
                    owner=data["owner"],
                    owner_organisation=data["owner_organisation"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Action raised: {action.title}.")
                return redirect("action_plans:action-detail", action_id=action.pk)
    else:
        wanted = {_id(v) for v in request.GET.getlist("criterion")}
        known = {c.pk for c in kwargs["shown"]}
        initial: dict[str, Any] = {"criteria": sorted(known & {w for w in wanted if w})}
        owner = _actor(request)
        if any(o.pk == owner.pk for o in kwargs["owners"]):
            initial["owner"] = owner.pk
            if owner.organisation_id and any(
                o.pk == owner.organisation_id for o in kwargs["organisations"]
            ):
                initial["owner_organisation"] = owner.organisation_id
        form = ActionForm(initial=initial, **kwargs)
    return render(
        request,
        "action_plans/action_form.html",
        {"form": form, "assessment": assessment, "partnership": assessment.partnership},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id, "edit")
    kwargs = _form_kwargs(action.assessment, action.partnership)
    conflict: EditConflict | None = None
    if request.method == "POST":
        form = ActionChangeForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.action_update(
                    actor=_actor(request),
                    action=action,
                    criteria=data.get("criteria", []),
                    title=data["title"],
                    description=data["description"],
                    owner=data["owner"],
                    owner_organisation=data["owner_organisation"],
                    due_on=data["due_on"],
                    seen_revision=data["revision"],
                )
            except EditConflict as edit_conflict:
                conflict = edit_conflict
                form = ActionChangeForm(posted_again(request.POST, conflict), **kwargs)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Action changed: {data['title']}.")
                return redirect("action_plans:action-detail", action_id=action.pk)
    else:
        form = ActionChangeForm(
            initial={
                "criteria": [c.pk for c in action.criteria.all()],
                "title": action.title,
                "description": action.description,
                "owner": action.owner_id,
                "owner_organisation": action.owner_organisation_id,
                "due_on": action.due_on,
                "revision": action.revision,
            },
            **kwargs,
        )
    return render(
        request,
        "action_plans/action_form.html",
        {
            "form": form,
            "action": action,
            "assessment": action.assessment,
            "partnership": action.partnership,
            "conflict": conflict,
        },
        status=409 if conflict else 400 if form.is_bound and form.errors else 200,
    )


# --- One action ----------------------------------------------------------------------------


@login_required
@require_safe
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    outcome = selectors.action_outcomes(user=request.user, actions=[action])[action.pk]
    return render(
        request,
        "action_plans/action_detail.html",
        {
            "action": action,
            "partnership": action.partnership,
            "can": _can(request, action),
            "outcome": outcome,
            "history": selectors.action_history(action=action),
            "updates": selectors.progress_updates(action=action),
            "today": facts_for(request.user).today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def progress_record(request: HttpRequest, action_id: int) -> HttpResponse:
    """The owner or a coordinator says what has happened, and may start the action or mark it
    done."""
    action = _action(request, action_id, "record_progress")
    statuses = services.next_statuses(action.status, "record_progress")
    form = ProgressForm(request.POST if request.method == "POST" else None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(
                actor=_actor(request),
                action=action,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("action_plans:action-detail", action_id=action.pk)
    return render(
        request,
        "action_plans/progress_form.html",
        {"form": form, "action": action, "partnership": action.partnership},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_cancel(request: HttpRequest, action_id: int) -> HttpResponse:
    """Confirm, with the reason, then cancel (`lde.core.confirm`)."""
    action = _action(request, action_id, "cancel")
    form = ReasonForm(
        request.POST if confirmed(request) else None,
        label="Why is the action cancelled?",
        required_message="Say why the action is cancelled",
    )
    if form.is_bound and form.is_valid():
        try:
            services.action_cancel(
                actor=_actor(request), action=action, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{action.title} is cancelled.")
            return redirect("action_plans:action-detail", action_id=action.pk)
    return confirmation_page(
        request,
        confirmations.cancel(action, form),
        template="action_plans/confirm.html",
        context={"action": action, "partnership": action.partnership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reopen(request: HttpRequest, action_id: int) -> HttpResponse:
    """A done action goes back to in progress, a cancelled one to planned, with the reason."""
    action = _action(request, action_id, "reopen")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the action reopened?",
        required_message="Say why the action is reopened",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_reopen(
                actor=_actor(request), action=action, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{action.title} is open again.")
            return redirect("action_plans:action-detail", action_id=action.pk)
    return render(
        request,
        "action_plans/reason_form.html",
        {
            "form": form,
            "action": action,
            "partnership": action.partnership,
            "heading": "Reopen this action",
            "button": "Reopen the action",
            "url_name": "action_plans:action-reopen",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
