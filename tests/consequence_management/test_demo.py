"""The consequence-management demo: every state the pages show (plans past and within review, a
directory with both warnings, a finished exercise with its closed cascade and lessons whose
actions are in the action plan, a running exercise and cascade, a planned exercise, a readiness
assessment), built again without duplicates, and found on the pages a new user opens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.action_plans.models import Action, ActionOrigin
from lde.assessments.models import Assessment, AssessmentStatus
from lde.assessments.services import rated_criteria
from lde.consequence_management import demo as cm_demo
from lde.consequence_management import services
from lde.consequence_management.models import (
    Cascade,
    CascadeStatus,
    Exercise,
    ExerciseStatus,
    KeyContact,
    Lesson,
    ReadinessPlan,
)
from lde.core.audit.chain import audit_verify
from lde.frameworks import demo as frameworks_demo
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        frameworks_demo.demo_build()
        partnerships_demo.demo_build()
        cm_demo.demo_build()
        yield


def harrowfield() -> Partnership:
    return Partnership.objects.get(name="Harrowfield Prevent Partnership")


def counts() -> list[int]:
    return [
        m.objects.count()
        for m in (ReadinessPlan, KeyContact, Cascade, Exercise, Lesson, Action, Assessment)
    ]


def test_the_demo_has_every_state(demo: None) -> None:
    partnership = harrowfield()
    today = timezone.localdate()
    plans = ReadinessPlan.objects.filter(partnership=partnership)
    assert (
        plans.filter(review_on__lt=today).exists() and plans.filter(review_on__gte=today).exists()
    )
    warnings = [
        w
        for c in KeyContact.objects.filter(partnership=partnership)
        for w in services.contact_warnings(c, today)
    ]
    assert any("fewer than two" in w.lower() or "channel" in w.lower() for w in warnings)
    assert any("90" in w or "verified" in w.lower() for w in warnings)
    assert set(
        Exercise.objects.filter(partnership=partnership).values_list("status", flat=True)
    ) == set(ExerciseStatus.values)
    assert set(
        Cascade.objects.filter(partnership=partnership).values_list("status", flat=True)
    ) == set(CascadeStatus.values)
    finished = Exercise.objects.get(title="Exercise Harbour")
    assert finished.cascade is not None and finished.cascade.status == CascadeStatus.CLOSED
    lessons = list(finished.lessons.select_related("action"))
    assert len(lessons) == 2
    assert all(lesson.action.origin == ActionOrigin.EXERCISE_LESSON for lesson in lessons)
    # The readiness self-assessment went through the ordinary cycle to its end: every
    # criterion rated, with its evidence, and the whole published after the board's sign-off.
    (readiness,) = Assessment.objects.filter(
        partnership=partnership,
        framework_version__framework__identifier=services.READINESS_FRAMEWORK,
    )
    assert readiness.status == AssessmentStatus.PUBLISHED
    assert readiness.board_signed_off_at is not None
    responses = list(readiness.responses.all())
    assert len(responses) == len(rated_criteria(readiness.framework_version)) > 0
    assert all(r.rating in (1, 2, 3, 4) and r.commentary.strip() for r in responses)
    assert len({r.rating for r in responses}) > 1
    assert audit_verify().ok


def test_building_again_makes_nothing_twice(demo: None) -> None:
    before = counts()
    cm_demo.demo_build()
    assert counts() == before


def test_a_new_user_finds_the_exercise_its_lessons_and_the_plan_to_review(
    demo: None, client: Client
) -> None:
    partnership = harrowfield()
    coordinator = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .order_by("pk")
        .first()
    )
    assert coordinator is not None
    sign_in(client, coordinator.user)
    overview = client.get(reverse("consequence_management:overview", args=[partnership.pk]))
    assert "Exercise Harbour" in overview.content.decode()
    exercise = Exercise.objects.get(title="Exercise Harbour")
    page = client.get(reverse("consequence_management:exercise-detail", args=[exercise.pk]))
    text = page.content.decode()
    assert "Agree a holding line for the press in advance" in text
    assert "In progress" in text
    assert "Who never answered" in text
    home = client.get("/").content.decode()
    assert "Operation readiness plan" in home
