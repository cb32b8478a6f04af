"""Capacity's part of the access matrix (tests/test_access_matrix.py): every page and API
operation, with the answer ADR 0013 gives each kind of user.

Readers are the partnership's coordinators, board members, contributors and viewers, and its
live inspectors; its coordinators keep the records. Community reviewers see the partnership but
not its capacity (403); everyone else gets the 404 of something that does not exist.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Partnership
from tests.access_vocabulary import READERS, CapabilityMatrix, Case, only, partnership_page
from tests.capacity.builders import capacity_world

CAPACITY_READERS = [*READERS, "inspector"]
P = "partnership_id"


def kept(answer: int) -> dict[str, Any]:
    """Seen by the readers (403), kept by the coordinator (`answer`), 404 for everyone else."""
    return {**only(403, CAPACITY_READERS, 404), "coordinator": answer}


CASES: dict[str, Case] = {
    **{
        f"capacity:{name}": Case("GET", (P,), partnership_page(CAPACITY_READERS))
        for name in ("overview", "board", "coverage", "leadership", "training", "relationships")
    },
    **{
        f"capacity:{name}": Case("GET", (P,), partnership_page(["coordinator"]))
        for name in (
            "member-add",
            "terms-agree",
            "meeting-add",
            "scrutiny-add",
            "course-add",
            "team-add",
            "relationship-add",
        )
    },
    "capacity:decision-add": Case("GET", ("meeting_id",), kept(200)),
    # Raising a decision's action writes the board's record (its keeper, the coordinator) and the
    # action plan (coordinators and board members): only the coordinator does both.
    "capacity:decision-action-raise": Case("GET", ("decision_id",), kept(200)),
    "capacity:session-add": Case("GET", ("course_id",), kept(200)),
    "capacity:attendance-add": Case("GET", ("session_id",), kept(200)),
    "capacity:relationship-holders": Case("GET", ("relationship_id",), kept(200)),
}

C = "/api/v1/capacity"
PC = f"{C}/partnerships/{{partnership_id}}"
DAY = "2025-01-05"
ADDED = {**partnership_page([]), "coordinator": 201}

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", PC): partnership_page(CAPACITY_READERS),
    **{
        ("POST", f"{PC}/{kind}"): ADDED
        for kind in (
            "board-members",
            "terms-of-reference",
            "board-meetings",
            "scrutiny-sessions",
            "courses",
            "teams",
            "relationships",
        )
    },
    ("POST", f"{C}/board-meetings/{{meeting_id}}/decisions"): kept(201),
    ("POST", f"{C}/board-decisions/{{decision_id}}/action"): kept(201),
    ("POST", f"{C}/courses/{{course_id}}/sessions"): kept(201),
    ("POST", f"{C}/training-sessions/{{session_id}}/attendance"): kept(201),
    ("PUT", f"{C}/relationships/{{relationship_id}}/holders"): kept(200),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PC}/board-members"): {
        "post_id": "{capacity_officer_post_id}",
        "joined_on": DAY,
    },
    ("POST", f"{PC}/terms-of-reference"): {"agreed_on": DAY, "text": "Matrix terms."},
    ("POST", f"{PC}/board-meetings"): {
        "held_on": DAY,
        "attended_by_post_ids": ["{capacity_chief_post_id}"],
    },
    ("POST", f"{PC}/scrutiny-sessions"): {
        "body": "police_authority",
        "held_on": DAY,
        "examined": "Matrix scrutiny.",
    },
    ("POST", f"{PC}/courses"): {"title": "Matrix course", "provider": "Matrix", "kind": "course"},
    ("POST", f"{PC}/teams"): {
        "organisation_id": "{capacity_member_organisation_id}",
        "name": "Matrix team",
        "kind": "school_staff",
        "headcount": 12,
    },
    ("POST", f"{PC}/relationships"): {
        "organisation_id": "{capacity_community_organisation_id}",
        "nature": "Matrix liaison.",
        "held_by_post_ids": ["{capacity_officer_post_id}"],
    },
    ("POST", f"{C}/board-meetings/{{meeting_id}}/decisions"): {"decision": "Matrix decision."},
    ("POST", f"{C}/board-decisions/{{decision_id}}/action"): {
        "title": "Matrix action",
        "description": "Carry out the matrix decision.",
        "owner_id": "{capacity_owner_id}",
        "owner_organisation_id": "{capacity_member_organisation_id}",
        "due_on": "2099-01-05",
    },
    ("POST", f"{C}/courses/{{course_id}}/sessions"): {"held_on": DAY},
    ("POST", f"{C}/training-sessions/{{session_id}}/attendance"): {
        "team_id": "{capacity_trained_team_id}",
        "number_trained": 1,
    },
    ("PUT", f"{C}/relationships/{{relationship_id}}/holders"): {
        "held_by_post_ids": ["{capacity_officer_post_id}", "{capacity_prevent_post_id}"],
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    return capacity_world(
        coordinator=users["coordinator"],
        partnership=Partnership.objects.get(pk=world["partnership_id"]),
        member=Organisation.objects.get(pk=world["organisation_id"]),
    )


MATRIX = CapabilityMatrix(build=build, cases=CASES, api_cases=API_CASES, api_bodies=API_BODIES)
