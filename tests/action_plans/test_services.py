"""Raising, changing, reporting on, cancelling and reopening actions: every write audited, every
status change along the transition map and in the history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lde.action_plans import services
from lde.action_plans.models import Action, ActionStatus, ActionTransition, ProgressUpdate
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from tests.action_plans.conftest import World
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def changed(event: AuditEvent) -> list[str]:
    """The names of the fields an event says were changed (their values are kept only hashed)."""
    return sorted(json.loads(event.payload)["changes"])


def verbs(action: Action) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="action_plans.action", target_id=str(action.pk))
        .order_by("sequence")
        .values_list("verb", flat=True)
    )


def test_a_coordinator_raises_an_action_on_two_criteria_and_it_is_audited(world: World) -> None:
    assessment = world.cycle(2024, {"ownership": 2, "board": 1})
    due = timezone.localdate() + timedelta(days=60)
    action = world.raise_action(assessment, "board", "ownership", due_on=due, title="  Board  ")
    assert (action.status, action.title, action.due_on) == (ActionStatus.PLANNED, "Board", due)
    assert (action.partnership, action.assessment, action.created_by) == (
        world.partnership,
        assessment,
        world.coordinator,
    )
    assert [c.identifier for c in action.criteria.order_by("position")] == ["ownership", "board"]
    event = AuditEvent.objects.get(verb="ACTION_RAISED")
    assert (event.actor_id, event.partnership_id, event.target_id) == (
        world.coordinator.pk,
        world.partnership.pk,
        str(action.pk),
    )
    assert changed(event) == [
        "assessment",
        "criteria",
        "description",
        "due_on",
        "origin",
        "owner",
        "owner_organisation",
        "title",
    ]
    assert "Board" not in event.payload


def test_every_problem_with_a_new_action_is_named_at_once(world: World) -> None:
    assessment = world.cycle(2024, {"ownership": 2})
    with pytest.raises(ValidationError) as refused:
        world.raise_action(
            assessment,
            title=" ",
            description="",
            owner=UserFactory(),
            owner_organisation=OrganisationFactory(),
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert refused.value.message_dict == {
        "title": ["Enter a title for the action"],
        "description": ["Enter a description of the action"],
        "criteria": ["Select at least one criterion whose gap the action addresses"],
        "owner": [f"The owner must be a member of {world.partnership.name}"],
        "owner_organisation": [
            f"The organisation must be a partner organisation of {world.partnership.name}"
        ],
        "due_on": ["The due date must be today or later"],
    }
    assert Action.objects.count() == 0


def test_criteria_must_belong_to_the_assessments_framework_version(world: World, version_2) -> None:
    assessment = world.cycle(2024, {"ownership": 2})
    other = version_2.criteria.get(identifier="governance")
    with pytest.raises(ValidationError) as refused:
        world.raise_action(assessment, criteria=[other])
    assert refused.value.message_dict == {
        "criteria": ["Select criteria of the framework the assessment uses"]
    }


def test_a_community_reviewer_cannot_be_the_owner(world: World) -> None:
    assessment = world.cycle(2024, {"ownership": 2})
    with pytest.raises(ValidationError) as refused:
        world.raise_action(assessment, "ownership", owner=world.community_reviewer)
    assert list(refused.value.message_dict) == ["owner"]


@pytest.mark.parametrize("role", ["contributor", "viewer", "community_reviewer"])
def test_only_coordinators_and_board_members_raise_actions(world: World, role: str) -> None:
    assessment = world.cycle(2024, {"ownership": 2})
    with pytest.raises(PermissionDenied403) as refused:
        world.raise_action(assessment, "ownership", actor=getattr(world, role))
    assert refused.value.who_can == (
        "The partnership's coordinators and board members raise actions."
    )
    assert world.raise_action(assessment, "ownership", actor=world.board_member).pk


def test_the_owner_starts_reports_and_finishes_an_action(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    services.progress_record(actor=world.contributor, action=action, text="Drafted the terms.")
    services.progress_record(
        actor=world.contributor, action=action, text="First meeting held.", status="in_progress"
    )
    services.progress_record(
        actor=world.coordinator, action=action, text="Board now meets.", status="done"
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    updates = list(ProgressUpdate.objects.filter(action=action).order_by("pk"))
    assert [(u.text, u.author, u.status_from, u.status_to) for u in updates] == [
        ("Drafted the terms.", world.contributor, "", ""),
        ("First meeting held.", world.contributor, "planned", "in_progress"),
        ("Board now meets.", world.coordinator, "in_progress", "done"),
    ]
    history = list(ActionTransition.objects.filter(action=action).order_by("pk"))
    assert [(t.from_status, t.to_status, t.actor, t.progress_update) for t in history] == [
        ("planned", "in_progress", world.contributor, updates[1]),
        ("in_progress", "done", world.coordinator, updates[2]),
    ]
    assert verbs(action) == [
        "ACTION_RAISED",
        "ACTION_PROGRESS_RECORDED",
        "ACTION_PROGRESS_RECORDED",
        "ACTION_STARTED",
        "ACTION_PROGRESS_RECORDED",
        "ACTION_DONE",
    ]


def test_board_members_and_viewers_do_not_record_progress(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    for person in (world.board_member, world.viewer):
        with pytest.raises(PermissionDenied403):
            services.progress_record(actor=person, action=action, text="Done, I think.")
    assert ProgressUpdate.objects.count() == 0


def test_progress_needs_text_and_a_move_the_map_allows(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    with pytest.raises(ValidationError) as refused:
        services.progress_record(
            actor=world.contributor, action=action, text="  ", status="cancelled"
        )
    assert refused.value.message_dict == {
        "text": ["Enter what has happened since the last update"],
        "status": ["An action that is planned cannot be marked cancelled here"],
    }
    # Naming the status it already has is no change.
    update = services.progress_record(
        actor=world.contributor, action=action, text="Still planned.", status="planned"
    )
    assert (update.status_from, update.status_to) == ("", "")


def test_cancelling_needs_a_reason_and_reopening_goes_back_to_planned(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    with pytest.raises(ValidationError) as refused:
        services.action_cancel(actor=world.board_member, action=action, reason=" ")
    assert refused.value.message_dict == {"reason": ["Say why the action is cancelled"]}
    with pytest.raises(PermissionDenied403):
        services.action_cancel(actor=world.contributor, action=action, reason="Not needed.")
    services.action_cancel(actor=world.board_member, action=action, reason="Merged into another.")
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    # A cancelled action takes no progress and no changes until it is reopened.
    with pytest.raises(PermissionDenied403):
        services.progress_record(actor=world.coordinator, action=action, text="Late news.")
    services.action_reopen(actor=world.coordinator, action=action, reason="Needed after all.")
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert [
        (t.from_status, t.to_status, t.reason)
        for t in ActionTransition.objects.filter(action=action).order_by("pk")
    ] == [
        ("planned", "cancelled", "Merged into another."),
        ("cancelled", "planned", "Needed after all."),
    ]
    assert verbs(action)[-2:] == ["ACTION_CANCELLED", "ACTION_REOPENED"]


def test_a_done_action_reopens_as_in_progress_and_cannot_be_cancelled(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    services.progress_record(actor=world.coordinator, action=action, text="Done.", status="done")
    action.refresh_from_db()
    with pytest.raises(PermissionDenied403):
        services.action_cancel(actor=world.coordinator, action=action, reason="Oops.")
    services.action_reopen(actor=world.board_member, action=action, reason="Not finished.")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_changing_an_action_audits_only_what_changed(world: World) -> None:
    assessment = world.cycle(2024, {"board": 1, "ownership": 2})
    action = world.raise_action(assessment, "board")
    criteria = list(world.version.criteria.filter(identifier__in=["board", "ownership"]))
    new_due = action.due_on + timedelta(days=14)
    services.action_update(
        actor=world.board_member,
        action=action,
        criteria=criteria,
        title=action.title,
        description=action.description,
        owner=world.viewer,
        owner_organisation=world.partnership.lead_council,
        due_on=new_due,
    )
    action.refresh_from_db()
    assert (action.owner, action.due_on, action.criteria.count()) == (world.viewer, new_due, 2)
    event = AuditEvent.objects.filter(verb="ACTION_UPDATED").get()
    assert changed(event) == ["criteria", "due_on", "owner"]


def test_a_due_date_in_the_past_is_kept_but_not_newly_set(world: World) -> None:
    assessment = world.cycle(2022, {"board": 1})
    past = timezone.localdate() - timedelta(days=90)
    action = world.raise_action(
        assessment, "board", due_on=past, raised_on=past - timedelta(days=100)
    )
    kept = {
        "criteria": list(action.criteria.all()),
        "description": action.description,
        "owner": action.owner,
        "owner_organisation": action.owner_organisation,
    }
    services.action_update(
        actor=world.coordinator, action=action, title="Renamed", due_on=past, **kept
    )
    with pytest.raises(ValidationError) as refused:
        services.action_update(
            actor=world.coordinator,
            action=action,
            title="Renamed",
            due_on=past + timedelta(days=1),
            **kept,
        )
    assert refused.value.message_dict == {"due_on": ["The due date must be today or later"]}


def test_overdue_is_read_from_the_due_date_and_status_never_stored(world: World) -> None:
    assessment = world.cycle(2022, {"board": 1})
    today = timezone.localdate()
    action = world.raise_action(
        assessment, "board", due_on=today - timedelta(days=1), raised_on=today - timedelta(200)
    )
    assert action.is_overdue(today) is True
    assert action.is_overdue(today - timedelta(days=1)) is False
    services.progress_record(actor=world.coordinator, action=action, text="Done.", status="done")
    action.refresh_from_db()
    assert action.is_overdue(today) is False
    assert "overdue" not in {f.name for f in Action._meta.get_fields()}
