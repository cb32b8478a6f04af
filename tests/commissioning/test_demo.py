"""The commissioning demo: a call in every state, a conflicted panellist, disagreement, an award
in the register, built again without duplicates; the 360Giving export of it validates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lde.accounts.models import User
from lde.commissioning import demo as commissioning_demo
from lde.commissioning import exports, selectors
from lde.commissioning.models import Bid, Call, ConflictOfInterest
from lde.core.audit.chain import audit_verify
from lde.partnerships import demo as partnerships_demo
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        partnerships_demo.demo_build()
        commissioning_demo.demo_build()
        yield


def test_every_state_and_no_duplicates(demo: None) -> None:
    statuses = sorted(Call.objects.values_list("status", flat=True))
    assert statuses == ["closed", "consultation", "decided", "draft", "open"]
    commissioning_demo.demo_build()
    assert Call.objects.count() == 5
    joint = Call.objects.get(title="Joint fund with Kestlebury")
    assert joint.call_partnerships.count() == 2
    assert audit_verify().ok


def test_the_conflicted_panellist_does_not_see_the_bid(demo: None) -> None:
    conflict = ConflictOfInterest.objects.select_related("panellist__user", "bid").get()
    client = sign_in(Client(), conflict.panellist.user)
    assert client.get(f"/commissioning/bids/{conflict.bid_id}/").status_code == 404
    page = client.get(f"/commissioning/calls/{conflict.bid.call_id}/").content.decode()
    assert "recused from 1 bid" in page
    closed = Call.objects.get(title="Safer spaces fund")
    [north] = [
        a
        for a in selectors.assessments(call=closed, bids=list(closed.bids.all()))
        if a.bid.organisation.name == "Northgate Faith Centre"
    ]
    assert [r.criterion.title for r in north.flagged] == [
        "Answers a priority of the local narrative"
    ]


def test_the_register_and_its_feed(demo: None, tmp_path: Path) -> None:
    page = Client().get("/commissioning/public/register/").content.decode()
    assert "Holiday programme with the schools" in page and "Lecture series" not in page
    target = tmp_path / "feed.json"
    call_command("commissioning", "export-360giving", str(target))
    assert exports.validate(json.loads(target.read_text())) == []


def test_the_home_page_asks_the_coordinator_to_moderate(demo: None) -> None:
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    page = sign_in(Client(), coordinator).get("/").content.decode()
    assert "Closed calls to moderate" in page and "Safer spaces fund" in page
    applicant = User.objects.get(email="bids@riverside-youth.demo.invalid")
    mine = sign_in(Client(), applicant, verified=False).get("/commissioning/applicant/")
    assert "Peer mentors" in mine.content.decode()
    assert Bid.objects.filter(organisation__name="Riverside Youth Project").count() == 3


def test_a_devolved_pot_is_held_by_a_named_front_line_team_with_grants(demo: None) -> None:
    from lde.commissioning.models import DevolvedPot

    pot = DevolvedPot.objects.get(name="Youth service small grants 2026-27")
    assert (pot.team.name, pot.holder_post.title) == (
        "Harrowfield Youth Service",
        "Youth team leader",
    )
    grants = list(pot.grants.order_by("awarded_on"))
    assert [str(g.amount) for g in grants] == ["250.00", "180.00", "95.50"]
    assert [bool(g.outcome) for g in grants] == [True, False, False]
    commissioning_demo.demo_build()
    assert DevolvedPot.objects.filter(name=pot.name).count() == 1
