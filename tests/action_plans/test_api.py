"""The action plan API: the same policies and the same services as the pages, every error
declared, and the document's promises kept (schemathesis, aimed at real actions)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from lde.accounts.services import api_token_create
from lde.action_plans import services
from lde.action_plans.models import Action, ActionStatus
from tests.action_plans.conftest import World
from tests.api.generation import GENERATION

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="script")
    return {"Authorization": f"Bearer {raw}"}


def body(world: World, assessment: Any, **changes: Any) -> dict[str, Any]:
    board = world.version.criteria.get(identifier="board")
    values = {
        "assessment_id": assessment.pk,
        "criterion_ids": [board.pk],
        "title": "Refresh the board",
        "description": "Agree new terms of reference.",
        "owner_id": world.contributor.pk,
        "owner_organisation_id": world.partnership.lead_council_id,
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    values.update(changes)
    return values


def test_a_board_member_raises_an_action_and_reads_it_before_and_after(
    client: Client, world: World
) -> None:
    first = world.cycle(2023, {"board": 1})
    answer = client.post(
        "/api/v1/actions",
        body(world, first),
        content_type="application/json",
        headers=bearer(world.board_member),
    )
    assert answer.status_code == 201
    created = answer.json()
    action = Action.objects.get()
    assert (created["id"], created["status"], created["overdue"]) == (action.pk, "planned", False)
    assert created["outcomes"][0]["movement"] == "pending"
    world.cycle(2024, {"board": None})
    world.cycle(2025, {"board": 3})
    read = client.get(f"/api/v1/actions/{action.pk}", headers=bearer(world.viewer)).json()
    # The next published cycle after 2023 is 2024, where the board was not rated.
    assert read["next_assessment"]["title"] == "Self-assessment 2024"
    (outcome,) = read["outcomes"]
    assert outcome["before"] == {"value": 1, "label": "1 – Not in place", "agreed": False}
    assert outcome["after"] == [
        {
            "identifier": "board",
            "title": "Board",
            "rating": {"value": None, "label": "Not rated", "agreed": False},
            "movement": "unrated",
        }
    ]
    assert outcome["mapping"] is None


def test_bad_input_is_refused_with_every_field_named(client: Client, world: World) -> None:
    assessment = world.cycle(2024, {"board": 1})
    answer = client.post(
        "/api/v1/actions",
        body(
            world,
            assessment,
            criterion_ids=[999_999],
            owner_id=world.community_reviewer.pk,
            owner_organisation_id=999_999,
        ),
        content_type="application/json",
        headers=bearer(world.coordinator),
    )
    assert answer.status_code == 400
    name = world.partnership.name
    assert answer.json() == {
        "detail": "The request was refused.",
        "errors": {
            "criterion_ids": [
                "Select criteria of the framework the assessment uses that take a rating."
            ],
            "owner_id": [f"The owner must be a member of {name}."],
            "owner_organisation_id": [
                f"The organisation must be a partner organisation of {name}."
            ],
        },
    }
    past = client.post(
        "/api/v1/actions",
        body(world, assessment, due_on="2001-01-01"),
        content_type="application/json",
        headers=bearer(world.coordinator),
    )
    assert (past.status_code, past.json()["errors"]) == (
        400,
        {"due_on": ["The due date must be today or later"]},
    )
    assert Action.objects.count() == 0


def test_those_who_may_not_raise_hear_who_can_and_outsiders_hear_nothing(
    client: Client, world: World
) -> None:
    assessment = world.cycle(2024, {"board": 1})
    refused = client.post(
        "/api/v1/actions",
        body(world, assessment),
        content_type="application/json",
        headers=bearer(world.viewer),
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "The partnership's coordinators and board members raise actions."
    }
    action = world.raise_action(assessment, "board")
    from tests.factories import MembershipFactory

    outsider = MembershipFactory().user
    for url in (f"/api/v1/actions/{action.pk}", "/api/v1/actions/999999"):
        missing = client.get(url, headers=bearer(outsider))
        assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    listing = client.get("/api/v1/actions", headers=bearer(outsider)).json()
    assert listing == {"count": 0, "items": []}


def test_lists_filter_by_partnership_status_and_owner(client: Client, world: World) -> None:
    today = timezone.localdate()
    assessment = world.cycle(2023, {"board": 1})
    late = world.raise_action(
        assessment, "board", due_on=today - timedelta(days=2), raised_on=today - timedelta(90)
    )
    mine = world.raise_action(assessment, "board", owner=world.viewer, title="Viewer's")
    services.progress_record(actor=world.viewer, action=mine, text="Begun.", status="in_progress")
    headers = bearer(world.coordinator)

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/v1/actions{query}", headers=headers)
        assert answer.status_code == 200
        return [item["id"] for item in answer.json()["items"]]

    assert ids(f"?partnership_id={world.partnership.pk}") == [late.pk, mine.pk]
    assert ids("?status=overdue") == [late.pk]
    assert ids("?status=in_progress") == [mine.pk]
    assert ids(f"?owner_id={world.viewer.pk}") == [mine.pk]
    assert ids("?partnership_id=999999") == []
    assert client.get("/api/v1/actions?status=late", headers=headers).status_code == 422
    first = client.get("/api/v1/actions?status=overdue", headers=headers).json()["items"][0]
    assert first["overdue"] is True


def test_changing_reporting_cancelling_and_reopening(client: Client, world: World) -> None:
    assessment = world.cycle(2024, {"board": 1, "ownership": 2})
    action = world.raise_action(assessment, "board")
    coordinator = bearer(world.coordinator)
    change = body(world, assessment, title="Refresh the board's terms")
    del change["assessment_id"]
    changed = client.put(
        f"/api/v1/actions/{action.pk}", change, content_type="application/json", headers=coordinator
    )
    assert (changed.status_code, changed.json()["title"]) == (200, "Refresh the board's terms")
    progress = client.post(
        f"/api/v1/actions/{action.pk}/progress",
        {"text": "Terms drafted.", "status": "in_progress"},
        content_type="application/json",
        headers=bearer(world.contributor),
    )
    assert progress.status_code == 201
    assert (progress.json()["status_from"], progress.json()["status_to"]) == (
        "planned",
        "in_progress",
    )
    blank = client.post(
        f"/api/v1/actions/{action.pk}/cancel",
        {"reason": "  "},
        content_type="application/json",
        headers=coordinator,
    )
    assert (blank.status_code, blank.json()["errors"]) == (
        400,
        {"reason": ["Say why the action is cancelled"]},
    )
    cancelled = client.post(
        f"/api/v1/actions/{action.pk}/cancel",
        {"reason": "Covered by the new plan."},
        content_type="application/json",
        headers=coordinator,
    )
    assert cancelled.json()["status"] == "cancelled"
    closed = client.put(
        f"/api/v1/actions/{action.pk}", change, content_type="application/json", headers=coordinator
    )
    assert closed.status_code == 403
    reopened = client.post(
        f"/api/v1/actions/{action.pk}/reopen",
        {"reason": "Needed after all."},
        content_type="application/json",
        headers=bearer(world.board_member),
    )
    assert reopened.status_code == 200
    assert [(t["from_status"], t["to_status"]) for t in reopened.json()["transitions"]] == [
        ("planned", "in_progress"),
        ("in_progress", "cancelled"),
        ("cancelled", "planned"),
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


# --- The document's promises, aimed at real actions ----------------------------------------

OPERATIONS = [
    "GET /api/v1/actions",
    "POST /api/v1/actions",
    "GET /api/v1/actions/{action_id}",
    "PUT /api/v1/actions/{action_id}",
    "POST /api/v1/actions/{action_id}/progress",
    "POST /api/v1/actions/{action_id}/cancel",
    "POST /api/v1/actions/{action_id}/reopen",
]


@pytest.fixture
def api_schema() -> Iterator[Any]:
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client avoids this the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    config = SchemathesisConfig.from_dict(
        {
            "generation": GENERATION,
            "operations": [
                {
                    "include-name": OPERATIONS[1:2] + OPERATIONS[3:],
                    "checks": {
                        # 409: a change over a revision someone saved since.
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                        }
                    },
                }
            ],
        }
    )
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=config
    )
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("api_rate_limits_lifted")
def test_the_action_operations_conform_to_the_document(api_schema: Any, world: World) -> None:
    assessment = world.cycle(2024, {"board": 1, "ownership": 2})
    world.cycle(2025, {"board": 2, "ownership": 2})
    actions = [world.raise_action(assessment, "board", "ownership") for _ in range(2)]
    services.progress_record(
        actor=world.coordinator, action=actions[1], text="Done.", status="done"
    )
    headers = bearer(world.coordinator)
    real = {
        "action_id": [a.pk for a in actions],
        "assessment_id": [assessment.pk],
        "criterion_ids": [[c.pk for c in actions[0].criteria.all()]],
        "owner_id": [world.contributor.pk],
        "owner_organisation_id": [world.partnership.lead_council_id],
    }
    operations = [
        result.ok() for result in api_schema.get_all_operations() if result.ok().label in OPERATIONS
    ]
    assert sorted(o.label for o in operations) == sorted(OPERATIONS)
    for operation in operations:

        @given(case=operation.as_strategy(), aim=st.booleans(), pick=st.integers(0, 1))
        @settings(max_examples=25, suppress_health_check=list(HealthCheck), deadline=None)
        def exercise(case: Any, aim: bool, pick: int) -> None:
            # Random ids almost never name a row: half the time, aim at the real ones.
            if aim:
                for name in set(case.path_parameters or {}) & set(real):
                    case.path_parameters[name] = real[name][pick % len(real[name])]
                if isinstance(case.body, dict):
                    for name in set(case.body) & set(real):
                        case.body[name] = real[name][pick % len(real[name])]
            case.call_and_validate(headers=headers)

        exercise()
