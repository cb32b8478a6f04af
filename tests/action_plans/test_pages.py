"""The action plan's pages: found from the partnership and the assessment, raising an action
with criteria preselected, the GOV.UK error summary on bad input, filtering, recording progress,
cancelling, and the home page's overdue actions."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.action_plans import services
from lde.action_plans.models import Action, ActionStatus
from tests.action_plans.conftest import World
from tests.conftest import CONFIRMED, date_input, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(body).split())


def error_summary(response: Any) -> list[str]:
    html = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    items = re.findall(r"<li><a href=\"#[^\"]+\">(.*?)</a></li>", found.group(0), re.S)
    return [unescape(item).strip() for item in items]


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def checked(response: Any) -> list[str]:
    """The values of the checked criteria boxes."""
    return re.findall(
        r'name="criteria" id="[^"]+" value="(\d+)" checked', response.content.decode()
    )


# --- Finding it ----------------------------------------------------------------------------


def test_the_partnership_and_the_assessment_lead_to_the_action_plan(world: World) -> None:
    assessment = world.cycle(2024, {"board": 1})
    overview = reverse("partnerships:partnership-detail", args=[world.partnership.pk])
    plan = reverse("action_plans:action-list", args=[world.partnership.pk])
    assert plan in client_for(world.viewer).get(overview).content.decode()
    assert plan not in client_for(world.community_reviewer).get(overview).content.decode()
    page = reverse("assessments:assessment-detail", args=[assessment.pk])
    create = reverse("action_plans:action-create", args=[assessment.pk])
    coordinators = client_for(world.coordinator).get(page)
    assert create in coordinators.content.decode()
    assert "No actions have been raised on this assessment's gaps yet." in text(coordinators)
    viewers = client_for(world.viewer).get(page)
    assert create not in viewers.content.decode()
    assert plan in viewers.content.decode()
    world.raise_action(assessment, "board")
    assert "1 action raised on this assessment's gaps" in text(client_for(world.viewer).get(page))


# --- Raising an action ---------------------------------------------------------------------


def test_criteria_are_preselected_from_the_query_string_largest_gap_first(world: World) -> None:
    assessment = world.cycle(2024, {"ownership": 3, "board": 1, "projects": 2, "reach": None})
    board = world.version.criteria.get(identifier="board")
    projects = world.version.criteria.get(identifier="projects")
    url = reverse("action_plans:action-create", args=[assessment.pk])
    response = client_for(world.board_member).get(
        f"{url}?criterion={board.pk}&criterion={projects.pk}&criterion=999999&criterion=x"
    )
    assert response.status_code == 200
    assert sorted(checked(response)) == sorted([str(board.pk), str(projects.pk)])
    page = text(response)
    # Targets are 4 throughout: the board's gap of 3 comes first, then the projects' gap of 2.
    assert page.index("Gap of 3: rated 1 – Not in place, target 4 – Leading") < page.index(
        "Gap of 2: rated 2 – Developing, target 4 – Leading"
    )
    assert response.context["form"].initial["owner"] == world.board_member.pk


def test_raising_an_action_with_bad_input_lists_every_problem(world: World) -> None:
    assessment = world.cycle(2024, {"board": 1})
    stranger = UserFactory()
    url = reverse("action_plans:action-create", args=[assessment.pk])
    response = client_for(world.coordinator).post(
        url,
        {
            "title": "Refresh the board",
            "description": "",
            "owner": stranger.pk,
            "owner_organisation": world.partnership.lead_council_id,
            **date_input("due_on", ("30", "2", "2027")),
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        "Select at least one criterion whose gap the action addresses",
        "Enter a description of the action",
        "The owner must be a member of the partnership",
        "Due date must be a real date",
    ]
    assert "<title>Error: Raise an action" in response.content.decode()
    assert Action.objects.count() == 0


def test_a_due_date_in_the_past_is_refused_by_the_service(world: World) -> None:
    assessment = world.cycle(2024, {"board": 1})
    board = world.version.criteria.get(identifier="board")
    response = client_for(world.coordinator).post(
        reverse("action_plans:action-create", args=[assessment.pk]),
        {
            "criteria": [board.pk],
            "title": "Refresh the board",
            "description": "Agree new terms of reference.",
            "owner": world.contributor.pk,
            "owner_organisation": world.partnership.lead_council_id,
            **date_input("due_on", (timezone.localdate() - timedelta(days=1)).isoformat()),
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == ["The due date must be today or later"]


def test_raising_an_action_then_reading_it(world: World) -> None:
    assessment = world.cycle(2024, {"board": 1})
    board = world.version.criteria.get(identifier="board")
    due = timezone.localdate() + timedelta(days=40)
    client = client_for(world.coordinator)
    response = client.post(
        reverse("action_plans:action-create", args=[assessment.pk]),
        {
            "criteria": [board.pk],
            "title": "Refresh the board",
            "description": "Agree new terms of reference.",
            "owner": world.contributor.pk,
            "owner_organisation": world.partnership.lead_council_id,
            **date_input("due_on", due.isoformat()),
        },
        follow=True,
    )
    action = Action.objects.get()
    assert response.redirect_chain == [(f"/actions/{action.pk}/", 302)]
    page = text(response)
    assert "Action raised: Refresh the board." in page
    assert "Board board 1 – Not in place – Not re-assessed yet" in page
    # Once the next cycle is published, the page shows where the board went.
    world.cycle(2025, {"board": 3})
    page = text(client.get(f"/actions/{action.pk}/"))
    assert "Re-assessed in Self-assessment 2025" in page
    assert "Board board 1 – Not in place 3 – Established Moved up" in page


# --- The plan, filtered --------------------------------------------------------------------


def test_the_plan_filters_by_status_including_overdue_and_by_owner(world: World) -> None:
    today = timezone.localdate()
    assessment = world.cycle(2023, {"board": 1, "ownership": 2})
    late = world.raise_action(
        assessment,
        "board",
        title="Late",
        due_on=today - timedelta(1),
        raised_on=today - timedelta(90),
    )
    world.raise_action(assessment, "board", title="Next month", owner=world.viewer)
    finished = world.raise_action(assessment, "ownership", title="Finished")
    services.progress_record(actor=world.coordinator, action=finished, text="Done.", status="done")
    url = reverse("action_plans:action-list", args=[world.partnership.pk])
    client = client_for(world.viewer)

    def titles(query: str) -> list[str]:
        response = client.get(f"{url}{query}")
        assert response.status_code == 200
        return [row["action"].title for row in response.context["rows"]]

    assert titles("") == ["Late", "Next month", "Finished"]
    assert titles("?status=overdue") == ["Late"]
    assert titles("?status=done") == ["Finished"]
    assert titles(f"?owner={world.viewer.pk}") == ["Next month"]
    assert titles("?status=nonsense") == ["Late", "Next month", "Finished"]
    assert titles(f"?assessment={assessment.pk}&status=planned") == ["Late", "Next month"]
    assert late.pk in [a.pk for a in Action.objects.filter(status=ActionStatus.PLANNED)]
    page = text(client.get(url))
    assert "3: 2 planned, 0 in progress, 1 done, 0 cancelled" in page
    assert "1 overdue" in page


def _grow(world: World, count: int) -> None:
    assessment = world.cycle(2023 - count, {"board": 1, "ownership": 2, "projects": 3})
    for number in range(count):
        action = world.raise_action(
            assessment, "board", "ownership", "projects", title=f"Action {number}"
        )
        services.progress_record(
            actor=world.contributor, action=action, text=f"Update {number}.", status="in_progress"
        )


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_plan_makes_the_same_queries_for_3_actions_as_for_30(world: World) -> None:
    world.cycle(2030, {"board": 2, "ownership": 2, "projects": 2})
    url = reverse("action_plans:action-list", args=[world.partnership.pk])
    client = client_for(world.coordinator)
    _grow(world, 3)
    small = queries(client, url)
    _grow(world, 27)
    large = queries(client, url)
    assert len(client.get(url).context["rows"]) == 30
    assert large == small


def test_one_action_makes_the_same_queries_whatever_its_size(world: World) -> None:
    assessment = world.cycle(2023, {"board": 1})
    world.cycle(2024, {"board": 2})
    small = world.raise_action(assessment, "board")
    large = world.raise_action(
        assessment, "board", "ownership", "projects", "reach", "partners", "training"
    )
    for number in range(8):
        services.progress_record(actor=world.coordinator, action=large, text=f"Update {number}.")
    client = client_for(world.viewer)
    assert queries(client, f"/actions/{small.pk}/") == queries(client, f"/actions/{large.pk}/")


# --- Progress, cancelling ------------------------------------------------------------------


def test_the_owner_records_progress_and_marks_it_done(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    client = client_for(world.contributor)
    url = reverse("action_plans:progress-record", args=[action.pk])
    form = client.get(url)
    assert [value for value, _ in form.context["form"].fields["status"].choices] == [
        "",
        "in_progress",
        "done",
    ]
    empty = client.post(url, {"text": " ", "status": "done"})
    assert empty.status_code == 400
    assert error_summary(empty) == ["Enter what has happened since the last update"]
    wrong = client.post(url, {"text": "Drafted.", "status": "cancelled"})
    assert error_summary(wrong) == ["Select a status this action can move to"]
    done = client.post(url, {"text": "The board met.", "status": "done"}, follow=True)
    assert "Progress recorded." in text(done)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert "The board met. Marked done" in text(done)


def test_cancelling_asks_first_and_asks_why(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    client = client_for(world.board_member)
    url = reverse("action_plans:action-cancel", args=[action.pk])
    page = client.get(url)
    for words in (
        "Cancel this action",
        "What happens Its status becomes Cancelled, with your reason,",
        f"Who will see it Everyone who reads {world.partnership.name}'s action plan:",
        "Warning The cancellation stays in the action's history:",
        "Cancel this action Keep the action",
    ):
        assert words in text(page)
    refused = client.post(url, {"reason": "", **CONFIRMED})
    assert refused.status_code == 400
    assert error_summary(refused) == ["Say why the action is cancelled"]
    # Without the confirmation page's own field nothing is cancelled.
    assert client.post(url, {"reason": "Covered by the new plan."}).status_code == 200
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    cancelled = client.post(url, {"reason": "Covered by the new plan.", **CONFIRMED}, follow=True)
    assert "Refresh the narrative is cancelled." in text(cancelled)
    assert "Planned Cancelled" in text(cancelled)
    assert "Covered by the new plan." in text(cancelled)
    reopen = reverse("action_plans:action-reopen", args=[action.pk])
    assert reopen in cancelled.content.decode()


def test_changing_an_action_keeps_the_form_filled_in(world: World) -> None:
    action = world.raise_action(world.cycle(2024, {"board": 1}), "board")
    client = client_for(world.coordinator)
    url = reverse("action_plans:action-update", args=[action.pk])
    form = client.get(url)
    assert checked(form) == [str(action.criteria.get().pk)]
    changed = client.post(
        url,
        {
            "criteria": [c.pk for c in action.criteria.all()],
            "title": "Refresh the narrative with partners",
            "description": action.description,
            "owner": world.viewer.pk,
            "owner_organisation": world.partnership.lead_council_id,
            **date_input("due_on", action.due_on.isoformat()),
        },
    )
    assert changed.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Refresh the narrative with partners", world.viewer)


# --- The home page -------------------------------------------------------------------------


def test_overdue_actions_show_on_the_owners_and_the_coordinators_home_page(world: World) -> None:
    today = timezone.localdate()
    assessment = world.cycle(2023, {"board": 1})
    world.raise_action(
        assessment,
        "board",
        title="Late one",
        due_on=today - timedelta(days=3),
        raised_on=today - timedelta(days=60),
    )
    world.raise_action(assessment, "board", title="Not yet due")
    owner = text(client_for(world.contributor).get("/"))
    assert "Overdue actions" in owner
    assert "1 action is past its due date and not done; you own 1." in owner
    assert "Late one" in owner and "Not yet due" not in owner
    coordinator = text(client_for(world.coordinator).get("/"))
    assert "Late one" in coordinator
    assert "Overdue actions in " + world.partnership.name in coordinator
    assert "Overdue actions" not in text(client_for(world.viewer).get("/"))
    assert "Overdue actions" not in text(client_for(world.board_member).get("/"))
