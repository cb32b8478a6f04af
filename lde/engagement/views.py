"""Engagement pages: the partnership's overview; its forums, initiatives, communications
strategy and schools; one page for a forum, an initiative and a key message; and a form to add
or change each kind of record.

Reads go through the selectors (404 when not visible); each write asks the policy first (403,
saying who can) and then calls one service, whose refusals (the personal-data guard's among
them) are shown in the GOV.UK error summary against the field they name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user as _actor
from lde.core.access.facts import facts_for
from lde.core.confirm import Confirmation, confirmation_page, confirmed
from lde.core.govuk.forms import add_service_errors
from lde.engagement import forms as f
from lde.engagement import selectors, services
from lde.engagement.models import (
    SUPPORT_TRANSITIONS,
    Forum,
    MessageStatus,
)
from lde.engagement.policies import (
    EngagementRecordPolicy,
    audience_policy,
    channel_policy,
    forum_meeting_policy,
    forum_policy,
    initiative_policy,
    key_message_policy,
    media_briefing_policy,
    school_activity_policy,
    school_engagement_policy,
    spokesperson_policy,
    support_request_policy,
)
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership


def _partnership(request: HttpRequest, partnership_id: int, action: str) -> Partnership:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    forum_policy.require_in(request.user, action, partnership.pk)
    return partnership


def _can_add(request: HttpRequest, partnership: Partnership) -> bool:
    return forum_policy.user_can_in(request.user, "add", partnership.pk)


# --- Reading ----------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "overview")
    today = facts_for(request.user).today
    found = selectors.overview(user=request.user, partnership=partnership)
    return render(
        request,
        "engagement/overview.html",
        {
            "partnership": partnership,
            "overview": found,
            "forums": [
                (forum, selectors.engaged_words(forum.last_engaged, today))  # type: ignore[attr-defined]
                for forum in found.forums
            ],
            "can_add": _can_add(request, partnership),
        },
    )


@login_required
@require_safe
def forum_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "list")
    today = facts_for(request.user).today
    forums = list(selectors.forum_list(user=request.user, partnership=partnership))
    return render(
        request,
        "engagement/forum_list.html",
        {
            "partnership": partnership,
            "rows": [
                (forum, selectors.engaged_words(forum.last_engaged, today))  # type: ignore[attr-defined]
                for forum in forums
            ],
            "can_add": _can_add(request, partnership),
            "can_overview": forum_policy.user_can_in(request.user, "overview", partnership.pk),
        },
    )


@login_required
@require_safe
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.forum_get(user=request.user, forum_id=forum_id)
    today = facts_for(request.user).today
    return render(
        request,
        "engagement/forum_detail.html",
        {
            "forum": forum,
            "partnership": forum.partnership,
            "engaged": selectors.engaged_words(forum.last_engaged, today),  # type: ignore[attr-defined]
            "members": list(selectors.forum_members(forum=forum)),
            "breadth": selectors.forum_breadth(forum=forum),
            "meetings": list(selectors.forum_meetings(user=request.user, forum=forum)),
            "can_edit": forum_policy.user_can(request.user, "edit", forum),
        },
    )


@login_required
@require_safe
def initiative_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "overview")
    return render(
        request,
        "engagement/initiative_list.html",
        {
            "partnership": partnership,
            "initiatives": list(
                selectors.initiative_list(user=request.user, partnership=partnership)
            ),
            "can_add": _can_add(request, partnership),
        },
    )


@login_required
@require_safe
def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.initiative_get(user=request.user, initiative_id=initiative_id)
    requests = list(selectors.support_requests(user=request.user, initiative=initiative))
    return render(
        request,
        "engagement/initiative_detail.html",
        {
            "initiative": initiative,
            "partnership": initiative.partnership,
            "requests": [
                (
                    r,
                    support_request_policy.user_can(request.user, "edit", r),
                    support_request_policy.user_can(request.user, "decide", r),
                )
                for r in requests
            ],
            "can_edit": initiative_policy.user_can(request.user, "edit", initiative),
        },
    )


@login_required
@require_safe
def communications(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "overview")
    user = request.user
    return render(
        request,
        "engagement/communications.html",
        {
            "partnership": partnership,
            "audiences": list(selectors.audience_list(user=user, partnership=partnership)),
            "channels": list(selectors.channel_list(user=user, partnership=partnership)),
            "key_messages": list(selectors.key_message_list(user=user, partnership=partnership)),
            "briefings": list(selectors.media_briefing_list(user=user, partnership=partnership)),
            "spokespeople": list(selectors.spokesperson_list(user=user, partnership=partnership)),
            "can_add": _can_add(request, partnership),
        },
    )


@login_required
@require_safe
def key_message_detail(request: HttpRequest, key_message_id: int) -> HttpResponse:
    message = selectors.key_message_get(user=request.user, key_message_id=key_message_id)
    return render(
        request,
        "engagement/key_message_detail.html",
        {
            "message": message,
            "partnership": message.partnership,
            "can": {
                action: key_message_policy.user_can(request.user, action, message)
                for action in ("edit", "agree", "retire")
            },
        },
    )


@login_required
@require_safe
def school_list(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(request, partnership_id, "overview")
    schools = list(selectors.school_list(user=request.user, partnership=partnership))
    return render(
        request,
        "engagement/school_list.html",
        {
            "partnership": partnership,
            "schools": schools,
            "ssp_count": sum(1 for s in schools if s.safer_schools_partnership),
            "can_add": _can_add(request, partnership),
        },
    )


# --- Adding and changing records: one pair of views for every kind ----------------------------


@dataclass(frozen=True)
class Part:
    """One kind of record as its pages see it."""

    noun: str
    form: type[forms.Form]
    policy: EngagementRecordPolicy[Any]
    get: Callable[[Any, Any], Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    # The parent a record is added to ("partnership", "forum", "initiative", "school"), and the
    # keyword its update service takes the record by.
    parent: str
    keyword: str
    # Where to go after saving: a URL name and the record's attribute that fills it.
    back: tuple[str, str]
    fields: tuple[str, ...]
    choices: Callable[[Partnership], dict[str, Any]] = lambda p: {}


def _organisations(partnership: Partnership) -> dict[str, Any]:
    return {"organisations": selectors.organisation_choices(partnership=partnership)}


def _posts(partnership: Partnership) -> dict[str, Any]:
    return {"posts": selectors.post_choices(partnership=partnership)}


PARTS: dict[str, Part] = {
    "forum": Part(
        "forum",
        f.ForumForm,
        forum_policy,
        lambda u, pk: selectors.forum_get(user=u, forum_id=pk),
        services.forum_create,
        services.forum_update,
        "partnership",
        "forum",
        ("engagement:forum-detail", "pk"),
        ("name", "kind", "purpose", "communities_reached"),
        _organisations,
    ),
    "meeting": Part(
        "meeting",
        f.MeetingForm,
        forum_meeting_policy,
        lambda u, pk: selectors.meeting_get(user=u, forum_meeting_id=pk),
        services.meeting_record,
        services.meeting_update,
        "forum",
        "meeting",
        ("engagement:forum-detail", "forum_id"),
        ("held_on", "topics", "summary"),
    ),
    "initiative": Part(
        "initiative",
        f.InitiativeForm,
        initiative_policy,
        lambda u, pk: selectors.initiative_get(user=u, initiative_id=pk),
        services.initiative_create,
        services.initiative_update,
        "partnership",
        "initiative",
        ("engagement:initiative-detail", "pk"),
        ("organisation", "title", "what_it_does"),
        _organisations,
    ),
    "support-request": Part(
        "request for support",
        f.SupportRequestForm,
        support_request_policy,
        lambda u, pk: selectors.support_request_get(user=u, support_request_id=pk),
        services.support_request_create,
        services.support_request_update,
        "initiative",
        "support_request",
        ("engagement:initiative-detail", "initiative_id"),
        ("asked_for", "asked_on"),
    ),
    "audience": Part(
        "audience",
        f.AudienceForm,
        audience_policy,
        lambda u, pk: selectors.audience_get(user=u, audience_id=pk),
        services.audience_create,
        services.audience_update,
        "partnership",
        "audience",
        ("engagement:communications", "partnership_id"),
        ("name", "internal", "what_they_need"),
    ),
    "channel": Part(
        "channel",
        f.ChannelForm,
        channel_policy,
        lambda u, pk: selectors.channel_get(user=u, channel_id=pk),
        services.channel_create,
        services.channel_update,
        "partnership",
        "channel",
        ("engagement:communications", "partnership_id"),
        ("name", "kind", "community", "languages", "reach"),
    ),
    "key-message": Part(
        "key message",
        f.KeyMessageForm,
        key_message_policy,
        lambda u, pk: selectors.key_message_get(user=u, key_message_id=pk),
        services.key_message_create,
        services.key_message_update,
        "partnership",
        "key_message",
        ("engagement:key-message-detail", "pk"),
        ("title", "message", "words_to_use", "words_to_avoid", "why"),
    ),
    "media-briefing": Part(
        "media briefing",
        f.MediaBriefingForm,
        media_briefing_policy,
        lambda u, pk: selectors.media_briefing_get(user=u, media_briefing_id=pk),
        services.media_briefing_record,
        services.media_briefing_update,
        "partnership",
        "media_briefing",
        ("engagement:communications", "partnership_id"),
        ("held_on", "outlet", "topic", "spoke", "notes"),
        _posts,
    ),
    "spokesperson": Part(
        "spokesperson",
        f.SpokespersonForm,
        spokesperson_policy,
        lambda u, pk: selectors.spokesperson_get(user=u, spokesperson_id=pk),
        services.spokesperson_create,
        services.spokesperson_update,
        "partnership",
        "spokesperson",
        ("engagement:communications", "partnership_id"),
        ("post", "speaks_for", "topics"),
        _posts,
    ),
    "school": Part(
        "school or college",
        f.SchoolForm,
        school_engagement_policy,
        lambda u, pk: selectors.school_get(user=u, school_id=pk),
        services.school_create,
        services.school_update,
        "partnership",
        "school",
        ("engagement:school-list", "partnership_id"),
        ("organisation", "safer_schools_partnership", "ssp_started_on"),
        lambda p: {"organisations": selectors.school_choices()},
    ),
    "school-activity": Part(
        "activity",
        f.SchoolActivityForm,
        school_activity_policy,
        lambda u, pk: selectors.school_activity_get(user=u, school_activity_id=pk),
        services.school_activity_record,
        services.school_activity_update,
        "school",
        "school_activity",
        ("engagement:school-list", "school__partnership_id"),
        ("activity", "held_on"),
    ),
}

PARENTS: dict[str, Callable[[HttpRequest, int], tuple[Any, Partnership]]] = {}


def _parent_partnership(request: HttpRequest, pk: int) -> tuple[Any, Partnership]:
    partnership = _partnership(request, pk, "add")
    return partnership, partnership


def _parent_forum(request: HttpRequest, pk: int) -> tuple[Any, Partnership]:
    forum = selectors.forum_get(user=request.user, forum_id=pk)
    forum_policy.require(request.user, "edit", forum)
    return forum, forum.partnership


def _parent_initiative(request: HttpRequest, pk: int) -> tuple[Any, Partnership]:
    initiative = selectors.initiative_get(user=request.user, initiative_id=pk)
    initiative_policy.require(request.user, "edit", initiative)
    return initiative, initiative.partnership


def _parent_school(request: HttpRequest, pk: int) -> tuple[Any, Partnership]:
    school = selectors.school_get(user=request.user, school_id=pk)
    school_engagement_policy.require(request.user, "edit", school)
    return school, school.partnership


PARENTS.update(
    partnership=_parent_partnership,
    forum=_parent_forum,
    initiative=_parent_initiative,
    school=_parent_school,
)


def _path(obj: Any, attribute: str) -> Any:
    for step in attribute.split("__"):
        obj = getattr(obj, step)
    return obj


def _fields(part: Part, form: forms.Form, record: Any | None) -> dict[str, Any]:
    data = {name: form.cleaned_data[name] for name in part.fields}
    if part.form is f.ForumForm:
        # The page chooses organisations; a role given through the API is kept while the
        # organisation stays.
        roles = (
            {m.organisation_id: m.role for m in selectors.forum_members(forum=record)}
            if record is not None
            else {}
        )
        data["members"] = [(o, roles.get(o.pk, "")) for o in form.cleaned_data["members"]]
    return data


def _initial(part: Part, record: Any) -> dict[str, Any]:
    initial = {name: getattr(record, name) for name in part.fields}
    if isinstance(record, Forum):
        initial["members"] = [m.organisation for m in selectors.forum_members(forum=record)]
    return initial


def _render_form(
    request: HttpRequest, part: Part, form: forms.Form, partnership: Partnership, record: Any
) -> HttpResponse:
    return render(
        request,
        "engagement/record_form.html",
        {
            "form": form,
            "partnership": partnership,
            "heading": f"Change the {part.noun}" if record else f"Add a {part.noun}",
            "record": record,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, part: str, **ids: int) -> HttpResponse:
    kind = PARTS[part]
    (parent_id,) = ids.values()
    parent, partnership = PARENTS[kind.parent](request, parent_id)
    form = kind.form(request.POST or None, **kind.choices(partnership))
    if request.method == "POST" and form.is_valid():
        try:
            record = kind.create(
                actor=_actor(request), **{kind.parent: parent}, **_fields(kind, form, None)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {kind.noun} is saved.")
            name, attribute = kind.back
            return redirect(name, _path(record, attribute))
    return _render_form(request, kind, form, partnership, None)


@login_required
@require_http_methods(["GET", "POST"])
def record_update(request: HttpRequest, part: str, **ids: int) -> HttpResponse:
    kind = PARTS[part]
    (record_id,) = ids.values()
    record = kind.get(request.user, record_id)
    kind.policy.require(request.user, "edit", record)
    partnership = Partnership.objects.get(pk=kind.policy.partnership_of(record))
    form = kind.form(
        request.POST or None, initial=_initial(kind, record), **kind.choices(partnership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = kind.update(
                actor=_actor(request), **{kind.keyword: record}, **_fields(kind, form, record)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {kind.noun} is saved.")
            name, attribute = kind.back
            return redirect(name, _path(record, attribute))
    return _render_form(request, kind, form, partnership, record)


# --- Key messages and support: their states ---------------------------------------------------


def _key_message_confirmation(message: Any, to: str) -> Confirmation:
    agree = to == MessageStatus.AGREED
    return Confirmation(
        title="Agree this key message" if agree else "Retire this key message",
        caption=message.title,
        button="Agree this key message" if agree else "Retire this key message",
        cancel_url=reverse("engagement:key-message-detail", args=[message.pk]),
        facts=(("Key message", message.message), ("Status", message.get_status_display())),
        happens=[
            "It becomes the partnership's agreed message, to be used by everyone who speaks for "
            "the partnership, and it can no longer be changed."
            if agree
            else "It is kept on the record of what the partnership said, marked retired, and is "
            "no longer offered as a message to use."
        ],
        seen_by=(
            f"Everyone who reads {message.partnership.name}'s communications strategy: its "
            "coordinators, board members, contributors, viewers and live inspectors. The change "
            "is recorded in the audit trail, with your name."
        ),
        cannot_undo=(
            "An agreed message cannot go back to draft: to change it, retire it and draft a new "
            "one."
            if agree
            else "A retired message cannot be brought back: draft a new one."
        ),
        destructive=not agree,
    )


def _key_message_move(request: HttpRequest, key_message_id: int, to: str) -> HttpResponse:
    message = selectors.key_message_get(user=request.user, key_message_id=key_message_id)
    action = "agree" if to == MessageStatus.AGREED else "retire"
    key_message_policy.require(request.user, action, message)
    if not confirmed(request):
        return confirmation_page(request, _key_message_confirmation(message, to))
    move = services.key_message_agree if action == "agree" else services.key_message_retire
    try:
        move(actor=_actor(request), key_message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The key message is {to}.")
    return redirect("engagement:key-message-detail", message.pk)


@login_required
@require_http_methods(["GET", "POST"])
def key_message_agree(request: HttpRequest, key_message_id: int) -> HttpResponse:
    return _key_message_move(request, key_message_id, MessageStatus.AGREED)


@login_required
@require_http_methods(["GET", "POST"])
def key_message_retire(request: HttpRequest, key_message_id: int) -> HttpResponse:
    return _key_message_move(request, key_message_id, MessageStatus.RETIRED)


@login_required
@require_http_methods(["GET", "POST"])
def support_request_decide(request: HttpRequest, support_request_id: int) -> HttpResponse:
    support = selectors.support_request_get(
        user=request.user, support_request_id=support_request_id
    )
    support_request_policy.require(request.user, "decide", support)
    form = f.SupportDecisionForm(request.POST or None, allowed=SUPPORT_TRANSITIONS[support.status])
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_decide(
                actor=_actor(request),
                support_request=support,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The decision on the support is saved.")
            return redirect("engagement:initiative-detail", support.initiative_id)
    return render(
        request,
        "engagement/record_form.html",
        {
            "form": form,
            "partnership": support.initiative.partnership,
            "heading": "Decide on the support asked for",
            "record": support,
            "lead": support.asked_for,
        },
    )
