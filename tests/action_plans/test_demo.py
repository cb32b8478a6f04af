"""The action plans demo: loads, loads again without duplicates, has actions in every state on
each partnership's published cycles, some that moved their criteria and some that did not, some
overdue and some due within the week; and a new user finds all of it from the home page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client

from lde.action_plans import demo as action_plans_demo
from lde.action_plans import services as action_services
from lde.action_plans.models import Action, ActionStatus, ActionTransition, ProgressUpdate
from lde.action_plans.selectors import action_outcomes
from lde.assessments import analysis
from lde.assessments import demo as assessments_demo
from lde.assessments.models import Assessment, AssessmentStatus, CriterionResponse
from lde.core.access.facts import today
from lde.core.audit.chain import audit_verify
from lde.frameworks import demo as frameworks_demo
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


def build() -> None:
    partnerships_demo.demo_build()
    frameworks_demo.demo_build()
    assessments_demo.demo_build()
    action_plans_demo.demo_build()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, built once for the module and rolled back at its end; each test's own writes
    are rolled back after it."""
    with kept_for_the_module(django_db_blocker):
        build()
        yield


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    """Replaces tests/conftest.py's: the demo's evidence files stay until the module ends."""
    yield


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Action, ProgressUpdate, ActionTransition)
    }


def text(response: Any) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def links(response: Any, pattern: str) -> list[str]:
    return re.findall(rf'href="({pattern})"', response.content.decode())


def test_the_demo_loads_twice_without_duplicates_with_every_state(demo: None) -> None:
    first = counts()
    action_plans_demo.demo_build()
    assert counts() == first
    day = today()
    for partnership in Partnership.objects.all():
        actions = list(
            Action.objects.filter(partnership=partnership)
            .select_related("assessment__framework_version", "partnership")
            .prefetch_related("criteria")
        )
        assert {a.status for a in actions} == set(ActionStatus.values), partnership
        assert any(a.is_overdue(day) for a in actions), partnership
        assert any(a.is_open and day <= a.due_on <= day + timedelta(days=7) for a in actions)
        # Raised on each of the three published cycles.
        assert len({a.assessment_id for a in actions}) == assessments_demo.CYCLES
        owner = next(a.owner for a in actions)
        outcomes = action_outcomes(user=owner, actions=actions)
        movements = Counter(
            after.movement
            for outcome in outcomes.values()
            for row in outcome.criteria
            for after in row.after
        )
        assert movements["up"] >= 2 and movements["same"] >= 2, (partnership, movements)
        assert sum(1 for o in outcomes.values() if o.next_assessment is None) >= 4
    cancelled = ActionTransition.objects.filter(to_status=ActionStatus.CANCELLED)
    assert cancelled.exists() and all(t.reason.strip() for t in cancelled)
    # Nothing the demo wrote happened in the future.
    assert not ProgressUpdate.objects.filter(created_at__date__gt=day).exists()
    assert audit_verify().problems == []


def test_an_actions_after_is_the_rating_the_gap_analysis_counts_in_a_moderated_cycle(
    demo: None,
) -> None:
    partnership = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    moderated = (
        Assessment.objects.filter(
            partnership=partnership,
            status=AssessmentStatus.PUBLISHED,
            published_without_review=False,
            moderation_decisions__isnull=False,
        )
        .select_related("framework_version")
        .distinct()
        .get()
    )
    gaps = {c.identifier: c for c in analysis.assessment_gaps(assessment=moderated).criteria}
    own = dict(
        CriterionResponse.objects.filter(assessment=moderated).values_list(
            "criterion__identifier", "rating"
        )
    )
    # Moderation changed some of the cycle's ratings: the gap analysis counts the agreed ones.
    overruled = {i for i, gap in gaps.items() if gap.agreed and gap.rating != own[i]}
    assert overruled
    # Every action re-assessed by that cycle shows, as its "after", the rating counted there;
    # and an action on an overruled criterion shows the agreed rating, not the partnership's.
    criteria = list(moderated.framework_version.criteria.filter(identifier__in=overruled))
    coordinator = Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR).first()
    assert coordinator is not None
    earlier = Assessment.objects.filter(
        partnership=partnership,
        status=AssessmentStatus.PUBLISHED,
        framework_version=moderated.framework_version,
        period_end__lt=moderated.period_end,
    ).latest("period_end")
    extra = action_services.action_raise(
        actor=coordinator.user,
        assessment=earlier,
        criteria=criteria,
        title="Check the moderated ratings",
        description="Compare before and after with the gap analysis.",
        owner=coordinator.user,
        owner_organisation=partnership.lead_council,
        due_on=today() + timedelta(days=30),
    )
    actions = list(
        Action.objects.filter(partnership=partnership)
        .select_related("assessment__framework_version", "partnership")
        .prefetch_related("criteria")
    )
    outcomes = action_outcomes(user=coordinator.user, actions=actions)
    afters = [
        (after.identifier, after.rating.value, after.rating.agreed)
        for outcome in outcomes.values()
        if outcome.next_assessment is not None and outcome.next_assessment.pk == moderated.pk
        for row in outcome.criteria
        for after in row.after
    ]
    assert afters
    assert all(
        (value, agreed) == (gaps[identifier].rating, gaps[identifier].agreed)
        for identifier, value, agreed in afters
    )
    assert sorted(
        (a.identifier, a.rating.value, a.rating.agreed)
        for row in outcomes[extra.pk].criteria
        for a in row.after
    ) == sorted((i, gaps[i].rating, True) for i in overruled)


def test_a_coordinator_finds_the_plan_and_its_before_and_after_from_the_home_page(
    demo: None,
) -> None:
    partnership = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    coordinator = Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR).first()
    assert coordinator is not None
    client = sign_in(Client(), coordinator.user)
    home = client.get("/")
    assert "Overdue actions" in text(home)
    overview = links(home, rf"/partnerships/{partnership.pk}/")[0]
    plan = links(client.get(overview), r"/actions/partnership/\d+/")[0]
    listing = client.get(plan)
    assert listing.status_code == 200
    page = text(listing)
    assert "Moved up" in page and "No change" in page and "Overdue" in page
    done = Action.objects.filter(partnership=partnership, status=ActionStatus.DONE).first()
    assert done is not None
    detail = text(client.get(f"/actions/{done.pk}/"))
    assert "Re-assessed in Prevent partnership model self-assessment" in detail
    # From an assessment, raise an action on its largest gaps.
    latest = Action.objects.filter(partnership=partnership).order_by("-assessment__period_end")
    assessment = latest.first().assessment
    raise_page = client.get(f"/assessments/{assessment.pk}/")
    create = links(raise_page, rf"/actions/assessment/{assessment.pk}/new/")
    assert create
    form = client.get(create[0])
    assert form.status_code == 200
    assert "Gap of" in text(form)
