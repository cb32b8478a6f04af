"""API: community engagement and communications. The same selectors, policies and services as
the pages: reads 404 when not visible, writes 403 when visible but not allowed (saying who
can), and a service's refusal — the personal-data guard's among them — is a 400 naming the
field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.api_schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    ObjectId,
    api_field_names,
    chosen,
    chosen_many,
)
from lde.core.limits import limit_of
from lde.engagement import selectors, services
from lde.engagement.models import (
    Audience,
    Channel,
    ChannelKind,
    Forum,
    ForumKind,
    ForumMeeting,
    ForumMember,
    Initiative,
    KeyMessage,
    MediaBriefing,
    SchoolActivity,
    SchoolEngagement,
    Spokesperson,
    SupportRequest,
    SupportStatus,
)
from lde.engagement.policies import (
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

router = Router(tags=["engagement"])

FREE_TEXT = r"^[^\x00]*$"
BIGINT = 9_223_372_036_854_775_807
Id = Annotated[int, Field(ge=1, le=BIGINT)]
# Writes never conflict: the write errors less 409.
ERRORS: dict[int, type[Schema]] = {s: shape for s, shape in WRITE_ERRORS.items() if s != 409}
FIELD_NAMES = {"organisation": "organisation_id", "spoke": "spoke_post_id", "post": "post_id"}


def text(model: Any, name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(model, name),
        pattern=FREE_TEXT,
    )


# --- Shapes ---------------------------------------------------------------------------------


class MemberOut(Schema):
    organisation_id: int
    organisation_name: str
    organisation_type: str
    role: str


class MeetingOut(Schema):
    id: int
    held_on: date
    topics: str
    summary: str


class ForumOut(Schema):
    id: int
    partnership_id: int
    name: str
    kind: str = Field(description="One of " + ", ".join(ForumKind.values) + ".")
    purpose: str
    communities_reached: str
    last_engaged: date | None = Field(description="The date of its latest meeting, if any.")
    engaged: str = Field(description="When it was last engaged, in words, as of today.")


class ForumDetailOut(ForumOut):
    members: list[MemberOut]
    meetings: list[MeetingOut]


class SupportOut(Schema):
    id: int
    asked_for: str
    asked_on: date
    status: str = Field(description="asked, agreed, given or declined.")
    response: str
    decided_on: date | None


class InitiativeOut(Schema):
    id: int
    partnership_id: int
    organisation_id: int
    organisation_name: str
    title: str
    what_it_does: str


class InitiativeDetailOut(InitiativeOut):
    support: list[SupportOut]


class AudienceOut(Schema):
    id: int
    name: str
    internal: bool
    what_they_need: str


class ChannelOut(Schema):
    id: int
    name: str
    kind: str = Field(description="One of " + ", ".join(ChannelKind.values) + ".")
    community: str
    languages: str
    reach: str


class KeyMessageOut(Schema):
    id: int
    partnership_id: int
    title: str
    message: str
    words_to_use: str
    words_to_avoid: str
    why: str
    status: str = Field(description="draft, agreed or retired.")
    agreed_on: date | None


class EngagementPostOut(Schema):
    post_id: int
    post_title: str
    organisation_id: int
    organisation_name: str


class MediaBriefingOut(Schema):
    id: int
    held_on: date
    outlet: str
    topic: str
    spoke: EngagementPostOut
    notes: str


class SpokespersonOut(Schema):
    id: int
    post: EngagementPostOut
    speaks_for: str
    topics: str


class CommunicationsOut(Schema):
    audiences: list[AudienceOut]
    channels: list[ChannelOut]
    key_messages: list[KeyMessageOut]
    media_briefings: list[MediaBriefingOut]
    spokespeople: list[SpokespersonOut]


class ActivityOut(Schema):
    id: int
    activity: str
    held_on: date


class SchoolOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    organisation_type: str
    safer_schools_partnership: bool
    ssp_started_on: date | None
    activities: list[ActivityOut]


class EngagementOverviewOut(Schema):
    partnership_id: int
    forums: list[ForumOut]
    initiatives: list[InitiativeOut]
    audiences: int
    channels: int
    key_messages: dict[str, int] = Field(description="How many in each status.")
    spokespeople: int
    schools: int
    safer_schools_partnerships: int


# --- Bodies ---------------------------------------------------------------------------------


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class MemberIn(Body):
    organisation_id: Id
    role: str = Field("", max_length=limit_of(ForumMember, "role"), pattern=FREE_TEXT)


class ForumIn(Body):
    name: str = text(Forum, "name")
    kind: ForumKind
    purpose: str = text(Forum, "purpose")
    communities_reached: str = text(Forum, "communities_reached", required=False)
    members: list[MemberIn] = Field(default_factory=list, max_length=500)


class ForumMeetingIn(Body):
    held_on: date
    topics: str = text(ForumMeeting, "topics")
    summary: str = text(ForumMeeting, "summary", required=False)


class InitiativeIn(Body):
    organisation_id: Id
    title: str = text(Initiative, "title")
    what_it_does: str = text(Initiative, "what_it_does")


class SupportIn(Body):
    asked_for: str = text(SupportRequest, "asked_for")
    asked_on: date


class SupportDecisionIn(Body):
    status: SupportStatus
    response: str = text(SupportRequest, "response")
    decided_on: date | None = None


class AudienceIn(Body):
    name: str = text(Audience, "name")
    internal: bool = False
    what_they_need: str = text(Audience, "what_they_need", required=False)


class ChannelIn(Body):
    name: str = text(Channel, "name")
    kind: ChannelKind
    community: str = text(Channel, "community")
    languages: str = text(Channel, "languages", required=False)
    reach: str = text(Channel, "reach", required=False)


class KeyMessageIn(Body):
    title: str = text(KeyMessage, "title")
    message: str = text(KeyMessage, "message")
    words_to_use: str = text(KeyMessage, "words_to_use", required=False)
    words_to_avoid: str = text(KeyMessage, "words_to_avoid", required=False)
    why: str = text(KeyMessage, "why", required=False)


class MediaBriefingIn(Body):
    held_on: date
    outlet: str = text(MediaBriefing, "outlet")
    topic: str = text(MediaBriefing, "topic")
    spoke_post_id: Id = Field(description="The post of who spoke.")
    notes: str = text(MediaBriefing, "notes", required=False)


class SpokespersonIn(Body):
    post_id: Id
    speaks_for: str = text(Spokesperson, "speaks_for")
    topics: str = text(Spokesperson, "topics")


class SchoolIn(Body):
    organisation_id: Id
    safer_schools_partnership: bool = False
    ssp_started_on: date | None = None


class SchoolActivityIn(Body):
    activity: str = text(SchoolActivity, "activity")
    held_on: date


# --- Building the answers -------------------------------------------------------------------


def _forum(forum: Forum, today: date) -> dict[str, Any]:
    last = getattr(forum, "last_engaged", None)
    return {
        "id": forum.pk,
        "partnership_id": forum.partnership_id,
        "name": forum.name,
        "kind": forum.kind,
        "purpose": forum.purpose,
        "communities_reached": forum.communities_reached,
        "last_engaged": last,
        "engaged": selectors.engaged_words(last, today),
    }


def _forum_detail(request: HttpRequest, forum_id: int) -> ForumDetailOut:
    forum = selectors.forum_get(user=request.user, forum_id=forum_id)
    today = facts_for(request.user).today
    return ForumDetailOut(
        **_forum(forum, today),
        members=[
            MemberOut(
                organisation_id=m.organisation_id,
                organisation_name=m.organisation.name,
                organisation_type=m.organisation.type,
                role=m.role,
            )
            for m in selectors.forum_members(forum=forum)
        ],
        meetings=[
            MeetingOut(id=m.pk, held_on=m.held_on, topics=m.topics, summary=m.summary)
            for m in selectors.forum_meetings(user=request.user, forum=forum)
        ],
    )


def _initiative(i: Initiative) -> dict[str, Any]:
    return {
        "id": i.pk,
        "partnership_id": i.partnership_id,
        "organisation_id": i.organisation_id,
        "organisation_name": i.organisation.name,
        "title": i.title,
        "what_it_does": i.what_it_does,
    }


def _support(s: SupportRequest) -> SupportOut:
    return SupportOut(
        id=s.pk,
        asked_for=s.asked_for,
        asked_on=s.asked_on,
        status=s.status,
        response=s.response,
        decided_on=s.decided_on,
    )


def _initiative_detail(request: HttpRequest, initiative_id: int) -> InitiativeDetailOut:
    initiative = selectors.initiative_get(user=request.user, initiative_id=initiative_id)
    return InitiativeDetailOut(
        **_initiative(initiative),
        support=[
            _support(s)
            for s in selectors.support_requests(user=request.user, initiative=initiative)
        ],
    )


def _post(post: Any) -> EngagementPostOut:
    return EngagementPostOut(
        post_id=post.pk,
        post_title=post.title,
        organisation_id=post.organisation_id,
        organisation_name=post.organisation.name,
    )


def _key_message(m: KeyMessage) -> KeyMessageOut:
    return KeyMessageOut(
        id=m.pk,
        partnership_id=m.partnership_id,
        title=m.title,
        message=m.message,
        words_to_use=m.words_to_use,
        words_to_avoid=m.words_to_avoid,
        why=m.why,
        status=m.status,
        agreed_on=m.agreed_on,
    )


def _audience(a: Audience) -> AudienceOut:
    return AudienceOut(id=a.pk, name=a.name, internal=a.internal, what_they_need=a.what_they_need)


def _channel(c: Channel) -> ChannelOut:
    return ChannelOut(
        id=c.pk,
        name=c.name,
        kind=c.kind,
        community=c.community,
        languages=c.languages,
        reach=c.reach,
    )


def _briefing(b: MediaBriefing) -> MediaBriefingOut:
    return MediaBriefingOut(
        id=b.pk,
        held_on=b.held_on,
        outlet=b.outlet,
        topic=b.topic,
        spoke=_post(b.spoke),
        notes=b.notes,
    )


def _spokesperson(s: Spokesperson) -> SpokespersonOut:
    return SpokespersonOut(id=s.pk, post=_post(s.post), speaks_for=s.speaks_for, topics=s.topics)


def _school(s: SchoolEngagement) -> SchoolOut:
    return SchoolOut(
        id=s.pk,
        organisation_id=s.organisation_id,
        organisation_name=s.organisation.name,
        organisation_type=s.organisation.type,
        safer_schools_partnership=s.safer_schools_partnership,
        ssp_started_on=s.ssp_started_on,
        activities=[
            ActivityOut(id=a.pk, activity=a.activity, held_on=a.held_on) for a in s.activities.all()
        ],
    )


def _partnership(request: HttpRequest, partnership_id: int, action: str) -> Partnership:
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    forum_policy.require_in(request.user, action, partnership.pk)
    return partnership


# --- Reading --------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}",
    response={200: EngagementOverviewOut, **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's engagement overview",
)
def overview_get(request: HttpRequest, partnership_id: ObjectId) -> EngagementOverviewOut:
    partnership = _partnership(request, partnership_id, "overview")
    found = selectors.overview(user=request.user, partnership=partnership)
    today = facts_for(request.user).today
    return EngagementOverviewOut(
        partnership_id=partnership.pk,
        forums=[ForumOut(**_forum(f, today)) for f in found.forums],
        initiatives=[InitiativeOut(**_initiative(i)) for i in found.initiatives],
        audiences=found.audiences,
        channels=found.channels,
        key_messages=found.messages,
        spokespeople=found.spokespeople,
        schools=len(found.schools),
        safer_schools_partnerships=found.ssp_count,
    )


@router.get(
    "/partnerships/{partnership_id}/forums",
    response={200: list[ForumOut], **READ_ERRORS, 403: ErrorOut},
    summary="The partnership's forums you may read, with when each was last engaged",
)
def forum_list(request: HttpRequest, partnership_id: ObjectId) -> list[ForumOut]:
    partnership = _partnership(request, partnership_id, "list")
    today = facts_for(request.user).today
    return [
        ForumOut(**_forum(f, today))
        for f in selectors.forum_list(user=request.user, partnership=partnership)
    ]


@router.get(
    "/forums/{forum_id}",
    response={200: ForumDetailOut, **READ_ERRORS},
    summary="One forum: the organisations taking part and its meetings",
)
def forum_get(request: HttpRequest, forum_id: ObjectId) -> ForumDetailOut:
    return _forum_detail(request, forum_id)


@router.get(
    "/partnerships/{partnership_id}/initiatives",
    response={200: list[InitiativeDetailOut], **READ_ERRORS, 403: ErrorOut},
    summary="Community-led initiatives and the support each asked for",
)
def initiative_list(request: HttpRequest, partnership_id: ObjectId) -> list[InitiativeDetailOut]:
    partnership = _partnership(request, partnership_id, "overview")
    initiatives = list(
        selectors.initiative_list(user=request.user, partnership=partnership).prefetch_related(
            "support_requests"
        )
    )
    return [
        InitiativeDetailOut(
            **_initiative(i), support=[_support(s) for s in i.support_requests.all()]
        )
        for i in initiatives
    ]


@router.get(
    "/initiatives/{initiative_id}",
    response={200: InitiativeDetailOut, **READ_ERRORS},
    summary="One initiative and the support it asked for",
)
def initiative_get(request: HttpRequest, initiative_id: ObjectId) -> InitiativeDetailOut:
    return _initiative_detail(request, initiative_id)


@router.get(
    "/partnerships/{partnership_id}/communications",
    response={200: CommunicationsOut, **READ_ERRORS, 403: ErrorOut},
    summary="The communications strategy: audiences, channels, key messages, the media "
    "briefing log and who speaks for whom",
)
def communications_get(request: HttpRequest, partnership_id: ObjectId) -> CommunicationsOut:
    partnership = _partnership(request, partnership_id, "overview")
    user = request.user
    return CommunicationsOut(
        audiences=[
            _audience(a) for a in selectors.audience_list(user=user, partnership=partnership)
        ],
        channels=[_channel(c) for c in selectors.channel_list(user=user, partnership=partnership)],
        key_messages=[
            _key_message(m) for m in selectors.key_message_list(user=user, partnership=partnership)
        ],
        media_briefings=[
            _briefing(b) for b in selectors.media_briefing_list(user=user, partnership=partnership)
        ],
        spokespeople=[
            _spokesperson(s)
            for s in selectors.spokesperson_list(user=user, partnership=partnership)
        ],
    )


@router.get(
    "/key-messages/{key_message_id}",
    response={200: KeyMessageOut, **READ_ERRORS},
    summary="One key message with its language guidance",
)
def key_message_get(request: HttpRequest, key_message_id: ObjectId) -> KeyMessageOut:
    return _key_message(selectors.key_message_get(user=request.user, key_message_id=key_message_id))


@router.get(
    "/partnerships/{partnership_id}/schools",
    response={200: list[SchoolOut], **READ_ERRORS, 403: ErrorOut},
    summary="The schools and colleges engaged, how, and their Safer Schools Partnerships",
)
def school_list(request: HttpRequest, partnership_id: ObjectId) -> list[SchoolOut]:
    partnership = _partnership(request, partnership_id, "overview")
    return [_school(s) for s in selectors.school_list(user=request.user, partnership=partnership)]


# --- Writing --------------------------------------------------------------------------------

Answer = Status[Any]


def _members(partnership: Partnership, payload: ForumIn) -> list[tuple[Any, str]]:
    organisations = chosen_many(
        selectors.organisation_choices(partnership=partnership),
        [m.organisation_id for m in payload.members],
        "members",
        what="an organisation",
    )
    return [(o, m.role) for o, m in zip(organisations, payload.members, strict=True)]


def _forum_fields(payload: ForumIn) -> dict[str, Any]:
    return payload.dict(exclude={"members"}) | {"kind": payload.kind.value}


@router.post(
    "/partnerships/{partnership_id}/forums",
    response={201: ForumDetailOut, **ERRORS},
    summary="Add a forum, network or consultative group (coordinators)",
)
def forum_create(request: HttpRequest, partnership_id: ObjectId, payload: ForumIn) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    forum = services.forum_create(
        actor=acting_user(request),
        partnership=partnership,
        members=_members(partnership, payload),
        **_forum_fields(payload),
    )
    return Status(201, _forum_detail(request, forum.pk))


@router.put(
    "/forums/{forum_id}",
    response={200: ForumDetailOut, **ERRORS},
    summary="Change a forum and the organisations taking part (coordinators)",
)
def forum_update(request: HttpRequest, forum_id: ObjectId, payload: ForumIn) -> Answer:
    forum = selectors.forum_get(user=request.user, forum_id=forum_id)
    forum_policy.require(request.user, "edit", forum)
    services.forum_update(
        actor=acting_user(request),
        forum=forum,
        members=_members(forum.partnership, payload),
        **_forum_fields(payload),
    )
    return Status(200, _forum_detail(request, forum.pk))


@router.post(
    "/forums/{forum_id}/meetings",
    response={201: MeetingOut, **ERRORS},
    summary="Record a meeting of a forum (coordinators); the summary holds nobody's views",
)
def meeting_create(request: HttpRequest, forum_id: ObjectId, payload: ForumMeetingIn) -> Answer:
    forum = selectors.forum_get(user=request.user, forum_id=forum_id)
    forum_policy.require(request.user, "edit", forum)
    m = services.meeting_record(actor=acting_user(request), forum=forum, **payload.dict())
    return Status(201, MeetingOut(id=m.pk, held_on=m.held_on, topics=m.topics, summary=m.summary))


@router.put(
    "/meetings/{forum_meeting_id}",
    response={200: MeetingOut, **ERRORS},
    summary="Change a meeting's record (coordinators)",
)
def meeting_update(
    request: HttpRequest, forum_meeting_id: ObjectId, payload: ForumMeetingIn
) -> Answer:
    meeting = selectors.meeting_get(user=request.user, forum_meeting_id=forum_meeting_id)
    forum_meeting_policy.require(request.user, "edit", meeting)
    m = services.meeting_update(actor=acting_user(request), meeting=meeting, **payload.dict())
    return Status(200, MeetingOut(id=m.pk, held_on=m.held_on, topics=m.topics, summary=m.summary))


def _initiative_fields(partnership: Partnership, payload: InitiativeIn) -> dict[str, Any]:
    organisation = chosen(
        selectors.organisation_choices(partnership=partnership),
        payload.organisation_id,
        "organisation_id",
        what="an organisation",
    )
    return payload.dict(exclude={"organisation_id"}) | {"organisation": organisation}


@router.post(
    "/partnerships/{partnership_id}/initiatives",
    response={201: InitiativeDetailOut, **ERRORS},
    summary="Add a community-led initiative (coordinators)",
)
def initiative_create(
    request: HttpRequest, partnership_id: ObjectId, payload: InitiativeIn
) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    with api_field_names(FIELD_NAMES):
        i = services.initiative_create(
            actor=acting_user(request),
            partnership=partnership,
            **_initiative_fields(partnership, payload),
        )
    return Status(201, _initiative_detail(request, i.pk))


@router.put(
    "/initiatives/{initiative_id}",
    response={200: InitiativeDetailOut, **ERRORS},
    summary="Change a community-led initiative (coordinators)",
)
def initiative_update(
    request: HttpRequest, initiative_id: ObjectId, payload: InitiativeIn
) -> Answer:
    initiative = selectors.initiative_get(user=request.user, initiative_id=initiative_id)
    initiative_policy.require(request.user, "edit", initiative)
    with api_field_names(FIELD_NAMES):
        services.initiative_update(
            actor=acting_user(request),
            initiative=initiative,
            **_initiative_fields(initiative.partnership, payload),
        )
    return Status(200, _initiative_detail(request, initiative.pk))


@router.post(
    "/initiatives/{initiative_id}/support",
    response={201: SupportOut, **ERRORS},
    summary="Record support an initiative asked for (coordinators)",
)
def support_create(request: HttpRequest, initiative_id: ObjectId, payload: SupportIn) -> Answer:
    initiative = selectors.initiative_get(user=request.user, initiative_id=initiative_id)
    initiative_policy.require(request.user, "edit", initiative)
    s = services.support_request_create(
        actor=acting_user(request), initiative=initiative, **payload.dict()
    )
    return Status(201, _support(s))


@router.put(
    "/support/{support_request_id}",
    response={200: SupportOut, **ERRORS},
    summary="Change what was asked for, while it is asked (coordinators)",
)
def support_update(
    request: HttpRequest, support_request_id: ObjectId, payload: SupportIn
) -> Answer:
    support = selectors.support_request_get(
        user=request.user, support_request_id=support_request_id
    )
    support_request_policy.require(request.user, "edit", support)
    s = services.support_request_update(
        actor=acting_user(request), support_request=support, **payload.dict()
    )
    return Status(200, _support(s))


@router.post(
    "/support/{support_request_id}/decision",
    response={200: SupportOut, **ERRORS},
    summary="Agree, give or decline support (coordinators)",
)
def support_decide(
    request: HttpRequest, support_request_id: ObjectId, payload: SupportDecisionIn
) -> Answer:
    support = selectors.support_request_get(
        user=request.user, support_request_id=support_request_id
    )
    support_request_policy.require(request.user, "decide", support)
    s = services.support_request_decide(
        actor=acting_user(request),
        support_request=support,
        status=payload.status.value,
        response=payload.response,
        decided_on=payload.decided_on,
    )
    return Status(200, _support(s))


@router.post(
    "/partnerships/{partnership_id}/audiences",
    response={201: AudienceOut, **ERRORS},
    summary="Add an audience of the communications strategy (coordinators)",
)
def audience_create(request: HttpRequest, partnership_id: ObjectId, payload: AudienceIn) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    a = services.audience_create(
        actor=acting_user(request), partnership=partnership, **payload.dict()
    )
    return Status(201, _audience(a))


@router.put(
    "/audiences/{audience_id}",
    response={200: AudienceOut, **ERRORS},
    summary="Change an audience (coordinators)",
)
def audience_update(request: HttpRequest, audience_id: ObjectId, payload: AudienceIn) -> Answer:
    audience = selectors.audience_get(user=request.user, audience_id=audience_id)
    audience_policy.require(request.user, "edit", audience)
    a = services.audience_update(actor=acting_user(request), audience=audience, **payload.dict())
    return Status(200, _audience(a))


@router.post(
    "/partnerships/{partnership_id}/channels",
    response={201: ChannelOut, **ERRORS},
    summary="Add a channel that reaches a community (coordinators)",
)
def channel_create(request: HttpRequest, partnership_id: ObjectId, payload: ChannelIn) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    c = services.channel_create(
        actor=acting_user(request),
        partnership=partnership,
        **payload.dict() | {"kind": payload.kind.value},
    )
    return Status(201, _channel(c))


@router.put(
    "/channels/{channel_id}",
    response={200: ChannelOut, **ERRORS},
    summary="Change a channel (coordinators)",
)
def channel_update(request: HttpRequest, channel_id: ObjectId, payload: ChannelIn) -> Answer:
    channel = selectors.channel_get(user=request.user, channel_id=channel_id)
    channel_policy.require(request.user, "edit", channel)
    c = services.channel_update(
        actor=acting_user(request), channel=channel, **payload.dict() | {"kind": payload.kind.value}
    )
    return Status(200, _channel(c))


@router.post(
    "/partnerships/{partnership_id}/key-messages",
    response={201: KeyMessageOut, **ERRORS},
    summary="Draft a key message with its language guidance (coordinators)",
)
def key_message_create(
    request: HttpRequest, partnership_id: ObjectId, payload: KeyMessageIn
) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    m = services.key_message_create(
        actor=acting_user(request), partnership=partnership, **payload.dict()
    )
    return Status(201, _key_message(m))


@router.put(
    "/key-messages/{key_message_id}",
    response={200: KeyMessageOut, **ERRORS},
    summary="Change a draft key message (coordinators)",
)
def key_message_update(
    request: HttpRequest, key_message_id: ObjectId, payload: KeyMessageIn
) -> Answer:
    message = selectors.key_message_get(user=request.user, key_message_id=key_message_id)
    key_message_policy.require(request.user, "edit", message)
    m = services.key_message_update(
        actor=acting_user(request), key_message=message, **payload.dict()
    )
    return Status(200, _key_message(m))


@router.post(
    "/key-messages/{key_message_id}/agree",
    response={200: KeyMessageOut, **ERRORS},
    summary="Agree a draft key message (coordinators); it cannot go back to draft",
)
def key_message_agree(request: HttpRequest, key_message_id: ObjectId) -> Answer:
    message = selectors.key_message_get(user=request.user, key_message_id=key_message_id)
    key_message_policy.require(request.user, "agree", message)
    return Status(
        200,
        _key_message(services.key_message_agree(actor=acting_user(request), key_message=message)),
    )


@router.post(
    "/key-messages/{key_message_id}/retire",
    response={200: KeyMessageOut, **ERRORS},
    summary="Retire a draft or agreed key message (coordinators); it cannot be brought back",
)
def key_message_retire(request: HttpRequest, key_message_id: ObjectId) -> Answer:
    message = selectors.key_message_get(user=request.user, key_message_id=key_message_id)
    key_message_policy.require(request.user, "retire", message)
    return Status(
        200,
        _key_message(services.key_message_retire(actor=acting_user(request), key_message=message)),
    )


def _briefing_fields(
    request: HttpRequest, partnership: Partnership, payload: MediaBriefingIn
) -> dict[str, Any]:
    post = chosen(
        selectors.post_choices(partnership=partnership),
        payload.spoke_post_id,
        "spoke_post_id",
        what="a post of the partnership's organisations",
    )
    return payload.dict(exclude={"spoke_post_id"}) | {"spoke": post}


@router.post(
    "/partnerships/{partnership_id}/media-briefings",
    response={201: MediaBriefingOut, **ERRORS},
    summary="Add a line to the media briefing log (coordinators); who spoke is a post",
)
def media_briefing_create(
    request: HttpRequest, partnership_id: ObjectId, payload: MediaBriefingIn
) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    with api_field_names(FIELD_NAMES):
        b = services.media_briefing_record(
            actor=acting_user(request),
            partnership=partnership,
            **_briefing_fields(request, partnership, payload),
        )
    return Status(201, _briefing(b))


@router.put(
    "/media-briefings/{media_briefing_id}",
    response={200: MediaBriefingOut, **ERRORS},
    summary="Change a line of the media briefing log (coordinators)",
)
def media_briefing_update(
    request: HttpRequest, media_briefing_id: ObjectId, payload: MediaBriefingIn
) -> Answer:
    briefing = selectors.media_briefing_get(user=request.user, media_briefing_id=media_briefing_id)
    media_briefing_policy.require(request.user, "edit", briefing)
    with api_field_names(FIELD_NAMES):
        b = services.media_briefing_update(
            actor=acting_user(request),
            media_briefing=briefing,
            **_briefing_fields(request, briefing.partnership, payload),
        )
    return Status(200, _briefing(b))


def _spokesperson_fields(partnership: Partnership, payload: SpokespersonIn) -> dict[str, Any]:
    post = chosen(
        selectors.post_choices(partnership=partnership),
        payload.post_id,
        "post_id",
        what="a post of the partnership's organisations",
    )
    return payload.dict(exclude={"post_id"}) | {"post": post}


@router.post(
    "/partnerships/{partnership_id}/spokespeople",
    response={201: SpokespersonOut, **ERRORS},
    summary="Name who speaks for whom, by post (coordinators)",
)
def spokesperson_create(
    request: HttpRequest, partnership_id: ObjectId, payload: SpokespersonIn
) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    with api_field_names(FIELD_NAMES):
        s = services.spokesperson_create(
            actor=acting_user(request),
            partnership=partnership,
            **_spokesperson_fields(partnership, payload),
        )
    return Status(201, _spokesperson(s))


@router.put(
    "/spokespeople/{spokesperson_id}",
    response={200: SpokespersonOut, **ERRORS},
    summary="Change a spokesperson (coordinators)",
)
def spokesperson_update(
    request: HttpRequest, spokesperson_id: ObjectId, payload: SpokespersonIn
) -> Answer:
    spokesperson = selectors.spokesperson_get(user=request.user, spokesperson_id=spokesperson_id)
    spokesperson_policy.require(request.user, "edit", spokesperson)
    with api_field_names(FIELD_NAMES):
        s = services.spokesperson_update(
            actor=acting_user(request),
            spokesperson=spokesperson,
            **_spokesperson_fields(spokesperson.partnership, payload),
        )
    return Status(200, _spokesperson(s))


def _school_fields(payload: SchoolIn) -> dict[str, Any]:
    organisation = chosen(
        selectors.school_choices(),
        payload.organisation_id,
        "organisation_id",
        what="a school or college",
    )
    return payload.dict(exclude={"organisation_id"}) | {"organisation": organisation}


def _school_out(request: HttpRequest, school_id: int) -> SchoolOut:
    school = selectors.school_get(user=request.user, school_id=school_id)
    return _school(school)


@router.post(
    "/partnerships/{partnership_id}/schools",
    response={201: SchoolOut, **ERRORS},
    summary="Add a school or college the partnership engages (coordinators)",
)
def school_create(request: HttpRequest, partnership_id: ObjectId, payload: SchoolIn) -> Answer:
    partnership = _partnership(request, partnership_id, "add")
    with api_field_names(FIELD_NAMES):
        s = services.school_create(
            actor=acting_user(request), partnership=partnership, **_school_fields(payload)
        )
    return Status(201, _school_out(request, s.pk))


@router.put(
    "/schools/{school_id}",
    response={200: SchoolOut, **ERRORS},
    summary="Change a school's engagement and its Safer Schools Partnership (coordinators)",
)
def school_update(request: HttpRequest, school_id: ObjectId, payload: SchoolIn) -> Answer:
    school = selectors.school_get(user=request.user, school_id=school_id)
    school_engagement_policy.require(request.user, "edit", school)
    with api_field_names(FIELD_NAMES):
        services.school_update(actor=acting_user(request), school=school, **_school_fields(payload))
    return Status(200, _school_out(request, school.pk))


@router.post(
    "/schools/{school_id}/activities",
    response={201: ActivityOut, **ERRORS},
    summary="Record how a school or college is engaged (coordinators)",
)
def activity_create(request: HttpRequest, school_id: ObjectId, payload: SchoolActivityIn) -> Answer:
    school = selectors.school_get(user=request.user, school_id=school_id)
    school_engagement_policy.require(request.user, "edit", school)
    a = services.school_activity_record(actor=acting_user(request), school=school, **payload.dict())
    return Status(201, ActivityOut(id=a.pk, activity=a.activity, held_on=a.held_on))


@router.put(
    "/school-activities/{school_activity_id}",
    response={200: ActivityOut, **ERRORS},
    summary="Change an activity with a school or college (coordinators)",
)
def activity_update(
    request: HttpRequest, school_activity_id: ObjectId, payload: SchoolActivityIn
) -> Answer:
    activity = selectors.school_activity_get(
        user=request.user, school_activity_id=school_activity_id
    )
    school_activity_policy.require(request.user, "edit", activity)
    a = services.school_activity_update(
        actor=acting_user(request), school_activity=activity, **payload.dict()
    )
    return Status(200, ActivityOut(id=a.pk, activity=a.activity, held_on=a.held_on))
