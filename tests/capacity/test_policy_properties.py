"""Property test of every capacity policy over generated worlds
(tests/core/test_access_properties.py): for every user, record and action, the database filter
(`visible_to`), the Python answer over the user's facts (`user_can`) and a reference written here
agree; so do the questions asked of a partnership (`user_can_in`).

permissions.md has no row for capacity; ADR 0013 decides by analogy with its "partnership
profile, members, posts" row: coordinator R W, board member R, contributor R, viewer R, inspector
R (live assignments only), community reviewer nothing; other partnerships nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.accounts.models import Organisation, Post
from lde.capacity.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    CommunityRelationship,
    Course,
    ScrutinySession,
    Team,
    TermsOfReference,
    TrainingAttendance,
    TrainingSession,
)
from lde.capacity.policies import (
    ALL_POLICIES,
    board_decision_policy,
    board_meeting_policy,
    board_member_policy,
    community_relationship_policy,
    course_policy,
    scrutiny_session_policy,
    team_policy,
    terms_of_reference_policy,
    training_attendance_policy,
    training_session_policy,
)
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class CapacityWorld:
    world: World
    records: tuple[int, ...]  # the partnership of each set of records


@st.composite
def capacity_worlds(draw: Any) -> CapacityWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    records = draw(st.lists(st.integers(0, world.partnerships - 1), min_size=1, max_size=4))
    return CapacityWorld(world, tuple(records))


def reference(world: World, u: int, action: str, p: int) -> bool:
    roles = roles_of(world, u, p)
    if action == "view":
        return bool(roles & READERS) or inspects(world, u, p)
    if action in ("edit", "add"):
        return Role.COORDINATOR in roles
    raise AssertionError(action)


def _records(partnership: Any, n: int, today: Any) -> dict[Any, Any]:
    """One record of every kind in `partnership`, told apart by `n`."""
    organisation = Organisation.objects.create(name=f"Capacity org {n}", type="voluntary")
    post = Post.objects.create(organisation=organisation, kind="other", title=f"Post {n}")
    day = today - timedelta(days=n)
    meeting = BoardMeeting.objects.create(partnership=partnership, held_on=day)
    course = Course.objects.create(
        partnership=partnership, title=f"Course {n}", provider="P", kind="course"
    )
    session = TrainingSession.objects.create(course=course, held_on=day)
    team = Team.objects.create(
        partnership=partnership,
        organisation=organisation,
        name=f"Team {n}",
        kind="other",
        headcount=5,
    )
    return {
        board_member_policy: BoardMember.objects.create(
            partnership=partnership, post=post, joined_on=day
        ),
        terms_of_reference_policy: TermsOfReference.objects.create(
            partnership=partnership, agreed_on=day, text="Terms"
        ),
        board_meeting_policy: meeting,
        board_decision_policy: BoardDecision.objects.create(meeting=meeting, decision="D"),
        scrutiny_session_policy: ScrutinySession.objects.create(
            partnership=partnership, body="councillors", held_on=day, examined="E"
        ),
        course_policy: course,
        training_session_policy: session,
        team_policy: team,
        training_attendance_policy: TrainingAttendance.objects.create(
            session=session, team=team, number_trained=2
        ),
        community_relationship_policy: CommunityRelationship.objects.create(
            partnership=partnership, organisation=organisation, nature="N"
        ),
    }


@settings(max_examples=40, deadline=None)
@given(capacity_world=capacity_worlds())
def test_every_capacity_policy_agrees_three_ways(capacity_world: CapacityWorld) -> None:
    world = capacity_world.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        made = [
            _records(built.partnerships[p], n, today) for n, p in enumerate(capacity_world.records)
        ]
        assert {type(policy) for policy in made[0]} == {type(p) for p in ALL_POLICIES}
        for policy in ALL_POLICIES:
            objects = [records[policy] for records in made]
            assert list(policy.model.objects.order_by("pk")) == objects
            for u, user in enumerate(built.users):
                facts_forget(user)
                for action in policy.actions:
                    check_agree(
                        policy,
                        action,
                        user,
                        objects,
                        [reference(world, u, action, p) for p in capacity_world.records],
                    )
                for p, partnership in enumerate(built.partnerships):
                    for action in policy.scope_actions:
                        assert policy.user_can_in(user, action, partnership.pk) == reference(
                            world, u, action, p
                        ), (policy, action, u, p)
            anonymous = AnonymousUser()
            for action in policy.actions:
                check_agree(policy, action, anonymous, objects, [False] * len(objects))
        transaction.set_rollback(True)
