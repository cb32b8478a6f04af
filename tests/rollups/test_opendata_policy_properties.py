"""Property test of the open data releases' policy over generated worlds.

Each example builds one world of tests/core/test_access_properties.py (partnerships, users in
every role, inspectors, national analysts, site administrators) with releases of both scopes in
every status, proposed by any of its users, and checks every (user, release) pair for every
action three ways: `visible_to`, `user_can` and a reference written here from permissions.md
and issue 17:

- "view": anyone once released; before, a partnership's coordinators and board members (its
  own figures) or national analysts (national figures);
- "propose" (draft), "approve" (proposed), "release" (approved), "withdraw" (proposed, approved
  or released): a partnership's coordinators, or national analysts — and a national release is
  approved by a national analyst other than the one who proposed it;
- "create", asked of a partnership (its coordinators) or of the whole platform (national
  analysts).
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
from lde.partnerships.models import Role
from lde.rollups.models import OpenDataRelease, OpenDataScope, OpenDataStatus
from lde.rollups.policies import open_data_release_policy
from tests.core.test_access_properties import World, build, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER}
WHEN = {
    "propose": {OpenDataStatus.DRAFT},
    "approve": {OpenDataStatus.PROPOSED},
    "release": {OpenDataStatus.APPROVED},
    "withdraw": {OpenDataStatus.PROPOSED, OpenDataStatus.APPROVED, OpenDataStatus.RELEASED},
}

# (partnership index or None for national, status, proposer's user index or None)
Release = tuple[int | None, str, int | None]


@dataclass(frozen=True)
class OpenDataWorld:
    world: World
    releases: tuple[Release, ...]


@st.composite
def open_data_worlds(draw: Any) -> OpenDataWorld:
    world = draw(access_worlds())
    # One or two national analysts, so that a second analyst's approval (and the proposer's
    # refusal) comes up in most examples; proposers are mostly analysts for the same reason.
    analysts = draw(st.frozensets(st.integers(0, world.users - 1), min_size=1, max_size=2))
    world = replace(world, analysts=analysts)
    scopes = st.one_of(st.none(), st.integers(0, world.partnerships - 1))
    proposers = st.one_of(
        st.none(), st.sampled_from(sorted(analysts)), st.integers(0, world.users - 1)
    )
    releases = draw(
        st.lists(
            st.tuples(scopes, st.sampled_from(list(OpenDataStatus.values)), proposers),
            max_size=6,
        )
    )
    return OpenDataWorld(world, tuple(releases))


def reference(world: World, u: int, action: str, release: Release) -> bool:
    p, status, proposer = release
    if action == "view":
        if status == OpenDataStatus.RELEASED:
            return True
        return u in world.analysts if p is None else bool(roles_of(world, u, p) & READERS)
    if status not in WHEN[action]:
        return False
    if p is not None:
        return Role.COORDINATOR in roles_of(world, u, p)
    return u in world.analysts and not (action == "approve" and proposer == u)


@given(open_data_world=open_data_worlds())
def test_the_open_data_policy_agrees_three_ways(open_data_world: OpenDataWorld) -> None:
    world = open_data_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        releases = []
        for i, (p, status, proposer) in enumerate(open_data_world.releases):
            frozen = status in (OpenDataStatus.APPROVED, OpenDataStatus.RELEASED)
            # A database constraint keeps a national approver apart from the proposer: every
            # world has two users at least, so someone else approves.
            approver = next(
                x for x in built.users if proposer is None or x != built.users[proposer]
            )
            releases.append(
                OpenDataRelease.objects.create(
                    scope=OpenDataScope.NATIONAL if p is None else OpenDataScope.PARTNERSHIP,
                    partnership=None if p is None else built.partnerships[p],
                    title=f"Release {i}",
                    publisher="Publisher",
                    figures_kind="national_briefing_coverage",
                    status=status,
                    proposed_by=None if proposer is None else built.users[proposer],
                    approved_by=approver if frozen else None,
                    figures={"columns": [], "rows": []} if frozen else None,
                )
            )
        made = list(open_data_world.releases)
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in open_data_release_policy.actions:
                check_agree(
                    open_data_release_policy,
                    action,
                    user,
                    releases,
                    [reference(world, u, action, r) for r in made],
                )
            assert open_data_release_policy.user_can_in(user, "create", None) == (
                u in world.analysts
            )
            for p in range(world.partnerships):
                assert open_data_release_policy.user_can_in(
                    user, "create", built.partnerships[p].pk
                ) == (Role.COORDINATOR in roles_of(world, u, p))
        for action in open_data_release_policy.actions:
            check_agree(
                open_data_release_policy, action, AnonymousUser(), releases, [False] * len(made)
            )
        transaction.set_rollback(True)
