"""Engagement's part of the access matrix (tests/test_access_matrix.py): every page and API
operation, with the answer ADR 0014 gives each kind of user, and the key messages and requests
for support checked in every state.

Readers are the partnership's coordinators, board members, contributors and viewers, and its
live inspectors; its community reviewers also read the forums their organisation takes part in
(the world's forum has the council, every member's organisation, taking part); its coordinators
keep the records. Everyone else gets the 404 of something that does not exist.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import Organisation, User
from lde.engagement.models import MessageStatus, SupportStatus
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    MEMBERS,
    READERS,
    CapabilityMatrix,
    Case,
    InEvery,
    only,
    partnership_page,
)
from tests.engagement.builders import engagement_world

ENGAGEMENT_READERS = [*READERS, "inspector"]
FORUM_READERS = [*MEMBERS, "inspector"]
P = "partnership_id"


def kept(readers: list[str], answer: int) -> dict[str, Any]:
    """Seen by `readers` (403), kept by the coordinator (`answer`), 404 for everyone else."""
    return {**only(403, readers, 404), "coordinator": answer}


def in_states(family: str, states: tuple[str, ...], answer: int) -> InEvery:
    """Kept by the coordinator in `states`; seen, and refused, by the other readers."""
    return InEvery(
        family,
        lambda state: (
            kept(ENGAGEMENT_READERS, answer)
            if str(state) in states
            else only(403, ENGAGEMENT_READERS, 404)
        ),
    )


def read(family: str) -> InEvery:
    return InEvery(family, lambda state: only(200, ENGAGEMENT_READERS, 404))


DRAFT = (MessageStatus.DRAFT,)
RETIRABLE = (MessageStatus.DRAFT, MessageStatus.AGREED)
ASKED = (SupportStatus.ASKED,)
UNDECIDED = (SupportStatus.ASKED, SupportStatus.AGREED)

CASES: dict[str, Case] = {
    "engagement:overview": Case("GET", (P,), partnership_page(ENGAGEMENT_READERS)),
    "engagement:forum-list": Case("GET", (P,), partnership_page(FORUM_READERS)),
    "engagement:initiative-list": Case("GET", (P,), partnership_page(ENGAGEMENT_READERS)),
    "engagement:communications": Case("GET", (P,), partnership_page(ENGAGEMENT_READERS)),
    "engagement:school-list": Case("GET", (P,), partnership_page(ENGAGEMENT_READERS)),
    "engagement:forum-detail": Case("GET", ("forum_id",), only(200, FORUM_READERS, 404)),
    "engagement:initiative-detail": Case(
        "GET", ("initiative_id",), only(200, ENGAGEMENT_READERS, 404)
    ),
    "engagement:key-message-detail": Case("GET", ("key_message_id",), read("key_message")),
    # Adding to the partnership: its coordinators.
    **{
        f"engagement:{part}-create": Case("GET", (P,), partnership_page(["coordinator"]))
        for part in (
            "forum",
            "initiative",
            "audience",
            "channel",
            "key-message",
            "media-briefing",
            "spokesperson",
            "school",
        )
    },
    # Adding to a forum, an initiative or a school: its coordinators, among those who see it.
    "engagement:meeting-create": Case("GET", ("forum_id",), kept(FORUM_READERS, 200)),
    "engagement:support-request-create": Case(
        "GET", ("initiative_id",), kept(ENGAGEMENT_READERS, 200)
    ),
    "engagement:school-activity-create": Case("GET", ("school_id",), kept(ENGAGEMENT_READERS, 200)),
    # Changing: the coordinators; a forum and its meetings are seen by its community reviewers.
    "engagement:forum-update": Case("GET", ("forum_id",), kept(FORUM_READERS, 200)),
    "engagement:meeting-update": Case("GET", ("forum_meeting_id",), kept(FORUM_READERS, 200)),
    **{
        f"engagement:{part}-update": Case("GET", (key,), kept(ENGAGEMENT_READERS, 200))
        for part, key in (
            ("initiative", "initiative_id"),
            ("audience", "audience_id"),
            ("channel", "channel_id"),
            ("media-briefing", "media_briefing_id"),
            ("spokesperson", "spokesperson_id"),
            ("school", "school_id"),
            ("school-activity", "school_activity_id"),
        )
    },
    "engagement:key-message-update": Case(
        "GET", ("key_message_id",), in_states("key_message", DRAFT, 200)
    ),
    "engagement:support-request-update": Case(
        "GET", ("support_request_id",), in_states("support_request", ASKED, 200)
    ),
    "engagement:support-request-decide": Case(
        "GET", ("support_request_id",), in_states("support_request", UNDECIDED, 200)
    ),
    # Agreeing and retiring cannot be undone: a GET is the confirmation page.
    "engagement:key-message-agree": Case(
        "GET", ("key_message_id",), in_states("key_message", DRAFT, 200)
    ),
    "engagement:key-message-retire": Case(
        "GET", ("key_message_id",), in_states("key_message", RETIRABLE, 200)
    ),
}

CONFIRMATIONS: dict[str, Case] = {
    "engagement:key-message-agree": Case(
        "POST", ("key_message_id",), in_states("key_message", DRAFT, 302), CONFIRMED
    ),
    "engagement:key-message-retire": Case(
        "POST", ("key_message_id",), in_states("key_message", RETIRABLE, 302), CONFIRMED
    ),
}

E = "/api/v1/engagement"
PE = f"{E}/partnerships/{{partnership_id}}"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", PE): partnership_page(ENGAGEMENT_READERS),
    ("GET", f"{PE}/forums"): partnership_page(FORUM_READERS),
    ("GET", f"{PE}/initiatives"): partnership_page(ENGAGEMENT_READERS),
    ("GET", f"{PE}/communications"): partnership_page(ENGAGEMENT_READERS),
    ("GET", f"{PE}/schools"): partnership_page(ENGAGEMENT_READERS),
    ("GET", f"{E}/forums/{{forum_id}}"): only(200, FORUM_READERS, 404),
    ("GET", f"{E}/initiatives/{{initiative_id}}"): only(200, ENGAGEMENT_READERS, 404),
    **{
        ("POST", f"{PE}/{kind}"): {**partnership_page([]), "coordinator": 201}
        for kind in (
            "forums",
            "initiatives",
            "audiences",
            "channels",
            "key-messages",
            "media-briefings",
            "spokespeople",
            "schools",
        )
    },
    ("PUT", f"{E}/forums/{{forum_id}}"): kept(FORUM_READERS, 200),
    ("POST", f"{E}/forums/{{forum_id}}/meetings"): kept(FORUM_READERS, 201),
    ("PUT", f"{E}/meetings/{{forum_meeting_id}}"): kept(FORUM_READERS, 200),
    ("PUT", f"{E}/initiatives/{{initiative_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("POST", f"{E}/initiatives/{{initiative_id}}/support"): kept(ENGAGEMENT_READERS, 201),
    ("PUT", f"{E}/audiences/{{audience_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("PUT", f"{E}/channels/{{channel_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("PUT", f"{E}/media-briefings/{{media_briefing_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("PUT", f"{E}/spokespeople/{{spokesperson_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("PUT", f"{E}/schools/{{school_id}}"): kept(ENGAGEMENT_READERS, 200),
    ("POST", f"{E}/schools/{{school_id}}/activities"): kept(ENGAGEMENT_READERS, 201),
    ("PUT", f"{E}/school-activities/{{school_activity_id}}"): kept(ENGAGEMENT_READERS, 200),
}

KM = f"{E}/key-messages/{{key_message_id}}"
SUPPORT = f"{E}/support/{{support_request_id}}"
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("GET", KM): read("key_message"),
    ("PUT", KM): in_states("key_message", DRAFT, 200),
    ("POST", f"{KM}/agree"): in_states("key_message", DRAFT, 200),
    ("POST", f"{KM}/retire"): in_states("key_message", RETIRABLE, 200),
    ("PUT", SUPPORT): in_states("support_request", ASKED, 200),
    ("POST", f"{SUPPORT}/decision"): in_states("support_request", UNDECIDED, 200),
}

DAY = "2025-01-05"
FORUM = {
    "name": "Matrix Youth Forum",
    "kind": "young_people",
    "purpose": "Young people and the partnership meet.",
    "members": [{"organisation_id": "{community_organisation_id}", "role": "member"}],
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PE}/forums"): FORUM,
    ("PUT", f"{E}/forums/{{forum_id}}"): FORUM,
    ("POST", f"{E}/forums/{{forum_id}}/meetings"): {"held_on": DAY, "topics": "Matrix"},
    ("PUT", f"{E}/meetings/{{forum_meeting_id}}"): {"held_on": DAY, "topics": "Matrix"},
    **{
        (method, path): {
            "organisation_id": "{community_organisation_id}",
            "title": "Matrix mentoring",
            "what_it_does": "Volunteers mentor.",
        }
        for method, path in (
            ("POST", f"{PE}/initiatives"),
            ("PUT", f"{E}/initiatives/{{initiative_id}}"),
        )
    },
    ("POST", f"{E}/initiatives/{{initiative_id}}/support"): {
        "asked_for": "A hall.",
        "asked_on": DAY,
    },
    ("PUT", SUPPORT): {"asked_for": "A hall.", "asked_on": DAY},
    ("POST", f"{SUPPORT}/decision"): {"status": "declined", "response": "No hall is free."},
    ("POST", f"{PE}/audiences"): {"name": "Matrix staff"},
    ("PUT", f"{E}/audiences/{{audience_id}}"): {"name": "Matrix staff"},
    **{
        (method, path): {"name": "Matrix radio", "kind": "local_radio", "community": "Everyone"}
        for method, path in (("POST", f"{PE}/channels"), ("PUT", f"{E}/channels/{{channel_id}}"))
    },
    ("POST", f"{PE}/key-messages"): {"title": "Matrix", "message": "Safer together."},
    ("PUT", KM): {"title": "Matrix", "message": "Safer together."},
    **{
        (method, path): {
            "held_on": DAY,
            "outlet": "Matrix paper",
            "topic": "Funding",
            "spoke_post_id": "{engagement_post_id}",
        }
        for method, path in (
            ("POST", f"{PE}/media-briefings"),
            ("PUT", f"{E}/media-briefings/{{media_briefing_id}}"),
        )
    },
    **{
        (method, path): {
            "post_id": "{engagement_post_id}",
            "speaks_for": "The council",
            "topics": "Prevent",
        }
        for method, path in (
            ("POST", f"{PE}/spokespeople"),
            ("PUT", f"{E}/spokespeople/{{spokesperson_id}}"),
        )
    },
    ("POST", f"{PE}/schools"): {"organisation_id": "{second_school_organisation_id}"},
    ("PUT", f"{E}/schools/{{school_id}}"): {
        "organisation_id": "{school_organisation_id}",
        "safer_schools_partnership": True,
        "ssp_started_on": DAY,
    },
    **{
        (method, path): {"activity": "Matrix assembly", "held_on": DAY}
        for method, path in (
            ("POST", f"{E}/schools/{{school_id}}/activities"),
            ("PUT", f"{E}/school-activities/{{school_activity_id}}"),
        )
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    return engagement_world(
        coordinator=users["coordinator"],
        partnership=Partnership.objects.get(pk=world["partnership_id"]),
        member=Organisation.objects.get(pk=world["organisation_id"]),
    )


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={
        "key_message": list(MessageStatus.values),
        "support_request": list(SupportStatus.values),
    },
)
