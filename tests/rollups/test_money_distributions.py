"""Distributions of programme money across partnerships (issue 17, "Roll-ups … and money"; ADR
0027): what is counted, the one small-number rule with sums rounded, marks for a partnership's
coordinators and board members only, and the page, API and CLI — including bad input and an
area under five partnerships."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lde.accounts.models import User
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.partnerships.models import Region, Role
from lde.programme.models import StreamKind
from lde.rollups import money_distributions as m
from lde.rollups.models import AreaDataSet, AreaNeighbour
from tests.conftest import sign_in
from tests.factories import AssignmentFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.rollups.money_builders import funded, region_funded

pytestmark = pytest.mark.django_db

PATH = "/partnerships/distributions/money/"
API = "/api/v1/rollups/money-distributions"
NW, NE, YORKS = Region.NORTH_WEST, Region.NORTH_EAST, Region.YORKSHIRE


def _analyst() -> User:
    analyst = UserFactory(is_national_analyst=True)
    facts_forget(analyst)
    return analyst


def _api(user: User, **params: Any) -> Any:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(API, params, headers={"Authorization": f"Bearer {raw}"})


def _query(**kwargs: Any) -> m.MoneyQuery:
    return m.query_from(year=2024, **kwargs)


# --- What is counted ------------------------------------------------------------------------


def test_each_partnership_counts_once_with_the_sum_of_what_it_allocated_that_year() -> None:
    both = PartnershipFactory(region=NW)
    funded(both, 30_000, kind=StreamKind.PREVENT_FUND, ring_fenced=True)
    funded(both, 20_000, kind=StreamKind.POLICE)
    funded(both, 5_000, confirmed=False)  # planned, not yet confirmed
    funded(both, 70_000, year=2023)  # another year
    nothing = PartnershipFactory(region=NW)
    funded(nothing, 0)  # recorded: counted at £0
    PartnershipFactory(region=NW)  # recorded nothing: not counted at all, never as £0
    assert m.counted_amounts(_query()) == {both.pk: (NW, 50_000.0), nothing.pk: (NW, 0.0)}
    assert m.counted_amounts(_query(basis="planned"))[both.pk] == (NW, 55_000.0)
    assert m.counted_amounts(_query(kind=StreamKind.POLICE)) == {both.pk: (NW, 20_000.0)}
    assert m.counted_amounts(_query(ring_fence="ring_fenced")) == {both.pk: (NW, 30_000.0)}
    assert m.counted_amounts(_query(ring_fence="not_ring_fenced")) == {
        both.pk: (NW, 20_000.0),
        nothing.pk: (NW, 0.0),
    }


def test_the_figures_are_the_scores_figures_in_pounds_rounded_to_the_nearest_thousand() -> None:
    sums = [10_400, 20_300, 30_600, 40_000, 50_200, 60_100, 70_700, 80_000, 90_300, 100_000]
    sums.append(160_000)  # eleven: the box is shown from eleven partnerships (ADR 0026)
    region_funded(NW, sums)
    result = m.money_distribution(user=_analyst(), query=_query())
    f = result.england.figures
    assert f is not None
    # The inclusive quartiles of the eleven sums are 35,300, 60,100 and 85,150; the mean 64,781.82.
    assert (f.lower_quartile, f.median, f.upper_quartile, f.mean) == (
        35_000.0,
        60_000.0,
        85_000.0,
        65_000.0,
    )
    assert f.partnerships == 11
    assert [(b.label, b.count) for b in f.bins] == [
        ("£0 to £50,000 (not included)", None),
        ("£50,000 to £100,000 (not included)", None),
        ("£100,000 to £150,000 (not included)", None),
        ("£150,000 or more", None),
    ]


def test_a_region_under_five_is_withheld_whole_and_england_where_it_would_give_it_away() -> None:
    region_funded(NW, [60_000] * 12)
    region_funded(NE, [10_000] * 4)
    result = m.money_distribution(user=_analyst(), query=_query())
    england, shown = result.england, {g.code: g for g in result.regions}
    assert shown[NW].figures is not None and shown[NW].figures.partnerships == 12
    assert shown[NW].figures.bins[1].count == 12
    assert shown[NE].figures is None
    assert shown[NE].withheld == (
        "North East is withheld: fewer than 5 partnerships there recorded money allocated that "
        "year, too few to show without pointing at one."
    )
    # England less the North West is the North East's four: England is withheld as well.
    assert england.figures is None and "subtraction" in england.withheld
    # A fifth elsewhere and England's figures can be shown, but not its count of 17: less the
    # North West's 12, it would give the other five, fewer than 10.
    region_funded(YORKS, [90_000])
    england = m.money_distribution(user=_analyst(), query=_query()).england
    assert england.figures is not None and england.figures.partnerships is None


def test_a_bad_choice_names_every_field_at_once() -> None:
    with pytest.raises(m.ValidationError) as refused:
        m.query_from(year=1999, basis="hoped", kind="lottery", ring_fence="some", region="E1")
    assert set(refused.value.message_dict) == {"year", "basis", "kind", "ring_fence", "region"}


def test_without_a_year_the_latest_with_a_confirmed_allocation_is_shown() -> None:
    partnership = PartnershipFactory(region=NW)
    funded(partnership, 1_000, year=2023)
    funded(partnership, 1_000, year=2026, confirmed=False)
    assert m.query_from().year == 2023
    assert m.query_from(basis="planned").year == 2026


# --- Marks ----------------------------------------------------------------------------------


def test_coordinators_and_board_members_see_their_own_marked_and_no_neighbour() -> None:
    partnerships = region_funded(NW, [10_000, 20_000, 30_000, 40_000, 50_000])
    own, neighbour = partnerships[0], partnerships[1]
    data_set = AreaDataSet.objects.create(file_name="a.csv", areas=2)
    AreaNeighbour.objects.create(
        data_set=data_set,
        area_code="E06999001",
        neighbour_code="E06999002",
        partnership=own,
        neighbour=neighbour,
        rank=1,
        distance=1.0,
    )
    for role in (Role.COORDINATOR, Role.BOARD_MEMBER):
        user = MembershipFactory(partnership=own, role=role).user
        facts_forget(user)
        result = m.money_distribution(user=user, query=_query())
        # Their own sum to the pound (it is theirs to read); a neighbour's is not marked at all.
        assert [(k.label, k.score, k.own) for k in result.marks] == [
            (f"Your partnership: {own.name}", 10_000.0, True)
        ]
    assert m.money_distribution(user=_analyst(), query=_query()).marks == []


def test_inspectors_contributors_and_site_administrators_get_404() -> None:
    partnership = region_funded(NW, [10_000] * 5)[0]
    inspector = AssignmentFactory(partnerships=[partnership]).user
    contributor = MembershipFactory(partnership=partnership, role=Role.CONTRIBUTOR).user
    admin = UserFactory(is_site_administrator=True)
    for user in (inspector, contributor, admin):
        facts_forget(user)
        assert sign_in(Client(), user).get(PATH).status_code == 404
        assert _api(user, year=2024).status_code == 404
        with pytest.raises(CommandError, match=r"--as: .* may not see distributions of programme"):
            call_command("rollups", "money-distribution", "--as", user.email)
    assert Client().get(PATH).status_code == 302


# --- Page, API and CLI ----------------------------------------------------------------------


def test_the_page_shows_figures_with_their_context_and_names_no_partnership() -> None:
    partnerships = (
        region_funded(NW, [60_000] * 10)
        + region_funded(Region.WEST_MIDLANDS, [40_000] * 5)
        + region_funded(NE, [20_000] * 3)
        + region_funded(YORKS, [20_000] * 2)
    )
    page = sign_in(Client(), _analyst()).get(PATH, {"year": "2024"})
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (
        "England: money allocated, 2024–25",
        "Confirmed allocations only, every kind of stream, ring-fenced or not",
        'data-testid="box-plot"',
        "histogram-table",
        "£60,000",
        "A partnership with no record is not counted as spending nothing",
        "not shown: North East, Yorkshire and The Humber",
        "fewer than 10",
    ):
        assert shown in text, shown
    assert not any(p.name in text for p in partnerships)


def test_the_page_is_linked_from_the_analyst_s_home_and_the_scores_distributions() -> None:
    analyst = _analyst()
    client = sign_in(Client(), analyst)
    assert PATH in client.get("/").content.decode()
    assert PATH in client.get("/partnerships/distributions/").content.decode()


def test_bad_input_is_refused_on_the_page_the_api_and_the_cli() -> None:
    analyst = _analyst()
    page = sign_in(Client(), analyst).get(PATH, {"year": "last", "kind": "lottery"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "govuk-error-summary" in text and "Enter the financial year as a year" in text
    response = _api(analyst, year=2024, basis="hoped", kind="lottery")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"basis", "kind"}
    with pytest.raises(CommandError) as refused:
        call_command("rollups", "money-distribution", "--ring-fence", "half", "--as", analyst.email)
    assert str(refused.value).startswith("--ring-fence: 'half' is not one of")


def test_an_area_under_five_is_withheld_on_the_api_and_the_cli() -> None:
    region_funded(NW, [60_000] * 10)
    region_funded(YORKS, [20_000] * 3)
    analyst = _analyst()
    body = _api(analyst, year=2024, region=YORKS).json()
    assert body["scope"]["figures"] is None
    assert "fewer than 5 partnerships" in body["scope"]["withheld"]
    assert body["england"]["figures"] is None  # less the North West, Yorkshire's three
    with pytest.raises(CommandError) as refused:
        call_command(
            "rollups",
            "money-distribution",
            "--year",
            "2024",
            "--region",
            YORKS,
            "--as",
            analyst.email,
        )
    assert str(refused.value).startswith("--region: Yorkshire and The Humber is withheld")


def test_the_api_and_the_cli_give_the_page_s_figures() -> None:
    own = region_funded(NW, [10_000 * i for i in range(1, 12)])[0]
    coordinator = MembershipFactory(partnership=own, role=Role.COORDINATOR).user
    body = _api(coordinator, year=2024).json()
    assert body["scope"]["code"] == "E92000001"
    figures = body["scope"]["figures"]
    assert (figures["partnerships"], figures["median"], figures["mean"]) == (11, 60_000.0, 60_000.0)
    assert body["marks"] == [{"label": f"Your partnership: {own.name}", "amount": 10_000.0}]
    assert body["rounded_to"] == 1_000 and body["not_counted"] == m.NOT_COUNTED
    out = StringIO()
    call_command(
        "rollups", "money-distribution", "--year", "2024", "--as", coordinator.email, stdout=out
    )
    text = out.getvalue()
    assert "England: money allocated, 2024–25" in text
    assert "  median             £60,000" in text
    assert f"marked: Your partnership: {own.name} £10,000" in text
    out = StringIO()
    call_command(
        "rollups",
        "money-distribution",
        "--year",
        "2024",
        "--as",
        coordinator.email,
        "--json",
        stdout=out,
    )
    assert '"median": 60000.0' in out.getvalue()
