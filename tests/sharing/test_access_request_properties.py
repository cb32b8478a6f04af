"""The access request rule, proved over the gateway's generated worlds (test_gateway_properties.py).

Each example builds one gateway world, makes some of its products records of material held
elsewhere (each held by one of the world's posts, held today, left or never taken up), and adds
requests for them — open or answered, most sent by someone who can read the record, some by
someone who cannot (any longer). For every (user, request) pair the database filter
(`access_request_policy.visible_to`), the policy's `user_can` and a reference written here from
architecture.md over the plain world agree:

- view: the requester, and whoever holds the post that holds the material today, and only while
  they can still see the product under the gateway rule;
- answer: the holder of that post, while the request is open and they can see the product.

"answer" is decided per request only (the policy has no filter for it, and says so): there the
policy's `user_can` is checked against the reference alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lde.accounts.models import Post
from lde.core.access.facts import facts_forget
from lde.sharing.models import AccessRequest, AccessRequestStatus, BriefingProduct
from lde.sharing.policies import access_request_policy
from tests.sharing.test_gateway_properties import (
    POSTS,
    PRODUCTS,
    USERS,
    World,
    _build,
    holdings_of,
    reference,
    worlds,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 30
FILTERED = ("view",)


@dataclass(frozen=True)
class RequestWorld:
    world: World
    # Per product: None (not held elsewhere), or ("post", i): the world's post i holds it, or
    # ("reader", i): one of the posts held today by the product's readers, if any, holds it.
    holders: tuple[tuple[str, int] | None, ...]
    # product, requester (an index into the product's readers, when it has any), whether sent by
    # a reader, status
    requests: tuple[tuple[int, int, bool, str], ...]


request_worlds = st.builds(
    RequestWorld,
    world=worlds,
    holders=st.lists(
        st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(["post", "reader", "reader", "reader"]), st.integers(0, POSTS - 1)
            ),
        ),
        min_size=PRODUCTS,
        max_size=PRODUCTS,
    ).map(tuple),
    requests=st.lists(
        st.tuples(
            st.integers(0, PRODUCTS - 1),
            st.integers(0, USERS - 1),
            st.sampled_from([True, True, True, False]),
            st.sampled_from(AccessRequestStatus.values),
        ),
        min_size=3,
        max_size=8,
    ).map(tuple),
)


def readers_of(world: World) -> dict[int, list[int]]:
    return {
        p: [u for u in range(USERS) if reference(world, u, p)] for p in range(len(world.products))
    }


def posts_held_today(world: World, u: int) -> set[int]:
    return {post for post, ended in holdings_of(world)[u] if ended is None or ended >= 0}


def holders_of(request_world: RequestWorld) -> list[int | None]:
    """The post holding each product's material, or None."""
    world = request_world.world
    readers = readers_of(world)
    found: list[int | None] = []
    for p, holder in enumerate(request_world.holders):
        if holder is None:
            found.append(None)
            continue
        mode, i = holder
        held = sorted({post for u in readers[p] for post in posts_held_today(world, u)})
        found.append(held[i % len(held)] if mode == "reader" and held else i)
    return found


def requests_of(request_world: RequestWorld) -> list[tuple[int, int, str]]:
    """The requests as made: (product, requester, status). A request "by a reader" goes to a
    record of material held elsewhere that someone can read, from one of its readers, when the
    world has one (or else to any product someone can read)."""
    world = request_world.world
    readers = readers_of(world)
    holders = holders_of(request_world)
    readable = [p for p in range(len(world.products)) if readers[p] and holders[p] is not None]
    readable = readable or [p for p in range(len(world.products)) if readers[p]]
    made = []
    for p, u, by_reader, status in request_world.requests:
        if by_reader and readable:
            p = readable[p % len(readable)]
            u = readers[p][u % len(readers[p])]
        made.append((p, u, status))
    return made


def access_request_reference(
    world: World, holders: list[int | None], u: int, action: str, request: tuple[int, int, str]
) -> bool:
    p, requester, status = request
    if not reference(world, u, p):
        return False
    holder = holders[p] is not None and holders[p] in posts_held_today(world, u)
    if action == "view":
        return holder or requester == u
    return holder and status == AccessRequestStatus.OPEN


def test_filter_allows_and_reference_agree_for_every_pair_of_every_world() -> None:
    tally = {"pairs": 0, "allowed": 0, "examples": 0, "by_holder": 0, "answerable": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(request_world=request_worlds)
    def check(request_world: RequestWorld) -> None:
        world = request_world.world
        with transaction.atomic():
            users, products = _build(world)
            posts = list(Post.objects.filter(title__startswith="Post ").order_by("pk"))
            assert [post.title for post in posts] == [f"Post {i}" for i in range(POSTS)]
            holders = holders_of(request_world)
            for product, holder in zip(products, holders, strict=True):
                if holder is not None:
                    BriefingProduct.objects.filter(pk=product.pk).update(
                        held_elsewhere=True, holder_post=posts[holder], how_to_ask="Ask."
                    )
            made = requests_of(request_world)
            AccessRequest.objects.bulk_create(
                AccessRequest(
                    product=products[p], requester=users[u], reason="Needed.", status=status
                )
                for p, u, status in made
            )
            requests = list(
                AccessRequest.objects.order_by("pk")
                .select_related("product__marking__maps_to", "product__protocol")
                .prefetch_related(
                    "product__dissemination",
                    "product__people",
                    "product__recipients",
                    "product__caveats",
                    "product__protocol__parties",
                    "product__contributing_organisations",
                )
            )
            assert [(r.product_id, r.requester_id) for r in requests] == [
                (products[p].pk, users[u].pk) for p, u, _ in made
            ]
            for u, user in enumerate(users):
                facts_forget(user)
                for action in access_request_policy.actions:
                    allowed = {
                        r.pk for r in requests if access_request_policy.user_can(user, action, r)
                    }
                    expected = {
                        r.pk
                        for r, request in zip(requests, made, strict=True)
                        if access_request_reference(world, holders, u, action, request)
                    }
                    assert allowed == expected, (u, action)
                    if action in FILTERED:
                        found = set(
                            access_request_policy.visible_to(user, action).values_list(
                                "pk", flat=True
                            )
                        )
                        assert found == allowed, (u, action)
                    else:
                        with pytest.raises(ValueError, match="filters only 'view'"):
                            access_request_policy.visible_to(user, action)
                    tally["pairs"] += len(requests)
                    tally["allowed"] += len(allowed)
                    tally["answerable"] += len(allowed) if action == "answer" else 0
                    tally["by_holder"] += sum(
                        1
                        for r, (_p, requester, _s) in zip(requests, made, strict=True)
                        if action == "view" and r.pk in allowed and requester != u
                    )
            anonymous = AnonymousUser()
            assert not access_request_policy.visible_to(anonymous, "view").exists()
            assert not any(
                access_request_policy.user_can(anonymous, action, r)
                for r in requests
                for action in access_request_policy.actions
            )
            tally["examples"] += 1
            transaction.set_rollback(True)

    check()
    assert tally["examples"] == EXAMPLES
    # Not vacuous: both answers occur, and holders (not only requesters) see and answer requests.
    assert tally["allowed"] >= 40, tally
    assert tally["pairs"] - tally["allowed"] >= 1_000, tally
    assert tally["by_holder"] >= 1, tally
    assert tally["answerable"] >= 1, tally
