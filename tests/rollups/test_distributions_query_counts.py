"""The page and the API of distributions make the same number of queries whatever the number
of partnerships and cycles (issue 17, "Speed": query counts asserted constant)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.core.access.facts import facts_forget
from lde.partnerships.models import Region, Role
from lde.rollups.distributions_data import scored_cycles
from lde.rollups.models import AreaDataSet, AreaNeighbour
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.rollups.distributions_builders import version

pytestmark = pytest.mark.django_db

PATH = "/partnerships/distributions/"
CHOICE = {"version": "rollup-check:1.0", "cycle": "2024"}


def _world(partnerships: int, cycles: int) -> tuple[Any, Any]:
    """`partnerships` scored over `cycles` cycles across three regions; a coordinator of the
    first, whose three nearest are the next three; and a national analyst."""
    v = version()
    regions = [Region.NORTH_WEST, Region.LONDON, Region.SOUTH_WEST]
    made = [PartnershipFactory(region=regions[i % 3]) for i in range(partnerships)]
    scored_cycles(partnerships=made, version=v, years=range(2024 - cycles + 1, 2025))
    data_set = AreaDataSet.objects.create(file_name="a.csv", areas=partnerships)
    for rank, other in enumerate(made[1:4], start=1):
        AreaNeighbour.objects.create(
            data_set=data_set,
            area_code="E06999001",
            neighbour_code=f"E0699900{rank + 1}",
            partnership=made[0],
            neighbour=other,
            rank=rank,
            distance=float(rank),
        )
    coordinator = MembershipFactory(partnership=made[0], role=Role.COORDINATOR).user
    analyst = UserFactory(is_national_analyst=True)
    for user in (coordinator, analyst):
        facts_forget(user)
    return coordinator, analyst


def _queries(user: Any, params: dict[str, str]) -> int:
    client = sign_in(Client(), user)
    client.get(PATH, params)  # warm: the session and the user's facts
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PATH, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["coordinator", "analyst"])
def test_the_page_s_queries_do_not_grow_with_partnerships_or_cycles(who: str) -> None:
    small = _world(6, 1)
    counts = [_queries(small[0 if who == "coordinator" else 1], CHOICE)]
    large = _world(60, 4)
    counts.append(_queries(large[0 if who == "coordinator" else 1], CHOICE))
    assert counts[0] == counts[1], counts
    # And for one region as for England.
    region = _queries(large[0 if who == "coordinator" else 1], {**CHOICE, "region": Region.LONDON})
    assert region <= counts[1]
