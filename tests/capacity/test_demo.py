"""The capacity demo: every state the pages show, built again without duplicates, and what a
new user looks for found on the overview and the coordinator's home page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.action_plans.models import ActionOrigin
from lde.capacity import demo as capacity_demo
from lde.capacity import selectors
from lde.capacity.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    CommunityRelationship,
    TermsOfReference,
    TrainingAttendance,
)
from lde.core.audit.chain import audit_verify
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


def build() -> None:
    partnerships_demo.demo_build()
    capacity_demo.demo_build()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        build()
        yield


def counts() -> list[int]:
    return [
        m.objects.count()
        for m in (
            BoardMember,
            TermsOfReference,
            BoardDecision,
            TrainingAttendance,
            CommunityRelationship,
        )
    ]


def _harrowfield() -> tuple[Partnership, Any]:
    partnership = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    coordinator = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .order_by("pk")
        .first()
    )
    assert coordinator is not None
    return partnership, coordinator.user


def test_every_state_is_there_and_a_second_run_adds_nothing(demo: None) -> None:
    first = counts()
    # Harrowfield's four members and three decisions; Kestlebury's and Marden Vale's two and one.
    assert first == [8, 2, 5, 4, 2]
    build()
    assert counts() == first
    partnership, coordinator = _harrowfield()
    found = selectors.overview(user=coordinator, partnership=partnership)
    assert {k.label for k in found.coverage.missing} >= {
        "Police authority",
        "UK Border Agency",
        "Youth service",
        "Culture and leisure",
    }
    assert [t.team.name for t in found.training.under_trained] == ["Front-line council staff"]
    assert len(found.training.teams) == 3
    sole = found.relationships.single_points_of_failure
    assert [(r.relationship.organisation.name, r.holders[0].title) for r in sole] == [
        ("Harrowfield Faith Forum", "Community Cohesion Officer")
    ]
    assert sole[0].deputy is not None
    assert sole[0].deputy.title == "Prevent Coordinator"
    assert {level for level, _label, posts in found.leadership.levels if posts} == {
        "strategic",
        "tactical",
        "delivery",
    }
    assert audit_verify().problems == []


def test_a_decision_raised_its_action_and_another_waits_for_one(demo: None) -> None:
    partnership, _ = _harrowfield()
    decisions = list(
        BoardDecision.objects.filter(meeting__partnership=partnership)
        .select_related("action")
        .order_by("pk")
    )
    raised = decisions[1].action
    assert raised is not None
    assert (raised.origin, raised.assessment_id) == (ActionOrigin.BOARD_DECISION, None)
    assert raised.origin_reference.startswith("Programme board, ")
    assert raised.origin_reference.endswith(": decision 2")
    assert decisions[2].action_id is None
    for name in ("Kestlebury Prevent Partnership", "Marden Vale Prevent Partnership"):
        other = Partnership.objects.get(name=name)
        assert BoardMember.objects.filter(partnership=other).count() == 2
        assert BoardMeeting.objects.filter(partnership=other).count() == 1


def test_a_new_user_raises_an_action_from_a_decision_on_the_board_page(
    client: Client, demo: None
) -> None:
    partnership, coordinator = _harrowfield()
    sign_in(client, coordinator)
    board = client.get(reverse("capacity:board", args=[partnership.pk])).content.decode()
    assert "Brief every front-line council team" in board
    waiting = BoardDecision.objects.filter(meeting__partnership=partnership).order_by("pk").last()
    assert waiting is not None and waiting.action_id is None
    assert reverse("capacity:decision-action-raise", args=[waiting.pk]) in board


def test_a_new_user_finds_the_gaps_from_home(client: Client, demo: None) -> None:
    partnership, coordinator = _harrowfield()
    sign_in(client, coordinator)
    home = client.get("/").content.decode()
    assert "1 team under-trained" in home
    assert "single point of failure" in home
    overview = client.get(reverse("capacity:overview", args=[partnership.pk])).content.decode()
    assert "Police authority" in overview
    assert "Front-line council staff: 15% trained (under 50%)" in overview
    assert (
        "Harrowfield Faith Forum: only Community Cohesion Officer; suggested deputy: "
        "Prevent Coordinator" in overview
    )
