"""Property test of distribution_policy over generated worlds.

Each example builds one world of tests/core/test_access_properties.py (partnerships, users in
every role, inspector and peer reviewer assignments live, ended and not yet started, national
analysts and site administrators) with more live inspectors, and checks for every user and
partnership three ways — the policy's database filter (`visible_to`), its Python answer
(`user_can`, `user_can_in`) and a reference written here from permissions.md ("inspections,
roll-ups": coordinator R own, board R own, inspector R, national analyst aggregates):

- "mark" (of a partnership): its coordinators, board members and live inspectors — not its
  contributors, viewers, community or peer reviewers, national analysts (aggregates only) or
  site administrators;
- "view" (of the site): national analysts, and anyone who may mark some partnership.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from lde.rollups.policies import distribution_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

MARKERS = {Role.COORDINATOR, Role.BOARD_MEMBER}


def mark_reference(world: World, u: int, p: int) -> bool:
    return bool(roles_of(world, u, p) & MARKERS) or inspects(world, u, p)


@given(world=access_worlds().flatmap(with_live_inspectors))
def test_distribution_policy_agrees_three_ways(world: World) -> None:
    with transaction.atomic():
        built = build(world, timezone.localdate())
        for u, user in enumerate(built.users):
            facts_forget(user)
            marks = [mark_reference(world, u, p) for p in range(world.partnerships)]
            check_agree(distribution_policy, "mark", user, built.partnerships, marks)
            assert distribution_policy.user_can_in(user, "view") == (
                u in world.analysts or any(marks)
            )
        anonymous = AnonymousUser()
        check_agree(
            distribution_policy, "mark", anonymous, built.partnerships, [False] * world.partnerships
        )
        assert not distribution_policy.user_can_in(anonymous, "view")
        transaction.set_rollback(True)
