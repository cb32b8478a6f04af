"""Property test of `devolved_pot_policy` over generated worlds
(tests/core/test_access_properties.py, with its posts and their holdings, live, ended and not
yet started): for every user, pot and action, `visible_to`, `user_can` and a reference written
here from docs/apps/commissioning.md agree, and so does "start", asked of a partnership.

The reference: the partnership's coordinators, board members, contributors, viewers and live
inspectors read a pot; the current holder of the post it is delegated to reads it and records its
small grants, as do the partnership's coordinators; only coordinators delegate one (¶46).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.commissioning.models import DevolvedPot
from lde.commissioning.policies import devolved_pot_policy
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class PotWorld:
    world: World
    pots: tuple[tuple[int, int], ...]  # partnership, post (index into world.posts)


@st.composite
def pot_worlds(draw: Any) -> PotWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    if not world.posts:
        world = replace(world, posts=((0, "other"),))
    pots = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, world.partnerships - 1), st.integers(0, len(world.posts) - 1)
                ),
                min_size=1,
                max_size=4,
            )
        )
    )
    return PotWorld(world, pots)


def holds(w: World, u: int, post: int) -> bool:
    return any(
        hp == post and hu == u and start <= 0 and (end is None or end >= 0)
        for hp, hu, start, end in w.holdings
    )


def reference(pw: PotWorld, u: int, action: str, n: int) -> bool:
    w = pw.world
    p, post = pw.pots[n]
    roles = roles_of(w, u, p)
    holder = holds(w, u, post)
    if action == "view":
        return holder or bool(roles & READERS) or inspects(w, u, p)
    if action == "record":
        return holder or Role.COORDINATOR in roles
    return Role.COORDINATOR in roles  # start


@settings(max_examples=40, deadline=None)
@given(pw=pot_worlds())
def test_devolved_pot_policy_agrees_three_ways(pw: PotWorld) -> None:
    world = pw.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        pots = [
            DevolvedPot.objects.create(
                partnership=built.partnerships[p],
                name=f"Pot {n}",
                amount=Decimal("1000"),
                per_grant_limit=Decimal("100"),
                team=built.posts[post].organisation,
                holder_post=built.posts[post],
                starts_on=today,
                ends_on=today + timedelta(days=30),
                created_by=built.users[0],
            )
            for n, (p, post) in enumerate(pw.pots)
        ]
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in devolved_pot_policy.actions:
                check_agree(
                    devolved_pot_policy,
                    action,
                    user,
                    pots,
                    [reference(pw, u, action, n) for n in range(len(pots))],
                )
            for p, partnership in enumerate(built.partnerships):
                assert devolved_pot_policy.user_can_in(user, "start", partnership.pk) == (
                    Role.COORDINATOR in roles_of(world, u, p)
                )
        transaction.set_rollback(True)
