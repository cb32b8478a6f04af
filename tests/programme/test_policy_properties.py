"""Property test of every programme policy over generated worlds
(tests/core/test_access_properties.py): for every user, record and action, the database filter
(`visible_to`), the Python answer over the user's facts (`user_can`) and a reference written here
from permissions.md's row "programme, commissioning" and ADR 0015 agree; so do the questions
asked of a partnership (`user_can_in`).

The reference: coordinators R W, board members R, contributors R and W of the projects their
organisation delivers (and those projects' activities), viewers R, live inspectors R, community
reviewers and everyone else nothing. An alliance's pot and its contributions are seen by the
coordinators and board members of any member partnership, allocated by their coordinators; a
contribution is recorded by its own partnership's coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Alliance, Role
from lde.programme.models import (
    Activity,
    AlliancePot,
    Allocation,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
    TierLabel,
)
from lde.programme.policies import (
    PARTNERSHIP_POLICIES,
    activity_policy,
    alliance_pot_policy,
    allocation_policy,
    funding_stream_policy,
    pot_contribution_policy,
    project_funding_policy,
    project_policy,
    tier_label_policy,
)
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
POT_READERS = {Role.COORDINATOR, Role.BOARD_MEMBER}


@dataclass(frozen=True)
class ProgrammeWorld:
    world: World
    projects: tuple[tuple[int, int], ...]  # (partnership, delivering organisation)
    alliances: tuple[frozenset[int], ...]  # the member partnerships of each alliance
    contributions: tuple[tuple[int, int], ...]  # (alliance, contributing partnership)


@st.composite
def programme_worlds(draw: Any) -> ProgrammeWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    n_p, n_o = world.partnerships, world.organisations
    projects = draw(
        st.lists(
            st.tuples(st.integers(0, n_p - 1), st.integers(0, n_o - 1)), min_size=1, max_size=4
        )
    )
    alliances = draw(
        st.lists(st.frozensets(st.integers(0, n_p - 1), min_size=1), min_size=1, max_size=3)
    )
    contributions = []
    for a, members in enumerate(alliances):
        for p in sorted(members):
            if draw(st.booleans()):
                contributions.append((a, p))
    return ProgrammeWorld(world, tuple(projects), tuple(alliances), tuple(contributions))


def reference(world: World, u: int, action: str, p: int) -> bool:
    """A partnership's programme record (streams, allocations, funding, tier labels)."""
    roles = roles_of(world, u, p)
    if action == "view":
        return bool(roles & READERS) or inspects(world, u, p)
    return Role.COORDINATOR in roles


def project_reference(world: World, u: int, action: str, p: int, o: int) -> bool:
    if action in ("view", "add"):
        return reference(world, u, action, p)
    own = world.user_organisation[u] == o and Role.CONTRIBUTOR in roles_of(world, u, p)
    return Role.COORDINATOR in roles_of(world, u, p) or own


def pot_reference(world: World, u: int, action: str, members: frozenset[int]) -> bool:
    wanted = POT_READERS if action == "view" else {Role.COORDINATOR}
    return any(roles_of(world, u, p) & wanted for p in members)


def contribution_reference(
    world: World, u: int, action: str, members: frozenset[int], p: int
) -> bool:
    if action == "view":
        return pot_reference(world, u, "view", members)
    return Role.COORDINATOR in roles_of(world, u, p)


@settings(max_examples=40, deadline=None)
@given(programme_world=programme_worlds())
def test_every_programme_policy_agrees_three_ways(programme_world: ProgrammeWorld) -> None:
    world = programme_world.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        made: dict[Any, list[tuple[Any, Any]]] = {
            p: [] for p in (*PARTNERSHIP_POLICIES, alliance_pot_policy, pot_contribution_policy)
        }
        pots = []
        for a, members in enumerate(programme_world.alliances):
            alliance = Alliance.objects.create(name=f"A{a}")
            alliance.partnerships.set([built.partnerships[p] for p in members])
            pot = AlliancePot.objects.create(alliance=alliance, name=f"Pot {a}")
            pots.append(pot)
            made[alliance_pot_policy].append((pot, members))
        for a, p in programme_world.contributions:
            contribution = PotContribution.objects.create(
                pot=pots[a], partnership=built.partnerships[p], year=2026, amount=Decimal("10")
            )
            made[pot_contribution_policy].append((contribution, (programme_world.alliances[a], p)))
        for n, (p, o) in enumerate(programme_world.projects):
            partnership = built.partnerships[p]
            stream = FundingStream.objects.create(
                partnership=partnership,
                name=f"S{n}",
                source=built.organisations[o],
                kind="other",
                amount=Decimal("100"),
                starts_on=date(2026, 4, 1),
                ends_on=date(2027, 3, 31),
            )
            allocation = Allocation.objects.create(stream=stream, year=2026, amount=Decimal("50"))
            project = Project.objects.create(
                partnership=partnership,
                title=f"Project {n}",
                delivered_by=built.organisations[o],
                audiences="Groups",
                strand="challenging",
                tier=1,
                forms_of_extremism=["all_forms"],
            )
            made[funding_stream_policy].append((stream, p))
            made[allocation_policy].append((allocation, p))
            made[tier_label_policy].append(
                (TierLabel.objects.create(partnership=partnership, tier=n % 4 + 1, label="T"), p)
                if not TierLabel.objects.filter(partnership=partnership, tier=n % 4 + 1).exists()
                else (None, p)
            )
            made[project_funding_policy].append(
                (
                    ProjectFunding.objects.create(
                        project=project, allocation=allocation, year=2026, amount=Decimal("5")
                    ),
                    p,
                )
            )
            made[project_policy].append((project, (p, o)))
            made[activity_policy].append(
                (Activity.objects.create(project=project, title="A"), (p, o))
            )
        for u, user in enumerate(built.users):
            facts_forget(user)
            for policy, pairs in made.items():
                pairs = [(obj, where) for obj, where in pairs if obj is not None]
                objects = [obj for obj, _ in pairs]
                for action in policy.actions:
                    expected = []
                    for _, where in pairs:
                        if policy is alliance_pot_policy:
                            expected.append(pot_reference(world, u, action, where))
                        elif policy is pot_contribution_policy:
                            expected.append(contribution_reference(world, u, action, *where))
                        elif policy in (project_policy, activity_policy):
                            expected.append(project_reference(world, u, action, *where))
                        else:
                            expected.append(reference(world, u, action, where))
                    check_agree(policy, action, user, objects, expected)
            for p, partnership in enumerate(built.partnerships):
                for policy in PARTNERSHIP_POLICIES:
                    for action in policy.scope_actions:
                        assert policy.user_can_in(user, action, partnership.pk) == reference(
                            world, u, action, p
                        ), (policy, action, u, p)
        anonymous = AnonymousUser()
        for policy, pairs in made.items():
            objects = [obj for obj, _ in pairs if obj is not None]
            for action in policy.actions:
                check_agree(policy, action, anonymous, objects, [False] * len(objects))
        transaction.set_rollback(True)
