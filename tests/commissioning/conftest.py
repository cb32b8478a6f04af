from __future__ import annotations

from typing import Any

import pytest

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Membership, PartnerOrganisation, Partnership, Role
from tests.commissioning.builders import commissioning_world


@pytest.fixture
def cworld(db: None) -> dict[str, Any]:
    council = Organisation.objects.create(name="Test Council", type="council", gss_code="E08000025")
    partnership = Partnership.objects.create(
        name="Testshire", lead_council=council, region="E12000007"
    )
    PartnerOrganisation.objects.create(partnership=partnership, organisation=council)
    people = {}
    for role in (
        Role.COORDINATOR,
        Role.BOARD_MEMBER,
        Role.CONTRIBUTOR,
        Role.VIEWER,
        Role.COMMUNITY_REVIEWER,
    ):
        user = User.objects.create(
            email=f"{role}@example.test", full_name=role.title(), organisation=council
        )
        Membership.objects.create(
            user=user, partnership=partnership, role=role, organisation=council
        )
        people[str(role)] = user
    built = commissioning_world(
        coordinator=people["coordinator"],
        board_member=people["board_member"],
        partnership=partnership,
    )
    return {**built, "people": people, "partnership": partnership}
