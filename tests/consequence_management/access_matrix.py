"""Consequence management's part of the access matrix (tests/test_access_matrix.py): every page
and API operation, with the answer docs/apps/consequence_management.md gives each kind of user,
and cascades checked running and closed.

Readiness plans are read by the partnership's coordinators, board members, contributors and
viewers and its live inspectors; the directory and cascades by its coordinators, board members
and contributors; coordinators keep them; a running cascade's calls are recorded by coordinators
and contributors. The acknowledgement link is public (its signature is the authority); Notify's
two callbacks answer 401 to anyone without the callback's bearer token, signed in or not.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import User
from lde.consequence_management import services
from lde.consequence_management.models import CascadeRecipient, CascadeStatus, ExerciseStatus
from lde.consequence_management.services import ack_token
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    PUBLIC,
    READERS,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    only,
    partnership_page,
)
from tests.consequence_management.builders import cascade_make, directory_make, plan_make

PLAN_READERS = [*READERS, "inspector"]
CALLERS = ["coordinator", "board_member", "contributor"]
RECORDERS = ["coordinator", "contributor"]
P = "partnership_id"
UNAUTHORISED = dict.fromkeys(SUBJECTS, 401)


def kept(readers: list[str], answer: int, by: list[str] | None = None) -> dict[str, Any]:
    """Seen by `readers` (403), done by `by` (the coordinator), 404 for everyone else."""
    return {**only(403, readers, 404), **dict.fromkeys(by or ["coordinator"], answer)}


def on_cascade(answer: int, by: list[str]) -> InEvery:
    """Done by `by` while the cascade runs; seen, and refused, by the callers when closed."""
    return InEvery(
        "cascade",
        lambda state: (
            kept(CALLERS, answer, by) if state == CascadeStatus.RUNNING else only(403, CALLERS, 404)
        ),
    )


CASCADE_READ = InEvery("cascade", lambda state: only(200, CALLERS, 404))
EXERCISE_READ = InEvery("exercise", lambda state: only(200, PLAN_READERS, 404))


def on_exercise(answer: int, states: tuple[str, ...]) -> InEvery:
    """Done by the coordinator in `states`; seen, and refused, by the readers otherwise."""
    return InEvery(
        "exercise",
        lambda state: (
            kept(PLAN_READERS, answer) if state in states else only(403, PLAN_READERS, 404)
        ),
    )


OPEN = (ExerciseStatus.PLANNED, ExerciseStatus.RUNNING)

CASES: dict[str, Case] = {
    "consequence_management:overview": Case("GET", (P,), partnership_page(PLAN_READERS)),
    "consequence_management:plan-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:plan-detail": Case(
        "GET", ("readiness_plan_id",), only(200, PLAN_READERS, 404)
    ),
    **{
        f"consequence_management:{name}": Case(
            "GET", ("readiness_plan_id",), kept(PLAN_READERS, 200)
        )
        for name in ("plan-update", "plan-role-add", "plan-message-add", "rumour-add")
    },
    "consequence_management:contact-list": Case("GET", (P,), partnership_page(CALLERS)),
    "consequence_management:contact-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:contact-update": Case("GET", ("contact_id",), kept(CALLERS, 200)),
    "consequence_management:contact-verify": Case("POST", ("contact_id",), kept(CALLERS, 302), {}),
    "consequence_management:cascade-start": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:cascade-detail": Case("GET", ("cascade_id",), CASCADE_READ),
    "consequence_management:cascade-roll-call": Case("GET", ("cascade_id",), CASCADE_READ),
    "consequence_management:call-record": Case(
        "GET", ("cascade_id", "recipient_id"), on_cascade(200, RECORDERS)
    ),
    # Closing cannot be undone: a GET is the confirmation page.
    "consequence_management:cascade-close": Case(
        "GET", ("cascade_id",), on_cascade(200, ["coordinator"])
    ),
    "consequence_management:cascade-report": Case("GET", ("cascade_id",), CASCADE_READ),
    "consequence_management:exercise-list": Case("GET", (P,), partnership_page(PLAN_READERS)),
    "consequence_management:exercise-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "consequence_management:exercise-detail": Case("GET", ("exercise_id",), EXERCISE_READ),
    "consequence_management:exercise-report": Case("GET", ("exercise_id",), EXERCISE_READ),
    **{
        f"consequence_management:{name}": Case("GET", ("exercise_id",), on_exercise(200, OPEN))
        for name in ("exercise-update", "participant-add", "entry-add")
    },
    "consequence_management:exercise-start": Case(
        "POST", ("exercise_id",), on_exercise(302, (ExerciseStatus.PLANNED,)), {}
    ),
    "consequence_management:exercise-close": Case(
        "GET", ("exercise_id",), on_exercise(200, (ExerciseStatus.RUNNING,))
    ),
    "consequence_management:lesson-add": Case(
        "GET", ("exercise_id",), on_exercise(200, (ExerciseStatus.CLOSED,))
    ),
    # Public: the signed link, and Notify's callbacks (a bearer token, no session).
    "consequence_management:ack": Case("GET", ("ack_token",), PUBLIC),
    "consequence_management:notify-inbound": Case("POST", (), UNAUTHORISED, {}),
    "consequence_management:notify-receipts": Case("POST", (), UNAUTHORISED, {}),
}

CONFIRMATIONS: dict[str, Case] = {
    "consequence_management:cascade-close": Case(
        "POST", ("cascade_id",), on_cascade(302, ["coordinator"]), CONFIRMED
    ),
    "consequence_management:exercise-close": Case(
        "POST", ("exercise_id",), on_exercise(302, (ExerciseStatus.RUNNING,)), CONFIRMED
    ),
}

C = "/api/v1/consequence-management"
PC = f"{C}/partnerships/{{partnership_id}}"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{PC}/plans"): partnership_page(PLAN_READERS),
    ("GET", f"{C}/plans/{{readiness_plan_id}}"): only(200, PLAN_READERS, 404),
    ("GET", f"{PC}/contacts"): partnership_page(CALLERS),
    ("POST", f"{PC}/contacts"): {**partnership_page([]), "coordinator": 201},
    ("POST", f"{PC}/cascades"): {**partnership_page([]), "coordinator": 201},
    ("POST", f"{PC}/plans"): {**partnership_page([]), "coordinator": 201},
    ("PUT", f"{C}/plans/{{readiness_plan_id}}"): kept(PLAN_READERS, 200),
    ("GET", f"{PC}/exercises"): partnership_page(PLAN_READERS),
    ("POST", f"{PC}/exercises"): {**partnership_page([]), "coordinator": 201},
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", f"{C}/cascades/{{cascade_id}}"): CASCADE_READ,
    ("POST", f"{C}/cascades/{{cascade_id}}/recipients/{{recipient_id}}/call"): on_cascade(
        200, RECORDERS
    ),
    ("GET", f"{C}/cascades/{{cascade_id}}/after-action"): CASCADE_READ,
    ("GET", f"{C}/exercises/{{exercise_id}}"): EXERCISE_READ,
    ("POST", f"{C}/exercises/{{exercise_id}}/participants"): on_exercise(201, OPEN),
    ("POST", f"{C}/exercises/{{exercise_id}}/entries"): on_exercise(201, OPEN),
    ("POST", f"{C}/exercises/{{exercise_id}}/start"): on_exercise(200, (ExerciseStatus.PLANNED,)),
    ("POST", f"{C}/exercises/{{exercise_id}}/close"): on_exercise(200, (ExerciseStatus.RUNNING,)),
    ("POST", f"{C}/exercises/{{exercise_id}}/lessons"): on_exercise(201, (ExerciseStatus.CLOSED,)),
}

PLAN_BODY = {
    "title": "Matrix plan",
    "before": "Brief the key individuals.",
    "during": "The group meets.",
    "after": "Reassurance visits.",
    "communications_strategy": "One voice.",
    "release_contingency": "Brief the forums.",
    "everyday_policing": "Patrols continue.",
    "review_on": "2027-01-05",
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PC}/contacts"): {
        "kind": "community",
        "organisation_id": "{organisation_id}",
        "role": "Matrix chair",
        "email": "matrix.chair@example.test",
        "mobile": "07700 900555",
        "consented_on": "2025-01-05",
        "verified_on": "2025-01-05",
    },
    ("POST", f"{PC}/cascades"): {
        "title": "Matrix exercise",
        "kind": "exercise",
        "mode": "broadcast",
        "template": "Please acknowledge, {role}: {ack_link}",
        "start_key": "matrix-start-key-0001",
    },
    ("POST", f"{C}/cascades/{{cascade_id}}/recipients/{{recipient_id}}/call"): {
        "outcome": "no_answer"
    },
    ("POST", f"{PC}/plans"): PLAN_BODY,
    ("PUT", f"{C}/plans/{{readiness_plan_id}}"): {**PLAN_BODY, "title": "Operation readiness plan"},
    ("POST", f"{PC}/exercises"): {
        "title": "Matrix exercise",
        "scenario": "A warrant executed overnight.",
        "held_on": "2026-01-05",
    },
    ("POST", f"{C}/exercises/{{exercise_id}}/participants"): {
        "organisation_id": "{cm_partner_id}",
        "role": "Tactical lead",
    },
    ("POST", f"{C}/exercises/{{exercise_id}}/entries"): {
        "kind": "timeline",
        "at": "2026-01-05T09:45:00Z",
        "text": "The group convened.",
    },
    ("POST", f"{C}/exercises/{{exercise_id}}/lessons"): {
        "lesson": "The press called before the line was agreed.",
        "title": "Agree a holding line in advance",
        "description": "The communications lead drafts it.",
        "owner_id": "{cm_owner_id}",
        "owner_organisation_id": "{cm_partner_id}",
        "due_on": "2099-01-05",
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    coordinator = users["coordinator"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    plan = plan_make(coordinator=coordinator, partnership=partnership)
    contacts = directory_make(coordinator=coordinator, partnership=partnership)
    states: dict[str, dict[str, Any]] = {}
    for status in CascadeStatus.values:
        cascade = cascade_make(
            coordinator=coordinator,
            partnership=partnership,
            key=f"matrix-cascade-{status}",
            title=f"Matrix cascade ({status})",
        )
        recipient = CascadeRecipient.objects.get(cascade=cascade, contact=contacts["chair"])
        if status == CascadeStatus.CLOSED:
            from lde.consequence_management.services import cascade_close

            cascade_close(actor=coordinator, cascade=cascade)
        states[status] = {"cascade_id": cascade.pk, "recipient_id": recipient.pk}
        if status == CascadeStatus.RUNNING:
            token = ack_token(recipient)
    exercises: dict[str, dict[str, Any]] = {}
    for i, status in enumerate(ExerciseStatus.values):
        exercise = services.exercise_create(
            actor=coordinator,
            partnership=partnership,
            fields=services.ExerciseFields(
                title=f"Matrix exercise ({status})",
                scenario="Arrests at dawn.",
                held_on=timezone.localdate() - timedelta(days=i),
            ),
        )
        if status != ExerciseStatus.PLANNED:
            services.exercise_start(actor=coordinator, exercise=exercise)
        if status == ExerciseStatus.CLOSED:
            services.exercise_close(actor=coordinator, exercise=exercise)
        exercises[status] = {"exercise_id": exercise.pk}
    return {
        "readiness_plan_id": plan.pk,
        "cm_owner_id": coordinator.pk,
        "cm_partner_id": partnership.lead_council.pk,
        **exercises[ExerciseStatus.PLANNED],
        "contact_id": contacts["chair"].pk,
        "ack_token": token,
        **states[CascadeStatus.RUNNING],
        "states": {"cascade": states, "exercise": exercises},
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"cascade": list(CascadeStatus.values), "exercise": list(ExerciseStatus.values)},
)
