"""Exercises (¶161): planned, running, closed; participants by organisation and role, the
timeline and observations guarded against personal data; lessons on a closed exercise each
becoming an action in the action plan (both or neither), tracked on the exercise's page; the
after-action report of an exercise and of a cascade."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as PolicyDenied
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.action_plans.models import Action, ActionOrigin, ActionStatus
from lde.consequence_management import selectors, services
from lde.consequence_management.models import (
    CascadeRecipient,
    Exercise,
    ExerciseEntry,
    ExerciseStatus,
    Lesson,
)
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from tests.conftest import sign_in
from tests.consequence_management.builders import cascade_make, directory_make

pytestmark = pytest.mark.django_db


def exercise_make(cast: dict[str, Any], **changes: Any) -> Exercise:
    fields = {
        "title": "Exercise Harbour",
        "scenario": "Arrests at dawn in two streets of the town centre; a rumour spreads online.",
        "held_on": timezone.localdate() - timedelta(days=3),
        **changes,
    }
    return services.exercise_create(
        actor=cast["coordinator"],
        partnership=cast["partnership"],
        fields=services.ExerciseFields(**fields),
    )


def closed_exercise(cast: dict[str, Any]) -> Exercise:
    exercise = exercise_make(cast)
    services.exercise_start(actor=cast["coordinator"], exercise=exercise)
    return services.exercise_close(actor=cast["coordinator"], exercise=exercise)


def lesson_args(cast: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "lesson": "The ring-round list had no out-of-hours numbers for the faith centres.",
        "title": "Collect out-of-hours numbers for every faith centre",
        "description": "Ask each centre for a second channel and verify it within a month.",
        "owner": cast["coordinator"],
        "owner_organisation": cast["council"],
        "due_on": timezone.localdate() + timedelta(days=30),
        **changes,
    }


def test_an_exercise_moves_planned_running_closed_and_is_audited(cast: dict[str, Any]) -> None:
    coordinator = cast["coordinator"]
    exercise = exercise_make(cast)
    assert exercise.status == ExerciseStatus.PLANNED
    services.participant_add(
        actor=coordinator, exercise=exercise, organisation=cast["council"], role="Gold commander"
    )
    services.exercise_start(actor=coordinator, exercise=exercise)
    services.entry_add(
        actor=coordinator,
        exercise=exercise,
        kind="timeline",
        at=timezone.now(),
        text="The group met within 40 minutes.",
    )
    closed = services.exercise_close(actor=coordinator, exercise=exercise)
    assert closed.status == ExerciseStatus.CLOSED and closed.closed_at is not None
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"EXERCISE_PLANNED", "EXERCISE_STARTED", "EXERCISE_CLOSED"} <= verbs
    with pytest.raises(PolicyDenied):
        services.entry_add(
            actor=coordinator, exercise=closed, kind="observation", at=timezone.now(), text="Late"
        )
    with pytest.raises(PolicyDenied):
        services.exercise_start(actor=coordinator, exercise=closed)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("scenario", "Mr Ahmed Khan of 12 Mill Lane is arrested."),
        ("text", "Mrs Patel told us she thinks the mosque is hiding people."),
        ("role", "Mr Ahmed Khan"),
    ],
)
def test_the_personal_data_guard_refuses_a_member_of_the_public(
    cast: dict[str, Any], field: str, text: str
) -> None:
    coordinator = cast["coordinator"]
    if field == "scenario":
        with pytest.raises(ValidationError) as refused:
            exercise_make(cast, scenario=text)
        assert "scenario" in refused.value.message_dict
        assert not Exercise.objects.exists()
        return
    exercise = exercise_make(cast)
    with pytest.raises(ValidationError) as refused:
        if field == "text":
            services.entry_add(
                actor=coordinator,
                exercise=exercise,
                kind="observation",
                at=timezone.now(),
                text=text,
            )
        else:
            services.participant_add(
                actor=coordinator, exercise=exercise, organisation=cast["council"], role=text
            )
    assert field in refused.value.message_dict
    assert not ExerciseEntry.objects.exists() and not exercise.participants.exists()


def test_bad_input_is_refused_field_by_field(cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        exercise_make(cast, title=" ", scenario="")
    assert set(refused.value.message_dict) == {"title", "scenario"}
    live = cascade_make(
        coordinator=cast["coordinator"],
        partnership=cast["partnership"],
        contacts=list(
            directory_make(
                coordinator=cast["coordinator"], partnership=cast["partnership"]
            ).values()
        ),
        kind="live",
    )
    with pytest.raises(ValidationError) as refused:
        exercise_make(cast, cascade=live)
    assert "exercise cascades" in refused.value.message_dict["cascade"][0]
    exercise_make(cast)
    with pytest.raises(ValidationError) as refused:
        exercise_make(cast)
    assert "already has an exercise" in refused.value.message_dict["title"][0]


def test_a_lesson_becomes_an_action_naming_the_exercise(cast: dict[str, Any]) -> None:
    exercise = closed_exercise(cast)
    lesson = services.lesson_record(
        actor=cast["coordinator"], exercise=exercise, **lesson_args(cast)
    )
    action = Action.objects.get(pk=lesson.action_id)
    assert action.origin == ActionOrigin.EXERCISE_LESSON
    assert action.assessment_id is None
    assert "Exercise Harbour" in action.origin_reference
    assert action.partnership_id == cast["partnership"].pk
    assert AuditEvent.objects.filter(verb="EXERCISE_LESSON_RECORDED").exists()
    assert AuditEvent.objects.filter(verb="ACTION_RAISED").exists()
    with pytest.raises(Conflict):
        services.lesson_record(actor=cast["coordinator"], exercise=exercise, **lesson_args(cast))


def test_a_lesson_whose_action_is_refused_writes_neither(cast: dict[str, Any]) -> None:
    exercise = closed_exercise(cast)
    with pytest.raises(ValidationError) as refused:
        services.lesson_record(
            actor=cast["coordinator"],
            exercise=exercise,
            **lesson_args(cast, owner=cast["outsider"], due_on=None),
        )
    assert "owner" in refused.value.message_dict
    assert not Lesson.objects.exists() and not Action.objects.exists()


def test_lessons_wait_for_the_exercise_to_close(cast: dict[str, Any]) -> None:
    exercise = exercise_make(cast)
    with pytest.raises(PolicyDenied):
        services.lesson_record(actor=cast["coordinator"], exercise=exercise, **lesson_args(cast))
    assert not Action.objects.exists()


def test_only_coordinators_keep_exercises(cast: dict[str, Any]) -> None:
    exercise = exercise_make(cast)
    for role in ("board_member", "contributor", "viewer"):
        with pytest.raises(PolicyDenied):
            services.exercise_start(actor=cast["people"][role], exercise=exercise)


def test_the_cascade_review_counts_time_to_first_message_key_roles_and_silence(
    cast: dict[str, Any],
) -> None:
    coordinator = cast["coordinator"]
    contacts = directory_make(coordinator=coordinator, partnership=cast["partnership"])
    cascade = cascade_make(
        coordinator=coordinator,
        partnership=cast["partnership"],
        contacts=[contacts["strategic"], contacts["tactical"], contacts["chair"]],
    )
    services.send_due(cascade_id=cascade.pk)
    strategic = CascadeRecipient.objects.get(cascade=cascade, contact=contacts["strategic"])
    tactical = CascadeRecipient.objects.get(cascade=cascade, contact=contacts["tactical"])
    services.call_record(
        actor=coordinator, cascade=cascade, recipient=strategic, outcome="acknowledged"
    )
    services.call_record(
        actor=coordinator, cascade=cascade, recipient=tactical, outcome="acknowledged"
    )
    # The tactical lead answered after 20 minutes: outside the 15.
    CascadeRecipient.objects.filter(pk=tactical.pk).update(
        acknowledged_at=cascade.started_at + timedelta(minutes=20)
    )
    review = selectors.cascade_review(cascade=cascade)
    assert review.called == 3 and review.key_roles == 3
    assert review.key_roles_acknowledged_in_time == 1
    assert review.first_message_seconds is not None and review.first_message_seconds >= 0
    assert [(u.role, u.organisation) for u in review.unanswered] == [("Chair", "Test Mosque Trust")]
    assert review.timeline[0].what == "The cascade started"


def test_the_pages_take_an_exercise_from_plan_to_lesson_and_report(
    client: Client, cast: dict[str, Any]
) -> None:
    coordinator = cast["coordinator"]
    sign_in(client, coordinator)
    partnership = cast["partnership"]
    day = timezone.localdate()
    refused = client.post(
        reverse("consequence_management:exercise-create", args=[partnership.pk]),
        {"title": "", "scenario": "", "held_on-day": "", "held_on-month": "", "held_on-year": ""},
    )
    assert refused.status_code == 400
    assert b"govuk-error-summary" in refused.content
    made = client.post(
        reverse("consequence_management:exercise-create", args=[partnership.pk]),
        {
            "title": "Exercise Lantern",
            "scenario": "A warrant executed overnight; calls from the press by seven.",
            "held_on-day": day.day,
            "held_on-month": day.month,
            "held_on-year": day.year,
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    exercise = Exercise.objects.get(title="Exercise Lantern")
    detail = reverse("consequence_management:exercise-detail", args=[exercise.pk])
    assert (
        client.post(
            reverse("consequence_management:participant-add", args=[exercise.pk]),
            {"organisation": cast["council"].pk, "role": "Tactical lead"},
        ).status_code
        == 302
    )
    bad_time = client.post(
        reverse("consequence_management:entry-add", args=[exercise.pk]),
        {"kind": "timeline", "time": "9 o'clock", "text": "Group convened"},
    )
    assert bad_time.status_code == 400 and b"HH:MM" in bad_time.content
    assert (
        client.post(
            reverse("consequence_management:entry-add", args=[exercise.pk]),
            {"kind": "timeline", "time": "09:45", "text": "Group convened"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("consequence_management:exercise-start", args=[exercise.pk])
        ).status_code
        == 302
    )
    close = reverse("consequence_management:exercise-close", args=[exercise.pk])
    assert b"cannot be opened again" in client.get(close).content
    assert client.post(close, {"confirmed": "yes"}).status_code == 302
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.CLOSED
    due = day + timedelta(days=20)
    added = client.post(
        reverse("consequence_management:lesson-add", args=[exercise.pk]),
        {
            "lesson": "Press calls came before the agreed line was ready.",
            "title": "Agree a holding line for the press in advance",
            "description": "The communications lead drafts it with the police.",
            "owner": coordinator.pk,
            "owner_organisation": cast["council"].pk,
            "due_on-day": due.day,
            "due_on-month": due.month,
            "due_on-year": due.year,
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    page = client.get(detail).content.decode()
    assert "Agree a holding line for the press in advance" in page
    assert "Planned" in page  # the action's status, tracked to closure
    Action.objects.filter(exercise_lesson__exercise=exercise).update(status=ActionStatus.DONE)
    assert ">Done<" in client.get(detail).content.decode()
    report = client.get(reverse("consequence_management:exercise-report", args=[exercise.pk]))
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert (
        b"".join(report.streaming_content if report.streaming else [report.content])[:4] == b"%PDF"
    )


def test_the_cascade_after_action_report_is_a_pdf(client: Client, cast: dict[str, Any]) -> None:
    coordinator = cast["coordinator"]
    contacts = directory_make(coordinator=coordinator, partnership=cast["partnership"])
    cascade = cascade_make(
        coordinator=coordinator, partnership=cast["partnership"], contacts=[contacts["chair"]]
    )
    sign_in(client, coordinator)
    report = client.get(reverse("consequence_management:cascade-report", args=[cascade.pk]))
    assert report.status_code == 200 and report.content[:4] == b"%PDF"


def test_the_exercise_page_asks_the_same_number_of_queries_whatever_its_size(
    client: Client, cast: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = cast["coordinator"]
    contacts = directory_make(coordinator=coordinator, partnership=cast["partnership"])
    sign_in(client, coordinator)

    def measured(title: str, size: int) -> int:
        cascade = cascade_make(
            coordinator=coordinator,
            partnership=cast["partnership"],
            contacts=list(contacts.values())[: size + 1],
            key=f"size-{size}-start-key",
            title=f"{title} call-out",
        )
        exercise = exercise_make(cast, title=title, cascade=cascade)
        services.exercise_start(actor=coordinator, exercise=exercise)
        for i in range(size):
            services.participant_add(
                actor=coordinator, exercise=exercise, organisation=cast["council"], role=f"Role {i}"
            )
            services.entry_add(
                actor=coordinator,
                exercise=exercise,
                kind="timeline",
                at=timezone.now(),
                text=f"Step {i}",
            )
        services.exercise_close(actor=coordinator, exercise=exercise)
        for i in range(size):
            services.lesson_record(
                actor=coordinator,
                exercise=exercise,
                **lesson_args(cast, lesson=f"Lesson {i}", title=f"Action {i}"),
            )
        url = reverse("consequence_management:exercise-detail", args=[exercise.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert measured("Exercise Small", 1) == measured("Exercise Large", 4)
