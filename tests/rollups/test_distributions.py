"""Distributions of scores across partnerships (issue 17, "Roll-ups"): the figures, the one
small-number rule, marks for a partnership's own people, and the page, API and CLI — including
the bad input of a roll-up asked for a group under five."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lde.accounts.models import User
from lde.accounts.services import api_token_create
from lde.assessments.models import AssessmentStatus
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Region, Role
from lde.rollups import distributions as d
from lde.rollups.models import AreaDataSet, AreaNeighbour
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory
from tests.rollups.distributions_builders import region_of, scored, version

pytestmark = pytest.mark.django_db

PATH = "/partnerships/distributions/"
API = "/api/v1/rollups/distributions"
NW, NE, YORKS = Region.NORTH_WEST, Region.NORTH_EAST, Region.YORKSHIRE


def _analyst() -> User:
    analyst = UserFactory(is_national_analyst=True)
    facts_forget(analyst)
    return analyst


def _api(user: User, **params: Any) -> Any:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(API, params, headers={"Authorization": f"Bearer {raw}"})


def _query(**kwargs: Any) -> d.Query:
    return d.query_from(framework="rollup-check", version="1.0", **kwargs)


# --- The figures and the rule ---------------------------------------------------------------


def _box(f: d.Figures) -> tuple[float | None, ...]:
    return (
        f.tenth_percentile,
        f.lower_quartile,
        f.median,
        f.upper_quartile,
        f.ninetieth_percentile,
    )


def test_percentiles_follow_the_inclusive_rule_and_bins_count_by_twenty_points() -> None:
    scores = [float(s) for s in (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]
    england, regions = d.suppressed_groups({NW: scores})
    north_west = next(g for g in regions if g.code == NW)
    f = north_west.figures
    assert f is not None
    # n = 11: positions 1 + 10p: the 2nd score, between the 3rd and 4th, the 6th, between the
    # 8th and 9th, and the 10th. Neither the lowest (0) nor the highest (100) is shown.
    assert _box(f) == (10.0, 25.0, 50.0, 75.0, 90.0)
    assert f.mean == 50.0
    assert f.partnerships == 11
    # [0,20): 0 and 10; …; [80,100]: 80, 90, 100 — all under 10, so withheld.
    assert [b.count for b in f.bins] == [None] * 5
    # With one region, England less the regions shown is empty: nothing to give away.
    assert england.figures is not None and england.figures.median == 50.0


def test_between_two_scores_the_percentile_interpolates() -> None:
    _, regions = d.suppressed_groups({NW: [float(s) for s in range(0, 60, 5)]})
    f = next(g for g in regions if g.code == NW).figures
    assert f is not None
    # n = 12: positions 1 + 11p: 2.1, 3.75, 6.5, 9.25 and 10.9, none of them a score.
    assert _box(f) == (5.5, 13.75, 27.5, 41.25, 49.5)
    assert f.partnerships == 12


def test_under_eleven_partnerships_the_box_is_withheld_and_the_mean_shown() -> None:
    # n = 5 by the inclusive rule would give the 2nd, 3rd and 4th scores as they are, and the
    # lowest and highest the other two: every partnership's score (ADR 0026).
    _, regions = d.suppressed_groups({NW: [0.0, 10.0, 20.0, 40.0, 100.0]})
    north_west = next(g for g in regions if g.code == NW)
    f = north_west.figures
    assert f is not None
    assert _box(f) == (None,) * 5
    assert f.mean == 34.0
    assert f.partnerships is None  # 5 partnerships: a count under 10
    assert "percentiles are withheld: fewer than 11" in north_west.spread_withheld


def test_a_region_under_five_is_withheld_and_england_with_it_while_it_could_be_subtracted() -> None:
    england, regions = d.suppressed_groups({NW: [50.0] * 12, NE: [10.0] * 4})
    shown = {g.code: g for g in regions}
    assert shown[NE].figures is None
    assert "fewer than 5 partnerships" in shown[NE].withheld
    # England less the North West is the North East's four: withheld, else subtraction.
    assert england.figures is None
    assert "subtraction" in england.withheld
    # A fifth partnership outside any region shown lets England through.
    england, _ = d.suppressed_groups({NW: [50.0] * 12, NE: [10.0] * 4, YORKS: [20.0]})
    assert england.figures is not None and england.figures.mean == pytest.approx(660 / 17)
    # But not England's count: 17 less the North West's 12 would give the five withheld; nor
    # its box, which rests on the count as a count does (ADR 0026).
    assert england.figures.partnerships is None
    assert england.figures.median is None
    assert "England less the regions showing theirs" in england.spread_withheld


def test_a_bin_is_shown_from_ten_and_never_recoverable_by_subtraction() -> None:
    # North West: 10 in [40,60). North East: 9 in [40,60), withheld. England: 19 there, but
    # 19 less the North West's 10 gives the North East's 9, so England's bin is withheld too.
    england, regions = d.suppressed_groups({NW: [50.0] * 10, NE: [50.0] * 9})
    north_west = next(g for g in regions if g.code == NW)
    assert north_west.figures is not None and north_west.figures.bins[2].count == 10
    assert england.figures is not None and england.figures.bins[2].count is None
    # With 10 in each, both regions and England show theirs.
    england, _ = d.suppressed_groups({NW: [50.0] * 10, NE: [50.0] * 10})
    assert england.figures is not None and england.figures.bins[2].count == 20


def test_the_counted_score_is_the_latest_published_self_assessment_in_the_cycle() -> None:
    v = version()
    partnerships = region_of(NW, [0, 1, 2, 3, 4], v)
    # A draft of the same cycle is left out; so is another cycle's.
    scored(partnerships[0], v, 4, 4, status=AssessmentStatus.DRAFT)
    scored(partnerships[1], v, 4, 4, year=2023)
    title, scores = d.counted_scores(_query(cycle=2024))
    assert title == "Overall"
    assert sorted(s for _, s in scores.values()) == [0.0, 25.0, 50.0, 75.0, 100.0]
    title, scores = d.counted_scores(_query(cycle=2024, theme="delivery"))
    assert title == "Delivery"
    # With no cycle asked for, the latest with a published self-assessment.
    assert _query().cycle == 2024


def test_two_versions_only_where_a_mapping_joins_them() -> None:
    version()
    version("2.0")
    with pytest.raises(d.ValidationError) as refused:
        _query(mapped="2.0")
    assert "no mapping joins" in str(refused.value.message_dict["mapped"])


def test_bad_choices_are_named_by_field() -> None:
    version()
    with pytest.raises(d.ValidationError) as refused:
        d.query_from(framework="rollup-check", version="9.9", region="E12999999")
    assert set(refused.value.message_dict) == {"version", "region"}
    with pytest.raises(d.ValidationError) as refused:
        _query(theme="nothing")
    assert set(refused.value.message_dict) == {"theme"}


# --- Marks ----------------------------------------------------------------------------------


def test_a_coordinator_sees_their_own_and_their_published_neighbours_marked_unnamed() -> None:
    v = version()
    partnerships = region_of(NW, [0, 1, 2, 3, 4, 4], v)
    own, neighbour, silent = partnerships[0], partnerships[1], PartnershipFactory(region=NW)
    coordinator = MembershipFactory(partnership=own, role=Role.COORDINATOR).user
    data_set = AreaDataSet.objects.create(file_name="a.csv", areas=3)
    for rank, other in enumerate([neighbour, silent], start=1):
        AreaNeighbour.objects.create(
            data_set=data_set,
            area_code="E06999001",
            neighbour_code=f"E0699900{rank + 1}",
            partnership=own,
            neighbour=other,
            rank=rank,
            distance=1.0,
        )
    facts_forget(coordinator)
    result = d.distribution(user=coordinator, query=_query())
    assert [(m.label, m.score, m.own) for m in result.marks] == [
        (f"Your partnership: {own.name}", 0.0, True),
        ("A similar area", 25.0, False),  # the silent one published nothing: not marked
    ]
    # A national analyst sees the same figures and no marks at all.
    analyst_view = d.distribution(user=_analyst(), query=_query())
    assert analyst_view.marks == []
    assert analyst_view.england.figures == result.england.figures


def test_no_page_names_a_partnership_to_a_national_analyst() -> None:
    v = version()
    partnerships = region_of(NW, [0, 1, 2, 3, 4, 4], v)
    page = sign_in(Client(), _analyst()).get(PATH, {"version": "rollup-check:1.0"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "North West" in text and 'data-testid="box-plot"' in text
    assert not any(p.name in text for p in partnerships)


# --- Page, API and CLI ----------------------------------------------------------------------


def test_the_page_shows_figures_with_their_context_and_lists_what_was_withheld() -> None:
    v = version()
    region_of(NW, [0, 1, 2, 3, 4] * 2, v)
    region_of(YORKS, [1, 2], v)
    region_of(NE, [2, 2, 2], v)
    page = sign_in(Client(), _analyst()).get(
        PATH, {"version": "rollup-check:1.0", "theme": "leadership", "cycle": "2024"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (
        "Roll-up check version 1.0",
        "Leadership",
        "2024-25",
        "box-table",
        "histogram-table",
        "fewer than 10",
    ):
        assert shown in text
    assert "not shown: North East, Yorkshire and The Humber" in text
    # England less the North West is five partnerships: England's figures are shown, but not
    # its count of 15, which less the North West's 10 would give the five withheld.
    england = page.context["result"].england.figures
    assert england is not None and england.partnerships is None


def test_a_region_under_five_asked_for_is_withheld_on_the_page_the_api_and_the_cli() -> None:
    v = version()
    region_of(NW, [0, 1, 2, 3, 4], v)
    region_of(YORKS, [1, 2, 3], v)
    analyst = _analyst()
    page = sign_in(Client(), analyst).get(PATH, {"version": "rollup-check:1.0", "region": YORKS})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="withheld-message"' in text
    assert "Yorkshire and The Humber is withheld: fewer than 5 partnerships" in text
    assert 'data-testid="box-plot"' not in text
    response = _api(analyst, framework="rollup-check", version="1.0", region=YORKS)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"]["figures"] is None
    assert "fewer than 5 partnerships" in body["scope"]["withheld"]
    # England less the North West is Yorkshire's three: England is withheld as well.
    assert body["england"]["figures"] is None
    with pytest.raises(CommandError) as refused:
        call_command(
            "rollups",
            "distribution",
            "--framework",
            "rollup-check",
            "--version",
            "1.0",
            "--region",
            YORKS,
            "--as",
            analyst.email,
        )
    assert str(refused.value).startswith("--region: Yorkshire and The Humber is withheld")


def test_bad_input_is_refused_on_the_page_the_api_and_the_cli() -> None:
    version()
    analyst = _analyst()
    page = sign_in(Client(), analyst).get(
        PATH, {"version": "rollup-check:1.0", "cycle": "twenty", "theme": "nothing"}
    )
    assert page.status_code == 400
    assert "govuk-error-summary" in page.content.decode()
    assert "Enter the cycle as a year" in page.content.decode()
    response = _api(analyst, framework="rollup-check", version="9.9")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    with pytest.raises(CommandError) as refused:
        call_command(
            "rollups",
            "distribution",
            "--framework",
            "nothing",
            "--version",
            "1.0",
            "--as",
            analyst.email,
        )
    assert str(refused.value).startswith("--framework: There is no framework")


def test_the_api_and_the_cli_give_the_page_s_figures() -> None:
    v = version()
    region_of(NW, [0, 1, 2, 3, 4] * 2 + [2], v)
    analyst = _analyst()
    body = _api(analyst, framework="rollup-check", version="1.0").json()
    assert body["scope"]["code"] == "E92000001"
    figures = body["scope"]["figures"]
    assert (figures["median"], figures["lower_quartile"], figures["upper_quartile"]) == (
        50.0,
        25.0,
        75.0,
    )
    # Eleven scores, two or three at each level: the whiskers, at positions 2 and 10, fall on
    # a score two partnerships share.
    assert (figures["tenth_percentile"], figures["ninetieth_percentile"]) == (0.0, 100.0)
    assert "minimum" not in figures and "maximum" not in figures
    assert figures["partnerships"] == 11
    out = StringIO()
    call_command(
        "rollups",
        "distribution",
        "--framework",
        "rollup-check",
        "--version",
        "1.0",
        "--as",
        analyst.email,
        "--json",
        stdout=out,
    )
    assert '"median": 50.0' in out.getvalue()
    assert '"ninetieth_percentile": 100.0' in out.getvalue()
    table = StringIO()
    call_command(
        "rollups",
        "distribution",
        "--framework",
        "rollup-check",
        "--version",
        "1.0",
        "--as",
        analyst.email,
        stdout=table,
    )
    assert "10th percentile   0.0%" in table.getvalue()
    assert "lowest" not in table.getvalue() and "highest" not in table.getvalue()


def test_everyone_without_a_partnership_role_or_the_grant_gets_404() -> None:
    version()
    contributor = MembershipFactory(role=Role.CONTRIBUTOR).user
    admin = UserFactory(is_site_administrator=True)
    for user in (contributor, admin):
        facts_forget(user)
        assert sign_in(Client(), user).get(PATH).status_code == 404
        assert _api(user, framework="rollup-check", version="1.0").status_code == 404
    assert Client().get(PATH).status_code == 302
