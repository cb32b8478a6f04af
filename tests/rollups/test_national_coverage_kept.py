"""The national figures are kept a few minutes once worked out, and shown with the time they
were worked out (docs/apps/rollups.md, "Kept for five minutes"): counting them reads every
strategic post, holder and release in England."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lde.accounts.services import api_token_create
from lde.partnerships.models import Region
from lde.rollups import selectors
from lde.rollups.selectors import NATIONAL_COVERAGE_CACHE_KEY
from tests.conftest import sign_in
from tests.rollups.test_national_coverage import _analyst, _partnerships

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings: Any) -> Iterator[None]:
    """As deployed: figures kept for five minutes, none kept from before the test."""
    settings.LDE_NATIONAL_FIGURES_SECONDS = 300
    cache.delete(NATIONAL_COVERAGE_CACHE_KEY)
    yield
    cache.delete(NATIONAL_COVERAGE_CACHE_KEY)


def _recent() -> tuple[selectors.NationalCoverage, int]:
    with CaptureQueriesContext(connection) as captured:
        coverage = selectors.national_briefing_coverage_recent()
    return coverage, len(captured)


def _posts(coverage: selectors.NationalCoverage) -> int | None:
    assert coverage.national is not None
    return coverage.national.posts


def test_worked_out_once_then_kept_until_the_period_ends(kept: None) -> None:
    _partnerships(Region.NORTH_WEST, 10, 10)
    _partnerships(Region.NORTH_EAST, 10, 10)
    first, queries = _recent()
    assert queries > 0
    assert _posts(first) == 20
    again, queries = _recent()
    assert (queries, again) == (0, first)
    # A change shows when the kept figures lapse, not before: the page says when they were
    # worked out.
    _partnerships(Region.EAST, 10, 10)
    assert _posts(_recent()[0]) == 20
    assert _posts(selectors.national_briefing_coverage()) == 30
    cache.delete(NATIONAL_COVERAGE_CACHE_KEY)  # as the five minutes running out would
    later, queries = _recent()
    assert queries > 0
    assert _posts(later) == 30
    assert later.as_at >= first.as_at


def test_nothing_kept_when_the_period_is_nought(settings: Any) -> None:
    settings.LDE_NATIONAL_FIGURES_SECONDS = 0
    _partnerships(Region.NORTH_WEST, 10, 10)
    _partnerships(Region.NORTH_EAST, 10, 10)
    assert _recent()[1] > 0
    assert _recent()[1] > 0
    assert cache.get(NATIONAL_COVERAGE_CACHE_KEY) is None


def _shown_time(when: datetime) -> str:
    local = timezone.localtime(when)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def test_the_page_the_home_panel_and_the_api_say_when(kept: None) -> None:
    _partnerships(Region.NORTH_WEST, 10, 10)
    _partnerships(Region.NORTH_EAST, 10, 10)
    analyst = _analyst()
    client = sign_in(Client(), analyst)
    page = client.get("/partnerships/coverage/national/").content.decode()
    as_at = selectors.national_briefing_coverage_recent().as_at
    local = timezone.localtime(as_at).isoformat()
    sentence = (
        f'Worked out at <time datetime="{local}">{_shown_time(as_at)}</time>, '
        "and kept for 5 minutes"
    )
    assert sentence in page
    home = client.get("/").content.decode()
    assert sentence in home
    _, raw = api_token_create(actor=analyst, name="test")
    body = (
        Client()
        .get("/api/v1/partnerships/coverage/national", headers={"Authorization": f"Bearer {raw}"})
        .json()
    )
    # The API gives the time to the millisecond.
    assert abs(datetime.fromisoformat(body["as_at"]) - as_at) < timedelta(milliseconds=1)
    assert body["national"]["posts"] == 20
