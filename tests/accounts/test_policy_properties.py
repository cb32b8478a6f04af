"""Property tests of the caveat grant and API token policies over generated worlds.

Each example builds one world of tests/core/test_access_properties.py — partnerships,
organisations, users with roles and assignments, posts (security contacts among them, more
added) held, left or not yet taken up, and clearances — with caveat grants (to security contacts
and to anyone, sponsored by the holder's own organisation or by any; some revoked) and API tokens
(some expired or revoked) added, and checks every (user, object) pair for every action three
ways: the policy's database filter (`visible_to`), its Python answer over the user's facts
(`user_can`), and a reference written here from permissions.md over the plain world:

- a caveat grant is seen by its holder and by the security contact of its sponsor;
- it is recorded only by the security contact of the person's own organisation, who works for it
  too, and never by anyone for themselves;
- while not revoked, it is revoked only by the security contact of its sponsor who works for the
  sponsor (whether or not the person still does), never by anyone for themselves;
- a token is its owner's alone, to see and to revoke, whatever its state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.accounts.models import ApiToken, Caveat, CaveatGrant, PostKind
from lde.accounts.policies import api_token_policy, caveat_grant_policy
from lde.core.access.facts import facts_forget
from tests.core.test_access_properties import World, build, security_contact_of
from tests.core.test_access_properties import worlds as access_worlds

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class AccountsWorld:
    world: World
    # How each grant is chosen: (holder, sponsor, recorder, revoked), where the holder is
    # ("user", i), or ("contact", i): one of the world's security contacts, if any; and the
    # sponsor is ("organisation", i), or ("own", 0): the holder's own organisation, if any.
    grant_draws: tuple[tuple[tuple[str, int], tuple[str, int], int, bool], ...]
    tokens: tuple[tuple[int, int, bool], ...]  # owner, expiry offset, revoked

    def grants(self) -> list[tuple[int, int, int, bool]]:
        """The grants as made: (holder, sponsor, recorder, revoked), all indices."""
        world = self.world
        contacts = [u for u in range(world.users) if security_contact_of(world, u)]
        made = []
        for (holder_kind, h), (sponsor_kind, s), recorder, revoked in self.grant_draws:
            holder = contacts[h % len(contacts)] if holder_kind == "contact" and contacts else h
            own = world.user_organisation[holder]
            sponsor = own if sponsor_kind == "own" and own is not None else s
            if recorder == holder:  # nobody records their own (a database constraint)
                recorder = (holder + 1) % world.users
            made.append((holder, sponsor, recorder, revoked))
        return made


@st.composite
def accounts_worlds(draw: Any) -> AccountsWorld:
    world = draw(access_worlds())
    users = st.integers(0, world.users - 1)
    # Security contacts are rare in the access worlds: make some users their own organisation's,
    # by a post of its own held since before today.
    posts, holdings = list(world.posts), list(world.holdings)
    for u in draw(st.lists(users, max_size=2, unique=True)):
        organisation = world.user_organisation[u]
        if organisation is not None:
            posts.append((organisation, PostKind.SECURITY_CONTACT))
            holdings.append((len(posts) - 1, u, -5, None))
    world = replace(world, posts=tuple(posts), holdings=tuple(holdings))
    # Grants to security contacts and to their colleagues, sponsored by their own organisation,
    # come up often: those are the ones a security contact may (or, for themselves, may not)
    # record.
    holders = st.tuples(st.sampled_from(["user", "contact"]), users)
    sponsors = st.one_of(
        st.tuples(st.just("own"), st.just(0)),
        st.tuples(st.just("organisation"), st.integers(0, world.organisations - 1)),
    )
    grants = draw(
        st.lists(st.tuples(holders, sponsors, users, st.booleans()), min_size=1, max_size=4)
    )
    tokens = draw(
        st.lists(
            st.tuples(users, st.sampled_from([-1, 0, 30]), st.booleans()), min_size=1, max_size=4
        )
    )
    return AccountsWorld(world, tuple(grants), tuple(tokens))


def caveat_grant_reference(world: World, u: int, action: str, grant: tuple[int, ...]) -> bool:
    holder, sponsor, _recorder, revoked = grant
    if action == "revoke":
        return (
            not revoked
            and sponsor in security_contact_of(world, u)
            and sponsor == world.user_organisation[u]
            and holder != u
        )
    if action == "record":
        return (
            sponsor in security_contact_of(world, u)
            and sponsor == world.user_organisation[u]
            and world.user_organisation[holder] == sponsor
            and holder != u
        )
    return holder == u or sponsor in security_contact_of(world, u)


def api_token_reference(u: int, token: tuple[int, int, bool]) -> bool:
    return token[0] == u


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


@given(accounts_world=accounts_worlds())
def test_caveat_grant_and_api_token_policies_agree_three_ways(
    accounts_world: AccountsWorld,
) -> None:
    world = accounts_world.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        caveat = Caveat.objects.create(code="handling-group", name="Handling group")
        made = accounts_world.grants()
        grants = [
            CaveatGrant.objects.create(
                user=built.users[holder],
                caveat=caveat,
                sponsor=built.organisations[sponsor],
                granted_on=today - timedelta(days=10),
                expires_on=today + timedelta(days=5),
                recorded_by=built.users[recorder],
                revoked_on=today - timedelta(days=1) if revoked else None,
            )
            for holder, sponsor, recorder, revoked in made
        ]
        tokens = []
        for i, (owner, expiry, revoked) in enumerate(accounts_world.tokens):
            _raw, digest = ApiToken.generate()
            tokens.append(
                ApiToken.objects.create(
                    user=built.users[owner],
                    name=f"Token {i}",
                    digest=digest,
                    hint=digest[:8],
                    expires_on=today + timedelta(days=expiry),
                    revoked_at=timezone.now() if revoked else None,
                )
            )
        # Every grant and token in the database is one of this world's.
        assert list(CaveatGrant.objects.order_by("pk")) == grants
        assert list(ApiToken.objects.order_by("pk")) == tokens
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in caveat_grant_policy.actions:
                check_agree(
                    caveat_grant_policy,
                    action,
                    user,
                    grants,
                    [caveat_grant_reference(world, u, action, g) for g in made],
                )
            for action in api_token_policy.actions:
                check_agree(
                    api_token_policy,
                    action,
                    user,
                    tokens,
                    [api_token_reference(u, t) for t in accounts_world.tokens],
                )
        anonymous = AnonymousUser()
        for action in caveat_grant_policy.actions:
            check_agree(caveat_grant_policy, action, anonymous, grants, [False] * len(grants))
        for action in api_token_policy.actions:
            check_agree(api_token_policy, action, anonymous, tokens, [False] * len(tokens))
        transaction.set_rollback(True)
