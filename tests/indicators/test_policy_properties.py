"""Property test of `indicator_policy` over generated worlds (tests/core/test_access_properties.py):
for every user, indicator and action, the database filter (`visible_to`), the Python answer over
the user's facts (`user_can`) and a reference written here from permissions.md's row
"indicators, surveys, evidence" and the policy table of docs/apps/indicators.md agree; so do the
questions asked of a partnership.

Indicators belong to any partnership, published or not, reported by any organisation or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.indicators.models import Indicator
from lde.indicators.policies import indicator_policy
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class IWorld:
    world: World
    indicators: tuple[tuple[int, int | None, bool], ...]  # partnership, reporter, published


@st.composite
def iworlds(draw: Any) -> IWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    indicators = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, world.partnerships - 1),
                    st.one_of(st.none(), st.integers(0, world.organisations - 1)),
                    st.booleans(),
                ),
                min_size=1,
                max_size=4,
            )
        )
    )
    return IWorld(world, indicators)


def reference(iw: IWorld, u: int, action: str, i: int) -> bool:
    """permissions.md: coordinator R W; board R; contributor R W (own project data); viewer R;
    community reviewer R (published); inspector R; everyone else nothing of a partnership's
    own rows (the open page, not a policy, serves what is published)."""
    w = iw.world
    p, reporter, published = iw.indicators[i]
    roles = roles_of(w, u, p)
    coordinator = Role.COORDINATOR in roles
    if action == "view":
        return (
            bool(roles & READERS)
            or inspects(w, u, p)
            or (published and Role.COMMUNITY_REVIEWER in roles)
        )
    if action in ("define", "publish"):
        return coordinator
    if action == "record":
        own = reporter is not None and w.user_organisation[u] == reporter
        return coordinator or (own and Role.CONTRIBUTOR in roles)
    if action == "attach":
        return coordinator or Role.BOARD_MEMBER in roles
    raise AssertionError(action)


@settings(max_examples=40, deadline=None)
@given(iw=iworlds())
def test_indicator_policy_agrees_three_ways(iw: IWorld) -> None:
    world = iw.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        for n, (p, reporter, published) in enumerate(iw.indicators):
            Indicator.objects.create(
                partnership=built.partnerships[p],
                title=f"Indicator {n}",
                measures="Reports.",
                unit="reports",
                kind="outcome",
                polarity="higher",
                period_type="quarter",
                source="Police.",
                method="A count.",
                reported_by=built.organisations[reporter] if reporter is not None else None,
                published=published,
            )
        indicators = list(Indicator.objects.order_by("pk"))
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in indicator_policy.actions:
                check_agree(
                    indicator_policy,
                    action,
                    user,
                    indicators,
                    [reference(iw, u, action, i) for i in range(len(indicators))],
                )
            for p, partnership in enumerate(built.partnerships):
                roles = roles_of(world, u, p)
                assert indicator_policy.user_can_in(user, "define", partnership.pk) == (
                    Role.COORDINATOR in roles
                )
                assert indicator_policy.user_can_in(user, "view", partnership.pk) == (
                    bool(roles & READERS) or inspects(world, u, p)
                )
        transaction.set_rollback(True)
