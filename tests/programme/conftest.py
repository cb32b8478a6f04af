"""A partnership with people in every role, another partnership in an alliance with it, and the
programme records of tests/programme/builders.py."""

from __future__ import annotations

from typing import Any

import pytest

from lde.partnerships.models import PartnerOrganisation, Role
from tests.factories import MembershipFactory, PartnershipFactory
from tests.programme.builders import programme_world


@pytest.fixture
def cast(db: None) -> dict[str, Any]:
    partnership = PartnershipFactory()
    council = partnership.lead_council
    PartnerOrganisation.objects.get_or_create(partnership=partnership, organisation=council)
    people = {}
    for role in Role.values:
        membership = MembershipFactory(partnership=partnership, role=role, organisation=council)
        membership.user.organisation = council
        membership.user.save()
        people[role] = membership.user
    other = PartnershipFactory()
    outsider = MembershipFactory(partnership=other, role=Role.COORDINATOR).user
    records = programme_world(
        coordinator=people[Role.COORDINATOR],
        partnership=partnership,
        member=council,
        other=other,
        other_coordinator=outsider,
    )
    return {
        "partnership": partnership,
        "council": council,
        "people": people,
        "outsider": outsider,
        "other": other,
        **records,
    }
