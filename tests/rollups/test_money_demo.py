"""The demo's national roll-up of money, as a new user finds it (issue 17: "see a national
distribution with small groups suppressed"): the national picture's fictional budgets, Marden
Vale's kept by its coordinator, and Harrowfield's from the programme demo."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lde.accounts.models import User
from lde.partnerships.models import Region
from lde.programme.models import Allocation
from lde.rollups import money_data
from lde.rollups import money_distributions as m
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db

PATH = "/partnerships/distributions/money/"


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        call_command("demo", stdout=io.StringIO())
        yield


def test_the_national_analyst_sees_england_and_two_regions_and_yorkshire_withheld(
    demo: None,
) -> None:
    analyst = User.objects.get(email="analyst@demo.invalid")
    client = sign_in(Client(), analyst)
    home = client.get("/").content.decode()
    assert "Distributions of programme money" in home and PATH in home
    page = client.get(PATH)
    assert page.status_code == 200
    result = page.context["result"]
    shown = {g.code: g for g in result.regions}
    assert result.england.figures is not None
    assert shown[Region.NORTH_WEST].figures is not None
    assert shown[Region.WEST_MIDLANDS].figures is not None
    assert shown[Region.YORKSHIRE].figures is None
    text = page.content.decode()
    assert "not shown: " in text and "Yorkshire and The Humber" in text
    assert "Prevent Partnership" not in text  # no partnership named
    # England's 23: the national picture's 21 with Harrowfield and Marden Vale.
    assert result.england.figures.partnerships == 23


def test_harrowfield_s_coordinator_sees_harrowfield_marked(demo: None) -> None:
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    page = sign_in(Client(), coordinator).get(PATH)
    assert page.status_code == 200
    assert [k.label for k in page.context["result"].marks] == [
        "Your partnership: Harrowfield Prevent Partnership"
    ]


def test_building_it_again_writes_nothing_twice(demo: None) -> None:
    before = Allocation.objects.count()
    assert money_data.demo_national_money() == 0
    assert Allocation.objects.count() == before
    assert m.latest_year() is not None
