"""Property test of similar areas' three policies over generated worlds.

Each example builds one world of tests/core/test_access_properties.py — partnerships,
organisations, users in every role, inspector and peer reviewer assignments (some expired, some
not yet started), posts, national analysts and site administrators — with more live inspectors,
area data sets, neighbour rows between its partnerships and requests for a peer review in every
state, and checks every (user, object) pair for every action three ways: the policy's database
filter (`visible_to`), its Python answer over the user's facts (`user_can`), and a reference
written here from permissions.md:

- area_data_set_policy: "view" site administrators and national analysts; "import" site
  administrators (site-wide reference data, like frameworks);
- area_neighbour_policy: "view" the row's partnership's coordinators and board members and its
  live inspectors ("inspections, roll-ups": R own; inspector R) — not contributors, viewers,
  community or peer reviewers, national analysts (aggregates only) or site administrators (no
  partnership content);
- peer_review_request_policy: "view" the coordinators and board members of either partnership;
  "decide" the asked partnership's coordinators, while the request is open; "request" (asked of
  a partnership) its coordinators.
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
from lde.partnerships.models import Role
from lde.rollups.models import (
    AreaDataSet,
    AreaNeighbour,
    PeerReviewRequest,
    PeerReviewRequestStatus,
)
from lde.rollups.policies import (
    area_data_set_policy,
    area_neighbour_policy,
    peer_review_request_policy,
)
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import with_live_inspectors
from tests.sharing.test_information_source_properties import check_agree

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER}


@dataclass(frozen=True)
class SimilarWorld:
    world: World
    neighbours: tuple[tuple[int, int], ...]  # partnership, neighbour (indices)
    requests: tuple[tuple[int, int, str], ...]  # requester, asked, status


@st.composite
def similar_worlds(draw: Any) -> SimilarWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    pairs = st.tuples(
        st.integers(0, world.partnerships - 1), st.integers(0, world.partnerships - 1)
    ).filter(lambda pair: pair[0] != pair[1])
    if world.partnerships < 2:
        return SimilarWorld(world, (), ())
    neighbours = draw(st.lists(pairs, max_size=4))
    requests = draw(
        st.lists(
            st.tuples(
                st.integers(0, world.partnerships - 1),
                st.integers(0, world.partnerships - 1),
                st.sampled_from(
                    [PeerReviewRequestStatus.ACCEPTED, PeerReviewRequestStatus.DECLINED]
                ),
            ).filter(lambda r: r[0] != r[1]),
            max_size=3,
        )
    )
    # At most one open request per pair (a database constraint): the first of each pair's.
    open_pairs = draw(st.lists(pairs, max_size=3, unique=True))
    requests += [(a, b, PeerReviewRequestStatus.REQUESTED) for a, b in open_pairs]
    return SimilarWorld(world, tuple(neighbours), tuple(requests))


def neighbour_reference(world: World, u: int, p: int) -> bool:
    return bool(roles_of(world, u, p) & READERS) or inspects(world, u, p)


def request_reference(world: World, u: int, action: str, r: tuple[int, int, str]) -> bool:
    requester, asked, status = r
    if action == "view":
        return bool(roles_of(world, u, requester) & READERS) or bool(
            roles_of(world, u, asked) & READERS
        )
    return status == PeerReviewRequestStatus.REQUESTED and Role.COORDINATOR in roles_of(
        world, u, asked
    )


@given(similar_world=similar_worlds())
def test_similar_areas_policies_agree_three_ways(similar_world: SimilarWorld) -> None:
    world = similar_world.world
    with transaction.atomic():
        built = build(world, timezone.localdate())
        data_sets = [AreaDataSet.objects.create(file_name=f"areas {i}.csv") for i in range(2)]
        rows = [
            AreaNeighbour.objects.create(
                data_set=data_sets[i % 2],
                area_code=f"E06999{100 + i}",
                neighbour_code=f"E06999{200 + i}",
                partnership=built.partnerships[p],
                neighbour=built.partnerships[n],
                rank=1,
                distance=1.0,
            )
            for i, (p, n) in enumerate(similar_world.neighbours)
        ]
        requests = [
            PeerReviewRequest.objects.create(
                requester=built.partnerships[a], asked=built.partnerships[b], status=status
            )
            for a, b, status in similar_world.requests
        ]
        assert list(AreaNeighbour.objects.order_by("pk")) == rows
        assert list(PeerReviewRequest.objects.order_by("pk")) == requests
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in area_data_set_policy.actions:
                allowed = u in world.admins or (action == "view" and u in world.analysts)
                check_agree(area_data_set_policy, action, user, data_sets, [allowed] * 2)
            assert area_data_set_policy.user_can_in(user, "import") == (u in world.admins)
            check_agree(
                area_neighbour_policy,
                "view",
                user,
                rows,
                [neighbour_reference(world, u, p) for p, _n in similar_world.neighbours],
            )
            for p in range(world.partnerships):
                pk = built.partnerships[p].pk
                assert area_neighbour_policy.user_can_in(user, "view", pk) == (
                    neighbour_reference(world, u, p)
                )
                assert peer_review_request_policy.user_can_in(user, "request", pk) == (
                    Role.COORDINATOR in roles_of(world, u, p)
                )
            for action in peer_review_request_policy.actions:
                check_agree(
                    peer_review_request_policy,
                    action,
                    user,
                    requests,
                    [request_reference(world, u, action, r) for r in similar_world.requests],
                )
        anonymous = AnonymousUser()
        for policy, objects in (
            (area_data_set_policy, data_sets),
            (area_neighbour_policy, rows),
            (peer_review_request_policy, requests),
        ):
            for action in policy.actions:
                check_agree(policy, action, anonymous, objects, [False] * len(objects))
        transaction.set_rollback(True)
