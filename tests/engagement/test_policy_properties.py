"""Property test of engagement's policies over generated worlds.

Each example builds one world of tests/core/test_access_properties.py (partnerships,
organisations, users in every role, inspector and peer reviewer assignments live, expired and
not yet started, posts, national analysts, site administrators), adds more live inspectors and
engagement records of every kind in its partnerships — forums with organisations taking part,
their meetings, key messages and requests for support in every state — and checks every (user,
record, action) three ways: the policy's database filter (`visible_to`), its Python answer over
the user's facts (`user_can`), and a reference written here from ADR 0014 (by analogy with
permissions.md's "catalogue of information sources" and "action plans"):

- view: the partnership's coordinators, board members, contributors and viewers, and its live
  inspectors; a forum and its meetings also its community reviewers whose own organisation takes
  part in the forum; never peer reviewers, security contacts by their post, national analysts or
  site administrators;
- edit (and the states' moves): the partnership's coordinators, a key message edited and agreed
  while a draft and retired while a draft or agreed, support changed while asked and decided
  while asked or agreed.

The questions asked of a partnership (overview, list, add) are checked against the same reference.
Policies proved here: forum_policy, forum_meeting_policy, initiative_policy,
support_request_policy, audience_policy, channel_policy, key_message_policy,
media_briefing_policy, spokesperson_policy, school_engagement_policy, school_activity_policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.accounts.models import Organisation, Post
from lde.core.access.facts import facts_forget
from lde.engagement import policies
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
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
MESSAGES = tuple(MessageStatus.values)
SUPPORT = tuple(SupportStatus.values)
DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class EngagementWorld:
    world: World
    forums: tuple[tuple[int, frozenset[int]], ...]  # partnership, organisations taking part
    meetings: tuple[int, ...]  # forum index
    records: tuple[tuple[int, int], ...]  # partnership, status index (key message, support)


@st.composite
def engagement_worlds(draw: Any) -> EngagementWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    partnership = st.integers(0, world.partnerships - 1)
    forums = draw(
        st.lists(
            st.tuples(
                partnership,
                st.frozensets(st.integers(0, world.organisations - 1), max_size=3),
            ),
            min_size=1,
            max_size=3,
        )
    )
    meetings = draw(st.lists(st.integers(0, len(forums) - 1), max_size=3))
    records = draw(st.lists(st.tuples(partnership, st.integers(0, 11)), min_size=1, max_size=4))
    return EngagementWorld(world, tuple(forums), tuple(meetings), tuple(records))


def reads(world: World, u: int, p: int) -> bool:
    return bool(roles_of(world, u, p) & READERS) or inspects(world, u, p)


def keeps(world: World, u: int, p: int) -> bool:
    return Role.COORDINATOR in roles_of(world, u, p)


def reads_forum(world: World, u: int, p: int, taking_part: frozenset[int]) -> bool:
    organisation = world.user_organisation[u]
    reviewer = Role.COMMUNITY_REVIEWER in roles_of(world, u, p)
    return reads(world, u, p) or (reviewer and organisation in taking_part)


def reference(world: World, u: int, action: str, p: int, status: str = "") -> bool:
    """What ADR 0014 says for a record of partnership `p` in `status`."""
    if action == "view":
        return reads(world, u, p)
    if action == "edit" and status in MESSAGES:
        return keeps(world, u, p) and status == MessageStatus.DRAFT
    if action == "edit" and status in SUPPORT:
        return keeps(world, u, p) and status == SupportStatus.ASKED
    if action == "edit":
        return keeps(world, u, p)
    if action == "agree":
        return keeps(world, u, p) and status == MessageStatus.DRAFT
    if action == "retire":
        return keeps(world, u, p) and status in (MessageStatus.DRAFT, MessageStatus.AGREED)
    if action == "decide":
        return keeps(world, u, p) and status in (SupportStatus.ASKED, SupportStatus.AGREED)
    raise AssertionError(action)


@given(engagement_world=engagement_worlds())
def test_engagement_policies_agree_three_ways(engagement_world: EngagementWorld) -> None:
    world = engagement_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        organisations: list[Organisation] = built.organisations
        post = Post.objects.create(organisation=organisations[0], kind="other", title="Lead")
        forums = []
        for i, (p, taking_part) in enumerate(engagement_world.forums):
            forum = Forum.objects.create(
                partnership=built.partnerships[p], name=f"Forum {i}", kind="other", purpose="."
            )
            ForumMember.objects.bulk_create(
                ForumMember(forum=forum, organisation=organisations[o]) for o in taking_part
            )
            forums.append(forum)
        meetings = [
            ForumMeeting.objects.create(forum=forums[f], held_on=DAY, topics="T")
            for f in engagement_world.meetings
        ]
        # Of each simple kind, one per record; key messages and support in the record's state.
        made: dict[Any, list[tuple[Any, int, str]]] = {}
        for i, (p, status_index) in enumerate(engagement_world.records):
            partnership = built.partnerships[p]
            school_org = Organisation.objects.create(name=f"School {i}", type="school")
            message_status = MESSAGES[status_index % len(MESSAGES)]
            support_status = SUPPORT[status_index % len(SUPPORT)]
            initiative = Initiative.objects.create(
                partnership=partnership, organisation=organisations[0], title="I", what_it_does="."
            )
            school = SchoolEngagement.objects.create(
                partnership=partnership, organisation=school_org
            )
            rows = {
                policies.initiative_policy: (initiative, ""),
                policies.support_request_policy: (
                    SupportRequest.objects.create(
                        initiative=initiative, asked_for=".", asked_on=DAY, status=support_status
                    ),
                    support_status,
                ),
                policies.audience_policy: (
                    Audience.objects.create(partnership=partnership, name="A"),
                    "",
                ),
                policies.channel_policy: (
                    Channel.objects.create(
                        partnership=partnership, name="C", kind="website", community="All"
                    ),
                    "",
                ),
                policies.key_message_policy: (
                    KeyMessage.objects.create(
                        partnership=partnership, title="K", message=".", status=message_status
                    ),
                    message_status,
                ),
                policies.media_briefing_policy: (
                    MediaBriefing.objects.create(
                        partnership=partnership, held_on=DAY, outlet="O", topic="T", spoke=post
                    ),
                    "",
                ),
                policies.spokesperson_policy: (
                    Spokesperson.objects.create(
                        partnership=partnership, post=post, speaks_for="S", topics="T"
                    ),
                    "",
                ),
                policies.school_engagement_policy: (school, ""),
                policies.school_activity_policy: (
                    SchoolActivity.objects.create(school=school, activity="A", held_on=DAY),
                    "",
                ),
            }
            for policy, (row, status) in rows.items():
                made.setdefault(policy, []).append((row, p, status))
        users = [*built.users]
        for u, user in enumerate(users):
            facts_forget(user)
            for action in policies.forum_policy.actions:
                check_agree(
                    policies.forum_policy,
                    action,
                    user,
                    forums,
                    [
                        reads_forum(world, u, p, taking) if action == "view" else keeps(world, u, p)
                        for p, taking in engagement_world.forums
                    ],
                )
                check_agree(
                    policies.forum_meeting_policy,
                    action,
                    user,
                    meetings,
                    [
                        reads_forum(world, u, *engagement_world.forums[f])
                        if action == "view"
                        else keeps(world, u, engagement_world.forums[f][0])
                        for f in engagement_world.meetings
                    ],
                )
            for policy, rows_of in made.items():
                for action in policy.actions:
                    check_agree(
                        policy,
                        action,
                        user,
                        [row for row, _p, _s in rows_of],
                        [reference(world, u, action, p, s) for _row, p, s in rows_of],
                    )
            # The questions asked of a partnership before any record exists.
            for p, partnership in enumerate(built.partnerships):
                reviewer = Role.COMMUNITY_REVIEWER in roles_of(world, u, p)
                expected = {
                    "overview": reads(world, u, p),
                    "list": reads(world, u, p) or reviewer,
                    "add": keeps(world, u, p),
                }
                for action, want in expected.items():
                    assert policies.forum_policy.user_can_in(user, action, partnership.pk) is want
                for policy in (policies.initiative_policy, policies.key_message_policy):
                    assert policy.user_can_in(user, "view", partnership.pk) is reads(world, u, p)
                    assert policy.user_can_in(user, "add", partnership.pk) is keeps(world, u, p)
        anonymous = AnonymousUser()
        for policy, rows_of in made.items():
            for action in policy.actions:
                check_agree(
                    policy, action, anonymous, [r for r, _p, _s in rows_of], [False] * len(rows_of)
                )
        check_agree(policies.forum_policy, "view", anonymous, forums, [False] * len(forums))
        transaction.set_rollback(True)
