"""The money pages ask the same number of queries whatever the data: the portfolio, the value for
money of a partnership and of an alliance, and the public register, for a partnership carrying
ten times the projects, agreements and returns of another (written by the generator of `lde bench
commissioning`, the data those pages are timed on), and the register before and after it grows
past one page; and the register pages its awards a hundred at a time, newest first."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.commissioning_data import CommissioningWorld, _awards, generate_commissioning
from benchmarks.national import NationalWorld, generate_national
from lde.accounts.models import User
from lde.commissioning.models import Decision
from lde.commissioning.views import REGISTER_PAGE
from lde.monitoring.models import Agreement, Return
from lde.partnerships.models import Alliance, Role
from lde.programme.models import Project
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[NationalWorld, CommissioningWorld]:
    world = generate_national(partnerships=8, users=150, seed=1)
    made = generate_commissioning(
        world, projects=120, awards=40, agreements=40, returns=400, heavy=1, heavy_share=0.6
    )
    return world, made


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def coordinator(world: NationalWorld, partnership_id: int) -> Client:
    user = User.objects.get(pk=world.members[Role.COORDINATOR][partnership_id][0])
    return sign_in(Client(), user)


def light_member(made: CommissioningWorld) -> int:
    """Another member of the heavy partnership's alliance."""
    assert made.alliance_id is not None
    alliance = Alliance.objects.get(pk=made.alliance_id)
    return next(p.pk for p in alliance.partnerships.order_by("pk") if p.pk not in made.heavy)


def test_the_heavy_partnership_holds_many_times_the_data(
    worlds: tuple[NationalWorld, CommissioningWorld],
) -> None:
    _, made = worlds
    heavy, light = made.heavy[0], light_member(made)
    for model, field in (
        (Project, "partnership_id"),
        (Agreement, "partnership_id"),
        (Return, "agreement__partnership_id"),
    ):
        many = model.objects.filter(**{field: heavy}).count()
        few = model.objects.filter(**{field: light}).count()
        assert many >= 10 * few > 0, model


# The counts are pinned so that a new query is seen and explained; what matters most is that
# the heavy partnership's page and the light one's ask the same number.
@pytest.mark.parametrize(
    ("name", "expected"),
    [("programme:portfolio", 14), ("monitoring:value-for-money", 17)],
)
def test_partnership_pages_ask_as_many_queries_for_many_records_as_for_few(
    worlds: tuple[NationalWorld, CommissioningWorld], name: str, expected: int
) -> None:
    world, made = worlds
    heavy, light = made.heavy[0], light_member(made)
    many = count(coordinator(world, heavy), reverse(name, args=[heavy]))
    few = count(coordinator(world, light), reverse(name, args=[light]))
    assert (many, few) == (expected, expected)


def test_alliance_page_asks_as_many_queries_for_many_records_as_for_few(
    worlds: tuple[NationalWorld, CommissioningWorld],
) -> None:
    world, made = worlds
    url = reverse("monitoring:alliance-value", args=[made.alliance_id])
    many = count(coordinator(world, made.heavy[0]), url)
    few = count(coordinator(world, light_member(made)), url)
    assert (many, few) == (18, 18)


def test_public_register_asks_as_many_queries_for_thousands_of_awards_as_for_a_few(
    worlds: tuple[NationalWorld, CommissioningWorld],
) -> None:
    world, made = worlds
    url = reverse("commissioning:public-register")
    client = Client()
    few = count(client, url)
    _awards(world, made, random.Random(2), 2 * REGISTER_PAGE + 10, 0.5)
    awards = Decision.objects.filter(outcome="award").count()
    assert awards > 2 * REGISTER_PAGE
    first_page = count(client, url)
    last_page = count(client, f"{url}?page=3")
    assert (few, first_page, last_page) == (3, 3, 3)


def test_public_register_pages_its_awards_a_hundred_at_a_time(
    worlds: tuple[NationalWorld, CommissioningWorld],
) -> None:
    world, made = worlds
    _awards(world, made, random.Random(2), 2 * REGISTER_PAGE + 10, 0.5)
    awards = Decision.objects.filter(outcome="award").count()  # 40 and 210: 250
    url = reverse("commissioning:public-register")
    client = Client()
    first = client.get(url).content.decode()
    assert first.count('id="award-') == REGISTER_PAGE
    assert "Page 1 of 3" in first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    last = client.get(f"{url}?page=3").content.decode()
    assert last.count('id="award-') == awards - 2 * REGISTER_PAGE == 50
    assert "Page 3 of 3" in last
    assert 'href="?page=2" rel="prev"' in last
    assert 'rel="next"' not in last
    # A page past the end, or not a number, is the nearest page there is.
    assert "Page 3 of 3" in client.get(f"{url}?page=99").content.decode()
    assert "Page 1 of 3" in client.get(f"{url}?page=last").content.decode()
    # Newest first: the first page's first award was decided no earlier than the last page's.
    newest = Decision.objects.filter(outcome="award").order_by("-decided_on", "-pk").first()
    assert newest is not None
    assert f'id="award-{newest.bid_id}"' in first
