"""The programme demo: every state the pages show (streams over three years, the alliance pot
with both members' contributions, projects in every strand and work stream with the Tier 3 cells
empty, an unfunded project), built again without duplicates, and seen on the portfolio, the
budget and the coordinator's home page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.core.audit.chain import audit_verify
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from lde.programme import demo as programme_demo
from lde.programme import selectors
from lde.programme.models import (
    AlliancePot,
    Allocation,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
)
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db
MODELS = (FundingStream, Allocation, AlliancePot, PotContribution, Project, ProjectFunding)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        partnerships_demo.demo_build()
        programme_demo.demo_build()
        yield


def _harrowfield() -> Partnership:
    return Partnership.objects.get(name="Harrowfield Prevent Partnership")


def _coordinator() -> Any:
    return (
        Membership.objects.filter(partnership=_harrowfield(), role=Role.COORDINATOR)
        .order_by("pk")
        .first()
        .user  # type: ignore[union-attr]
    )


def test_the_demo_has_every_state_and_runs_again_without_duplicates(demo: None) -> None:
    before = [m.objects.count() for m in MODELS]
    assert before == [3, 9, 1, 2, 8, 7]
    programme_demo.demo_build()
    assert [m.objects.count() for m in MODELS] == before
    assert audit_verify().ok
    portfolio = selectors.portfolio(user=_coordinator(), partnership=_harrowfield())
    assert len(portfolio.empty_targeted) == 7  # no targeted Tier 3 work anywhere
    assert all(any(c.count for c in row.cells) for row in portfolio.rows)
    assert portfolio.unfunded_projects == 1
    profile = selectors.spend_profile(
        user=_coordinator(), partnership=_harrowfield(), today=__import__("datetime").date.today()
    )
    assert profile.plan_complete


def test_a_new_user_sees_it_from_the_home_page(demo: None, client: Client) -> None:
    sign_in(client, _coordinator())
    home = client.get("/").content.decode()
    assert "no targeted Tier 3 work under 7 of 7 strands" in home
    portfolio = client.get(reverse("programme:portfolio", args=[_harrowfield().pk]))
    assert "Targeted work missing" in portfolio.content.decode()
    budget = client.get(reverse("programme:budget", args=[_harrowfield().pk])).content.decode()
    assert "Northern Marches resilience pot" in budget
    assert "Kestlebury Prevent Partnership: £15,000" in budget
