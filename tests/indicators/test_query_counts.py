"""The indicator pages ask the same number of queries whatever the data: a partnership with two
indicators of two quarters each, one area and one criterion, and another with twenty indicators
of twenty quarters, three areas and the criteria of every indicator, written by the generator
of `lde bench indicators` (the data those pages are timed on). Inside the partnership (its
coordinator and a viewer), and outside it (a community reviewer reading the published
indicator, and the open pages anyone reads) — the pages that withhold figures under 10."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.indicators import IndicatorWorld, progress_measure_criteria, write_indicators
from benchmarks.national import NationalWorld, generate_national
from lde.accounts.models import User
from lde.indicators.models import Indicator, Observation
from lde.partnerships.models import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

FEW = {"indicators": 2, "periods": 2, "areas": 1}
MANY = {"indicators": 20, "periods": 20, "areas": 3}


@pytest.fixture
def worlds() -> tuple[NationalWorld, IndicatorWorld, int, int]:
    world = generate_national(partnerships=4, users=120, seed=1)
    made = IndicatorWorld()
    criteria = progress_measure_criteria()
    light, heavy = world.partnership_ids[:2]
    rng = random.Random(16)
    for partnership_id, size, informs in ((light, FEW, criteria[:1]), (heavy, MANY, criteria)):
        write_indicators(
            made,
            partnership_id=partnership_id,
            reported_by=world.council_of[partnership_id],
            criteria=informs,
            day=world.day,
            rng=rng,
            **size,
        )
    return world, made, light, heavy


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def member(world: NationalWorld, role: str, partnership_id: int) -> Client:
    user = User.objects.get(pk=world.role_holders(role, partnership_id)[0])
    return sign_in(Client(), user)


def test_the_heavy_partnership_holds_many_times_the_data(
    worlds: tuple[NationalWorld, IndicatorWorld, int, int],
) -> None:
    _, _, light, heavy = worlds
    assert Indicator.objects.filter(partnership_id=heavy).count() == 10 * (
        Indicator.objects.filter(partnership_id=light).count()
    )
    many = Observation.objects.filter(indicator__partnership_id=heavy).count()
    few = Observation.objects.filter(indicator__partnership_id=light).count()
    assert many >= 100 * few > 0


# The counts are pinned so that a new query is seen and explained; what matters most is that
# the heavy partnership's page and the light one's ask the same number.
@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.COORDINATOR, "indicators:indicator-list", 13),
        (Role.VIEWER, "indicators:indicator-list", 13),
        (Role.COORDINATOR, "indicators:indicator-detail", 16),
        (Role.VIEWER, "indicators:indicator-detail", 16),
        (Role.COMMUNITY_REVIEWER, "indicators:indicator-detail", 16),
        (Role.COORDINATOR, "indicators:observations-import", 12),
    ],
)
def test_partnership_pages_ask_as_many_queries_for_many_indicators_as_for_few(
    worlds: tuple[NationalWorld, IndicatorWorld, int, int], role: str, page: str, expected: int
) -> None:
    world, made, light, heavy = worlds

    def url(partnership_id: int) -> str:
        if page == "indicators:indicator-list":
            return reverse(page, args=[partnership_id])
        return reverse(page, args=[made.fullest[partnership_id]])

    many = count(member(world, role, heavy), url(heavy))
    few = count(member(world, role, light), url(light))
    assert (many, few) == (expected, expected)


def test_open_pages_ask_as_many_queries_for_many_indicators_as_for_few(
    worlds: tuple[NationalWorld, IndicatorWorld, int, int],
) -> None:
    world, made, light, heavy = worlds
    client = Client()
    many = count(client, reverse("indicators:open-detail", args=[made.fullest[heavy]]))
    few = count(client, reverse("indicators:open-detail", args=[made.fullest[light]]))
    assert (many, few) == (7, 7)
    listed = count(client, reverse("indicators:open-list"))
    for partnership_id in world.partnership_ids[2:]:
        write_indicators(
            made,
            partnership_id=partnership_id,
            reported_by=None,
            criteria=[],
            day=world.day,
            rng=random.Random(2),
            **MANY,
        )
    assert Indicator.objects.filter(published=True).count() > 20
    assert count(client, reverse("indicators:open-list")) == listed == 1


def test_the_withheld_figures_are_the_small_ones_on_the_open_page(
    worlds: tuple[NationalWorld, IndicatorWorld, int, int],
) -> None:
    """The data the pages are timed on has figures under 10, withheld outside the partnership
    and shown inside: the benchmark times the suppression, not an empty table."""
    world, made, _, heavy = worlds
    indicator = made.fullest[heavy]
    assert Observation.objects.filter(indicator_id=indicator, value__lt=10).exists()
    open_page = Client().get(reverse("indicators:open-detail", args=[indicator]))
    assert "withheld (under 10)" in open_page.content.decode()
    inside = member(world, Role.COORDINATOR, heavy).get(
        reverse("indicators:indicator-detail", args=[indicator])
    )
    assert "(small number)" in inside.content.decode()
