"""Capacity pages: the partnership's capacity overview, a page for each part (the programme
board, partner coverage and scrutiny, leadership, training, relationships with community
organisations), and a form to add each kind of record.

Reads go through the selectors (404 when the partnership is not visible, 403 saying who can when
it is but its capacity is not); each write asks the policy first and then calls one service,
whose refusals are shown in the GOV.UK error summary against the field they name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user as _actor
from lde.action_plans.forms import ActionForm
from lde.action_plans.policies import action_policy
from lde.action_plans.selectors import action_list, organisation_choices, owner_choices
from lde.capacity import forms as f
from lde.capacity import selectors, services
from lde.capacity.policies import KEEP, board_decision_policy, board_member_policy
from lde.capacity.selectors import capacity_partnership
from lde.core.govuk.forms import add_service_errors
from lde.partnerships.models import Partnership


def _can_add(request: HttpRequest, partnership: Partnership) -> bool:
    return board_member_policy.user_can_in(request.user, "add", partnership.pk)


def _keeper(request: HttpRequest, partnership: Partnership) -> None:
    board_member_policy.require_in(request.user, "add", partnership.pk, message=KEEP)


def _page(
    request: HttpRequest, partnership: Partnership, template: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"capacity/{template}",
        {"partnership": partnership, "can_add": _can_add(request, partnership), **context},
    )


# --- Reading ----------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.overview(user=request.user, partnership=partnership)
    return _page(request, partnership, "overview.html", overview=found, here_is_overview=True)


@login_required
@require_safe
def board(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.board(user=request.user, partnership=partnership)
    return _page(request, partnership, "board.html", board=found)


@login_required
@require_safe
def coverage(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.coverage(user=request.user, partnership=partnership)
    return _page(request, partnership, "coverage.html", coverage=found)


@login_required
@require_safe
def leadership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.leadership(user=request.user, partnership=partnership)
    return _page(request, partnership, "leadership.html", leadership=found)


@login_required
@require_safe
def training(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.training(user=request.user, partnership=partnership)
    return _page(request, partnership, "training.html", training=found)


@login_required
@require_safe
def relationships(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    found = selectors.relationships(user=request.user, partnership=partnership)
    return _page(request, partnership, "relationships.html", relationships=found)


# --- Writing ----------------------------------------------------------------------------------


def _record_form(
    request: HttpRequest,
    partnership: Partnership,
    *,
    heading: str,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    lead: str = "",
) -> HttpResponse:
    """Show `form`; on a valid POST call `save` with its cleaned data, and go back to `back` (a
    URL name taking the partnership) saying `done`; a service's refusal goes to its field."""
    _keeper(request, partnership)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"capacity:{back}", partnership_id=partnership.pk)
    return render(
        request,
        "capacity/record_form.html",
        {"partnership": partnership, "heading": heading, "form": form, "back": back, "lead": lead},
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def board_member_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    form = f.BoardMemberForm(
        _data(request),
        choices={"post": selectors.board_member_post_choices(partnership=partnership)},
    )
    return _record_form(
        request,
        partnership,
        heading="Add a member of the programme board",
        form=form,
        save=lambda d: services.board_member_add(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="Board member added.",
        back="board",
    )


@login_required
@require_http_methods(["GET", "POST"])
def terms_agree(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    return _record_form(
        request,
        partnership,
        heading="Record terms of reference agreed",
        form=f.TermsOfReferenceForm(_data(request)),
        save=lambda d: services.terms_of_reference_agree(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="Terms of reference recorded.",
        back="board",
        lead="Each version is kept by the date it was agreed; the latest is in force.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    form = f.BoardMeetingForm(
        _data(request),
        choices={"attended_by": selectors.board_attendance_choices(partnership=partnership)},
    )
    return _record_form(
        request,
        partnership,
        heading="Record a board meeting",
        form=form,
        save=lambda d: services.board_meeting_record(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="Board meeting recorded.",
        back="board",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.board_meeting_get(user=request.user, meeting_id=meeting_id)
    partnership = meeting.partnership
    form = f.BoardDecisionForm(
        _data(request),
        choices={"action": action_list(user=request.user, partnership=partnership)},
    )
    return _record_form(
        request,
        partnership,
        heading=f"Record a decision of the board meeting of {meeting.held_on:%-d %B %Y}",
        form=form,
        save=lambda d: services.board_decision_record(actor=_actor(request), meeting=meeting, **d),
        done="Decision recorded.",
        back="board",
        lead="To raise a new action for it, record the decision and then choose “Raise an "
        "action” beside it; or link an action already in the action plan here.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_action_raise(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Raise, in the action plan, the action that carries out a decision of the board; the
    decision is linked to it in the same write (ADR 0017)."""
    decision = selectors.board_decision_get(user=request.user, decision_id=decision_id)
    partnership = decision.meeting.partnership
    board_decision_policy.require(request.user, "edit", decision)
    action_policy.require_in(request.user, "raise", partnership.pk)
    if request.method == "GET" and decision.action_id is not None:
        messages.info(request, "This decision already has its action in the action plan.")
        return redirect("action_plans:action-detail", action_id=decision.action_id)
    choices: dict[str, Any] = {
        "owners": owner_choices(partnership=partnership),
        "organisations": organisation_choices(partnership=partnership),
    }
    if request.method == "POST":
        form = ActionForm(request.POST, with_criteria=False, **choices)
        if form.is_valid():
            try:
                action = services.board_decision_action_raise(
                    actor=_actor(request), decision=decision, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Action raised: {action.title}.")
                return redirect("action_plans:action-detail", action_id=action.pk)
    else:
        me = _actor(request)
        initial: dict[str, Any] = {}
        if choices["owners"].filter(pk=me.pk).exists():
            initial["owner"] = me.pk
            if choices["organisations"].filter(pk=me.organisation_id or 0).exists():
                initial["owner_organisation"] = me.organisation_id
        form = ActionForm(initial=initial, with_criteria=False, **choices)
    return render(
        request,
        "capacity/record_form.html",
        {
            "partnership": partnership,
            "heading": "Raise an action",
            "form": form,
            "back": "board",
            "lead": f"For the decision of the board meeting of "
            f"{decision.meeting.held_on:%-d %B %Y}: “{decision.decision}”. The action goes "
            "into the action plan, where its owner records its progress.",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scrutiny_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    return _record_form(
        request,
        partnership,
        heading="Record a scrutiny session",
        form=f.ScrutinySessionForm(_data(request)),
        save=lambda d: services.scrutiny_session_record(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="Scrutiny session recorded.",
        back="coverage",
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    return _record_form(
        request,
        partnership,
        heading="Add a course or briefing",
        form=f.CourseForm(_data(request)),
        save=lambda d: services.course_add(actor=_actor(request), partnership=partnership, **d),
        done="Course added.",
        back="training",
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, course_id=course_id)
    partnership = course.partnership
    form = f.TrainingSessionForm(
        _data(request),
        choices={
            "joint_with": Organisation.objects.filter(
                partnership_links__partnership=partnership
            ).order_by("name")
        },
    )
    return _record_form(
        request,
        partnership,
        heading=f"Record a session of “{course.title}”",
        form=form,
        save=lambda d: services.training_session_record(actor=_actor(request), course=course, **d),
        done="Session recorded.",
        back="training",
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    form = f.TeamForm(
        _data(request),
        choices={
            "organisation": Organisation.objects.filter(
                partnership_links__partnership=partnership
            ).order_by("name")
        },
    )
    return _record_form(
        request,
        partnership,
        heading="Add a team",
        form=form,
        save=lambda d: services.team_add(actor=_actor(request), partnership=partnership, **d),
        done="Team added.",
        back="training",
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.training_session_get(user=request.user, session_id=session_id)
    partnership = session.course.partnership
    form = f.TrainingAttendanceForm(
        _data(request),
        choices={
            "post": selectors.relationship_post_choices(partnership=partnership),
            "team": selectors.team_choices(partnership=partnership),
        },
    )

    def save(d: dict[str, Any]) -> Any:
        return services.training_attendance_record(
            actor=_actor(request),
            session=session,
            post=d["post"],
            team=d["team"],
            number_trained=d["number_trained"] or 1,
        )

    return _record_form(
        request,
        partnership,
        heading=f"Record who the session of {session.held_on:%-d %B %Y} trained",
        form=form,
        save=save,
        done="Attendance recorded.",
        back="training",
        lead="Choose one post, or a team and how many of its staff were trained.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = capacity_partnership(user=request.user, partnership_id=partnership_id)
    form = f.CommunityRelationshipForm(
        _data(request),
        choices={
            "organisation": selectors.community_organisation_choices(partnership=partnership),
            "held_by": selectors.relationship_post_choices(partnership=partnership),
        },
    )
    return _record_form(
        request,
        partnership,
        heading="Record a relationship with a community organisation",
        form=form,
        save=lambda d: services.community_relationship_record(
            actor=_actor(request), partnership=partnership, **d
        ),
        done="Relationship recorded.",
        back="relationships",
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_holders(request: HttpRequest, relationship_id: int) -> HttpResponse:
    relationship = selectors.relationship_get(user=request.user, relationship_id=relationship_id)
    partnership = relationship.partnership
    form = f.RelationshipHoldersForm(
        _data(request),
        initial={"held_by": list(relationship.held_by.values_list("pk", flat=True))},
        choices={"held_by": selectors.relationship_post_choices(partnership=partnership)},
    )
    return _record_form(
        request,
        partnership,
        heading=f"Change who holds the relationship with {relationship.organisation}",
        form=form,
        save=lambda d: services.community_relationship_holders_change(
            actor=_actor(request), relationship=relationship, **d
        ),
        done="Holders changed.",
        back="relationships",
    )
