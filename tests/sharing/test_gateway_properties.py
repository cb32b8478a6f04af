"""The gateway rule, proved over generated worlds.

Each example builds one world — users with organisations, memberships, inspector and peer
reviewer assignments (live or ended yesterday), posts held or left, clearances (expiring
yesterday, today or later, some revoked) and caveat grants (sponsored by the person's own
organisation, or by another, which counts for nothing), superuser and other site-wide flags,
protocols in every status with their parties, and briefing products in every status, with
markings of both schemes, caveats, recipients, a protocol or none, dissemination lists by post,
role, organisation and name, and the people named to work on them — and checks every (user,
product) pair in it three ways:

- the database filter (`product_policy.visible_to`, one query per user, and its count), for
  both actions it filters ("view" and "download"; the others are decided per product);
- the pure-Python reference beside it (`gateway_allows`, over the facts the loader reads and the
  product's facts);
- a reference written here from architecture.md over the plain world, which also proves that the
  facts are loaded right (dates, revocations, live holdings and assignments).

The run checks at least 10,000 pairs, and counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lde.accounts.models import (
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostHolding,
    User,
)
from lde.core.access.facts import facts_for, facts_forget
from lde.core.access.markings import Marking
from lde.partnerships.models import (
    Assignment,
    AssignmentKind,
    Membership,
    PartnerOrganisation,
    Partnership,
    Role,
)
from lde.sharing.models import (
    BriefingProduct,
    DisseminationEntry,
    DisseminationKind,
    PersonKind,
    ProductPerson,
    ProductStatus,
    Protocol,
    ProtocolStatus,
)
from lde.sharing.policies import gateway_allows, product_facts, product_policy

pytestmark = pytest.mark.django_db

USERS = 12
PRODUCTS = 14
ORGANISATIONS = 3
PARTNERSHIPS = 2
POSTS = 3
CAVEATS = ("alpha", "bravo")
EXAMPLES = 64
MINIMUM_PAIRS = 10_000
ROLES = list(Role.values)
# The vetting each marking needs, from the default scheme (core's data migration): legacy
# markings are handled as the marking of today's scheme they map onto.
REQUIRED = {
    "official": 0,
    "official-sensitive": 10,
    "secret": 30,
    "top-secret": 50,
    "restricted": 0,
    "confidential": 10,
}
# Offsets from today: expired yesterday, expires today (still valid), later.
EXPIRY = st.sampled_from([-1, 0, 5])


@dataclass(frozen=True)
class WorldUser:
    organisation: int | None
    memberships: frozenset[tuple[int, str]]
    assignment: tuple[str, int, bool] | None  # kind, partnership, live
    clearances: tuple[tuple[int, int, bool], ...]  # level, expiry offset, revoked
    caveats: tuple[tuple[str, int | None, bool], ...]  # code, expiry offset (None: none), revoked
    posts: tuple[tuple[int, int | None], ...]  # post, ended offset (None: still held)
    # Whether their clearances and caveats are sponsored by their own organisation (the only
    # sponsor that counts) or by another.
    sponsored_by_own: bool
    flags: bool  # superuser, staff, site administrator and national analyst all at once


@dataclass(frozen=True)
class WorldProduct:
    status: str
    marking: str
    caveats: frozenset[str]
    recipients: frozenset[int]
    protocol: int | None
    dissemination: frozenset[tuple[str, Any]]
    people: frozenset[tuple[int, str]]


@dataclass(frozen=True)
class World:
    users: tuple[WorldUser, ...]
    post_organisations: tuple[int, ...]
    partner_links: frozenset[tuple[int, int]]
    protocols: tuple[tuple[str, frozenset[int]], ...]
    products: tuple[WorldProduct, ...]


def st_bias() -> int:
    """Lists start at one item this often, so that most worlds have readers in them."""
    return 1


def _users() -> Any:
    return st.builds(
        WorldUser,
        organisation=st.sampled_from([None, 0, 1, 2, 0, 1]),
        memberships=st.frozensets(
            st.tuples(st.integers(0, PARTNERSHIPS - 1), st.sampled_from(ROLES)),
            min_size=st_bias(),
            max_size=3,
        ),
        assignment=st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from([AssignmentKind.INSPECTOR, AssignmentKind.PEER_REVIEWER]),
                st.integers(0, PARTNERSHIPS - 1),
                st.booleans(),
            ),
        ),
        clearances=st.lists(
            st.tuples(
                st.sampled_from([10, 20, 30, 40, 50]),
                EXPIRY,
                st.sampled_from([False, False, True]),
            ),
            min_size=st_bias(),
            max_size=2,
        ).map(tuple),
        caveats=st.lists(
            st.tuples(
                st.sampled_from(CAVEATS),
                st.one_of(st.none(), EXPIRY),
                st.sampled_from([False, False, True]),
            ),
            min_size=st_bias(),
            max_size=2,
        ).map(tuple),
        posts=st.lists(
            st.tuples(st.integers(0, POSTS - 1), st.one_of(st.none(), st.sampled_from([-1, 0]))),
            max_size=2,
            unique_by=lambda h: h[0],
        ).map(tuple),
        sponsored_by_own=st.sampled_from([True, True, True, False]),
        flags=st.booleans(),
    )


def _entries() -> Any:
    # Lines by organisation and role reach many people at once, so they come up most often.
    return st.one_of(
        st.tuples(st.just(DisseminationKind.ORGANISATION), st.integers(0, ORGANISATIONS - 1)),
        st.tuples(st.just(DisseminationKind.ROLE), st.sampled_from(ROLES)),
        st.tuples(st.just(DisseminationKind.ORGANISATION), st.integers(0, ORGANISATIONS - 1)),
        st.tuples(st.just(DisseminationKind.ROLE), st.sampled_from(ROLES)),
        st.tuples(st.just(DisseminationKind.POST), st.integers(0, POSTS - 1)),
        st.tuples(st.just(DisseminationKind.USER), st.integers(0, USERS - 1)),
    )


def _products() -> Any:
    return st.builds(
        WorldProduct,
        # Released most often: that is where clauses 1 to 6 all apply.
        status=st.sampled_from(
            [ProductStatus.RELEASED] * 4
            + [ProductStatus.SUPERSEDED, ProductStatus.DRAFT, ProductStatus.IN_REVIEW]
            + [ProductStatus.WITHDRAWN]
        ),
        marking=st.sampled_from(["official", "official-sensitive", *sorted(REQUIRED)]),
        caveats=st.sampled_from(
            [frozenset()] * 3 + [frozenset({"alpha"}), frozenset(CAVEATS), frozenset({"bravo"})]
        ),
        recipients=st.sampled_from(
            [frozenset({0, 1}), frozenset({0}), frozenset({1}), frozenset()]
        ),
        protocol=st.sampled_from([0, 0, 1, None]),
        dissemination=st.frozensets(_entries(), min_size=st_bias(), max_size=5),
        people=st.frozensets(
            st.tuples(st.integers(0, USERS - 1), st.sampled_from(PersonKind.values)), max_size=3
        ),
    )


worlds = st.builds(
    World,
    users=st.lists(_users(), min_size=USERS, max_size=USERS).map(tuple),
    post_organisations=st.lists(
        st.integers(0, ORGANISATIONS - 1), min_size=POSTS, max_size=POSTS
    ).map(tuple),
    partner_links=st.frozensets(
        st.tuples(st.integers(0, PARTNERSHIPS - 1), st.integers(0, ORGANISATIONS - 1))
    ),
    protocols=st.lists(
        st.tuples(
            st.sampled_from(
                [ProtocolStatus.IN_FORCE] * 3
                + [ProtocolStatus.SUSPENDED, ProtocolStatus.DRAFT, ProtocolStatus.ENDED]
            ),
            st.sampled_from(
                [frozenset({0, 1, 2}), frozenset({0, 1}), frozenset({1, 2}), frozenset({2})]
            ),
        ),
        min_size=2,
        max_size=2,
    ).map(tuple),
    products=st.lists(_products(), min_size=PRODUCTS, max_size=PRODUCTS).map(tuple),
)


def holdings_of(world: World) -> list[list[tuple[int, int | None]]]:
    """Each user's holdings as stored: a post has at most one current holder, so a later user's
    open holding of a post already held is not made (the database would refuse it)."""
    held: set[int] = set()
    found = []
    for user in world.users:
        mine = []
        for post, ended in user.posts:
            if ended is None:
                if post in held:
                    continue
                held.add(post)
            mine.append((post, ended))
        found.append(mine)
    return found


def reference(world: World, u: int, p: int) -> bool:
    """The gateway rule of architecture.md, over the plain world."""
    user, product = world.users[u], world.products[p]
    # Vetting counts only when sponsored by the person's own organisation (permissions.md).
    sponsored = user.organisation is not None and user.sponsored_by_own
    level = max(
        (
            level
            for level, expiry, revoked in user.clearances
            if sponsored and expiry >= 0 and not revoked
        ),
        default=0,
    )
    held = {
        code
        for code, expiry, revoked in user.caveats
        if sponsored and not revoked and (expiry is None or expiry >= 0)
    }
    # 4 and 5, whatever the status.
    if level < REQUIRED[product.marking] or not product.caveats <= held:
        return False
    # Before release: the people named to work on it.
    if product.status in (ProductStatus.DRAFT, ProductStatus.IN_REVIEW):
        return any(person == u for person, _ in product.people)
    # 1: released, or superseded (still shown, labelled); never withdrawn.
    if product.status not in (ProductStatus.RELEASED, ProductStatus.SUPERSEDED):
        return False
    # 2: one of the user's partnerships (membership, or live inspection) is a recipient.
    mine = {partnership for partnership, _ in user.memberships}
    if user.assignment is not None:
        kind, partnership, live = user.assignment
        if kind == AssignmentKind.INSPECTOR and live:
            mine.add(partnership)
    if not mine & product.recipients:
        return False
    # 3: on the list, by post held today, role in a recipient, organisation or name.
    posts = {post for post, ended in holdings_of(world)[u] if ended is None or ended >= 0}
    on_list = False
    for kind, target in product.dissemination:
        if (
            (kind == DisseminationKind.USER and target == u)
            or (kind == DisseminationKind.ORGANISATION and target == user.organisation)
            or (kind == DisseminationKind.POST and target in posts)
            or (
                kind == DisseminationKind.ROLE
                and any(
                    role == target and partnership in product.recipients
                    for partnership, role in user.memberships
                )
            )
        ):
            on_list = True
    if not on_list:
        return False
    # 6: the protocol is in force and the user's organisation is a party to it.
    if product.protocol is None or user.organisation is None:
        return False
    status, parties = world.protocols[product.protocol]
    return status == ProtocolStatus.IN_FORCE and user.organisation in parties


def _build(world: World) -> tuple[list[User], list[BriefingProduct]]:
    day = timezone.localdate()
    organisations = [
        Organisation.objects.create(name=f"Organisation {i}", type="council")
        for i in range(ORGANISATIONS)
    ]
    partnerships = [
        Partnership.objects.create(
            name=f"Partnership {i}", lead_council=organisations[0], region="E12000007"
        )
        for i in range(PARTNERSHIPS)
    ]
    PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(partnership=partnerships[p], organisation=organisations[o])
        for p, o in world.partner_links
    )
    posts = [
        Post.objects.create(organisation=organisations[o], kind="other", title=f"Post {i}")
        for i, o in enumerate(world.post_organisations)
    ]
    caveats = {code: Caveat.objects.create(code=code, name=code.title()) for code in CAVEATS}
    recorder = User.objects.create(email="recorder@example.test", full_name="Recorder")
    users = User.objects.bulk_create(
        User(
            email=f"user{i}@example.test",
            full_name=f"User {i}",
            organisation=organisations[w.organisation] if w.organisation is not None else None,
            is_superuser=w.flags,
            is_staff=w.flags,
            is_site_administrator=w.flags,
            is_national_analyst=w.flags,
        )
        for i, w in enumerate(world.users)
    )
    memberships, clearances, grants, holdings = [], [], [], []
    for user, w, held in zip(users, world.users, holdings_of(world), strict=True):
        own = w.organisation if w.organisation is not None else 0
        sponsor = organisations[own if w.sponsored_by_own else (own + 1) % ORGANISATIONS]
        memberships += [
            Membership(user=user, partnership=partnerships[p], role=role)
            for p, role in w.memberships
        ]
        clearances += [
            Clearance(
                user=user,
                level=level,
                granted_on=day - timedelta(days=100),
                expires_on=day + timedelta(days=expiry),
                sponsor=sponsor,
                recorded_by=recorder,
                revoked_on=day - timedelta(days=2) if revoked else None,
            )
            for level, expiry, revoked in w.clearances
        ]
        grants += [
            CaveatGrant(
                user=user,
                caveat=caveats[code],
                sponsor=sponsor,
                granted_on=day - timedelta(days=100),
                expires_on=None if expiry is None else day + timedelta(days=expiry),
                recorded_by=recorder,
                revoked_on=day - timedelta(days=2) if revoked else None,
            )
            for code, expiry, revoked in w.caveats
        ]
        holdings += [
            PostHolding(
                post=posts[post],
                user=user,
                started_on=day - timedelta(days=50),
                ended_on=None if ended is None else day + timedelta(days=ended),
            )
            for post, ended in held
        ]
        if w.assignment is not None:
            kind, p, live = w.assignment
            assignment = Assignment.objects.create(
                user=user,
                kind=kind,
                title="Assignment",
                starts_on=day - timedelta(days=30),
                ends_on=day if live else day - timedelta(days=1),
            )
            assignment.partnerships.set([partnerships[p]])
    Membership.objects.bulk_create(memberships)
    Clearance.objects.bulk_create(clearances)
    CaveatGrant.objects.bulk_create(grants)
    PostHolding.objects.bulk_create(holdings)
    protocols = []
    for i, (status, parties) in enumerate(world.protocols):
        protocol = Protocol.objects.create(
            title=f"Protocol {i}",
            purpose="p",
            legal_basis="b",
            dpia_reference="d",
            information_shared="i",
            who_may_see="w",
            handling="h",
            retention_days=30,
            review_on=day,
            status=status,
        )
        protocol.parties.set([organisations[o] for o in parties])
        protocols.append(protocol)
    markings = {m.code: m for m in Marking.objects.all()}
    products = BriefingProduct.objects.bulk_create(
        BriefingProduct(
            producing_organisation=organisations[0],
            title=f"Product {i}",
            marking=markings[w.marking],
            status=w.status,
            protocol=protocols[w.protocol] if w.protocol is not None else None,
        )
        for i, w in enumerate(world.products)
    )
    entries, people, caveat_links, recipient_links = [], [], [], []
    for product, w in zip(products, world.products, strict=True):
        for kind, target in w.dissemination:
            entry = DisseminationEntry(product=product, kind=kind)
            if kind == DisseminationKind.POST:
                entry.post = posts[target]
            elif kind == DisseminationKind.ROLE:
                entry.role = target
            elif kind == DisseminationKind.ORGANISATION:
                entry.organisation = organisations[target]
            else:
                entry.user = users[target]
            entries.append(entry)
        people += [ProductPerson(product=product, user=users[u], kind=k) for u, k in w.people]
        caveat_links += [
            BriefingProduct.caveats.through(briefingproduct=product, caveat=caveats[code])
            for code in w.caveats
        ]
        recipient_links += [
            BriefingProduct.recipients.through(briefingproduct=product, partnership=partnerships[p])
            for p in w.recipients
        ]
    DisseminationEntry.objects.bulk_create(entries)
    ProductPerson.objects.bulk_create(people)
    BriefingProduct.caveats.through.objects.bulk_create(caveat_links)
    BriefingProduct.recipients.through.objects.bulk_create(recipient_links)
    loaded = list(
        BriefingProduct.objects.filter(pk__in=[p.pk for p in products])
        .select_related("marking__maps_to", "protocol")
        .prefetch_related(
            "dissemination",
            "people",
            "recipients",
            "caveats",
            "protocol__parties",
            "contributing_organisations",
        )
        .order_by("pk")
    )
    return users, loaded


def test_the_markings_are_those_the_reference_assumes() -> None:
    found = {m.code: m.current.required_vetting for m in Marking.objects.all()}
    assert {code: found[code] for code in REQUIRED} == REQUIRED


def test_filter_and_references_agree_for_every_pair_of_every_world() -> None:
    tally = {"pairs": 0, "visible": 0, "examples": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(world=worlds)
    def check(world: World) -> None:
        with transaction.atomic():
            users, products = _build(world)
            known = [product_facts(p) for p in products]
            for u, user in enumerate(users):
                facts_forget(user)
                facts = facts_for(user)
                visible = set(product_policy.visible_to(user, "view").values_list("pk", flat=True))
                downloadable = set(
                    product_policy.visible_to(user, "download").values_list("pk", flat=True)
                )
                expected = 0
                for p, product in enumerate(products):
                    want = reference(world, u, p)
                    assert gateway_allows(facts, known[p]) == want, (u, p)
                    assert product_policy.allows(facts, "view", product) == want, (u, p)
                    assert (product.pk in visible) == want, (u, p)
                    assert product_policy.allows(facts, "download", product) == want, (u, p)
                    assert (product.pk in downloadable) == want, (u, p)
                    expected += want
                    tally["pairs"] += 1
                assert product_policy.visible_to(user, "view").count() == expected
                tally["visible"] += expected
            tally["examples"] += 1
            transaction.set_rollback(True)

    check()
    assert tally["examples"] == EXAMPLES
    assert tally["pairs"] >= MINIMUM_PAIRS, tally
    # The worlds are not vacuous: both answers occur often.
    assert tally["visible"] >= 150, tally
    assert tally["pairs"] - tally["visible"] >= 5_000, tally
