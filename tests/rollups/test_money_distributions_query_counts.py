"""The page and the API of money distributions make the same number of queries whatever the
number of partnerships, streams and years (issue 17, "Speed": query counts asserted constant)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Region, Role
from lde.rollups.money_data import allocated_years
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/partnerships/distributions/money/"
API = "/api/v1/rollups/money-distributions"
# Pinned: the sums are one query of allocations, grouped by partnership in the database, for
# every reader. What else a request reads (the session or token, the user, the second factor,
# the user's facts, a coordinator's own partnerships for the marks) is asserted constant.
EXPECTED = 1
REGIONS = [Region.NORTH_WEST, Region.LONDON, Region.SOUTH_WEST]


def _world(partnerships: int, years: int) -> dict[str, Any]:
    """`partnerships` with two streams each over `years` years, across three regions; a
    coordinator of the first and a national analyst."""
    made = [PartnershipFactory(region=REGIONS[i % 3]) for i in range(partnerships)]
    allocated_years(partnerships=made, years=range(2025 - years, 2025), confirmed_until=2024)
    people = {
        "coordinator": MembershipFactory(partnership=made[0], role=Role.COORDINATOR).user,
        "analyst": UserFactory(is_national_analyst=True),
    }
    for user in people.values():
        facts_forget(user)
    return people


def _own(captured: CaptureQueriesContext) -> int:
    """How many of the captured queries read allocations."""
    return sum('"programme_allocation"' in q["sql"] for q in captured.captured_queries)


def _page(user: Any, params: dict[str, str]) -> tuple[int, int]:
    client = sign_in(Client(), user)
    client.get(PAGE, params)  # warm: the session and the user's facts
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, params).status_code == 200
    return len(captured), _own(captured)


def _api(user: Any) -> tuple[int, int]:
    _, raw = api_token_create(actor=user, name="count")
    headers = {"Authorization": f"Bearer {raw}"}
    Client().get(API, {"year": "2024"}, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(API, {"year": "2024"}, headers=headers).status_code == 200
    return len(captured), _own(captured)


@pytest.mark.parametrize("who", ["coordinator", "analyst"])
def test_the_page_s_and_the_api_s_queries_do_not_grow_with_partnerships_or_years(
    who: str,
) -> None:
    small = _world(6, 1)[who]
    counts = [(_page(small, {"year": "2024"}), _api(small))]
    large = _world(60, 4)[who]
    counts.append((_page(large, {"year": "2024"}), _api(large)))
    assert counts[0] == counts[1], counts
    (_, page), (_, api) = counts[1]
    assert page == api == EXPECTED, counts
    region = _page(large, {"year": "2024", "region": Region.LONDON})
    assert region[0] <= counts[1][0][0]
