"""Writes to a partnership's engagement records. Each checks the policy, refuses what the
personal-data guard finds in the free text it keeps (`guard.py`), writes, and records an audit
event in the same transaction.

The pages, the API and the demo all come here, so every one of them is refused the same way:
a `ValidationError` naming the field, in the words the pages use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from lde.accounts.models import Organisation, OrganisationType, Post, User
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.engagement import guard
from lde.engagement.models import (
    MESSAGE_TRANSITIONS,
    SUPPORT_TRANSITIONS,
    Audience,
    Channel,
    Forum,
    ForumMeeting,
    ForumMember,
    Initiative,
    KeyMessage,
    MediaBriefing,
    MessageStatus,
    SchoolActivity,
    SchoolEngagement,
    Spokesperson,
    SupportRequest,
    SupportStatus,
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
from lde.partnerships.models import PartnerOrganisation, Partnership

M = TypeVar("M", bound=models.Model)

SCHOOL_TYPES = (OrganisationType.SCHOOL, OrganisationType.FURTHER_HIGHER_EDUCATION)


@dataclass(frozen=True)
class Record:
    """What a kind of record takes from the person writing it: its fields, the ones that must
    be answered (with the message when they are not), the free text the guard reads (with its
    label), and its audit verb's stem."""

    fields: tuple[str, ...]
    required: dict[str, str]
    guarded: dict[str, str] = field(default_factory=dict)
    # The audit verbs are f"{audit_subject}_CREATED" and f"{audit_subject}_UPDATED".
    audit_subject: str = ""
    past_dates: dict[str, str] = field(default_factory=dict)


RECORDS: dict[type[models.Model], Record] = {
    Forum: Record(
        fields=("name", "kind", "purpose", "communities_reached"),
        required={
            "name": "Enter the forum's name",
            "kind": "Select what kind of forum it is",
            "purpose": "Say what the forum is for",
        },
        guarded={
            "name": "Name",
            "purpose": "Purpose",
            "communities_reached": "Communities reached",
        },
        audit_subject="FORUM",
    ),
    ForumMeeting: Record(
        fields=("held_on", "topics", "summary"),
        required={"held_on": "Enter the date of the meeting", "topics": "Enter the topics"},
        guarded={"topics": "Topics", "summary": "Summary"},
        audit_subject="FORUM_MEETING",
        past_dates={"held_on": "The date of the meeting must be today or in the past"},
    ),
    Initiative: Record(
        fields=("organisation", "title", "what_it_does"),
        required={
            "organisation": "Select the organisation that leads it",
            "title": "Enter the initiative's title",
            "what_it_does": "Say what the community does",
        },
        guarded={"title": "Title", "what_it_does": "What the community does"},
        audit_subject="INITIATIVE",
    ),
    SupportRequest: Record(
        fields=("asked_for", "asked_on"),
        required={
            "asked_for": "Say what support was asked for",
            "asked_on": "Enter the date support was asked for",
        },
        guarded={"asked_for": "Support asked for"},
        audit_subject="SUPPORT_REQUEST",
        past_dates={"asked_on": "The date support was asked for must be today or in the past"},
    ),
    Audience: Record(
        fields=("name", "internal", "what_they_need"),
        required={"name": "Enter the audience"},
        guarded={"name": "Audience", "what_they_need": "What they need"},
        audit_subject="AUDIENCE",
    ),
    Channel: Record(
        fields=("name", "kind", "community", "languages", "reach"),
        required={
            "name": "Enter the channel's name",
            "kind": "Select what kind of channel it is",
            "community": "Enter the community it reaches",
        },
        guarded={"name": "Name", "reach": "Reach"},
        audit_subject="CHANNEL",
    ),
    KeyMessage: Record(
        fields=("title", "message", "words_to_use", "words_to_avoid", "why"),
        required={"title": "Enter a short title", "message": "Enter the key message"},
        guarded={"message": "Key message", "why": "Why"},
        audit_subject="KEY_MESSAGE",
    ),
    MediaBriefing: Record(
        fields=("held_on", "outlet", "topic", "spoke", "notes"),
        required={
            "held_on": "Enter the date of the briefing",
            "outlet": "Enter the outlet",
            "topic": "Enter the topic",
            "spoke": "Select the post of who spoke",
        },
        guarded={"outlet": "Outlet", "topic": "Topic", "notes": "Notes"},
        audit_subject="MEDIA_BRIEFING",
        past_dates={"held_on": "The date of the briefing must be today or in the past"},
    ),
    Spokesperson: Record(
        fields=("post", "speaks_for", "topics"),
        required={
            "post": "Select the spokesperson's post",
            "speaks_for": "Say who they speak for",
            "topics": "Enter the topics they speak on",
        },
        guarded={"speaks_for": "Speaks for", "topics": "Topics"},
        audit_subject="SPOKESPERSON",
    ),
    SchoolEngagement: Record(
        fields=("organisation", "safer_schools_partnership", "ssp_started_on"),
        required={"organisation": "Select the school or college"},
        audit_subject="SCHOOL_ENGAGEMENT",
        past_dates={
            "ssp_started_on": "The date the Safer Schools Partnership started must be today "
            "or in the past"
        },
    ),
    SchoolActivity: Record(
        fields=("activity", "held_on"),
        required={"activity": "Enter the activity", "held_on": "Enter the date of the activity"},
        guarded={"activity": "Activity"},
        audit_subject="SCHOOL_ACTIVITY",
        past_dates={"held_on": "The date of the activity must be today or in the past"},
    ),
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(record: Record, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(fields) - set(record.fields)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    problems: dict[str, str] = {}
    for name, message in record.required.items():
        if (name in cleaned or not partial) and _blank(cleaned.get(name)):
            problems[name] = message
    today = timezone.localdate()
    for name, message in record.past_dates.items():
        value = cleaned.get(name)
        if isinstance(value, date) and value > today and name not in problems:
            problems[name] = message
    if problems:
        raise ValidationError(problems)
    guard.guard_texts(
        {
            name: (label, str(cleaned.get(name) or ""))
            for name, label in record.guarded.items()
            if name in cleaned
        }
    )
    return cleaned


def _audit(
    actor: User | None, verb: str, obj: models.Model, partnership_id: int, changed: Iterable[str]
) -> None:
    # Field names only: the trail says what changed, not a copy of the text.
    audit_record(
        actor=actor,
        verb=verb,
        target=obj,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        changes=sorted(changed),
    )


def _save(obj: M, record: Record, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(obj, name, None) != value]
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        # The model's own checks (text over its limit, a choice not offered), in its words.
        raise ValidationError(
            {name: msgs for name, msgs in error.message_dict.items() if name != "partnership"}
            or error.message_dict
        ) from None
    obj.save()
    return changed


def _create(
    *,
    actor: User,
    obj: M,
    partnership_id: int,
    fields: dict[str, Any],
) -> M:
    record = RECORDS[type(obj)]
    fields = _clean(record, fields, partial=False)
    changed = _save(obj, record, fields)
    _audit(actor, f"{record.audit_subject}_CREATED", obj, partnership_id, changed)
    return obj


def _update(
    *, actor: User, policy: EngagementRecordPolicy[Any], obj: M, fields: dict[str, Any]
) -> M:
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    policy.require(actor, "edit", locked)
    record = RECORDS[type(obj)]
    fields = _clean(record, fields, partial=True)
    changed = _save(locked, record, fields)
    _audit(actor, f"{record.audit_subject}_UPDATED", locked, policy.partnership_of(locked), changed)
    return locked


def _require_add(actor: User, partnership_id: int) -> None:
    forum_policy.require_in(
        actor, "add", partnership_id, message="You cannot add to this partnership's engagement."
    )


# --- Forums, networks and consultative groups -----------------------------------------------

Members = Sequence[tuple[Organisation, str]]


def _members_clean(members: Members) -> list[tuple[Organisation, str]]:
    seen: set[int] = set()
    cleaned = []
    for organisation, role in members:
        if organisation.pk in seen:
            raise ValidationError({"members": f"{organisation.name} is listed twice"})
        seen.add(organisation.pk)
        role = (role or "").strip()
        if len(role) > 120:
            raise ValidationError(
                {"members": "A role in the forum must be 120 characters or fewer"}
            )
        guard.guard_texts({"members": ("A role in the forum", role)})
        cleaned.append((organisation, role))
    return cleaned


def _members_set(forum: Forum, members: list[tuple[Organisation, str]]) -> None:
    ForumMember.objects.filter(forum=forum).delete()
    ForumMember.objects.bulk_create(
        ForumMember(forum=forum, organisation=organisation, role=role)
        for organisation, role in members
    )


def _forum_name_free(partnership_id: int, name: str | None, forum_id: int | None = None) -> None:
    if name and (
        Forum.objects.filter(partnership_id=partnership_id, name__iexact=name)
        .exclude(pk=forum_id or 0)
        .exists()
    ):
        raise ValidationError({"name": "The partnership already has a forum with this name"})


@transaction.atomic
def forum_create(
    *, actor: User, partnership: Partnership, members: Members = (), **fields: Any
) -> Forum:
    """Record a forum, network or consultative group, with the organisations taking part."""
    _require_add(actor, partnership.pk)
    cleaned_members = _members_clean(members)
    _forum_name_free(partnership.pk, str(fields.get("name") or "").strip())
    forum = _create(
        actor=actor,
        obj=Forum(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )
    _members_set(forum, cleaned_members)
    return forum


@transaction.atomic
def forum_update(
    *, actor: User, forum: Forum, members: Members | None = None, **fields: Any
) -> Forum:
    """Change a forum; `members`, when given, replaces the organisations taking part."""
    forum_policy.require(actor, "edit", forum)
    cleaned_members = _members_clean(members) if members is not None else None
    _forum_name_free(forum.partnership_id, str(fields.get("name") or "").strip(), forum.pk)
    forum = _update(actor=actor, policy=forum_policy, obj=forum, fields=fields)
    if cleaned_members is not None:
        _members_set(forum, cleaned_members)
        _audit(
            actor,
            "FORUM_MEMBERS_SET",
            forum,
            forum.partnership_id,
            [f"organisation:{o.pk}" for o, _ in cleaned_members],
        )
    return forum


@transaction.atomic
def meeting_record(*, actor: User, forum: Forum, **fields: Any) -> ForumMeeting:
    """Record a meeting of a forum: its date, topics and a summary without anyone's views."""
    forum_policy.require(actor, "edit", forum)
    return _create(
        actor=actor,
        obj=ForumMeeting(forum=forum),
        partnership_id=forum.partnership_id,
        fields=fields,
    )


@transaction.atomic
def meeting_update(*, actor: User, meeting: ForumMeeting, **fields: Any) -> ForumMeeting:
    return _update(actor=actor, policy=forum_meeting_policy, obj=meeting, fields=fields)


# --- Community-led initiatives and the support they asked for ------------------------------


@transaction.atomic
def initiative_create(*, actor: User, partnership: Partnership, **fields: Any) -> Initiative:
    """Record what a community does for itself (¶127, ¶131)."""
    _require_add(actor, partnership.pk)
    return _create(
        actor=actor,
        obj=Initiative(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def initiative_update(*, actor: User, initiative: Initiative, **fields: Any) -> Initiative:
    return _update(actor=actor, policy=initiative_policy, obj=initiative, fields=fields)


@transaction.atomic
def support_request_create(*, actor: User, initiative: Initiative, **fields: Any) -> SupportRequest:
    """Record support an initiative asked for; it starts as asked."""
    initiative_policy.require(actor, "edit", initiative)
    return _create(
        actor=actor,
        obj=SupportRequest(initiative=initiative, status=SupportStatus.ASKED),
        partnership_id=initiative.partnership_id,
        fields=fields,
    )


@transaction.atomic
def support_request_update(
    *, actor: User, support_request: SupportRequest, **fields: Any
) -> SupportRequest:
    """Change what was asked for, while it is still only asked."""
    return _update(actor=actor, policy=support_request_policy, obj=support_request, fields=fields)


@transaction.atomic
def support_request_decide(
    *,
    actor: User,
    support_request: SupportRequest,
    status: str,
    response: str,
    decided_on: date | None = None,
) -> SupportRequest:
    """Agree, give or decline support: asked → agreed or declined; agreed → given or declined.
    What was agreed or given, or why it was declined, is said in `response`."""
    request = (
        SupportRequest.objects.select_for_update()
        .select_related("initiative")
        .get(pk=support_request.pk)
    )
    support_request_policy.require(actor, "decide", request)
    allowed = SUPPORT_TRANSITIONS[request.status]
    if status not in allowed:
        names = " or ".join(SupportStatus(s).label.lower() for s in allowed)
        raise ValidationError(
            {
                "status": f"Support that is {request.get_status_display().lower()} "
                f"can only be {names}"
            }
        )
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Say what was agreed or given, or why it was declined"})
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date decided must be today or in the past"})
    if decided_on < request.asked_on:
        raise ValidationError(
            {"decided_on": "The date decided must be on or after the date support was asked for"}
        )
    guard.guard_texts({"response": ("What the initiative got", response)})
    previous = request.status
    request.status = status
    request.response = response
    request.decided_on = decided_on
    request.full_clean()
    request.save(update_fields=["status", "response", "decided_on", "updated_at"])
    audit_record(
        actor=actor,
        verb="SUPPORT_REQUEST_DECIDED",
        target=request,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=request.initiative.partnership_id,
        changes={"status": status, "response": response, "decided_on": decided_on.isoformat()},
        detail={"from": previous, "to": status},
    )
    return request


# --- The communications strategy ----------------------------------------------------------


def _partner_post(partnership_id: int, post: Post | None, field_name: str) -> None:
    if (
        post is not None
        and not PartnerOrganisation.objects.filter(
            partnership_id=partnership_id, organisation_id=post.organisation_id
        ).exists()
    ):
        raise ValidationError(
            {field_name: "Select a post of one of the partnership's organisations"}
        )


@transaction.atomic
def audience_create(*, actor: User, partnership: Partnership, **fields: Any) -> Audience:
    _require_add(actor, partnership.pk)
    return _create(
        actor=actor,
        obj=Audience(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def audience_update(*, actor: User, audience: Audience, **fields: Any) -> Audience:
    return _update(actor=actor, policy=audience_policy, obj=audience, fields=fields)


@transaction.atomic
def channel_create(*, actor: User, partnership: Partnership, **fields: Any) -> Channel:
    _require_add(actor, partnership.pk)
    return _create(
        actor=actor,
        obj=Channel(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def channel_update(*, actor: User, channel: Channel, **fields: Any) -> Channel:
    return _update(actor=actor, policy=channel_policy, obj=channel, fields=fields)


@transaction.atomic
def key_message_create(*, actor: User, partnership: Partnership, **fields: Any) -> KeyMessage:
    """Draft a key message with its language guidance; it is agreed separately."""
    _require_add(actor, partnership.pk)
    return _create(
        actor=actor,
        obj=KeyMessage(partnership=partnership, status=MessageStatus.DRAFT),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def key_message_update(*, actor: User, key_message: KeyMessage, **fields: Any) -> KeyMessage:
    """Change a draft: an agreed message is retired and a new one drafted, so what was said
    in public stays on the record."""
    return _update(actor=actor, policy=key_message_policy, obj=key_message, fields=fields)


def _key_message_move(actor: User, key_message: KeyMessage, action: str, to: str) -> KeyMessage:
    message = KeyMessage.objects.select_for_update().get(pk=key_message.pk)
    key_message_policy.require(actor, action, message)
    if to not in MESSAGE_TRANSITIONS[message.status]:
        raise ValidationError(
            {"status": f"A {message.get_status_display().lower()} key message cannot be {to}"}
        )
    previous = message.status
    message.status = to
    if to == MessageStatus.AGREED:
        message.agreed_on = timezone.localdate()
    message.save(update_fields=["status", "agreed_on", "updated_at"])
    audit_record(
        actor=actor,
        verb=f"KEY_MESSAGE_{to.upper()}",
        target=message,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=message.partnership_id,
        changes={"status": to},
        detail={"from": previous, "to": to},
    )
    return message


@transaction.atomic
def key_message_agree(*, actor: User, key_message: KeyMessage) -> KeyMessage:
    """The partnership agrees a draft key message (¶141: jointly agreed key messages)."""
    return _key_message_move(actor, key_message, "agree", MessageStatus.AGREED)


@transaction.atomic
def key_message_retire(*, actor: User, key_message: KeyMessage) -> KeyMessage:
    """Retire a draft or agreed key message. It cannot be brought back: draft a new one."""
    return _key_message_move(actor, key_message, "retire", MessageStatus.RETIRED)


@transaction.atomic
def media_briefing_record(*, actor: User, partnership: Partnership, **fields: Any) -> MediaBriefing:
    """Add a line to the media briefing log; who spoke is a post of a partner organisation."""
    _require_add(actor, partnership.pk)
    _partner_post(partnership.pk, fields.get("spoke"), "spoke")
    return _create(
        actor=actor,
        obj=MediaBriefing(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def media_briefing_update(
    *, actor: User, media_briefing: MediaBriefing, **fields: Any
) -> MediaBriefing:
    _partner_post(media_briefing.partnership_id, fields.get("spoke"), "spoke")
    return _update(actor=actor, policy=media_briefing_policy, obj=media_briefing, fields=fields)


@transaction.atomic
def spokesperson_create(*, actor: User, partnership: Partnership, **fields: Any) -> Spokesperson:
    """Name who speaks for whom, by post (¶141)."""
    _require_add(actor, partnership.pk)
    _partner_post(partnership.pk, fields.get("post"), "post")
    return _create(
        actor=actor,
        obj=Spokesperson(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def spokesperson_update(*, actor: User, spokesperson: Spokesperson, **fields: Any) -> Spokesperson:
    _partner_post(spokesperson.partnership_id, fields.get("post"), "post")
    return _update(actor=actor, policy=spokesperson_policy, obj=spokesperson, fields=fields)


# --- Schools and young people --------------------------------------------------------------


def _school_clean(partnership_id: int, fields: dict[str, Any], school_id: int | None) -> None:
    organisation = fields.get("organisation")
    if organisation is not None:
        if organisation.type not in SCHOOL_TYPES:
            raise ValidationError(
                {"organisation": "Select a school, or a further or higher education college"}
            )
        if (
            SchoolEngagement.objects.filter(
                partnership_id=partnership_id, organisation=organisation
            )
            .exclude(pk=school_id or 0)
            .exists()
        ):
            raise ValidationError(
                {"organisation": f"{organisation.name} is already on the partnership's list"}
            )
    if "safer_schools_partnership" in fields:
        if fields["safer_schools_partnership"] and not fields.get("ssp_started_on"):
            raise ValidationError(
                {"ssp_started_on": "Enter the date the Safer Schools Partnership started"}
            )
        if not fields["safer_schools_partnership"]:
            fields["ssp_started_on"] = None


@transaction.atomic
def school_create(*, actor: User, partnership: Partnership, **fields: Any) -> SchoolEngagement:
    """Add a school or college the partnership engages, and whether it has a Safer Schools
    Partnership."""
    _require_add(actor, partnership.pk)
    _school_clean(partnership.pk, fields, None)
    return _create(
        actor=actor,
        obj=SchoolEngagement(partnership=partnership),
        partnership_id=partnership.pk,
        fields=fields,
    )


@transaction.atomic
def school_update(*, actor: User, school: SchoolEngagement, **fields: Any) -> SchoolEngagement:
    school_engagement_policy.require(actor, "edit", school)
    _school_clean(school.partnership_id, fields, school.pk)
    return _update(actor=actor, policy=school_engagement_policy, obj=school, fields=fields)


@transaction.atomic
def school_activity_record(
    *, actor: User, school: SchoolEngagement, **fields: Any
) -> SchoolActivity:
    school_engagement_policy.require(actor, "edit", school)
    return _create(
        actor=actor,
        obj=SchoolActivity(school=school),
        partnership_id=school.partnership_id,
        fields=fields,
    )


@transaction.atomic
def school_activity_update(
    *, actor: User, school_activity: SchoolActivity, **fields: Any
) -> SchoolActivity:
    return _update(actor=actor, policy=school_activity_policy, obj=school_activity, fields=fields)
