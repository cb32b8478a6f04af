"""The engagement API: reads scoped by the policies, writes through the services, and the
personal-data guard's refusal as a 400 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lde.accounts.services import api_token_create
from lde.core.audit.models import AuditEvent
from lde.engagement.models import Forum, ForumMeeting, SupportRequest

pytestmark = pytest.mark.django_db

API = "/api/v1/engagement"


def bearer(user: Any) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="script")
    return {"Authorization": f"Bearer {raw}"}


def test_the_overview_counts_what_the_partnership_holds(cast: dict[str, Any]) -> None:
    response = Client().get(
        f"{API}/partnerships/{cast['partnership'].pk}", headers=bearer(cast["people"]["viewer"])
    )
    assert response.status_code == 200
    found = response.json()
    assert [f["name"] for f in found["forums"]] == ["Matrix Faith Forum"]
    assert found["forums"][0]["engaged"] == "Not engaged for 3 months"
    assert found["key_messages"] == {"draft": 1, "agreed": 1, "retired": 1}
    assert found["schools"] == 1
    assert found["safer_schools_partnerships"] == 1


def test_another_partnership_gets_404(cast: dict[str, Any]) -> None:
    headers = bearer(cast["outsider"])
    client = Client()
    assert (
        client.get(f"{API}/partnerships/{cast['partnership'].pk}", headers=headers).status_code
        == 404
    )
    assert client.get(f"{API}/forums/{cast['forum_id']}", headers=headers).status_code == 404


def test_a_coordinator_adds_a_forum_with_the_organisations_taking_part(
    cast: dict[str, Any],
) -> None:
    response = Client().post(
        f"{API}/partnerships/{cast['partnership'].pk}/forums",
        {
            "name": "Independent Advisory Group",
            "kind": "independent_advisory_group",
            "purpose": "Advises the police on community impact.",
            "members": [{"organisation_id": cast["community_organisation_id"], "role": "chair"}],
        },
        content_type="application/json",
        headers=bearer(cast["people"]["coordinator"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["members"] == [
        {
            "organisation_id": cast["community_organisation_id"],
            "organisation_name": "Matrix Mosque Trust",
            "organisation_type": "faith",
            "role": "chair",
        }
    ]
    assert body["engaged"] == "No meeting recorded"
    assert AuditEvent.objects.filter(verb="FORUM_CREATED", target_id=str(body["id"])).exists()


def test_a_forum_entry_holding_a_persons_identifiers_is_a_400_naming_the_field(
    cast: dict[str, Any],
) -> None:
    before = Forum.objects.count()
    response = Client().post(
        f"{API}/partnerships/{cast['partnership'].pk}/forums",
        {
            "name": "Youth Forum",
            "kind": "young_people",
            "purpose": "Contact the organiser at organiser@example.org for details.",
        },
        content_type="application/json",
        headers=bearer(cast["people"]["coordinator"]),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["purpose"]
    assert errors["purpose"][0].startswith("Purpose must not hold a person's views or details")
    assert "organiser@example.org" not in errors["purpose"][0]
    assert Forum.objects.count() == before


def test_a_meeting_summary_with_a_persons_views_is_a_400(cast: dict[str, Any]) -> None:
    response = Client().post(
        f"{API}/forums/{cast['forum_id']}/meetings",
        {"held_on": "2026-01-05", "topics": "Tensions", "summary": "Imam Hussain feels ignored."},
        content_type="application/json",
        headers=bearer(cast["people"]["coordinator"]),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["summary"]
    assert not ForumMeeting.objects.filter(topics="Tensions").exists()


def test_support_is_decided_only_along_its_states(cast: dict[str, Any]) -> None:
    headers = bearer(cast["people"]["coordinator"])
    url = f"{API}/support/{cast['support_request_id']}/decision"
    given_early = Client().post(
        url,
        {"status": "given", "response": "A room."},
        content_type="application/json",
        headers=headers,
    )
    assert given_early.status_code == 400
    assert given_early.json()["errors"] == {
        "status": ["Support that is asked can only be agreed or declined"]
    }
    agreed = Client().post(
        url,
        {"status": "agreed", "response": "A room on Fridays."},
        content_type="application/json",
        headers=headers,
    )
    assert agreed.status_code == 200
    assert SupportRequest.objects.get(pk=cast["support_request_id"]).status == "agreed"


def test_a_board_member_reads_but_may_not_write(cast: dict[str, Any]) -> None:
    headers = bearer(cast["people"]["board_member"])
    client = Client()
    assert (
        client.get(
            f"{API}/partnerships/{cast['partnership'].pk}/communications", headers=headers
        ).status_code
        == 200
    )
    refused = client.post(
        f"{API}/key-messages/{cast['key_message_id']}/agree",
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].endswith("agree a draft key message.")
