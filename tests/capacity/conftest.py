"""A partnership with people in every role and one capacity record of each kind."""

from __future__ import annotations

from typing import Any

import pytest

from lde.partnerships.models import PartnerOrganisation, Role
from tests.capacity.builders import capacity_world
from tests.factories import MembershipFactory, PartnershipFactory


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
    records = capacity_world(
        coordinator=people[Role.COORDINATOR], partnership=partnership, member=council
    )
    return {
        "partnership": partnership,
        "council": council,
        "people": people,
        "outsider": outsider,
        "other": other,
        **records,
    }
