"""Property test of consequence management's policies over generated worlds.

Each example builds one world of tests/core/test_access_properties.py (partnerships,
organisations, users in every role, inspector and peer reviewer assignments live, expired and
not yet started), adds more live inspectors, readiness plans, directory entries and cascades
(running and closed) in its partnerships, and checks every (user, record, action) three ways:
the policy's database filter (`visible_to`), its Python answer over the user's facts
(`user_can`), and a reference written here from the rules in docs/apps/consequence_management.md
(by analogy with permissions.md's rows for the action plan and for need to know):

- a readiness plan is read by the partnership's coordinators, board members, contributors and
  viewers and its live inspectors, and kept by its coordinators;
- a directory entry and a cascade are read by its coordinators, board members and contributors
  (contact details: no viewers, no inspectors); entries are kept by coordinators;
- a running cascade's calls are recorded by coordinators and contributors, and it is closed by
  coordinators; a closed cascade by nobody;
- an exercise is read as a plan is (members and live inspectors) and kept by coordinators:
  changed while planned or running, started while planned, closed while running, its lessons
  recorded once closed.

Policies proved here: readiness_plan_policy, key_contact_policy, cascade_policy, exercise_policy.
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

from lde.consequence_management import policies
from lde.consequence_management.models import (
    Cascade,
    CascadeStatus,
    Exercise,
    ExerciseStatus,
    KeyContact,
    ReadinessPlan,
)
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
CALLERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR}
RECORDERS = {Role.COORDINATOR, Role.CONTRIBUTOR}
DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class ReadinessWorld:
    world: World
    records: tuple[tuple[int, bool, str], ...]  # partnership, cascade running, exercise state


@st.composite
def readiness_worlds(draw: Any) -> ReadinessWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    records = draw(
        st.lists(
            st.tuples(
                st.integers(0, world.partnerships - 1),
                st.booleans(),
                st.sampled_from(ExerciseStatus.values),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return ReadinessWorld(world, tuple(records))


def has(world: World, u: int, p: int, roles: set[Any]) -> bool:
    return bool(roles_of(world, u, p) & roles)


EXERCISE_STATES = {
    "edit": {ExerciseStatus.PLANNED, ExerciseStatus.RUNNING},
    "start": {ExerciseStatus.PLANNED},
    "close": {ExerciseStatus.RUNNING},
    "learn": {ExerciseStatus.CLOSED},
}


def reference(world: World, u: int, policy: Any, action: str, p: int, state: Any) -> bool:
    """What the app's rules say for a record of partnership `p` (`state`: a cascade's running,
    an exercise's status)."""
    coordinator = has(world, u, p, {Role.COORDINATOR})
    running = state is True
    if policy is policies.exercise_policy:
        if action == "view":
            return has(world, u, p, READERS) or inspects(world, u, p)
        return coordinator and state in EXERCISE_STATES[action]
    if policy is policies.readiness_plan_policy:
        if action == "view":
            return has(world, u, p, READERS) or inspects(world, u, p)
        return coordinator
    if action == "view":
        return has(world, u, p, CALLERS)
    if policy is policies.key_contact_policy:
        return coordinator
    if action == "record_call":
        return running and has(world, u, p, RECORDERS)
    if action == "close":
        return running and coordinator
    raise AssertionError(action)


@given(readiness_world=readiness_worlds())
def test_consequence_management_policies_agree_three_ways(readiness_world: ReadinessWorld) -> None:
    world = readiness_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        starter = built.users[0]
        made: dict[Any, list[tuple[Any, int, Any]]] = {}
        for i, (p, running, exercise_state) in enumerate(readiness_world.records):
            partnership = built.partnerships[p]
            plan = ReadinessPlan.objects.create(
                partnership=partnership,
                title=f"Plan {i}",
                before=".",
                during=".",
                after=".",
                communications_strategy=".",
                release_contingency=".",
                everyday_policing=".",
                review_on=DAY,
            )
            contact = KeyContact.objects.create(
                partnership=partnership,
                kind="community",
                organisation=built.organisations[0],
                role="Chair",
                email="chair@example.test",
                consented_on=DAY,
                verified_on=DAY,
            )
            cascade = Cascade.objects.create(
                partnership=partnership,
                kind="exercise",
                mode="broadcast",
                title="C",
                template="{ack_link}",
                start_key=f"key-{i}-abcdefgh",
                started_by=starter,
                started_at=timezone.now(),
                status=CascadeStatus.RUNNING if running else CascadeStatus.CLOSED,
            )
            exercise = Exercise.objects.create(
                partnership=partnership,
                title=f"Exercise {i}",
                scenario=".",
                held_on=DAY,
                status=exercise_state,
            )
            for policy, row, state in (
                (policies.readiness_plan_policy, plan, running),
                (policies.key_contact_policy, contact, running),
                (policies.cascade_policy, cascade, running),
                (policies.exercise_policy, exercise, exercise_state),
            ):
                made.setdefault(policy, []).append((row, p, state))
        for u, user in enumerate(built.users):
            facts_forget(user)
            for policy, rows_of in made.items():
                for action in policy.actions:
                    check_agree(
                        policy,
                        action,
                        user,
                        [row for row, _p, _r in rows_of],
                        [reference(world, u, policy, action, p, r) for _row, p, r in rows_of],
                    )
            for p, partnership in enumerate(built.partnerships):
                plans = policies.readiness_plan_policy
                reads = has(world, u, p, READERS) or inspects(world, u, p)
                coordinator = has(world, u, p, {Role.COORDINATOR})
                assert plans.user_can_in(user, "overview", partnership.pk) is reads
                assert plans.user_can_in(user, "add", partnership.pk) is coordinator
                exercises = policies.exercise_policy
                assert exercises.user_can_in(user, "list", partnership.pk) is reads
                assert exercises.user_can_in(user, "add", partnership.pk) is coordinator
                for policy in (policies.key_contact_policy, policies.cascade_policy):
                    assert policy.user_can_in(user, "list", partnership.pk) is has(
                        world, u, p, CALLERS
                    )
                    assert policy.user_can_in(user, "add", partnership.pk) is coordinator
        anonymous = AnonymousUser()
        for policy, rows_of in made.items():
            for action in policy.actions:
                check_agree(
                    policy, action, anonymous, [r for r, _p, _s in rows_of], [False] * len(rows_of)
                )
        transaction.set_rollback(True)
