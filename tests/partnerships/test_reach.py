"""`reach_q` filters on the partnerships in the user's facts, and agrees with the `Exists` form.

ADR 0030: the reach filter names the ids `reached` gives instead of asking the memberships and
assignments again in two subqueries. Here, in one small world, both forms pick the same
partnerships and the same memberships, kept (`filter`) and left out (`exclude`), for each set of
roles with and without inspectors, and the new form asks no subquery.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import OuterRef

from lde.accounts.models import User
from lde.core.access.facts import facts_for, today
from lde.core.access.roles import READER_ROLES
from lde.partnerships.models import AssignmentKind, Membership, Partnership, Role
from lde.partnerships.reach import _reach_exists_q, reach_q
from tests.factories import AssignmentFactory, MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_SETS = [(Role.COORDINATOR,), (Role.VIEWER,), tuple(READER_ROLES), (Role.CONTRIBUTOR,)]


def _world() -> tuple[User, dict[str, int]]:
    user = UserFactory()
    coordinated, viewed, inspected, once_inspected, elsewhere = (
        PartnershipFactory() for _ in range(5)
    )
    MembershipFactory(user=user, partnership=coordinated, role=Role.COORDINATOR)
    MembershipFactory(user=user, partnership=viewed, role=Role.VIEWER)
    day = today()
    AssignmentFactory(
        user=user,
        kind=AssignmentKind.INSPECTOR,
        partnerships=[inspected],
        starts_on=day - timedelta(days=5),
        ends_on=day + timedelta(days=5),
    )
    AssignmentFactory(
        user=user,
        kind=AssignmentKind.INSPECTOR,
        partnerships=[once_inspected],
        starts_on=day - timedelta(days=50),
        ends_on=day - timedelta(days=1),
    )
    for partnership in (coordinated, viewed, inspected, once_inspected, elsewhere):
        MembershipFactory(partnership=partnership, role=Role.VIEWER)
    ids = {
        "coordinated": coordinated.pk,
        "viewed": viewed.pk,
        "inspected": inspected.pk,
        "once_inspected": once_inspected.pk,
        "elsewhere": elsewhere.pk,
    }
    return user, ids


@pytest.mark.parametrize("inspectors", [False, True])
@pytest.mark.parametrize("roles", ROLE_SETS)
def test_the_reach_filter_agrees_with_the_exists_form(
    roles: tuple[str, ...], inspectors: bool
) -> None:
    user, _ = _world()
    facts = facts_for(user)
    for ref_name, model in (("pk", Partnership), ("partnership_id", Membership)):
        new = reach_q(facts, roles, OuterRef(ref_name), inspectors=inspectors)
        old = _reach_exists_q(facts, roles, OuterRef(ref_name), inspectors=inspectors)
        manager = model._default_manager
        assert sorted(manager.filter(new).values_list("pk", flat=True)) == sorted(
            manager.filter(old).values_list("pk", flat=True)
        )
        assert sorted(manager.exclude(new).values_list("pk", flat=True)) == sorted(
            manager.exclude(old).values_list("pk", flat=True)
        )


def test_the_reach_filter_names_the_partnerships_reached_and_asks_no_subquery() -> None:
    user, ids = _world()
    facts = facts_for(user)
    readers = Partnership.objects.filter(
        reach_q(facts, READER_ROLES, OuterRef("pk"), inspectors=True)
    )
    assert sorted(readers.values_list("pk", flat=True)) == sorted(
        [ids["coordinated"], ids["viewed"], ids["inspected"]]
    )
    assert "EXISTS" not in str(readers.query).upper()
    coordinators = Partnership.objects.filter(reach_q(facts, (Role.COORDINATOR,), OuterRef("pk")))
    assert list(coordinators.values_list("pk", flat=True)) == [ids["coordinated"]]
