"""Property test of the catalogue of information sources over generated worlds.

Each example builds one world of tests/core/test_access_properties.py — partnerships, organisations,
users in every role, inspector and peer reviewer assignments (some expired, some not yet started),
posts with security contacts, national analysts and site administrators — with more live inspectors
and catalogue entries of its partnerships added, and checks every (user, entry) pair for both
actions three ways: the policy's database filter (`visible_to`), its Python answer over the user's
facts (`user_can`), and a reference written here from permissions.md ("catalogue of information
sources"):

- view: the partnership's coordinators, board members, contributors and viewers, and its live
  inspectors; not community reviewers, peer reviewers, security contacts by their post, national
  analysts or site administrators;
- manage: the partnership's coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.core.access.facts import facts_forget
from lde.core.access.markings import Marking
from lde.partnerships.models import Role
from lde.sharing.models import Granularity, InformationSource, RefreshFrequency
from lde.sharing.policies import information_source_policy
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class CatalogueWorld:
    world: World
    sources: tuple[tuple[int, int], ...]  # partnership, owner organisation (indices)


@st.composite
def catalogue_worlds(draw: Any) -> CatalogueWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    sources = draw(
        st.lists(
            st.tuples(
                st.integers(0, world.partnerships - 1), st.integers(0, world.organisations - 1)
            ),
            min_size=1,
            max_size=4,
        )
    )
    return CatalogueWorld(world, tuple(sources))


def information_source_reference(world: World, u: int, action: str, p: int) -> bool:
    roles = roles_of(world, u, p)
    if action == "view":
        return bool(roles & READERS) or inspects(world, u, p)
    return Role.COORDINATOR in roles


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


@given(catalogue_world=catalogue_worlds())
def test_information_source_policy_agrees_three_ways(catalogue_world: CatalogueWorld) -> None:
    world = catalogue_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        marking = Marking.objects.get(code="official")
        sources = [
            InformationSource.objects.create(
                partnership=built.partnerships[p],
                title=f"Source {i}",
                owner_organisation=built.organisations[o],
                granularity=Granularity.WARD,
                refresh=RefreshFrequency.MONTHLY,
                marking=marking,
                how_to_get="Ask the owner.",
            )
            for i, (p, o) in enumerate(catalogue_world.sources)
        ]
        # Every entry in the database is one of this world's.
        assert list(InformationSource.objects.order_by("pk")) == sources
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in information_source_policy.actions:
                check_agree(
                    information_source_policy,
                    action,
                    user,
                    sources,
                    [
                        information_source_reference(world, u, action, p)
                        for p, _o in catalogue_world.sources
                    ],
                )
        for action in information_source_policy.actions:
            check_agree(
                information_source_policy,
                action,
                AnonymousUser(),
                sources,
                [False] * len(sources),
            )
        transaction.set_rollback(True)
