"""A partnership with its coordinator, a viewer, an inspector and someone from elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from lde.partnerships.models import Partnership, Role
from tests.factories import AssignmentFactory, MembershipFactory, PartnershipFactory, UserFactory


@dataclass
class Cast:
    partnership: Partnership
    coordinator: Any
    viewer: Any
    inspector: Any
    outsider: Any


@pytest.fixture
def cast(db: None) -> Cast:
    partnership: Any = PartnershipFactory(name="Harrowfield")
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    inspector = UserFactory()
    AssignmentFactory(user=inspector, partnerships=[partnership])
    outsider = MembershipFactory(role=Role.COORDINATOR).user
    return Cast(partnership, coordinator, viewer, inspector, outsider)
