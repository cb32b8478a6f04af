"""Property test of `narrative_policy` over generated worlds (tests/core/test_access_properties.py):
for every user, version and action, the database filter (`visible_to`), the Python answer over
the user's facts (`user_can`) and a reference written here from permissions.md agree.

permissions.md, "narrative (draft)": coordinator R W A, board member R A, contributor R, viewer
R, community reviewer R (when shared) + comment, inspector R. ADR 0012 settles the rest: partners
comment on a draft or a shared version, community reviewers on a shared one; a coordinator or
board member signs for a partner organisation while the version is shared; a coordinator
publishes an approved version once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.narratives.models import NarrativeVersion, VersionStatus
from lde.narratives.policies import narrative_policy
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class NarrativeWorld:
    world: World
    versions: tuple[tuple[int, str, bool], ...]  # partnership, status, published


@st.composite
def narrative_worlds(draw: Any) -> NarrativeWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    versions = draw(
        st.lists(
            st.tuples(
                st.integers(0, world.partnerships - 1),
                st.sampled_from(list(VersionStatus)),
                st.booleans(),
            ),
            min_size=1,
            max_size=5,
        )
    )
    # Only a signed-off version is ever published.
    return NarrativeWorld(
        world,
        tuple(
            (p, s, published and s in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED))
            for p, s, published in versions
        ),
    )


def reference(world: World, u: int, action: str, version: tuple[int, str, bool]) -> bool:
    p, status, published = version
    roles = roles_of(world, u, p)
    coordinator = Role.COORDINATOR in roles
    shared = status == VersionStatus.SHARED
    community = Role.COMMUNITY_REVIEWER in roles
    if action == "view":
        return bool(roles & READERS) or inspects(world, u, p) or (community and shared)
    if action in ("edit", "share"):
        return coordinator and status == VersionStatus.DRAFT
    if action == "return_to_draft":
        return coordinator and shared
    if action == "comment":
        partner = bool(roles & READERS) and status in (VersionStatus.DRAFT, VersionStatus.SHARED)
        return partner or (community and shared)
    if action == "sign":
        organisation = world.user_organisation[u]
        party = organisation is not None and (p, organisation) in world.links
        return shared and party and bool(roles & {Role.COORDINATOR, Role.BOARD_MEMBER})
    if action == "publish":
        return coordinator and status == VersionStatus.APPROVED and not published
    if action == "start":
        return coordinator
    raise AssertionError(action)


@settings(max_examples=60, deadline=None)
@given(narrative_world=narrative_worlds())
def test_narrative_policy_agrees_three_ways(narrative_world: NarrativeWorld) -> None:
    world = narrative_world.world
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        built = build(world, today)
        versions = [
            NarrativeVersion.objects.create(
                partnership=built.partnerships[p],
                number=n,
                status=status,
                published_at=now if published else None,
            )
            for n, (p, status, published) in enumerate(narrative_world.versions, start=1)
        ]
        assert list(NarrativeVersion.objects.order_by("pk")) == versions
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in narrative_policy.actions:
                check_agree(
                    narrative_policy,
                    action,
                    user,
                    versions,
                    [reference(world, u, action, v) for v in narrative_world.versions],
                )
        anonymous = AnonymousUser()
        for action in narrative_policy.actions:
            check_agree(narrative_policy, action, anonymous, versions, [False] * len(versions))
        transaction.set_rollback(True)
