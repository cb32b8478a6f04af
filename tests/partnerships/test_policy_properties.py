"""Property tests of the alliance and assignment policies over generated worlds.

Each example builds one world of tests/core/test_access_properties.py — partnerships, organisations,
users with roles, inspector and peer reviewer assignments (some expired, some not yet started),
posts and clearances — with more live inspectors and alliances of its partnerships added, and checks
every (user, object) pair for every action three ways: the policy's database filter (`visible_to`),
its Python answer over the user's facts (`user_can`), and a reference written here from
permissions.md over the plain world:

- an alliance is seen by anyone who can see one of its partnerships: a member in any role, or
  a live inspector;
- an assignment is seen by the person assigned (live or not) and by the coordinators of any
  partnership it reaches ("shown to the partnership's coordinators at once").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Alliance, Assignment, AssignmentKind, Role
from lde.partnerships.policies import alliance_policy, assignment_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class AllianceWorld:
    world: World
    alliances: tuple[frozenset[int], ...]  # the partnerships of each alliance


@st.composite
def with_live_inspectors(draw: Any, world: World) -> World:
    """The world with up to two more inspectors, live from five days ago to five days on, each of
    one partnership: the access worlds' own assignments are live only half the time."""
    extra = draw(
        st.lists(
            st.tuples(st.integers(0, world.users - 1), st.integers(0, world.partnerships - 1)),
            max_size=2,
        )
    )
    return replace(
        world,
        assignments=world.assignments
        + tuple((u, AssignmentKind.INSPECTOR, frozenset({p}), -5, 5) for u, p in extra),
    )


@st.composite
def alliance_worlds(draw: Any) -> AllianceWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    alliances = draw(
        st.lists(st.frozensets(st.integers(0, world.partnerships - 1)), min_size=1, max_size=3)
    )
    return AllianceWorld(world, tuple(alliances))


def alliance_reference(world: World, u: int, members: frozenset[int], action: str = "view") -> bool:
    if action == "manage":  # which partnerships are in it: site administrators
        return u in world.admins
    return any(roles_of(world, u, p) or inspects(world, u, p) for p in members)


def assignment_reference(world: World, u: int, a: int) -> bool:
    assignee, _kind, partnerships, _start, _end = world.assignments[a]
    return assignee == u or any(Role.COORDINATOR in roles_of(world, u, p) for p in partnerships)


def check_agree(
    policy: Any, action: str, user: Any, objects: list[Any], expected: list[bool]
) -> None:
    """`visible_to` is exactly the objects `user_can` allows, and both are the reference."""
    visible = set(policy.visible_to(user, action).values_list("pk", flat=True))
    allowed = {obj.pk for obj in objects if policy.user_can(user, action, obj)}
    assert visible == allowed, (policy, action, user)
    assert allowed == {obj.pk for obj, want in zip(objects, expected, strict=True) if want}, (
        policy,
        action,
        user,
    )


@given(alliance_world=alliance_worlds())
def test_alliance_and_assignment_policies_agree_three_ways(alliance_world: AllianceWorld) -> None:
    world = alliance_world.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        alliances = []
        for i, members in enumerate(alliance_world.alliances):
            alliance = Alliance.objects.create(name=f"Alliance {i}")
            alliance.partnerships.set([built.partnerships[p] for p in members])
            alliances.append(alliance)
        # Every alliance and assignment in the database, in the order the world made them.
        all_alliances = list(Alliance.objects.order_by("pk"))
        all_assignments = list(Assignment.objects.order_by("pk"))
        assert all_alliances == alliances
        assert len(all_assignments) == len(world.assignments)
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in alliance_policy.actions:
                check_agree(
                    alliance_policy,
                    action,
                    user,
                    all_alliances,
                    [alliance_reference(world, u, m, action) for m in alliance_world.alliances],
                )
            for action in assignment_policy.actions:
                check_agree(
                    assignment_policy,
                    action,
                    user,
                    all_assignments,
                    [assignment_reference(world, u, a) for a in range(len(world.assignments))],
                )
        anonymous = AnonymousUser()
        check_agree(alliance_policy, "view", anonymous, all_alliances, [False] * len(alliances))
        check_agree(
            assignment_policy, "view", anonymous, all_assignments, [False] * len(all_assignments)
        )
        transaction.set_rollback(True)
