"""Capacity pages: what a reader sees (missing partner kinds, under-trained teams, single points
of failure, in words), the navigation to it, the forms' GOV.UK error summary on bad input, and
query counts that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Post
from lde.capacity import services
from lde.capacity.models import CommunityRelationship, Course, Team, TrainingSession
from lde.core.audit.models import AuditEvent
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db


def _page(client: Client, user: Any, name: str, **kwargs: Any) -> str:
    sign_in(client, user)
    response = client.get(reverse(f"capacity:{name}", kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_the_overview_says_what_is_missing_under_trained_and_single(
    client: Client, cast: dict[str, Any]
) -> None:
    text = _page(
        client, cast["people"]["viewer"], "overview", partnership_id=cast["partnership"].pk
    )
    assert "kinds missing" in text
    assert "Police authority" in text
    assert "1 team under-trained" in text
    assert "Capacity front-line staff: 10% trained (under 50%)" in text
    assert "1 relationship held by one post" in text
    assert (
        "Capacity Mosque Trust: only Capacity Community Officer; suggested deputy: "
        "Capacity Prevent Coordinator" in text
    )
    # Reachable from the partnership's navigation, and not offering writes to a viewer.
    assert reverse("capacity:overview", args=[cast["partnership"].pk]) in text
    training = _page(
        client, cast["people"]["viewer"], "training", partnership_id=cast["partnership"].pk
    )
    assert "Add a team" not in training
    assert "Under-trained</strong>" in training


def test_the_partnership_page_links_to_capacity_for_readers_only(
    client: Client, cast: dict[str, Any]
) -> None:
    url = reverse("partnerships:partnership-detail", args=[cast["partnership"].pk])
    link = reverse("capacity:overview", args=[cast["partnership"].pk])
    sign_in(client, cast["people"]["viewer"])
    assert link in client.get(url).content.decode()
    reviewer = Client()
    sign_in(reviewer, cast["people"]["community_reviewer"])
    assert link not in reviewer.get(url).content.decode()


@pytest.mark.parametrize("name", ["board", "coverage", "leadership", "training", "relationships"])
def test_each_part_has_its_page(client: Client, cast: dict[str, Any], name: str) -> None:
    text = _page(client, cast["people"]["coordinator"], name, partnership_id=cast["partnership"].pk)
    expected = {
        "board": "The board steers the partnership",
        "coverage": "Missing</strong>",
        "leadership": "Turnover in Prevent posts",
        "training": "Capacity awareness briefing",
        "relationships": "Single point of failure</strong>",
    }[name]
    assert expected in text


def test_an_attendance_for_a_post_not_there_that_day_shows_the_error_summary(
    client: Client, cast: dict[str, Any]
) -> None:
    session = TrainingSession.objects.get(pk=cast["session_id"])
    session.held_on = timezone.localdate() - timedelta(days=400)
    session.save()
    post = Post.objects.get(pk=cast["capacity_officer_post_id"])
    sign_in(client, cast["people"]["coordinator"])
    response = client.post(reverse("capacity:attendance-add", args=[session.pk]), {"post": post.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert f"“Capacity Community Officer” did not exist on {session.held_on:%-d %B %Y}" in text


def test_a_coordinator_adds_a_team_and_it_is_audited(client: Client, cast: dict[str, Any]) -> None:
    sign_in(client, cast["people"]["coordinator"])
    response = client.post(
        reverse("capacity:team-add", args=[cast["partnership"].pk]),
        {
            "organisation": cast["council"].pk,
            "name": "School staff at Matrix High",
            "kind": "school_staff",
            "headcount": "30",
        },
    )
    assert response.status_code == 302
    assert Team.objects.filter(name="School staff at Matrix High", headcount=30).exists()
    assert AuditEvent.objects.filter(verb="TEAM_ADDED").count() == 3


def test_a_session_form_with_a_bad_date_shows_the_error_summary(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["people"]["coordinator"])
    response = client.post(
        reverse("capacity:session-add", args=[cast["course_id"]]),
        date_input("held_on", ("31", "2", "2025")),
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert TrainingSession.objects.count() == 1


def test_naming_a_deputy_from_the_page(client: Client, cast: dict[str, Any]) -> None:
    sign_in(client, cast["people"]["coordinator"])
    relationship = CommunityRelationship.objects.get(pk=cast["relationship_id"])
    response = client.post(
        reverse("capacity:relationship-holders", args=[relationship.pk]),
        {"held_by": [cast["capacity_officer_post_id"], cast["capacity_prevent_post_id"]]},
    )
    assert response.status_code == 302
    assert relationship.held_by.count() == 2


def _more(cast: dict[str, Any], n: int) -> None:
    coordinator = cast["people"]["coordinator"]
    partnership = cast["partnership"]
    today = timezone.localdate()
    for i in range(n):
        course = services.course_add(
            actor=coordinator,
            partnership=partnership,
            title=f"Extra {n}-{i}",
            provider="P",
            kind="course",
        )
        session = services.training_session_record(
            actor=coordinator, course=course, held_on=today, joint_with=[cast["council"]]
        )
        team = services.team_add(
            actor=coordinator,
            partnership=partnership,
            organisation=cast["council"],
            name=f"Extra team {n}-{i}",
            kind="other",
            headcount=5,
        )
        services.training_attendance_record(
            actor=coordinator, session=session, team=team, number_trained=1
        )
        post = Post.objects.create(organisation=cast["council"], kind="other", title=f"P {n}-{i}")
        services.board_member_add(
            actor=coordinator, partnership=partnership, post=post, joined_on=today
        )
        services.community_relationship_record(
            actor=coordinator,
            partnership=partnership,
            organisation=__import__(
                "lde.accounts.models", fromlist=["Organisation"]
            ).Organisation.objects.create(name=f"Community {n}-{i}", type="faith"),
            nature="Liaison.",
            held_by=[post],
        )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["overview", "board", "coverage", "leadership", "training", "relationships"]
)
def test_queries_do_not_grow_with_the_data(
    client: Client, cast: dict[str, Any], name: str, django_assert_max_num_queries: Any
) -> None:
    sign_in(client, cast["people"]["coordinator"])
    url = reverse(f"capacity:{name}", args=[cast["partnership"].pk])
    client.get(url)
    before = _count(client, url)
    _more(cast, 5)
    after = _count(client, url)
    assert after == before
    with django_assert_max_num_queries(before):
        client.get(url)
    assert Course.objects.filter(partnership=cast["partnership"]).count() == 6
