"""Two people changing the same action: the second to save is told and shown both versions, and
nothing is overwritten (lde/core/concurrency.py); the API answers 409 naming what differs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.action_plans import services
from lde.action_plans.models import Action
from tests.action_plans.conftest import World
from tests.action_plans.test_api import bearer, body
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db


def shown_revision(page: Any) -> str:
    found = re.search(r'name="revision" value="(\d+)"', page.content.decode())
    assert found, "the edit page carries the revision it shows"
    return found.group(1)


def change_elsewhere(world: World, action: Action, title: str) -> None:
    services.action_update(
        actor=world.board_member,
        action=action,
        criteria=list(action.criteria.all()),
        title=title,
        description=action.description,
        owner=action.owner,
        owner_organisation=action.owner_organisation,
        due_on=action.due_on,
        seen_revision=action.revision,
    )


def test_an_action_saved_by_someone_else_is_not_overwritten_and_both_are_shown(
    world: World,
) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    first = sign_in(Client(), world.coordinator)
    url = reverse("action_plans:action-update", args=[action.pk])
    assert shown_revision(first.get(url)) == "1"
    change_elsewhere(world, action, "Their title")
    form = {
        "criteria": [c.pk for c in action.criteria.all()],
        "title": "My title",
        "description": action.description,
        "owner": world.viewer.pk,
        "owner_organisation": world.partnership.lead_council_id,
        **date_input("due_on", action.due_on.isoformat()),
    }

    refused = first.post(url, {**form, "revision": "1"})

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this action after you opened it" in page
    assert "Their title" in page and "My title" in page
    action.refresh_from_db()
    assert (action.title, action.owner, action.revision) == ("Their title", world.contributor, 2)
    kept = first.post(url, {**form, "revision": shown_revision(refused)})
    assert kept.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner, action.revision) == ("My title", world.viewer, 3)


def test_the_api_answers_409_over_an_unseen_revision_and_saves_with_the_current_one(
    client: Client, world: World
) -> None:
    assessment = world.cycle(2024, {"board": 1})
    action = world.raise_action(assessment, "board")
    headers = bearer(world.coordinator)
    read = client.get(f"/api/v1/actions/{action.pk}", headers=headers).json()
    change_elsewhere(world, action, "Saved meanwhile")
    sent = body(world, assessment, title="From the API", revision=read["revision"])
    del sent["assessment_id"]

    refused = client.put(
        f"/api/v1/actions/{action.pk}", sent, content_type="application/json", headers=headers
    )

    assert refused.status_code == 409
    message = refused.json()["errors"]["revision"][0]
    assert "Title: saved “Saved meanwhile”, yours “From the API”" in message
    assert Action.objects.get(pk=action.pk).title == "Saved meanwhile"
    saved = client.put(
        f"/api/v1/actions/{action.pk}",
        {**sent, "revision": 2},
        content_type="application/json",
        headers=headers,
    )
    assert (saved.status_code, saved.json()["title"], saved.json()["revision"]) == (
        200,
        "From the API",
        3,
    )
