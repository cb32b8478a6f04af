"""Property test of distribution_policy and money_distribution_policy over generated worlds.

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

money_distribution_policy (ADR 0027) answers the same but without inspectors: among a
partnership's people only those who answer for its budget (coordinators and board members) see
distributions of money.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given

from lde.core.access.facts import facts_forget
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.rollups.policies import distribution_policy, money_distribution_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

MARKERS = {Role.COORDINATOR, Role.BOARD_MEMBER}


def mark_reference(world: World, u: int, p: int, *, inspectors: bool = True) -> bool:
    return bool(roles_of(world, u, p) & MARKERS) or (inspectors and inspects(world, u, p))


# Each policy, and whether a live inspector marks as a board member does.
POLICIES: list[tuple[Policy[Any], bool]] = [
    (distribution_policy, True),
    (money_distribution_policy, False),
]


@pytest.mark.parametrize(("policy", "inspectors"), POLICIES, ids=["scores", "money"])
@given(world=access_worlds().flatmap(with_live_inspectors))
def test_distribution_policy_agrees_three_ways(
    policy: Policy[Any], inspectors: bool, world: World
) -> None:
    with transaction.atomic():
        built = build(world, timezone.localdate())
        for u, user in enumerate(built.users):
            facts_forget(user)
            marks = [
                mark_reference(world, u, p, inspectors=inspectors)
                for p in range(world.partnerships)
            ]
            check_agree(policy, "mark", user, built.partnerships, marks)
            assert policy.user_can_in(user, "view") == (u in world.analysts or any(marks))
        anonymous = AnonymousUser()
        check_agree(policy, "mark", anonymous, built.partnerships, [False] * world.partnerships)
        assert not policy.user_can_in(anonymous, "view")
        transaction.set_rollback(True)
