"""Consequence-management pages: the partnership's overview (plans, directory, cascades), a plan
and its parts, the directory, starting a cascade, its live roll-call and ring-round, and the
public pages: the acknowledgement link and Notify's two callbacks.

Reads go through the selectors (404 when not visible); each write asks the policy first (403,
saying who can) and calls one service, whose refusals are shown in the GOV.UK error summary.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.action_plans.policies import action_policy
from lde.action_plans.selectors import organisation_choices, owner_choices
from lde.consequence_management import forms as f
from lde.consequence_management import reports, selectors, services
from lde.consequence_management.models import (
    CascadeKind,
    CascadeRecipient,
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
from lde.core.confirm import Confirmation, carried_from, confirmation_page, confirmed
from lde.core.files import file_download
from lde.core.govuk.forms import add_service_errors
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership


def _partnership(request: HttpRequest, partnership_id: int, policy: Any, action: str) -> Any:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    policy.require_in(request.user, action, partnership.pk)
    return partnership


def _form_page(
    request: HttpRequest, form: Any, partnership: Partnership, heading: str, back: str
) -> HttpResponse:
    return render(
        request,
        "consequence_management/form.html",
        {"form": form, "partnership": partnership, "heading": heading, "back": back},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- The overview and plans --------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, readiness_plan_policy, "overview")
    user = request.user
    can_list = key_contact_policy.user_can_in(user, "list", partnership.pk)
    return render(
        request,
        "consequence_management/overview.html",
        {
            "partnership": partnership,
            "plans": list(selectors.plan_list(user=user, partnership=partnership)),
            "cascades": list(selectors.cascade_list(user=user, partnership=partnership))
            if can_list
            else [],
            "can_list": can_list,
            "can_add_plan": readiness_plan_policy.user_can_in(user, "add", partnership.pk),
            "can_start": cascade_policy.user_can_in(user, "add", partnership.pk),
            "exercises": list(selectors.exercise_list(user=user, partnership=partnership)),
            "can_plan_exercise": exercise_policy.user_can_in(user, "add", partnership.pk),
            "today": facts_for(user).today,
            "here_is_overview": True,
        },
    )


def _plan_form(request: HttpRequest, partnership: Partnership, plan: ReadinessPlan | None) -> Any:
    initial: dict[str, Any] = {}
    if plan is not None:
        initial = {name: getattr(plan, name) for name in services.PLAN_TEXTS}
        initial.update(
            review_on=plan.review_on,
            advisory_group=plan.advisory_group_id,
            spokesperson=plan.spokesperson_id,
            criteria=list(plan.criteria.values_list("pk", flat=True)),
        )
    return f.PlanForm(
        request.POST or None,
        initial=initial,
        groups=selectors.advisory_groups(user=request.user, partnership=partnership),
        spokespeople=selectors.spokespeople(partnership=partnership),
        criteria=selectors.readiness_criteria(),
    )


def _plan_fields(data: dict[str, Any]) -> services.PlanFields:
    return services.PlanFields(**{**data, "criteria": list(data.get("criteria") or [])})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, readiness_plan_policy, "add")
    form = _plan_form(request, partnership, None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=_actor(request),
                partnership=partnership,
                fields=_plan_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The readiness plan is saved.")
            return redirect("consequence_management:plan-detail", plan.pk)
    back = reverse("consequence_management:overview", args=[partnership.pk])
    return _form_page(request, form, partnership, "Add a readiness plan", back)


@login_required
@require_http_methods(["GET", "POST"])
def plan_update(request: HttpRequest, readiness_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=readiness_plan_id)
    readiness_plan_policy.require(request.user, "edit", plan)
    form = _plan_form(request, plan.partnership, plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=_actor(request), plan=plan, fields=_plan_fields(form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The readiness plan is saved.")
            return redirect("consequence_management:plan-detail", plan.pk)
    back = reverse("consequence_management:plan-detail", args=[plan.pk])
    return _form_page(request, form, plan.partnership, f"Change {plan.title}", back)


@login_required
@require_safe
def plan_detail(request: HttpRequest, readiness_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=readiness_plan_id)
    today = facts_for(request.user).today
    return render(
        request,
        "consequence_management/plan_detail.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "roles": list(selectors.plan_roles(plan=plan)),
            "plan_messages": list(selectors.plan_messages(plan=plan)),
            "rumours": list(plan.rumours.all()),
            "criteria": list(selectors.plan_criteria(plan=plan)),
            "past_review": plan.review_on < today,
            "can_edit": readiness_plan_policy.user_can(request.user, "edit", plan),
        },
    )


def _plan_part(request: HttpRequest, readiness_plan_id: int) -> ReadinessPlan:
    plan = selectors.plan_get(user=request.user, plan_id=readiness_plan_id)
    readiness_plan_policy.require(request.user, "edit", plan)
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_role_add(request: HttpRequest, readiness_plan_id: int) -> HttpResponse:
    plan = _plan_part(request, readiness_plan_id)
    form = f.RoleForm(
        request.POST or None, posts=selectors.partnership_posts(partnership=plan.partnership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_role_add(actor=_actor(request), plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:plan-detail", plan.pk)
    back = reverse("consequence_management:plan-detail", args=[plan.pk])
    return _form_page(request, form, plan.partnership, "Add a role to the group", back)


@login_required
@require_http_methods(["GET", "POST"])
def plan_message_add(request: HttpRequest, readiness_plan_id: int) -> HttpResponse:
    plan = _plan_part(request, readiness_plan_id)
    form = f.PlanMessageForm(
        request.POST or None,
        messages=selectors.agreed_key_messages(partnership=plan.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_message_add(actor=_actor(request), plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:plan-detail", plan.pk)
    back = reverse("consequence_management:plan-detail", args=[plan.pk])
    return _form_page(request, form, plan.partnership, "Add a key message", back)


@login_required
@require_http_methods(["GET", "POST"])
def rumour_add(request: HttpRequest, readiness_plan_id: int) -> HttpResponse:
    plan = _plan_part(request, readiness_plan_id)
    form = f.RumourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rumour_record(actor=_actor(request), plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:plan-detail", plan.pk)
    back = reverse("consequence_management:plan-detail", args=[plan.pk])
    return _form_page(request, form, plan.partnership, "Record a rumour", back)


# --- The directory -----------------------------------------------------------------------------


@login_required
@require_safe
def contact_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, key_contact_policy, "list")
    today = facts_for(request.user).today
    return render(
        request,
        "consequence_management/directory.html",
        {
            "partnership": partnership,
            "rows": selectors.directory(user=request.user, partnership=partnership, today=today),
            "can_add": key_contact_policy.user_can_in(request.user, "add", partnership.pk),
        },
    )


def _contact_form(
    request: HttpRequest, partnership: Partnership, contact: KeyContact | None
) -> Any:
    initial: dict[str, Any] = {}
    if contact is not None:
        initial = {
            "kind": contact.kind,
            "organisation": contact.organisation_id,
            "post": contact.post_id,
            "role": contact.role,
            "email": contact.email,
            "mobile": contact.mobile,
            "phone": contact.phone,
            "deputy": contact.deputy_id,
            "consented_on": contact.consented_on,
            "verified_on": contact.verified_on,
        }
    deputies = KeyContact.objects.filter(partnership=partnership).select_related("organisation")
    if contact is not None:
        deputies = deputies.exclude(pk=contact.pk)
    return f.ContactForm(
        request.POST or None,
        initial=initial,
        organisations=selectors.partnership_organisations(partnership=partnership),
        posts=selectors.partnership_posts(partnership=partnership),
        deputies=deputies,
    )


def _contact_fields(data: dict[str, Any]) -> services.ContactFields:
    values: dict[str, Any] = {
        k: (v or "") if k in ("email", "mobile", "phone") else v for k, v in data.items()
    }
    return services.ContactFields(**values)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, key_contact_policy, "add")
    form = _contact_form(request, partnership, None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(
                actor=_actor(request),
                partnership=partnership,
                fields=_contact_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The entry is added to the directory.")
            return redirect("consequence_management:contact-list", partnership.pk)
    back = reverse("consequence_management:contact-list", args=[partnership.pk])
    return _form_page(request, form, partnership, "Add a key individual", back)


@login_required
@require_http_methods(["GET", "POST"])
def contact_update(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    key_contact_policy.require(request.user, "edit", contact)
    form = _contact_form(request, contact.partnership, contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                actor=_actor(request), contact=contact, fields=_contact_fields(form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The entry is changed.")
            return redirect("consequence_management:contact-list", contact.partnership_id)
    back = reverse("consequence_management:contact-list", args=[contact.partnership_id])
    return _form_page(request, form, contact.partnership, f"Change {contact}", back)


@login_required
@require_POST
def contact_verify(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    key_contact_policy.require(request.user, "edit", contact)
    services.contact_verify(actor=_actor(request), contact=contact)
    messages.success(request, f"{contact} is verified today.")
    return redirect("consequence_management:contact-list", contact.partnership_id)


# --- Cascades ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cascade_start(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, cascade_policy, "add")
    form = f.CascadeForm(
        request.POST or None,
        initial={"start_key": services.new_start_key(), "kind": "exercise", "mode": "broadcast"},
        plans=selectors.plan_list(user=request.user, partnership=partnership),
        products=selectors.released_products(),
    )
    back = reverse("consequence_management:overview", args=[partnership.pk])
    if request.method == "POST" and form.is_valid():
        fields = services.CascadeFields(**form.cleaned_data)
        # Messages once handed over cannot be called back: the form's answers are shown on a
        # confirmation page first, and carried back with it (the start key too, so that a
        # double click on either page still makes one cascade).
        if not confirmed(request):
            return _cascade_confirmation(request, partnership, fields, back)
        try:
            cascade = services.cascade_start(
                actor=_actor(request), partnership=partnership, fields=fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:cascade-detail", cascade.pk)
    return _form_page(request, form, partnership, "Start a cascade", back)


def _cascade_confirmation(
    request: HttpRequest, partnership: Partnership, fields: services.CascadeFields, back: str
) -> HttpResponse:
    live = fields.kind == CascadeKind.LIVE
    return confirmation_page(
        request,
        Confirmation(
            title=f"Start {fields.title}",
            caption=partnership.name,
            button="Start this cascade",
            cancel_url=back,
            happens=[
                f"The {'live' if live else 'exercise'} call-out goes to the partnership's "
                "key-individual directory by email and text message, "
                + ("everyone at once." if fields.mode == "broadcast" else "level by level."),
                "Deputies are called when someone has not acknowledged within "
                f"{fields.escalate_after_minutes} minutes"
                + (" (until then they are not called)." if fields.deputies_on_escalation else "."),
                "Nobody is sent anything after they have acknowledged.",
            ],
            seen_by="The people called; the roll-call is seen by the partnership's "
            "coordinators, board members and contributors.",
            cannot_undo="A message once sent cannot be called back: closing the cascade stops "
            "only what has not yet gone.",
            facts=[("Message", fields.template)],
            carried=carried_from(request.POST),
        ),
    )


def _roll_call_context(request: HttpRequest, cascade_id: int) -> dict[str, Any]:
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    roll = selectors.roll_call_page(
        cascade=cascade, show=request.GET.get("show"), page=request.GET.get("page")
    )
    # The tab and page being looked at travel with the refresh button and the script's fetch, so
    # a refresh shows the same rows rather than jumping back to the first page.
    here = urlencode({"show": roll.show, "page": roll.page.number})
    return {
        "cascade": cascade,
        "partnership": cascade.partnership,
        "roll": roll,
        "here": here,
        "can_call": cascade_policy.user_can(request.user, "record_call", cascade),
        "can_close": cascade_policy.user_can(request.user, "close", cascade),
    }


@login_required
@require_safe
def cascade_detail(request: HttpRequest, cascade_id: int) -> HttpResponse:
    return render(
        request,
        "consequence_management/cascade_detail.html",
        _roll_call_context(request, cascade_id),
    )


@login_required
@require_safe
def cascade_roll_call(request: HttpRequest, cascade_id: int) -> HttpResponse:
    """The roll-call alone, for the page's script to put in place without a reload."""
    return render(
        request,
        "consequence_management/_roll_call.html",
        _roll_call_context(request, cascade_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_record(request: HttpRequest, cascade_id: int, recipient_id: int) -> HttpResponse:
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    cascade_policy.require(request.user, "record_call", cascade)
    recipient = get_object_or_404(
        CascadeRecipient.objects.select_related("contact__organisation"),
        pk=recipient_id,
        cascade=cascade,
    )
    form = f.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_record(
                actor=_actor(request),
                cascade=cascade,
                recipient=recipient,
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:cascade-detail", cascade.pk)
    back = reverse("consequence_management:cascade-detail", args=[cascade.pk])
    heading = f"Call {recipient.contact.role}, {recipient.contact.organisation.name}"
    return _form_page(request, form, cascade.partnership, heading, back)


@login_required
@require_http_methods(["GET", "POST"])
def cascade_close(request: HttpRequest, cascade_id: int) -> HttpResponse:
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    cascade_policy.require(request.user, "close", cascade)
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=f"Close {cascade.title}",
                caption=cascade.partnership.name,
                button="Close this cascade",
                cancel_url=reverse("consequence_management:cascade-detail", args=[cascade.pk]),
                happens=[
                    "No message still waiting is sent, and its acknowledgement links stop working.",
                    "The roll-call is kept as it stands, for the after-action review.",
                ],
                seen_by="The partnership's coordinators, board members and contributors.",
                cannot_undo="A closed cascade cannot be opened again: start a new one.",
                destructive=True,
            ),
        )
    services.cascade_close(actor=_actor(request), cascade=cascade)
    messages.success(request, "The cascade is closed.")
    return redirect("consequence_management:cascade-detail", cascade.pk)


# --- Public: the acknowledgement link and Notify's callbacks ----------------------------------

ACK_REFUSALS = {
    "invalid": "This link does not work. Check that you copied all of it, or answer by the "
    "other way the message gave you.",
    "expired": "This link has expired. If you still need to answer, reply to the text message "
    "or tell the person who calls you.",
    "used": "This link has already been used: the acknowledgement is recorded.",
    "closed": "This call-out has ended: there is nothing to acknowledge.",
}


@require_http_methods(["GET", "POST"])
def ack(request: HttpRequest, ack_token: str) -> HttpResponse:
    """The signed, single-use, expiring link. A GET shows a button (a mail scanner following
    the link acknowledges nothing); the POST acknowledges. A bad link says only what is wrong
    with it, nothing of the cascade or the person."""
    try:
        if request.method == "POST":
            services.ack_by_link(token=ack_token)
            return render(request, "consequence_management/ack.html", {"done": True})
        services.recipient_from_token(ack_token)
    except services.AckRefused as refused:
        return render(
            request,
            "consequence_management/ack.html",
            {"refused": ACK_REFUSALS[refused.reason]},
            status=400,
        )
    return render(request, "consequence_management/ack.html", {"token": ack_token})


def _bearer_ok(request: HttpRequest) -> bool:
    """Notify sends the callback's bearer token set on the service (LDE_NOTIFY_CALLBACK_TOKEN)."""
    expected = getattr(settings, "LDE_NOTIFY_CALLBACK_TOKEN", "")
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given, f"Bearer {expected}")


def _json(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt
@require_POST
def notify_inbound(request: HttpRequest) -> HttpResponse:
    """Notify's inbound text message callback: a reply acknowledges."""
    if not _bearer_ok(request):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    body = _json(request)
    if body is None or not isinstance(body.get("source_number"), str):
        return JsonResponse({"error": "source_number is required"}, status=400)
    services.ack_by_text(
        source_number=body["source_number"], content=str(body.get("content", ""))[:500]
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def notify_receipts(request: HttpRequest) -> HttpResponse:
    """Notify's delivery receipt callback: updates the message it names by reference."""
    if not _bearer_ok(request):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    body = _json(request)
    if body is None or not isinstance(body.get("reference"), str):
        return JsonResponse({"error": "reference is required"}, status=400)
    services.receipt_record(reference=body["reference"][:100], status=str(body.get("status")))
    return HttpResponse(status=204)


# --- After-action reports (PDF) ---------------------------------------------------------------


def _pdf(content: bytes, file_name: str) -> HttpResponse:
    return file_download(content, file_name=file_name, content_type="application/pdf")


@login_required
@require_safe
def cascade_report(request: HttpRequest, cascade_id: int) -> HttpResponse:
    """A cascade's after-action report: timeline, time to the first message, key roles
    acknowledged within 15 minutes, who never answered (by role)."""
    cascade = selectors.cascade_get(user=request.user, cascade_id=cascade_id)
    return _pdf(
        reports.cascade_report_pdf(cascade=cascade), f"after-action-cascade-{cascade.pk}.pdf"
    )


# --- Exercises (¶161) -------------------------------------------------------------------------


@login_required
@require_safe
def exercise_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, exercise_policy, "list")
    return render(
        request,
        "consequence_management/exercise_list.html",
        {
            "partnership": partnership,
            "exercises": list(selectors.exercise_list(user=request.user, partnership=partnership)),
            "can_add": exercise_policy.user_can_in(request.user, "add", partnership.pk),
        },
    )


def _exercise_form(
    request: HttpRequest, partnership: Partnership, exercise: Exercise | None
) -> Any:
    initial: dict[str, Any] = {}
    if exercise is not None:
        initial = {
            "title": exercise.title,
            "scenario": exercise.scenario,
            "held_on": exercise.held_on,
            "plan": exercise.plan_id,
            "cascade": exercise.cascade_id,
            "criteria": list(exercise.criteria.values_list("pk", flat=True)),
        }
    return f.ExerciseForm(
        request.POST or None,
        initial=initial,
        plans=selectors.plan_list(user=request.user, partnership=partnership),
        cascades=selectors.exercise_cascades(user=request.user, partnership=partnership),
        criteria=selectors.readiness_criteria(),
    )


def _exercise_fields(data: dict[str, Any]) -> services.ExerciseFields:
    return services.ExerciseFields(**{**data, "criteria": list(data.get("criteria") or [])})


@login_required
@require_http_methods(["GET", "POST"])
def exercise_create(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, exercise_policy, "add")
    form = _exercise_form(request, partnership, None)
    if request.method == "POST" and form.is_valid():
        try:
            exercise = services.exercise_create(
                actor=_actor(request),
                partnership=partnership,
                fields=_exercise_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The exercise is planned.")
            return redirect("consequence_management:exercise-detail", exercise.pk)
    back = reverse("consequence_management:exercise-list", args=[partnership.pk])
    return _form_page(request, form, partnership, "Plan an exercise", back)


@login_required
@require_safe
def exercise_detail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = selectors.exercise_get(user=request.user, exercise_id=exercise_id)
    user = request.user
    return render(
        request,
        "consequence_management/exercise_detail.html",
        {
            "exercise": exercise,
            "partnership": exercise.partnership,
            "review": selectors.exercise_review(user=user, exercise=exercise),
            "can_edit": exercise_policy.user_can(user, "edit", exercise),
            "can_start": exercise_policy.user_can(user, "start", exercise),
            "can_close": exercise_policy.user_can(user, "close", exercise),
            "can_learn": exercise_policy.user_can(user, "learn", exercise),
        },
    )


def _exercise_part(request: HttpRequest, exercise_id: int, action: str = "edit") -> Exercise:
    exercise = selectors.exercise_get(user=request.user, exercise_id=exercise_id)
    exercise_policy.require(request.user, action, exercise)
    return exercise


@login_required
@require_http_methods(["GET", "POST"])
def exercise_update(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise_part(request, exercise_id)
    form = _exercise_form(request, exercise.partnership, exercise)
    if request.method == "POST" and form.is_valid():
        try:
            services.exercise_update(
                actor=_actor(request), exercise=exercise, fields=_exercise_fields(form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The exercise is saved.")
            return redirect("consequence_management:exercise-detail", exercise.pk)
    back = reverse("consequence_management:exercise-detail", args=[exercise.pk])
    return _form_page(request, form, exercise.partnership, f"Change {exercise.title}", back)


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise_part(request, exercise_id)
    form = f.ParticipantForm(
        request.POST or None,
        organisations=selectors.partnership_organisations(partnership=exercise.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_add(actor=_actor(request), exercise=exercise, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:exercise-detail", exercise.pk)
    back = reverse("consequence_management:exercise-detail", args=[exercise.pk])
    return _form_page(request, form, exercise.partnership, "Add a participant", back)


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise_part(request, exercise_id)
    form = f.EntryForm(request.POST or None, initial={"kind": "timeline"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        at = timezone.make_aware(datetime.combine(exercise.held_on, data["time"]))
        try:
            services.entry_add(
                actor=_actor(request),
                exercise=exercise,
                kind=data["kind"],
                at=at,
                text=data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consequence_management:exercise-detail", exercise.pk)
    back = reverse("consequence_management:exercise-detail", args=[exercise.pk])
    heading = "Add to the timeline or the observations"
    return _form_page(request, form, exercise.partnership, heading, back)


@login_required
@require_POST
def exercise_start(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise_part(request, exercise_id, "start")
    services.exercise_start(actor=_actor(request), exercise=exercise)
    messages.success(request, "The exercise is running.")
    return redirect("consequence_management:exercise-detail", exercise.pk)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_close(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise_part(request, exercise_id, "close")
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=f"Close {exercise.title}",
                caption=exercise.partnership.name,
                button="Close this exercise",
                cancel_url=reverse("consequence_management:exercise-detail", args=[exercise.pk]),
                happens=[
                    "Its participants, timeline and observations can no longer be changed.",
                    "Its lessons can then be recorded, each becoming an action in the action plan.",
                ],
                seen_by="The partnership's coordinators, board members, contributors and viewers, "
                "and its inspectors.",
                cannot_undo="A closed exercise cannot be opened again: plan a new one.",
                destructive=True,
            ),
        )
    services.exercise_close(actor=_actor(request), exercise=exercise)
    messages.success(request, "The exercise is closed: record its lessons.")
    return redirect("consequence_management:exercise-detail", exercise.pk)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_add(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """A lesson, raised in the same write as its action in the action plan (ADR 0017)."""
    exercise = _exercise_part(request, exercise_id, "learn")
    partnership = exercise.partnership
    action_policy.require_in(request.user, "raise", partnership.pk)
    choices: dict[str, Any] = {
        "owners": owner_choices(partnership=partnership),
        "organisations": organisation_choices(partnership=partnership),
    }
    form = f.LessonForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_record(
                actor=_actor(request), exercise=exercise, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Lesson recorded; action raised: {lesson.action.title}.")
            return redirect("consequence_management:exercise-detail", exercise.pk)
    back = reverse("consequence_management:exercise-detail", args=[exercise.pk])
    return _form_page(request, form, partnership, "Record a lesson and its action", back)


@login_required
@require_safe
def exercise_report(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """An exercise's after-action report: its timeline and observations, its cascade's figures
    (for those who may see the cascade), and its lessons with their actions' status."""
    exercise = selectors.exercise_get(user=request.user, exercise_id=exercise_id)
    return _pdf(
        reports.exercise_report_pdf(user=request.user, exercise=exercise),
        reports.exercise_report_file_name(exercise),
    )
