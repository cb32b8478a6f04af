"""The engagement pages, through Django's test client: what each role sees, adding and changing
records, and the GOV.UK error summary when the guard refuses a person's views or identifiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.core.audit.models import AuditEvent
from lde.engagement.models import Forum, ForumMeeting, KeyMessage, MessageStatus
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_overview_shows_forums_with_when_last_engaged_in_words(cast: dict[str, Any]) -> None:
    response = client_for(cast["people"]["viewer"]).get(
        reverse("engagement:overview", args=[cast["partnership"].pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Matrix Faith Forum" in text
    assert "Not engaged for 3 months" in text
    assert "Mentoring young people" in text
    assert "1 agreed, 1 draft, 1 retired" in text
    assert "1 with a Safer Schools Partnership" in text


def test_the_partnership_navigation_leads_to_the_overview(cast: dict[str, Any]) -> None:
    response = client_for(cast["people"]["viewer"]).get(
        reverse("partnerships:partnership-detail", args=[cast["partnership"].pk])
    )
    assert (
        reverse("engagement:overview", args=[cast["partnership"].pk]) in response.content.decode()
    )


def test_a_community_reviewer_sees_only_the_forums_their_organisation_takes_part_in(
    cast: dict[str, Any],
) -> None:
    reviewer = client_for(cast["people"]["community_reviewer"])
    forums = reviewer.get(reverse("engagement:forum-list", args=[cast["partnership"].pk]))
    assert forums.status_code == 200
    assert "Matrix Faith Forum" in forums.content.decode()
    Forum.objects.create(
        partnership=cast["partnership"], name="Women's Network", kind="women", purpose="Meet."
    )
    forums = reviewer.get(reverse("engagement:forum-list", args=[cast["partnership"].pk]))
    assert "Women&#x27;s Network" not in forums.content.decode()
    assert (
        reviewer.get(reverse("engagement:forum-detail", args=[cast["forum_id"]])).status_code == 200
    )
    assert (
        reviewer.get(reverse("engagement:overview", args=[cast["partnership"].pk])).status_code
        == 403
    )


def test_a_coordinator_records_a_meeting_and_the_audit_trail_has_it(cast: dict[str, Any]) -> None:
    response = client_for(cast["people"]["coordinator"]).post(
        reverse("engagement:meeting-create", args=[cast["forum_id"]]),
        {
            "held_on-day": "1",
            "held_on-month": "3",
            "held_on-year": "2026",
            "topics": "Language guidance",
            "summary": "The forum agreed to test the key messages.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:forum-detail", args=[cast["forum_id"]])
    meeting = ForumMeeting.objects.get(topics="Language guidance")
    event = AuditEvent.objects.filter(verb="FORUM_MEETING_CREATED").latest("sequence")
    assert event.target_id == str(meeting.pk)
    assert event.partnership_id == cast["partnership"].pk


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        ("Mr Khan said the mosque committee was unhappy.", "a person named by title"),
        ("The chair said she believes the plan is wrong.", "one person&#x27;s views"),
        ("Call the secretary on 07700 900123.", "phone number"),
    ],
)
def test_a_meeting_summary_holding_a_persons_views_or_identifiers_is_refused(
    cast: dict[str, Any], summary: str, found: str
) -> None:
    before = ForumMeeting.objects.count()
    response = client_for(cast["people"]["coordinator"]).post(
        reverse("engagement:meeting-create", args=[cast["forum_id"]]),
        {
            "held_on-day": "1",
            "held_on-month": "3",
            "held_on-year": "2026",
            "topics": "Tensions",
            "summary": summary,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "Summary must not hold a person&#x27;s views or details" in text
    assert found in text
    assert 'href="#id_summary"' in text
    assert ForumMeeting.objects.count() == before


def test_a_key_message_is_agreed_only_after_its_confirmation(cast: dict[str, Any]) -> None:
    coordinator = client_for(cast["people"]["coordinator"])
    url = reverse("engagement:key-message-agree", args=[cast["key_message_id"]])
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "cannot go back to draft" in page.content.decode()
    assert coordinator.post(url).status_code == 200
    assert KeyMessage.objects.get(pk=cast["key_message_id"]).status == MessageStatus.DRAFT
    assert coordinator.post(url, {"confirmed": "yes"}).status_code == 302
    assert KeyMessage.objects.get(pk=cast["key_message_id"]).status == MessageStatus.AGREED


def test_every_page_of_the_app_renders_for_a_coordinator(cast: dict[str, Any]) -> None:
    coordinator = client_for(cast["people"]["coordinator"])
    p = cast["partnership"].pk
    urls = [
        reverse(f"engagement:{name}", args=[p])
        for name in ("overview", "forum-list", "initiative-list", "communications", "school-list")
    ]
    urls += [
        reverse("engagement:forum-detail", args=[cast["forum_id"]]),
        reverse("engagement:initiative-detail", args=[cast["initiative_id"]]),
        reverse("engagement:key-message-detail", args=[cast["key_message_id"]]),
        reverse("engagement:support-request-decide", args=[cast["support_request_id"]]),
    ]
    for part in (
        "forum",
        "initiative",
        "audience",
        "channel",
        "key-message",
        "media-briefing",
        "spokesperson",
        "school",
    ):
        urls.append(reverse(f"engagement:{part}-create", args=[p]))
    urls += [
        reverse("engagement:meeting-create", args=[cast["forum_id"]]),
        reverse("engagement:support-request-create", args=[cast["initiative_id"]]),
        reverse("engagement:school-activity-create", args=[cast["school_id"]]),
    ]
    for part, key in [
        ("forum", "forum_id"),
        ("meeting", "forum_meeting_id"),
        ("initiative", "initiative_id"),
        ("support-request", "support_request_id"),
        ("audience", "audience_id"),
        ("channel", "channel_id"),
        ("key-message", "key_message_id"),
        ("media-briefing", "media_briefing_id"),
        ("spokesperson", "spokesperson_id"),
        ("school", "school_id"),
        ("school-activity", "school_activity_id"),
    ]:
        urls.append(reverse(f"engagement:{part}-update", args=[cast[key]]))
    for url in urls:
        response = coordinator.get(url)
        assert response.status_code == 200, url


def test_the_overview_and_each_list_ask_the_same_number_of_queries_whatever_the_data(
    cast: dict[str, Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lde.accounts.models import Organisation
    from lde.engagement import services

    coordinator = cast["people"]["coordinator"]
    client = client_for(coordinator)
    p = cast["partnership"].pk
    pages = [
        reverse(f"engagement:{name}", args=[p])
        for name in ("overview", "forum-list", "initiative-list", "communications", "school-list")
    ]

    def counts() -> list[int]:
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    partnership = cast["partnership"]
    for i in range(6):
        community = Organisation.objects.create(name=f"Community group {i}", type="voluntary")
        forum = services.forum_create(
            actor=coordinator,
            partnership=partnership,
            name=f"Network {i}",
            kind="other",
            purpose="Meets monthly.",
            members=[(community, "member"), (cast["council"], "")],
        )
        services.meeting_record(
            actor=coordinator, forum=forum, held_on=forum.created_at.date(), topics="Updates"
        )
        initiative = services.initiative_create(
            actor=coordinator,
            partnership=partnership,
            organisation=community,
            title=f"Project {i}",
            what_it_does="Runs sessions.",
        )
        services.support_request_create(
            actor=coordinator,
            initiative=initiative,
            asked_for="Funding.",
            asked_on=forum.created_at.date(),
        )
        services.key_message_create(
            actor=coordinator, partnership=partnership, title=f"Message {i}", message="Together."
        )
        school = services.school_create(
            actor=coordinator,
            partnership=partnership,
            organisation=Organisation.objects.create(name=f"School {i}", type="school"),
        )
        services.school_activity_record(
            actor=coordinator, school=school, activity="Assembly", held_on=forum.created_at.date()
        )
    assert counts() == before
