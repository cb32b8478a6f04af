"""Property test of the commissioning policies over generated worlds
(tests/core/test_access_properties.py): for every user, call or bid, and action, the database
filter (`visible_to`), the Python answer over the user's facts (`user_can`) and a reference
written here from permissions.md's row "programme, commissioning" and ADR 0016 agree; so do the
questions asked of a partnership.

Proves `call_policy`, `bid_policy` and `applicant_bid_policy`. Calls run across one or more
partnerships in every status; panels hold declared and undeclared members, some recused from
some bids; bids are in every status, from organisations some of whose people are applicants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lde.accounts.models import Organisation
from lde.commissioning.models import (
    Applicant,
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    CallStatus,
    ConflictOfInterest,
    PanelMember,
)
from lde.commissioning.policies import applicant_bid_policy, bid_policy, call_policy
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
BID_READERS = {Role.COORDINATOR, Role.CONTRIBUTOR, Role.VIEWER}
COMMENTERS = READERS | {Role.COMMUNITY_REVIEWER}


@dataclass(frozen=True)
class CWorld:
    world: World
    calls: tuple[tuple[frozenset[int], str], ...]  # partnerships (lead first: min), status
    panel: frozenset[tuple[int, int, bool]]  # call, user, declared
    bids: tuple[tuple[int, int, str], ...]  # call, organisation, status
    conflicts: frozenset[tuple[int, int, int]]  # call, user, bid
    applicants: tuple[tuple[int, int], ...]  # user, organisation (one per user)


@st.composite
def cworlds(draw: Any) -> CWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    n_p, n_u, n_o = world.partnerships, world.users, world.organisations
    calls = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.frozensets(st.integers(0, n_p - 1), min_size=1, max_size=2),
                    st.sampled_from(list(CallStatus.values)),
                ),
                min_size=1,
                max_size=3,
            )
        )
    )
    n_c = len(calls)
    panel_list = draw(
        st.lists(
            st.tuples(st.integers(0, n_c - 1), st.integers(0, n_u - 1), st.booleans()),
            max_size=5,
            unique_by=lambda t: (t[0], t[1]),
        )
    )
    bids = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_c - 1),
                    st.integers(0, n_o - 1),
                    st.sampled_from(list(BidStatus.values)),
                ),
                min_size=1,
                max_size=4,
            )
        )
    )
    conflicts = set()
    for c, u, _ in panel_list:
        for b, (bc, _, _) in enumerate(bids):
            if bc == c and draw(st.booleans()):
                conflicts.add((c, u, b))
    applicants = tuple(
        draw(
            st.lists(
                st.tuples(st.integers(0, n_u - 1), st.integers(0, n_o - 1)),
                max_size=3,
                unique_by=lambda t: t[0],
            )
        )
    )
    return CWorld(world, calls, frozenset(panel_list), bids, frozenset(conflicts), applicants)


def _reached(w: World, u: int, ps: frozenset[int], roles: set[str], *, insp: bool) -> bool:
    return any(roles_of(w, u, p) & roles or (insp and inspects(w, u, p)) for p in ps)


def call_reference(cw: CWorld, u: int, action: str, c: int) -> bool:
    w = cw.world
    ps, status = cw.calls[c]
    coordinator = _reached(w, u, ps, {Role.COORDINATOR}, insp=False)
    if action == "view":
        return _reached(w, u, ps, READERS, insp=True) or (
            status == CallStatus.CONSULTATION
            and _reached(w, u, ps, {Role.COMMUNITY_REVIEWER}, insp=False)
        )
    if action in ("edit", "consult"):
        return coordinator and status == CallStatus.DRAFT
    if action == "publish":
        return coordinator and status in (CallStatus.DRAFT, CallStatus.CONSULTATION)
    if action == "close":
        return coordinator and status == CallStatus.OPEN
    if action == "comment":
        return status == CallStatus.CONSULTATION and _reached(w, u, ps, COMMENTERS, insp=False)
    if action == "manage_panel":
        return coordinator and status != CallStatus.DECIDED
    if action == "moderate":
        return coordinator and status == CallStatus.CLOSED
    if action == "declare":
        on_panel = any(pc == c and pu == u for pc, pu, _ in cw.panel)
        return (
            status != CallStatus.DECIDED
            and on_panel
            and _reached(w, u, ps, {Role.BOARD_MEMBER}, insp=False)
        )
    if action == "start":
        return coordinator
    raise AssertionError(action)


def _clear(cw: CWorld, u: int, b: int) -> bool:
    c = cw.bids[b][0]
    ps = cw.calls[c][0]
    declared = any(pc == c and pu == u and d for pc, pu, d in cw.panel)
    return (
        declared
        and (c, u, b) not in cw.conflicts
        and _reached(cw.world, u, ps, {Role.BOARD_MEMBER}, insp=False)
    )


def bid_reference(cw: CWorld, u: int, action: str, b: int) -> bool:
    c, _, status = cw.bids[b]
    ps, call_status = cw.calls[c]
    if status == BidStatus.DRAFT:
        return False
    closed = call_status == CallStatus.CLOSED and status == BidStatus.SUBMITTED
    coordinator = _reached(cw.world, u, ps, {Role.COORDINATOR}, insp=False)
    if action == "view":
        return _reached(cw.world, u, ps, BID_READERS, insp=True) or _clear(cw, u, b)
    if action == "score":
        return closed and _clear(cw, u, b)
    if action == "decide":
        return closed and coordinator
    if action == "letter":
        return status != BidStatus.SUBMITTED and coordinator
    raise AssertionError(action)


def applicant_reference(cw: CWorld, u: int, action: str, b: int) -> bool:
    c, o, status = cw.bids[b]
    own = (u, o) in cw.applicants
    if action in ("view", "start"):
        return own
    if action in ("edit", "submit"):
        return own and status == BidStatus.DRAFT and cw.calls[c][1] == CallStatus.OPEN
    if action == "letter":
        return own and status in (BidStatus.AWARDED, BidStatus.DECLINED)
    raise AssertionError(action)


@settings(max_examples=40, deadline=None)
@given(cw=cworlds())
def test_commissioning_policies_agree_three_ways(cw: CWorld) -> None:
    world = cw.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        organisations = [
            Organisation.objects.create(name=f"Bidder {i}", type="voluntary")
            for i in range(world.organisations)
        ]
        calls = []
        for n, (ps, status) in enumerate(cw.calls):
            lead = built.partnerships[min(ps)]
            call = Call.objects.create(
                partnership=lead,
                title=f"Call {n}",
                purpose="P",
                eligibility="E",
                maximum_amount=Decimal("1000"),
                opens_on=today,
                closes_on=today + timedelta(days=1),
                status=status,
            )
            for p in sorted(ps):
                CallPartnership.objects.create(call=call, partnership=built.partnerships[p])
            calls.append(call)
        members = {}
        for c, u, declared in cw.panel:
            members[(c, u)] = PanelMember.objects.create(
                call=calls[c],
                user=built.users[u],
                named_by=built.users[u],
                declared_at=timezone.now() if declared else None,
            )
        bids = [
            Bid.objects.create(
                call=calls[c],
                organisation=organisations[o],
                title=f"Bid {n}",
                summary="S",
                amount=Decimal("10"),
                status=status,
                created_by=built.users[0],
            )
            for n, (c, o, status) in enumerate(cw.bids)
        ]
        for c, u, b in cw.conflicts:
            ConflictOfInterest.objects.create(panellist=members[(c, u)], bid=bids[b], nature="N")
        for u, o in cw.applicants:
            Applicant.objects.create(user=built.users[u], organisation=organisations[o])
        calls = list(Call.objects.order_by("pk"))
        bids = list(Bid.objects.select_related("call").order_by("pk"))
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in call_policy.actions:
                check_agree(
                    call_policy,
                    action,
                    user,
                    calls,
                    [call_reference(cw, u, action, c) for c in range(len(calls))],
                )
            for action in bid_policy.actions:
                check_agree(
                    bid_policy,
                    action,
                    user,
                    bids,
                    [bid_reference(cw, u, action, b) for b in range(len(bids))],
                )
            for action in applicant_bid_policy.actions:
                check_agree(
                    applicant_bid_policy,
                    action,
                    user,
                    bids,
                    [applicant_reference(cw, u, action, b) for b in range(len(bids))],
                )
            assert applicant_bid_policy.user_can_in(user, "start") == any(
                au == u for au, _ in cw.applicants
            )
            for p, partnership in enumerate(built.partnerships):
                assert call_policy.user_can_in(user, "start", partnership.pk) == (
                    Role.COORDINATOR in roles_of(world, u, p)
                )
                assert call_policy.user_can_in(user, "view", partnership.pk) == (
                    bool(roles_of(world, u, p) & READERS) or inspects(world, u, p)
                )
        transaction.set_rollback(True)
