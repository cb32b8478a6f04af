"""Where an action comes from (ADR 0017): an assessment's gap, with criteria and a before and
after, or somewhere else (a board decision, an exercise's lesson) with none, said in words."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.services import api_token_create
from lde.action_plans import selectors, services
from lde.action_plans.models import Action, ActionOrigin, ActionStatus
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from tests.action_plans.conftest import World
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db

REFERENCE = "Programme board, 12 March 2026: decision 3"


def raise_from(world: World, **changes: Any) -> Action:
    values: dict[str, Any] = {
        "actor": world.coordinator,
        "partnership": world.partnership,
        "origin": ActionOrigin.BOARD_DECISION,
        "origin_reference": REFERENCE,
        "title": "Brief every head teacher",
        "description": "The board asked for a briefing for every school this term.",
        "owner": world.contributor,
        "owner_organisation": world.partnership.lead_council,
        "due_on": timezone.localdate() + timedelta(days=60),
    }
    values.update(changes)
    return services.action_raise_from(**values)


def test_an_action_raised_by_a_board_decision_has_no_assessment_and_says_where_it_came_from(
    world: World,
) -> None:
    action = raise_from(world)
    assert (action.origin, action.origin_reference, action.assessment_id) == (
        ActionOrigin.BOARD_DECISION,
        REFERENCE,
        None,
    )
    assert list(action.criteria.all()) == []
    event = AuditEvent.objects.get(verb="ACTION_RAISED")
    assert sorted(json.loads(event.payload)["changes"]) == [
        "description",
        "due_on",
        "origin",
        "origin_reference",
        "owner",
        "owner_organisation",
        "title",
    ]


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        raise_from(
            world,
            title=" ",
            description="",
            owner=None,
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"title", "description", "owner", "due_on"}
    assert refused.value.message_dict["due_on"] == ["The due date must be today or later"]
    with pytest.raises(ValidationError) as refused:
        raise_from(world, origin=ActionOrigin.ASSESSMENT_GAP)
    assert "origin" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        raise_from(world, origin_reference="")
    assert "origin_reference" in refused.value.message_dict
    assert not Action.objects.exists()
    assert not AuditEvent.objects.filter(verb="ACTION_RAISED").exists()


def test_only_coordinators_and_board_members_raise_one(world: World) -> None:
    assert raise_from(world, actor=world.board_member).pk
    for person in (world.contributor, world.viewer, world.community_reviewer):
        with pytest.raises(PermissionDenied403):
            raise_from(world, actor=person)


def test_the_database_ties_the_assessment_to_the_origin(world: World) -> None:
    first = world.cycle(2023, {"board": 1})
    gap = world.raise_action(first, "board")
    decided = raise_from(world)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Action.objects.filter(pk=decided.pk).update(assessment=first)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Action.objects.filter(pk=gap.pk).update(assessment=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Action.objects.filter(pk=gap.pk).update(origin=ActionOrigin.EXERCISE_LESSON)


def test_changing_it_asks_for_no_criteria_and_refuses_some(world: World) -> None:
    action = raise_from(world)
    changed = services.action_update(
        actor=world.coordinator,
        action=action,
        criteria=[],
        title="Brief every head teacher and governor",
        description=action.description,
        owner=action.owner,
        owner_organisation=action.owner_organisation,
        due_on=action.due_on,
    )
    assert changed.title == "Brief every head teacher and governor"
    board = world.version.criteria.get(identifier="board")
    with pytest.raises(ValidationError) as refused:
        services.action_update(
            actor=world.coordinator,
            action=action,
            criteria=[board],
            title=action.title,
            description=action.description,
            owner=action.owner,
            owner_organisation=action.owner_organisation,
            due_on=action.due_on,
        )
    assert "criteria" in refused.value.message_dict


def test_before_and_after_are_kept_for_gaps_and_absent_for_the_rest(world: World) -> None:
    first = world.cycle(2023, {"board": 1})
    gap = world.raise_action(first, "board")
    decided = raise_from(world)
    world.cycle(2024, {"board": 3})
    actions = list(selectors.action_list(user=world.viewer, partnership=world.partnership))
    outcomes = selectors.action_outcomes(user=world.viewer, actions=actions)
    assert outcomes[decided.pk].criteria == [] and outcomes[decided.pk].next_assessment is None
    (row,) = outcomes[gap.pk].criteria
    assert (row.before.value, row.movement) == (1, "up")
    # Only a board decision's action: still an answer for it, with nothing to compare.
    alone = selectors.action_outcomes(user=world.viewer, actions=[decided])
    assert alone[decided.pk].criteria == []
    # The board report of the next cycle shows the gap's action, not the decision's.
    later = world.cycle(2025, {"board": 3})
    raised, reassessed = selectors.board_report_actions(user=world.viewer, assessment=later)
    assert raised == [] and [a.pk for a, _ in reassessed] == []


def test_the_pages_and_the_api_say_where_it_came_from(client: Client, world: World) -> None:
    first = world.cycle(2023, {"board": 1})
    world.raise_action(first, "board")
    action = raise_from(world)
    sign_in(client, world.viewer)
    page = client.get(reverse("action_plans:action-detail", args=[action.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "A decision of the programme board: " + REFERENCE in text
    assert "no criteria rated before and after" in text
    listing = client.get(reverse("action_plans:action-list", args=[world.partnership.pk]))
    assert "From a decision of the programme board: " + REFERENCE in listing.content.decode()
    filtered = client.get(
        reverse("action_plans:action-list", args=[world.partnership.pk]),
        {"status": ActionStatus.PLANNED},
    )
    assert filtered.status_code == 200 and action.title in filtered.content.decode()
    sign_in(client, world.coordinator)
    form = client.get(reverse("action_plans:action-update", args=[action.pk]))
    assert form.status_code == 200 and 'name="criteria"' not in form.content.decode()
    posted = client.post(
        reverse("action_plans:action-update", args=[action.pk]),
        {
            "title": "",
            "description": action.description,
            "owner": action.owner_id,
            "owner_organisation": action.owner_organisation_id,
            **date_input("due_on", action.due_on),
        },
    )
    assert posted.status_code == 400 and "Enter a title for the action" in posted.content.decode()

    _, raw = api_token_create(actor=world.viewer, name="script")
    read = client.get(f"/api/v1/actions/{action.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert read.status_code == 200
    body = read.json()
    assert (body["origin"], body["origin_label"], body["origin_reference"]) == (
        "board_decision",
        "A decision of the programme board",
        REFERENCE,
    )
    assert (body["assessment"], body["criteria"], body["outcomes"]) == (None, [], [])
    listed = client.get("/api/v1/actions", headers={"Authorization": f"Bearer {raw}"}).json()
    assert {item["origin"] for item in listed["items"]} == {"assessment_gap", "board_decision"}


def test_the_api_changes_it_without_criteria_and_refuses_criteria(
    client: Client, world: World
) -> None:
    action = raise_from(world)
    _, raw = api_token_create(actor=world.coordinator, name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    change = {
        "criterion_ids": [],
        "title": "Brief every school",
        "description": action.description,
        "owner_id": action.owner_id,
        "owner_organisation_id": action.owner_organisation_id,
        "due_on": action.due_on.isoformat(),
    }
    answer = client.put(
        f"/api/v1/actions/{action.pk}", change, content_type="application/json", headers=headers
    )
    assert answer.status_code == 200 and answer.json()["title"] == "Brief every school"
    board = world.version.criteria.get(identifier="board")
    answer = client.put(
        f"/api/v1/actions/{action.pk}",
        {**change, "criterion_ids": [board.pk]},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 400
    assert "criterion_ids" in json.dumps(answer.json())
