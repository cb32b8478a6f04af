"""A partnership with people in every role, and the fake Notify emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lde.consequence_management.notify import FakeNotify
from lde.partnerships.models import Role
from tests.factories import MembershipFactory, PartnershipFactory


@pytest.fixture(autouse=True)
def fake_notify() -> Iterator[type[FakeNotify]]:
    FakeNotify.reset()
    yield FakeNotify
    FakeNotify.reset()


@pytest.fixture
def cast(db: None) -> dict[str, Any]:
    partnership = PartnershipFactory(name="Testbridge")
    council = partnership.lead_council
    people = {}
    for role in Role.values:
        membership = MembershipFactory(partnership=partnership, role=role)
        people[role] = membership.user
    outsider = MembershipFactory(partnership=PartnershipFactory(), role=Role.COORDINATOR).user
    return {
        "partnership": partnership,
        "council": council,
        "people": people,
        "coordinator": people[Role.COORDINATOR],
        "outsider": outsider,
    }
