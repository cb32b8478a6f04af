"""Reads of a partnership's engagement records, each scoped by its policy (404 when not
visible), with what its page shows fetched in a fixed number of queries whatever the number of
rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from lde.accounts.models import Organisation, OrganisationType, Post, RequestUser
from lde.engagement.models import (
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
from lde.engagement.services import SCHOOL_TYPES
from lde.partnerships.models import Partnership


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def engaged_today() -> date:
    """Today in Europe/London, the day "last engaged" is worked out for."""
    return timezone.localdate()


def engaged_words(last: date | None, today: date) -> str:
    """When the partnership last engaged a forum, in words: read from its meetings on the day
    asked, never stored."""
    if last is None:
        return "No meeting recorded"
    months = months_between(last, today)
    if months < 1:
        return "Engaged in the last month"
    return f"Not engaged for {months} month{'s' if months != 1 else ''}"


# --- Forums ---------------------------------------------------------------------------------


def _members() -> Prefetch[Any]:
    return Prefetch(
        "members",
        queryset=ForumMember.objects.select_related("organisation"),
        to_attr="taking_part",
    )


def forum_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Forum]:
    """The partnership's forums this user reads, each with when it last met and who takes part."""
    return (
        forum_policy.visible_to(user)
        .filter(partnership=partnership)
        .annotate(last_engaged=Max("meetings__held_on"), meeting_count=Count("meetings"))
        .prefetch_related(_members())
        .order_by("name")
    )


def forum_get(*, user: RequestUser, forum_id: Any) -> Forum:
    return forum_policy.get_or_404(
        user,
        forum_id,
        Forum.objects.select_related("partnership").annotate(last_engaged=Max("meetings__held_on")),
    )


def forum_meetings(*, user: RequestUser, forum: Forum) -> QuerySet[ForumMeeting]:
    return forum_meeting_policy.visible_to(user).filter(forum=forum)


def forum_members(*, forum: Forum) -> QuerySet[ForumMember]:
    return ForumMember.objects.filter(forum=forum).select_related("organisation")


def meeting_get(*, user: RequestUser, forum_meeting_id: Any) -> ForumMeeting:
    return forum_meeting_policy.get_or_404(
        user, forum_meeting_id, ForumMeeting.objects.select_related("forum__partnership")
    )


def forum_breadth(*, forum: Forum) -> list[tuple[str, int]]:
    """The kinds of organisation taking part, with how many of each: how broad the forum is."""
    rows = (
        ForumMember.objects.filter(forum=forum)
        .values("organisation__type")
        .annotate(n=Count("pk"))
        .order_by("organisation__type")
    )
    return [(OrganisationType(r["organisation__type"]).label, r["n"]) for r in rows]


# --- Initiatives ----------------------------------------------------------------------------


def initiative_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Initiative]:
    return (
        initiative_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .annotate(
            asked=Count("support_requests", filter=Q(support_requests__status=SupportStatus.ASKED)),
            agreed=Count(
                "support_requests", filter=Q(support_requests__status=SupportStatus.AGREED)
            ),
            given=Count("support_requests", filter=Q(support_requests__status=SupportStatus.GIVEN)),
            declined=Count(
                "support_requests", filter=Q(support_requests__status=SupportStatus.DECLINED)
            ),
        )
        .order_by("title")
    )


def initiative_get(*, user: RequestUser, initiative_id: Any) -> Initiative:
    return initiative_policy.get_or_404(
        user, initiative_id, Initiative.objects.select_related("partnership", "organisation")
    )


def support_requests(*, user: RequestUser, initiative: Initiative) -> QuerySet[SupportRequest]:
    return support_request_policy.visible_to(user).filter(initiative=initiative)


def support_request_get(*, user: RequestUser, support_request_id: Any) -> SupportRequest:
    return support_request_policy.get_or_404(
        user,
        support_request_id,
        SupportRequest.objects.select_related("initiative__partnership"),
    )


# --- The communications strategy ----------------------------------------------------------


def audience_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Audience]:
    return audience_policy.visible_to(user).filter(partnership=partnership)


def audience_get(*, user: RequestUser, audience_id: Any) -> Audience:
    return audience_policy.get_or_404(
        user, audience_id, Audience.objects.select_related("partnership")
    )


def channel_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Channel]:
    return channel_policy.visible_to(user).filter(partnership=partnership)


def channel_get(*, user: RequestUser, channel_id: Any) -> Channel:
    return channel_policy.get_or_404(
        user, channel_id, Channel.objects.select_related("partnership")
    )


def key_message_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[KeyMessage]:
    return key_message_policy.visible_to(user).filter(partnership=partnership)


def key_message_get(*, user: RequestUser, key_message_id: Any) -> KeyMessage:
    return key_message_policy.get_or_404(
        user, key_message_id, KeyMessage.objects.select_related("partnership")
    )


def media_briefing_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[MediaBriefing]:
    return (
        media_briefing_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("spoke__organisation")
    )


def media_briefing_get(*, user: RequestUser, media_briefing_id: Any) -> MediaBriefing:
    return media_briefing_policy.get_or_404(
        user,
        media_briefing_id,
        MediaBriefing.objects.select_related("partnership", "spoke__organisation"),
    )


def spokesperson_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[Spokesperson]:
    return (
        spokesperson_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("post__organisation")
    )


def spokesperson_get(*, user: RequestUser, spokesperson_id: Any) -> Spokesperson:
    return spokesperson_policy.get_or_404(
        user,
        spokesperson_id,
        Spokesperson.objects.select_related("partnership", "post__organisation"),
    )


# --- Schools and young people --------------------------------------------------------------


def school_list(*, user: RequestUser, partnership: Partnership) -> QuerySet[SchoolEngagement]:
    return (
        school_engagement_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .annotate(last_activity=Max("activities__held_on"), activity_count=Count("activities"))
        .prefetch_related(
            Prefetch("activities", queryset=SchoolActivity.objects.order_by("-held_on", "-pk"))
        )
    )


def school_get(*, user: RequestUser, school_id: Any) -> SchoolEngagement:
    return school_engagement_policy.get_or_404(
        user, school_id, SchoolEngagement.objects.select_related("partnership", "organisation")
    )


def school_activity_get(*, user: RequestUser, school_activity_id: Any) -> SchoolActivity:
    return school_activity_policy.get_or_404(
        user, school_activity_id, SchoolActivity.objects.select_related("school__partnership")
    )


# --- Choices for the forms -----------------------------------------------------------------


# Kinds of organisation through which communities organise themselves: offered to every
# partnership, since many community organisations are partners of none.
COMMUNITY_TYPES = (
    OrganisationType.VOLUNTARY_COMMUNITY,
    OrganisationType.FAITH_INSTITUTION,
    OrganisationType.YOUTH_SERVICE,
    OrganisationType.CULTURE_AND_LEISURE,
)


def organisation_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The organisations that may take part in a partnership's forum or lead an initiative: its
    partners, the community organisations of the register, and any it already engages."""
    return (
        Organisation.objects.filter(
            Q(partnership_links__partnership=partnership)
            | Q(type__in=COMMUNITY_TYPES)
            | Q(
                pk__in=ForumMember.objects.filter(forum__partnership=partnership).values(
                    "organisation"
                )
            )
            | Q(pk__in=Initiative.objects.filter(partnership=partnership).values("organisation"))
        )
        .distinct()
        .order_by("name")
    )


def school_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(type__in=SCHOOL_TYPES).order_by("name")


def post_choices(*, partnership: Partnership) -> QuerySet[Post]:
    """Posts of the partnership's own organisations: who speaks for it, by post."""
    return (
        Post.objects.filter(organisation__partnership_links__partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


# --- The overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    forums: Sequence[Forum]
    initiatives: Sequence[Initiative]
    audiences: int
    channels: int
    messages: dict[str, int]
    briefings: Sequence[MediaBriefing]
    spokespeople: int
    schools: Sequence[SchoolEngagement]
    ssp_count: int


def overview(*, user: RequestUser, partnership: Partnership) -> Overview:
    """The partnership's engagement on one page: forums with when each was last engaged, the
    community's own initiatives, the strategy in counts, the latest media briefings, and the
    schools and colleges engaged. A fixed number of queries, whatever the partnership holds."""
    messages = dict.fromkeys(MessageStatus.values, 0)
    for row in (
        key_message_list(user=user, partnership=partnership)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        messages[row["status"]] = row["n"]
    schools = list(
        school_engagement_policy.visible_to(user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .annotate(last_activity=Max("activities__held_on"), activity_count=Count("activities"))
    )
    return Overview(
        forums=list(
            forum_policy.visible_to(user)
            .filter(partnership=partnership)
            .annotate(last_engaged=Max("meetings__held_on"), member_count=Count("members"))
            .order_by("name")
        ),
        initiatives=list(initiative_list(user=user, partnership=partnership)),
        audiences=audience_list(user=user, partnership=partnership).count(),
        channels=channel_list(user=user, partnership=partnership).count(),
        messages=messages,
        briefings=list(media_briefing_list(user=user, partnership=partnership)[:5]),
        spokespeople=spokesperson_list(user=user, partnership=partnership).count(),
        schools=schools,
        ssp_count=sum(1 for s in schools if s.safer_schools_partnership),
    )


def forums_to_engage(
    *, user: RequestUser, partnership_ids: Any, today: date, months: int = 6
) -> list[tuple[Forum, str]]:
    """Forums of these partnerships that have never met or last met `months` or more ago, the
    longest first (one query)."""
    forums = (
        forum_policy.visible_to(user, "edit")
        .filter(partnership_id__in=list(partnership_ids))
        .select_related("partnership")
        .annotate(last_engaged=Max("meetings__held_on"))
        .order_by("last_engaged", "name")
    )
    found: list[tuple[Forum, str]] = []
    for forum in forums:
        last = forum.last_engaged
        if last is None or months_between(last, today) >= months:
            found.append((forum, engaged_words(last, today)))
    return found[:10]


def spokespeople_posts_of(*, partnership_id: int, organisation_id: int) -> int:
    """How many of the partnership's spokespeople are posts of the organisation: a spokesperson
    must be a post of a partner (`spokesperson_create`), so while there are any it stays a
    partner (ADR 0028). The media briefing log's past lines keep naming who spoke."""
    return Spokesperson.objects.filter(
        partnership_id=partnership_id, post__organisation_id=organisation_id
    ).count()
