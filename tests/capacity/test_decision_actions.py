"""A decision of the programme board raises the action that carries it out (ADR 0017): the action
goes into the action plan saying where it came from, and the decision is linked to it in the same
write. Both or neither; once only; by the coordinator who keeps the board's record."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.services import api_token_create
from lde.action_plans.models import Action, ActionOrigin
from lde.capacity import services
from lde.capacity.models import BoardDecision
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db

C = "/api/v1/capacity"


def _raise(cast: dict[str, Any], actor: Any = None, **changes: Any) -> Action:
    values: dict[str, Any] = {
        "actor": actor or cast["people"]["coordinator"],
        "decision": BoardDecision.objects.get(pk=cast["decision_id"]),
        "title": "Train every neighbourhood team",
        "description": "Book the awareness briefing for each neighbourhood policing team.",
        "owner": cast["people"]["contributor"],
        "owner_organisation": cast["council"],
        "due_on": timezone.localdate() + timedelta(days=90),
    }
    values.update(changes)
    return services.board_decision_action_raise(**values)


def test_the_coordinator_raises_a_decisions_action_and_the_decision_holds_the_link(
    cast: dict[str, Any],
) -> None:
    action = _raise(cast)
    decision = BoardDecision.objects.select_related("meeting").get(pk=cast["decision_id"])
    assert decision.action_id == action.pk
    assert (action.origin, action.assessment_id, action.partnership_id) == (
        ActionOrigin.BOARD_DECISION,
        None,
        cast["partnership"].pk,
    )
    assert action.origin_reference == (
        f"Programme board, {decision.meeting.held_on:%-d %B %Y}: decision 1"
    )
    verbs = list(AuditEvent.objects.order_by("-sequence").values_list("verb", flat=True)[:2])
    assert verbs == ["BOARD_DECISION_ACTION_RAISED", "ACTION_RAISED"]


def test_a_decision_that_already_has_its_action_is_a_conflict(cast: dict[str, Any]) -> None:
    _raise(cast)
    with pytest.raises(Conflict):
        _raise(cast, title="Again")
    assert Action.objects.count() == 1


def test_bad_input_writes_neither_the_action_nor_the_link(cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        _raise(cast, title="", due_on=timezone.localdate() - timedelta(days=1))
    assert set(refused.value.message_dict) == {"title", "due_on"}
    assert not Action.objects.exists()
    assert BoardDecision.objects.get(pk=cast["decision_id"]).action_id is None
    assert not AuditEvent.objects.filter(verb="BOARD_DECISION_ACTION_RAISED").exists()


@pytest.mark.parametrize("role", ["board_member", "contributor", "viewer"])
def test_only_the_coordinator_raises_it(cast: dict[str, Any], role: str) -> None:
    with pytest.raises(PermissionDenied403):
        _raise(cast, actor=cast["people"][role])
    assert not Action.objects.exists()


def test_the_page_raises_it_from_the_board_page_and_shows_errors_in_the_summary(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["coordinator"])
    board = client.get(reverse("capacity:board", args=[cast["partnership"].pk])).content.decode()
    url = reverse("capacity:decision-action-raise", args=[cast["decision_id"]])
    assert url in board
    form = client.get(url)
    assert form.status_code == 200 and 'name="criteria"' not in form.content.decode()
    due = timezone.localdate() + timedelta(days=30)
    data = {
        "title": "",
        "description": "Book the briefing.",
        "owner": cast["people"]["coordinator"].pk,
        "owner_organisation": cast["council"].pk,
        **date_input("due_on", timezone.localdate() - timedelta(days=1)),
    }
    refused = client.post(url, data)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "govuk-error-summary" in text and "Enter a title for the action" in text
    assert not Action.objects.exists()
    done = client.post(url, {**data, "title": "Book the briefing", **date_input("due_on", due)})
    action = Action.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("action_plans:action-detail", args=[action.pk])
    detail = client.get(done.url).content.decode()
    assert "A decision of the programme board: Programme board," in detail
    # Raised once: the page now leads to the action, and a second POST is refused.
    assert client.get(url).status_code == 302
    again = client.post(url, {**data, "title": "Again", **date_input("due_on", due)})
    assert again.status_code == 400
    assert "already has its action" in again.content.decode()
    assert Action.objects.count() == 1


def test_the_api_raises_it_once_and_refuses_bad_input(client: Client, cast: dict[str, Any]) -> None:
    _, raw = api_token_create(actor=cast["people"]["coordinator"], name="test")
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"{C}/board-decisions/{cast['decision_id']}/action"
    body = {
        "title": "Book the briefing",
        "description": "For every neighbourhood team.",
        "owner_id": cast["people"]["contributor"].pk,
        "owner_organisation_id": cast["council"].pk,
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    empty = client.post(
        url, {**body, "title": ""}, content_type="application/json", headers=headers
    )
    assert empty.status_code == 422
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    late = client.post(
        url, {**body, "due_on": past}, content_type="application/json", headers=headers
    )
    assert late.status_code == 400 and "due_on" in json.dumps(late.json())
    stranger = client.post(
        url,
        {**body, "owner_id": cast["outsider"].pk},
        content_type="application/json",
        headers=headers,
    )
    assert stranger.status_code == 400 and "owner_id" in json.dumps(stranger.json())
    made = client.post(url, body, content_type="application/json", headers=headers)
    assert made.status_code == 201
    action = Action.objects.get(pk=made.json()["action_id"])
    assert made.json()["origin_reference"] == action.origin_reference
    read = client.get(f"/api/v1/actions/{action.pk}", headers=headers).json()
    assert (read["origin"], read["assessment"]) == ("board_decision", None)
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert again.status_code == 409
    _, viewer = api_token_create(actor=cast["people"]["viewer"], name="test")
    denied = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {viewer}"}
    )
    assert denied.status_code == 403
    assert Action.objects.count() == 1
