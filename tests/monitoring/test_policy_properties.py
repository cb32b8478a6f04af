"""Property test of the monitoring policies over generated worlds
(tests/core/test_access_properties.py): for every user, agreement or return, and action, the
database filter (`visible_to`), the Python answer over the user's facts (`user_can`) and a
reference written here from permissions.md's row "programme, commissioning" and the policy table
of docs/apps/monitoring.md agree; so do the questions asked of a partnership.

Proves `agreement_policy`, `return_policy`, `applicant_agreement_policy` and
`applicant_return_policy`. Agreements belong to any partnership, in every status, delivered by
organisations some of whose people are applicants; returns are in every status.
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
from lde.commissioning.models import Applicant
from lde.core.access.facts import facts_forget
from lde.monitoring.models import Agreement, AgreementStatus, Return, ReturnStatus
from lde.monitoring.policies import (
    agreement_policy,
    applicant_agreement_policy,
    applicant_return_policy,
    return_policy,
)
from lde.partnerships.models import Role
from tests.core.test_access_properties import World, build, inspects, roles_of
from tests.core.test_access_properties import worlds as access_worlds
from tests.partnerships.test_policy_properties import check_agree, with_live_inspectors

pytestmark = pytest.mark.django_db

READERS = {Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR, Role.VIEWER}
OPEN_TO_CHANGE = {ReturnStatus.DUE, ReturnStatus.SENT_BACK}


@dataclass(frozen=True)
class MWorld:
    world: World
    agreements: tuple[tuple[int, int, str], ...]  # partnership, organisation, status
    returns: tuple[tuple[int, str], ...]  # agreement, status
    applicants: tuple[tuple[int, int], ...]  # user, organisation (one per user)


@st.composite
def mworlds(draw: Any) -> MWorld:
    world = draw(with_live_inspectors(draw(access_worlds())))
    n_p, n_u, n_o = world.partnerships, world.users, world.organisations
    agreements = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_p - 1),
                    st.integers(0, n_o - 1),
                    st.sampled_from(list(AgreementStatus.values)),
                ),
                min_size=1,
                max_size=3,
            )
        )
    )
    returns = tuple(
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, len(agreements) - 1),
                    st.sampled_from(list(ReturnStatus.values)),
                ),
                min_size=1,
                max_size=5,
            )
        )
    )
    applicants = tuple(
        draw(
            st.lists(
                st.tuples(st.integers(0, n_u - 1), st.integers(0, n_o - 1)),
                max_size=3,
                unique_by=lambda t: t[0],
            )
        )
    )
    return MWorld(world, agreements, returns, applicants)


def _reads(w: World, u: int, p: int) -> bool:
    return bool(roles_of(w, u, p) & READERS) or inspects(w, u, p)


def agreement_reference(mw: MWorld, u: int, action: str, a: int) -> bool:
    p, _, status = mw.agreements[a]
    coordinator = Role.COORDINATOR in roles_of(mw.world, u, p)
    if action == "view":
        return _reads(mw.world, u, p)
    if action in ("edit", "activate"):
        return coordinator and status == AgreementStatus.DRAFT
    if action == "close":
        return coordinator and status == AgreementStatus.ACTIVE
    raise AssertionError(action)


def return_reference(mw: MWorld, u: int, action: str, r: int) -> bool:
    a, status = mw.returns[r]
    p, _, agreement_status = mw.agreements[a]
    coordinator = Role.COORDINATOR in roles_of(mw.world, u, p)
    if action == "view":
        return _reads(mw.world, u, p)
    if action == "make":
        return (
            coordinator and agreement_status == AgreementStatus.ACTIVE and status in OPEN_TO_CHANGE
        )
    if action == "review":
        return coordinator and status == ReturnStatus.SUBMITTED
    raise AssertionError(action)


def applicant_agreement_reference(mw: MWorld, u: int, action: str, a: int) -> bool:
    _, o, status = mw.agreements[a]
    return (u, o) in mw.applicants and status != AgreementStatus.DRAFT


def applicant_return_reference(mw: MWorld, u: int, action: str, r: int) -> bool:
    a, status = mw.returns[r]
    _, o, agreement_status = mw.agreements[a]
    own = (u, o) in mw.applicants and agreement_status != AgreementStatus.DRAFT
    if action == "view":
        return own
    if action == "make":
        return own and agreement_status == AgreementStatus.ACTIVE and status in OPEN_TO_CHANGE
    raise AssertionError(action)


@settings(max_examples=40, deadline=None)
@given(mw=mworlds())
def test_monitoring_policies_agree_three_ways(mw: MWorld) -> None:
    world = mw.world
    today = timezone.localdate()
    with transaction.atomic():
        built = build(world, today)
        organisations = [
            Organisation.objects.create(name=f"Deliverer {i}", type="voluntary")
            for i in range(world.organisations)
        ]
        agreements = [
            Agreement.objects.create(
                partnership=built.partnerships[p],
                organisation=organisations[o],
                title=f"Agreement {n}",
                amount=Decimal("1000"),
                starts_on=today,
                ends_on=today + timedelta(days=90),
                status=status,
                created_by=built.users[0],
            )
            for n, (p, o, status) in enumerate(mw.agreements)
        ]
        for n, (a, status) in enumerate(mw.returns):
            Return.objects.create(
                agreement=agreements[a],
                period_start=today + timedelta(days=n),
                period_end=today + timedelta(days=90),
                due_on=today + timedelta(days=120),
                status=status,
            )
        for u, o in mw.applicants:
            Applicant.objects.create(user=built.users[u], organisation=organisations[o])
        all_agreements = list(Agreement.objects.order_by("pk"))
        all_returns = list(Return.objects.select_related("agreement").order_by("pk"))
        for u, user in enumerate(built.users):
            facts_forget(user)
            for action in agreement_policy.actions:
                check_agree(
                    agreement_policy,
                    action,
                    user,
                    all_agreements,
                    [agreement_reference(mw, u, action, a) for a in range(len(all_agreements))],
                )
            for action in return_policy.actions:
                check_agree(
                    return_policy,
                    action,
                    user,
                    all_returns,
                    [return_reference(mw, u, action, r) for r in range(len(all_returns))],
                )
            for action in applicant_agreement_policy.actions:
                check_agree(
                    applicant_agreement_policy,
                    action,
                    user,
                    all_agreements,
                    [
                        applicant_agreement_reference(mw, u, action, a)
                        for a in range(len(all_agreements))
                    ],
                )
            for action in applicant_return_policy.actions:
                check_agree(
                    applicant_return_policy,
                    action,
                    user,
                    all_returns,
                    [applicant_return_reference(mw, u, action, r) for r in range(len(all_returns))],
                )
            for p, partnership in enumerate(built.partnerships):
                assert agreement_policy.user_can_in(user, "start", partnership.pk) == (
                    Role.COORDINATOR in roles_of(world, u, p)
                )
                assert agreement_policy.user_can_in(user, "view", partnership.pk) == _reads(
                    world, u, p
                )
        transaction.set_rollback(True)
