"""Property tests of the access rule over generated worlds.

Each example builds one small world — partnerships, organisations, users, roles, assignments
(some expired, some not yet started), posts and clearances — and checks every (user, object)
pair three ways: the policy's database filter (`visible_to`), its Python answer over the user's
facts (`user_can`), and a reference written here from `permissions.md` over the plain world.
All three must agree, and nobody may see another partnership's rows except through a live
assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lde.accounts.models import Clearance, Organisation, Post, PostHolding, PostKind, User
from lde.accounts.policies import clearance_policy, organisation_policy, post_policy
from lde.core.access.facts import facts_forget
from lde.partnerships.models import (
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
)
from lde.partnerships.policies import membership_policy, partnership_policy

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}


@dataclass(frozen=True)
class World:
    partnerships: int
    organisations: int
    users: int
    user_organisation: tuple[int | None, ...]
    links: frozenset[tuple[int, int]]  # (partnership, organisation)
    memberships: frozenset[tuple[int, int, str]]  # (user, partnership, role)
    assignments: tuple[tuple[int, str, frozenset[int], int, int], ...]  # user, kind, ps, start, end
    posts: tuple[tuple[int, str], ...]  # (organisation, kind)
    holdings: tuple[tuple[int, int, int, int | None], ...]  # post, user, start, end offsets
    clearances: tuple[tuple[int, int, int], ...]  # user, sponsor, recorder
    analysts: frozenset[int]
    admins: frozenset[int]


@st.composite
def worlds(draw: Any) -> World:
    n_p = draw(st.integers(1, 3))
    n_o = draw(st.integers(1, 4))
    n_u = draw(st.integers(2, 5))
    user_org = tuple(draw(st.one_of(st.none(), st.integers(0, n_o - 1))) for _ in range(n_u))
    links = draw(
        st.frozensets(st.tuples(st.integers(0, n_p - 1), st.integers(0, n_o - 1)), max_size=6)
    )
    memberships = draw(
        st.frozensets(
            st.tuples(st.integers(0, n_u - 1), st.integers(0, n_p - 1), st.sampled_from(ROLES)),
            max_size=8,
        )
    )
    offsets = st.integers(-20, 20)
    assignments = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_u - 1),
                    st.sampled_from([AssignmentKind.INSPECTOR, AssignmentKind.PEER_REVIEWER]),
                    st.frozensets(st.integers(0, n_p - 1), min_size=1),
                    offsets,
                    offsets,
                ).map(lambda a: (a[0], a[1], a[2], min(a[3], a[4]), max(a[3], a[4]))),
                max_size=3,
            )
        )
    )
    posts = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_o - 1),
                    st.sampled_from([PostKind.SECURITY_CONTACT, PostKind.OTHER]),
                ),
                max_size=3,
            )
        )
    )
    holdings: list[tuple[int, int, int, int | None]] = []
    for post_index in range(len(posts)):
        if draw(st.booleans()):
            start = draw(st.integers(-20, 5))
            end = draw(st.one_of(st.none(), st.integers(start, 20)))
            holdings.append((post_index, draw(st.integers(0, n_u - 1)), start, end))
    clearances = tuple(
        c
        for c in draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_u - 1), st.integers(0, n_o - 1), st.integers(0, n_u - 1)
                ),
                max_size=3,
            )
        )
        if c[0] != c[2]
    )
    analysts = draw(st.frozensets(st.integers(0, n_u - 1), max_size=1))
    admins = draw(st.frozensets(st.integers(0, n_u - 1), max_size=1))
    return World(
        n_p,
        n_o,
        n_u,
        user_org,
        links,
        memberships,
        assignments,
        posts,
        tuple(holdings),
        clearances,
        analysts,
        admins,
    )


@dataclass
class Built:
    partnerships: list[Partnership]
    organisations: list[Organisation]
    users: list[User]
    posts: list[Post]
    clearances: list[Clearance]
    memberships: dict[tuple[int, int, str], Membership]


def build(world: World, today: date) -> Built:
    organisations = [
        Organisation.objects.create(name=f"O{i}", type="council")
        for i in range(world.organisations)
    ]
    users = [
        User.objects.create(
            email=f"u{i}@example.test",
            full_name=f"U{i}",
            organisation=organisations[o] if o is not None else None,
            is_national_analyst=i in world.analysts,
            is_site_administrator=i in world.admins,
        )
        for i, o in enumerate(world.user_organisation)
    ]
    partnerships = [
        Partnership.objects.create(name=f"P{i}", lead_council=organisations[0], region="E12000007")
        for i in range(world.partnerships)
    ]
    for p, o in world.links:
        PartnerOrganisation.objects.create(
            partnership=partnerships[p], organisation=organisations[o]
        )
    memberships = {
        (u, p, r): Membership.objects.create(user=users[u], partnership=partnerships[p], role=r)
        for u, p, r in world.memberships
    }
    for u, kind, ps, start, end in world.assignments:
        assignment = Assignment.objects.create(
            user=users[u],
            kind=kind,
            title="A",
            starts_on=today + timedelta(start),
            ends_on=today + timedelta(end),
        )
        assignment.partnerships.set([partnerships[p] for p in ps])
    posts = [
        Post.objects.create(organisation=organisations[o], kind=k, title=f"Post {i}")
        for i, (o, k) in enumerate(world.posts)
    ]
    for post_index, u, start, end in world.holdings:
        PostHolding.objects.create(
            post=posts[post_index],
            user=users[u],
            started_on=today + timedelta(start),
            ended_on=None if end is None else today + timedelta(end),
        )
    clearances = [
        Clearance.objects.create(
            user=users[u],
            level=30,
            granted_on=today - timedelta(5),
            expires_on=today + timedelta(5),
            sponsor=organisations[s],
            recorded_by=users[r],
        )
        for u, s, r in world.clearances
    ]
    return Built(partnerships, organisations, users, posts, clearances, memberships)


# The reference: permissions.md, written directly over the plain world.


def roles_of(world: World, u: int, p: int) -> set[str]:
    return {r for (mu, mp, r) in world.memberships if mu == u and mp == p}


def inspects(world: World, u: int, p: int) -> bool:
    return any(
        au == u and kind == AssignmentKind.INSPECTOR and p in ps and start <= 0 <= end
        for au, kind, ps, start, end in world.assignments
    )


def partnership_reference(world: World, u: int, action: str, p: int) -> bool:
    if action == "administer":  # a partnership's own facts: site administrators
        return u in world.admins
    roles = roles_of(world, u, p)
    if action == "view":
        return bool(roles) or inspects(world, u, p)
    if action == "view_members":
        return bool(roles & READERS) or inspects(world, u, p)
    if action == "view_audit":
        return Role.COORDINATOR in roles or inspects(world, u, p)
    if action == "view_coverage":
        return bool(roles & {Role.COORDINATOR, Role.BOARD_MEMBER}) or inspects(world, u, p)
    return Role.COORDINATOR in roles  # manage, view_clearances


def security_contact_of(world: World, u: int) -> set[int]:
    return {
        world.posts[post][0]
        for post, hu, start, end in world.holdings
        if hu == u
        and world.posts[post][1] == PostKind.SECURITY_CONTACT
        # A holder speaks only for the organisation they work for.
        and world.user_organisation[u] == world.posts[post][0]
        and start <= 0
        and (end is None or end >= 0)
    }


def organisation_reference(world: World, u: int, action: str, o: int) -> bool:
    if action == "manage_clearances":
        return o in security_contact_of(world, u)
    coordinated = {
        p for p in range(world.partnerships) if Role.COORDINATOR in roles_of(world, u, p)
    }
    if action == "manage":
        return u in world.admins or any((p, o) in world.links for p in coordinated)
    reads_register = (
        u in world.admins
        or u in world.analysts
        or any(r in READERS for (mu, _p, r) in world.memberships if mu == u)
        or any(inspects(world, u, p) for p in range(world.partnerships))
    )
    member_of = {mp for (mu, mp, _r) in world.memberships if mu == u}
    return (
        reads_register
        or world.user_organisation[u] == o
        or any((p, o) in world.links for p in member_of)
    )


def post_reference(world: World, u: int, action: str, post: int) -> bool:
    o, kind = world.posts[post]
    if action == "manage":
        # permissions.md, "Authority over the facts the rules read".
        if kind == PostKind.SECURITY_CONTACT:
            return u in world.admins or any(
                hp == post and hu == u and start <= 0 and (end is None or end >= 0)
                for hp, hu, start, end in world.holdings
            )
        coordinator = any(
            Role.COORDINATOR in roles_of(world, u, p) for p in range(world.partnerships)
        )
        own = world.user_organisation[u]
        return own == o and (coordinator or o in security_contact_of(world, u))
    readable = {
        p
        for p in range(world.partnerships)
        if roles_of(world, u, p) & READERS or inspects(world, u, p)
    }
    return (
        world.user_organisation[u] == o
        or o in security_contact_of(world, u)
        or any((p, o) in world.links for p in readable)
        or (u in world.admins and kind == PostKind.SECURITY_CONTACT)
    )


def clearance_reference(world: World, u: int, action: str, c: int) -> bool:
    holder, sponsor, _recorder = world.clearances[c]
    if action == "revoke":
        # Not the holder's organisation today: a sponsor revokes after the person moves on.
        return (
            sponsor in security_contact_of(world, u)
            and sponsor == world.user_organisation[u]
            and holder != u
        )
    if action == "record":
        own = world.user_organisation[u]
        return (
            sponsor in security_contact_of(world, u)
            and sponsor == own
            and world.user_organisation[holder] == sponsor
            and holder != u
        )
    coordinated = {
        p for p in range(world.partnerships) if Role.COORDINATOR in roles_of(world, u, p)
    }
    return (
        holder == u
        or sponsor in security_contact_of(world, u)
        or any(roles_of(world, holder, p) for p in coordinated)
    )


def membership_reference(world: World, u: int, action: str, key: tuple[int, int, str]) -> bool:
    _mu, p, _r = key
    if action == "view":
        return partnership_reference(world, u, "view_members", p)
    return partnership_reference(world, u, "manage", p)


def _agree(policy: Any, action: str, user: User, objects: list[Any], expected: list[bool]) -> None:
    visible = set(policy.visible_to(user, action).values_list("pk", flat=True))
    for obj, want in zip(objects, expected, strict=True):
        assert (obj.pk in visible) == want, (policy, action, user, obj)
        assert policy.user_can(user, action, obj) == want, (policy, action, user, obj)


@given(world=worlds())
def test_policies_agree_with_the_reference_in_every_world(world: World) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in partnership_policy.actions:
                _agree(
                    partnership_policy,
                    action,
                    user,
                    built.partnerships,
                    [partnership_reference(world, u, action, p) for p in range(world.partnerships)],
                )
            for action in organisation_policy.actions:
                _agree(
                    organisation_policy,
                    action,
                    user,
                    built.organisations,
                    [
                        organisation_reference(world, u, action, o)
                        for o in range(world.organisations)
                    ],
                )
            for action in post_policy.actions:
                _agree(
                    post_policy,
                    action,
                    user,
                    built.posts,
                    [post_reference(world, u, action, i) for i in range(len(world.posts))],
                )
            for action in clearance_policy.actions:
                _agree(
                    clearance_policy,
                    action,
                    user,
                    built.clearances,
                    [
                        clearance_reference(world, u, action, c)
                        for c in range(len(world.clearances))
                    ],
                )
            keys = sorted(built.memberships)
            for action in membership_policy.actions:
                _agree(
                    membership_policy,
                    action,
                    user,
                    [built.memberships[k] for k in keys],
                    [membership_reference(world, u, action, k) for k in keys],
                )
        transaction.set_rollback(True)


@given(world=worlds())
def test_nobody_sees_another_partnerships_rows_except_through_a_live_assignment(
    world: World,
) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        for u, user in enumerate(built.users):
            facts_forget(user)
            for membership in membership_policy.visible_to(user, "view"):
                p = built.partnerships.index(membership.partnership)
                assert roles_of(world, u, p) or inspects(world, u, p)
            for partnership in partnership_policy.visible_to(user, "view"):
                p = built.partnerships.index(partnership)
                assert roles_of(world, u, p) or inspects(world, u, p)
        transaction.set_rollback(True)
