"""Who may read and change a partnership's engagement records. `permissions.md` has no row for
them; ADR 0014 decides, by analogy with its rows for the catalogue of information sources and the
action plan:

| action                          | who                                                         |
|---------------------------------|-------------------------------------------------------------|
| overview, view (every record)   | the partnership's coordinators, board members, contributors |
|                                 | and viewers, and its live inspectors                        |
| view a forum and its meetings   | those, and the partnership's community reviewers whose own  |
|                                 | organisation takes part in the forum                        |
| list (the forums page)          | those readers, and the partnership's community reviewers    |
| add, edit                       | the partnership's coordinators                              |
| agree a key message             | coordinators, while it is a draft                           |
| retire a key message            | coordinators, while it is a draft or agreed                 |
| edit a key message              | coordinators, while it is a draft                           |
| edit a request for support      | coordinators, while it is asked                             |
| decide a request for support    | coordinators, while it is asked or agreed                   |

Coordinators keep the record because it is the partnership's account of its relationships and
of what it says in public (¶139–141: one agreed voice); board members, contributors and viewers
read it. Community reviewers are members for consultation: they read the forums their own
organisation sits in, and nothing else here. Peer reviewers, security contacts, national
analysts and site administrators have no reach into a partnership's engagement; another
partnership's people get the same 404 as for something that does not exist.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Exists, OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
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
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

KEEPERS = (Role.COORDINATOR,)

R = TypeVar("R", bound=Any)

READ = (
    "The partnership's coordinators, board members, contributors, viewers and assigned "
    "inspectors read its engagement records."
)
KEEP = "The partnership's coordinators keep its engagement records."


def readers_of(facts: UserFacts) -> frozenset[int]:
    return reached(facts, READER_ROLES, inspectors=True)


def keepers_of(facts: UserFacts) -> frozenset[int]:
    return frozenset(facts.partnerships_with(*KEEPERS))


class EngagementRecordPolicy(Policy[R], Generic[R]):
    """A record of a partnership's engagement: read by its readers and live inspectors, kept by
    its coordinators. `partnership` is the path from the record to its partnership's id."""

    partnership: ClassVar[str] = "partnership_id"
    actions: ClassVar[tuple[str, ...]] = ("view", "edit")
    scope_actions: ClassVar[tuple[str, ...]] = ("view", "add")
    who_can: ClassVar[dict[str, str]] = {"view": READ, "edit": KEEP, "add": KEEP}

    def partnership_of(self, obj: R) -> int:
        value: Any = obj
        for step in self.partnership.split("__"):
            value = getattr(value, step)
        return int(value)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in readers_of(facts)
        if action == "add":
            return scope in keepers_of(facts)
        raise ValueError(f"{type(self).__name__} asks only 'view' and 'add' of a partnership")

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        partnership = self.partnership_of(obj)
        if action == "view":
            return partnership in readers_of(facts)
        if action == "edit":
            return partnership in keepers_of(facts)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action == "edit":
            return reach_q(facts, KEEPERS, ref)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class TakingPartPolicy(EngagementRecordPolicy[R], Generic[R]):
    """A forum, or a meeting of one, is read, besides the partnership's readers, by its
    community reviewers whose own organisation takes part in the forum. `forum` is the path from
    the record to its forum's id."""

    forum: ClassVar[str] = "pk"
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's readers and assigned inspectors read its forums, and so do its "
        "community reviewers whose organisation takes part.",
        "edit": KEEP,
    }

    def forum_id(self, obj: R) -> int:
        return int(obj.pk if self.forum == "pk" else getattr(obj, self.forum))

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        partnership = self.partnership_of(obj)
        if action == "view":
            if partnership in readers_of(facts):
                return True
            return (
                facts.organisation_id is not None
                and partnership in facts.partnerships_with(Role.COMMUNITY_REVIEWER)
                and ForumMember.objects.filter(
                    forum_id=self.forum_id(obj), organisation_id=facts.organisation_id
                ).exists()
            )
        if action == "edit":
            return partnership in keepers_of(facts)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        if action == "view":
            taking_part = Exists(
                ForumMember.objects.filter(
                    forum_id=OuterRef(self.forum), organisation_id=facts.organisation_id or 0
                )
            )
            return reach_q(facts, READER_ROLES, ref, inspectors=True) | (
                reach_q(facts, (Role.COMMUNITY_REVIEWER,), ref) & Q(taking_part)
            )
        if action == "edit":
            return reach_q(facts, KEEPERS, ref)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class ForumPolicy(TakingPartPolicy[Forum]):
    """Forums, and the questions asked of a partnership before any engagement record exists:
    may I see its engagement overview, its forums page, may I add to its records."""

    model = Forum
    scope_actions: ClassVar[tuple[str, ...]] = ("overview", "list", "add")
    who_can: ClassVar[dict[str, str]] = {
        **TakingPartPolicy.who_can,
        "overview": READ,
        "list": "The partnership's coordinators, board members, contributors, viewers, community "
        "reviewers and assigned inspectors see its forums (community reviewers, those their "
        "organisation takes part in).",
        "add": KEEP,
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "overview":
            return scope in readers_of(facts)
        if action == "list":
            return scope in readers_of(facts) or scope in facts.partnerships_with(
                Role.COMMUNITY_REVIEWER
            )
        if action == "add":
            return scope in keepers_of(facts)
        raise ValueError(
            f"ForumPolicy asks 'overview', 'list' and 'add' of a partnership, not {action!r}"
        )


class ForumMeetingPolicy(TakingPartPolicy[ForumMeeting]):
    """A meeting is read by whoever reads its forum, and kept by the partnership's
    coordinators."""

    model = ForumMeeting
    partnership = "forum__partnership_id"
    forum = "forum_id"
    scope_actions = ()


class InitiativePolicy(EngagementRecordPolicy[Initiative]):
    model = Initiative


class SupportRequestPolicy(EngagementRecordPolicy[SupportRequest]):
    """A request for support is changed while it is asked; decided while asked or agreed."""

    model = SupportRequest
    partnership = "initiative__partnership_id"
    actions = ("view", "edit", "decide")
    scope_actions = ()
    who_can: ClassVar[dict[str, str]] = {
        "view": READ,
        "edit": "While support is asked and not yet decided, the partnership's coordinators "
        "change the request.",
        "decide": "The partnership's coordinators agree, give or decline support that is asked "
        "or agreed.",
    }

    def allows(self, facts: UserFacts, action: str, obj: SupportRequest) -> bool:
        partnership = self.partnership_of(obj)
        keeper = partnership in keepers_of(facts)
        if action == "view":
            return partnership in readers_of(facts)
        if action == "edit":
            return keeper and obj.status == SupportStatus.ASKED
        if action == "decide":
            return keeper and obj.status in (SupportStatus.ASKED, SupportStatus.AGREED)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        keeper = reach_q(facts, KEEPERS, ref)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action == "edit":
            return keeper & Q(status=SupportStatus.ASKED)
        if action == "decide":
            return keeper & Q(status__in=(SupportStatus.ASKED, SupportStatus.AGREED))
        raise ValueError(f"SupportRequestPolicy has no action {action!r}")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        raise ValueError("Support is asked for an initiative: ask initiative_policy")


class AudiencePolicy(EngagementRecordPolicy[Audience]):
    model = Audience


class ChannelPolicy(EngagementRecordPolicy[Channel]):
    model = Channel


class KeyMessagePolicy(EngagementRecordPolicy[KeyMessage]):
    """A key message is changed while a draft, agreed from a draft, and retired from a draft or
    once agreed; a retired message is kept, read-only, for the record of what was said."""

    model = KeyMessage
    actions = ("view", "edit", "agree", "retire")
    who_can: ClassVar[dict[str, str]] = {
        "view": READ,
        "add": KEEP,
        "edit": "While a key message is a draft, the partnership's coordinators change it.",
        "agree": "The partnership's coordinators agree a draft key message.",
        "retire": "The partnership's coordinators retire a draft or agreed key message.",
    }

    def allows(self, facts: UserFacts, action: str, obj: KeyMessage) -> bool:
        partnership = obj.partnership_id
        keeper = partnership in keepers_of(facts)
        if action == "view":
            return partnership in readers_of(facts)
        if action in ("edit", "agree"):
            return keeper and obj.status == MessageStatus.DRAFT
        if action == "retire":
            return keeper and obj.status in (MessageStatus.DRAFT, MessageStatus.AGREED)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        keeper = reach_q(facts, KEEPERS, ref)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action in ("edit", "agree"):
            return keeper & Q(status=MessageStatus.DRAFT)
        if action == "retire":
            return keeper & Q(status__in=(MessageStatus.DRAFT, MessageStatus.AGREED))
        raise ValueError(f"KeyMessagePolicy has no action {action!r}")


class MediaBriefingPolicy(EngagementRecordPolicy[MediaBriefing]):
    model = MediaBriefing


class SpokespersonPolicy(EngagementRecordPolicy[Spokesperson]):
    model = Spokesperson


class SchoolEngagementPolicy(EngagementRecordPolicy[SchoolEngagement]):
    model = SchoolEngagement


class SchoolActivityPolicy(EngagementRecordPolicy[SchoolActivity]):
    model = SchoolActivity
    partnership = "school__partnership_id"
    scope_actions = ()

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        raise ValueError("An activity is added to a school: ask school_engagement_policy")


forum_policy = ForumPolicy()
forum_meeting_policy = ForumMeetingPolicy()
initiative_policy = InitiativePolicy()
support_request_policy = SupportRequestPolicy()
audience_policy = AudiencePolicy()
channel_policy = ChannelPolicy()
key_message_policy = KeyMessagePolicy()
media_briefing_policy = MediaBriefingPolicy()
spokesperson_policy = SpokespersonPolicy()
school_engagement_policy = SchoolEngagementPolicy()
school_activity_policy = SchoolActivityPolicy()
