"""The national analyst's aggregate of briefing coverage (¶59; permissions.md, "briefing
coverage figures": aggregates across at least 5 partnerships, no count under 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.accounts.models import PostKind, User
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership, Region, Role
from lde.rollups import selectors
from lde.rollups.selectors import CoverageTally, suppressed
from tests.conftest import sign_in
from tests.factories import (
    MembershipFactory,
    PartnershipFactory,
    PostFactory,
    PostHoldingFactory,
    UserFactory,
)
from tests.partnerships.test_briefing_coverage import world as coverage_world

pytestmark = pytest.mark.django_db

PATH = "/partnerships/coverage/national/"


def _partnerships(region: str, count: int, posts: int) -> list[Partnership]:
    """`count` partnerships in the region with `posts` strategic posts between them (each lead
    council's chief executive, then lead councillors), every one held."""
    made = [PartnershipFactory(region=region) for _ in range(count)]
    for index in range(posts):
        kind = PostKind.CHIEF_EXECUTIVE if index < count else PostKind.LEAD_COUNCILLOR
        post = PostFactory(organisation=made[index % count].lead_council, kind=kind)
        PostHoldingFactory(post=post, user=UserFactory())
    return made


def _analyst() -> User:
    analyst = UserFactory(is_national_analyst=True)
    facts_forget(analyst)
    return analyst


def _rows(coverage: selectors.NationalCoverage) -> dict[str, selectors.NationalCoverageRow]:
    rows = {row.code: row for row in coverage.regions}
    if coverage.national:
        rows["England"] = coverage.national
    return rows


def test_suppression_by_region_and_for_england() -> None:
    _partnerships(Region.NORTH_EAST, 5, 7)  # shown, but 5 partnerships and 7 posts: fewer than 10
    _partnerships(Region.LONDON, 4, 12)  # 4 partnerships: not shown at all
    _partnerships(Region.NORTH_WEST, 10, 10)  # shown; nothing released, so 0 covered: withheld
    rows = _rows(selectors.national_briefing_coverage())
    assert Region.LONDON not in rows
    north_east = rows[Region.NORTH_EAST]
    assert (north_east.partnerships, north_east.posts, north_east.percent) == (None, None, None)
    north_west = rows[Region.NORTH_WEST]
    assert (north_west.partnerships, north_west.posts, north_west.percent) == (10, 10, None)
    # England has 19 partnerships, but less the North West's 10 that leaves 9 (London's and the
    # North East's): withheld, or subtraction would give them away. Its 29 posts less the North
    # West's leave 19 across 9 partnerships: shown.
    england = rows["England"]
    assert (england.partnerships, england.posts, england.percent) == (None, 29, None)


def test_the_rules_on_counts() -> None:
    rows, national = suppressed(
        {
            Region.NORTH_EAST: CoverageTally(12, 40, 15),
            Region.LONDON: CoverageTally(4, 30, 15),
            Region.EAST: CoverageTally(6, 7, 3),
        }
    )
    shown = {row.code: (row.partnerships, row.posts, row.percent) for row in rows}
    assert shown == {Region.NORTH_EAST: (12, 40, 38), Region.EAST: (None, None, None)}
    # England less the North East: 10 partnerships, 37 posts, 18 covered, 19 not: all may show.
    assert national is not None
    assert (national.partnerships, national.posts, national.percent) == (22, 77, 43)
    # With 8 covered of the North East's 40 (fewer than 10), its share is withheld.
    rows, _ = suppressed({Region.NORTH_EAST: CoverageTally(12, 40, 8)})
    assert rows[0].percent is None
    # Too few partnerships anywhere: nothing at all.
    assert suppressed({Region.NORTH_EAST: CoverageTally(4, 400, 200)}) == ([], None)


def test_the_bulk_counts_match_each_partnerships_own_page() -> None:
    w = coverage_world()
    tallies = selectors.coverage_tallies()
    for partnership in Partnership.objects.all():
        own = partnership_selectors.briefing_coverage(partnership=partnership)
        assert tallies[partnership.pk][1] == CoverageTally(1, own.total, own.covered)
    assert tallies[w.g.partnership.pk][1] == CoverageTally(1, 5, 1)


def _queries() -> int:
    with CaptureQueriesContext(connection) as context:
        selectors.national_briefing_coverage()
    return len(context.captured_queries)


def _grow_to(count: int, w: Any) -> None:
    while Partnership.objects.count() < count:
        (partnership,) = _partnerships(Region.EAST, 1, 2)
        MembershipFactory(partnership=partnership, role=Role.VIEWER)
        w.product.recipients.add(partnership)


def test_a_fixed_number_of_queries_whatever_the_partnerships() -> None:
    w = coverage_world()
    _grow_to(3, w)
    few = _queries()
    _grow_to(8, w)
    assert Partnership.objects.count() == 8
    assert _queries() == few


def test_the_page_for_a_national_analyst() -> None:
    _partnerships(Region.NORTH_EAST, 5, 7)
    _partnerships(Region.LONDON, 4, 12)
    response = sign_in(Client(), _analyst()).get(PATH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "North East" in page
    assert "London" not in page
    assert "fewer than 10" in page
    assert "fewer than 5 partnerships is not shown" in page
    for partnership in Partnership.objects.all():
        assert partnership.name not in page


def test_the_home_panel_links_to_it() -> None:
    page = sign_in(Client(), _analyst()).get("/").content.decode()
    assert reverse("rollups:national-coverage") in page
    assert "fewer than 5 partnerships, so no figure can be shown yet" in page


def test_the_home_panel_shows_the_figures_suppressed_as_on_the_page() -> None:
    _partnerships(Region.NORTH_EAST, 5, 7)
    _partnerships(Region.NORTH_WEST, 10, 10)
    page = sign_in(Client(), _analyst()).get("/").content.decode()
    assert 'data-testid="home-national-coverage"' in page
    # The North West's 10 partnerships and 10 posts show; the North East's are withheld.
    assert (
        '<th scope="row" class="govuk-table__header">North West</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">10</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">10</td>'
    ) in page
    assert (
        '<th scope="row" class="govuk-table__header">North East</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">fewer than 10</td>'
    ) in page
    for partnership in Partnership.objects.all():
        assert partnership.name not in page
    # Nobody else has the panel.
    other = sign_in(Client(), UserFactory()).get("/").content.decode()
    assert "home-national-coverage" not in other


def test_everyone_else_gets_404() -> None:
    w = coverage_world()
    for user in [w.g.council_approver, w.g.reader, UserFactory(is_site_administrator=True)]:
        facts_forget(user)
        assert sign_in(Client(), user).get(PATH).status_code == 404
        assert _api(user).status_code == 404
    assert Client().get(PATH).status_code == 302


def _api(user: User) -> Any:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(
        "/api/v1/partnerships/coverage/national", headers={"Authorization": f"Bearer {raw}"}
    )


def test_the_api() -> None:
    _partnerships(Region.NORTH_EAST, 5, 7)
    _partnerships(Region.LONDON, 4, 12)
    _partnerships(Region.NORTH_WEST, 10, 10)
    response = _api(_analyst())
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body["regions"]] == [Region.NORTH_EAST, Region.NORTH_WEST]
    north_east = body["regions"][0]
    assert (north_east["partnerships"], north_east["posts"], north_east["percent"]) == (
        None,
        None,
        None,
    )
    assert body["national"]["posts"] == 29
    assert body["national"]["partnerships"] is None
    assert (body["min_partnerships"], body["min_count"]) == (5, 10)
