"""Programme's part of the access matrix (tests/test_access_matrix.py): every page and API
operation, with the answer permissions.md's row "programme, commissioning" and ADR 0015 give
each kind of user.

Readers are the partnership's coordinators, board members, contributors and viewers, and its
live inspectors; its coordinators keep the programme and the budget; contributors edit the
projects their organisation delivers (the matrix's contributor belongs to the council, which
delivers the funded project). Community reviewers see the partnership but not its programme
(403). The alliance's pot is seen by the coordinators and board members of its member
partnerships (here the other partnership's coordinator too) and allocated by their
coordinators; everyone else gets the 404 of something that does not exist.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import Organisation, User
from lde.partnerships.models import Partnership
from tests.access_vocabulary import READERS, CapabilityMatrix, Case, only, partnership_page
from tests.programme.builders import programme_world

PROGRAMME_READERS = [*READERS, "inspector"]
POT_READERS = ["coordinator", "board_member", "other_partnership"]
P = "partnership_id"


def kept(answer: int, *, also: tuple[str, ...] = ()) -> dict[str, Any]:
    """Seen by the readers (403), kept by the coordinator (`answer`) and `also`, 404 for the
    rest."""
    table = {**only(403, PROGRAMME_READERS, 404), "coordinator": answer}
    table.update(dict.fromkeys(also, answer))
    return table


def pot(answer: int, allowed: list[str]) -> dict[str, Any]:
    table = only(403, POT_READERS, 404)
    table.update(dict.fromkeys(allowed, answer))
    return table


CASES: dict[str, Case] = {
    **{
        f"programme:{name}": Case("GET", (P,), partnership_page(PROGRAMME_READERS))
        for name in ("portfolio", "project-list", "budget")
    },
    **{
        f"programme:{name}": Case("GET", (P,), partnership_page(["coordinator"]))
        for name in ("project-add", "stream-add", "tier-labels", "pot-add", "import")
    },
    "programme:project-detail": Case("GET", ("project_id",), only(200, PROGRAMME_READERS, 404)),
    "programme:project-edit": Case("GET", ("project_id",), kept(200, also=("contributor",))),
    "programme:activity-add": Case("GET", ("project_id",), kept(200, also=("contributor",))),
    "programme:funding-add": Case("GET", ("project_id",), kept(200)),
    "programme:allocation-set": Case("GET", ("stream_id",), kept(200)),
    "programme:stream-edit": Case("GET", ("stream_id",), kept(200)),
    "programme:pot-detail": Case("GET", ("pot_id",), only(200, POT_READERS, 404)),
    "programme:contribution-set": Case(
        "GET", ("pot_id",), pot(200, ["coordinator", "other_partnership"])
    ),
}

A = "/api/v1/programme"
PA = f"{A}/partnerships/{{partnership_id}}"
READ_PAGE = partnership_page(PROGRAMME_READERS)
ADDED = {**partnership_page([]), "coordinator": 201}

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{PA}/portfolio"): READ_PAGE,
    ("GET", f"{PA}/projects"): READ_PAGE,
    ("GET", f"{PA}/budget"): READ_PAGE,
    ("GET", f"{A}/projects/{{project_id}}"): only(200, PROGRAMME_READERS, 404),
    ("GET", f"{A}/pots/{{pot_id}}"): only(200, POT_READERS, 404),
    ("POST", f"{PA}/projects"): ADDED,
    ("POST", f"{PA}/streams"): ADDED,
    ("PUT", f"{PA}/tiers/{{tier}}"): {**partnership_page([]), "coordinator": 200},
    # No file sent: the coordinator is told so (422) after the policy; the rest never get there.
    ("POST", f"{PA}/import"): {**partnership_page([]), "coordinator": 422},
    ("PUT", f"{A}/projects/{{project_id}}"): kept(200, also=("contributor",)),
    ("POST", f"{A}/projects/{{project_id}}/activities"): kept(201, also=("contributor",)),
    ("POST", f"{A}/projects/{{project_id}}/funding"): kept(201),
    ("POST", f"{A}/streams/{{stream_id}}/allocations"): kept(201),
    # Any member of one of the alliance's partnerships sees that it exists; its coordinators
    # start pots. Community reviewers, inspectors and the rest of the world: 404.
    ("POST", f"{A}/alliances/{{alliance_id}}/pots"): {
        **only(403, ["board_member", "contributor", "viewer", "community_reviewer"], 404),
        "coordinator": 201,
        "other_partnership": 201,
    },
    ("POST", f"{A}/pots/{{pot_id}}/contributions"): pot(201, ["coordinator"]),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{PA}/projects"): {
        "title": "Matrix project",
        "delivered_by_id": "{programme_member_organisation_id}",
        "audiences": "Matrix audiences",
        "strand": "grievances",
        "tier": 3,
        "forms_of_extremism": ["all_forms"],
    },
    ("POST", f"{PA}/streams"): {
        "name": "Matrix stream",
        "source_id": "{programme_source_id}",
        "kind": "police",
        "amount": "1000",
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
    },
    ("PUT", f"{PA}/tiers/{{tier}}"): {"label": "Matrix tier"},
    ("PUT", f"{A}/projects/{{project_id}}"): {"audiences": "Matrix audiences"},
    ("POST", f"{A}/projects/{{project_id}}/activities"): {"title": "Matrix activity"},
    ("POST", f"{A}/projects/{{project_id}}/funding"): {
        "allocation_id": "{programme_allocation_id}",
        "amount": "100",
    },
    ("POST", f"{A}/streams/{{stream_id}}/allocations"): {"year": 2030, "amount": "0"},
    ("POST", f"{A}/alliances/{{alliance_id}}/pots"): {"name": "Matrix pot"},
    ("POST", f"{A}/pots/{{pot_id}}/contributions"): {
        "partnership_id": "{partnership_id}",
        "year": 2027,
        "amount": "100",
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    built = programme_world(
        coordinator=users["coordinator"],
        partnership=Partnership.objects.get(pk=world["partnership_id"]),
        member=Organisation.objects.get(pk=world["organisation_id"]),
        other=Partnership.objects.get(pk=world["other_partnership_id"]),
        other_coordinator=users["other_partnership"],
    )
    return {
        name: value
        for name, value in built.items()
        if name.endswith("_id") and isinstance(value, int)
    } | {"tier": 3}


MATRIX = CapabilityMatrix(build=build, cases=CASES, api_cases=API_CASES, api_bodies=API_BODIES)
