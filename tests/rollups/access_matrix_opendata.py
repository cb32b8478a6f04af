"""Open data's part of the access matrix (tests/test_access_matrix.py).

permissions.md: anonymous reads "open data". A released data set, its CSV, JSON and metadata
are for anyone, signed in or not; before release a partnership's release is seen by its
coordinators and board members and a national one by national analysts, and everyone else gets
404 (the downloads are 404 to everyone until release). A partnership's coordinators propose,
approve, release and withdraw its releases; national analysts do so for national ones, the
approval by another analyst than the proposer (the world's proposer is a second analyst made
here, so the world's national analyst may approve). Every action is asked in every state of
both kinds of release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lde.accounts.models import User
from lde.partnerships.models import Partnership
from lde.rollups.models import OpenDataStatus
from lde.rollups.opendata_policies import WHEN
from tests.access_vocabulary import (
    CONFIRMED,
    LOGIN,
    PUBLIC,
    SUBJECTS,
    CapabilityMatrix,
    Case,
    InEvery,
    expect,
    only,
    partnership_page,
)
from tests.rollups.opendata_builders import (
    Partnered,
    analyst,
    in_state,
    national_draft,
    partnership_draft,
    published_indicator,
)

STATES = [str(s) for s in OpenDataStatus]
PARTNERSHIP = "open_data_partnership"
NATIONAL = "open_data_national"
R = "release_id"


def _signed_in(answer: Any) -> dict[str, Any]:
    return {**dict.fromkeys(SUBJECTS, answer), "anonymous": LOGIN}


def on_release(
    action: str | None, seers: list[str], actors: list[str], answer: Any
) -> Callable[[Any], dict[str, Any]]:
    """A release's page: before release 403 for those who see it and 404 for the rest; once
    released everyone signed in sees it. `actors` get `answer` in the states `action` needs."""

    def answers(status: Any) -> dict[str, Any]:
        table = _signed_in(403) if status == OpenDataStatus.RELEASED else only(403, seers, 404)
        if action is not None and status in WHEN[action]:
            table.update(dict.fromkeys(actors, answer))
        return table

    return answers


def on_public(status: Any) -> dict[str, Any]:
    """Released: anyone; before release, nobody (the downloads are public data only)."""
    return dict(PUBLIC) if status == OpenDataStatus.RELEASED else dict.fromkeys(SUBJECTS, 404)


def on_detail(seers: list[str]) -> Callable[[Any], dict[str, Any]]:
    def answers(status: Any) -> dict[str, Any]:
        if status == OpenDataStatus.RELEASED:
            return dict(PUBLIC)
        return {**only(200, seers, 404), "anonymous": 404}

    return answers


P_SEERS = ["coordinator", "board_member"]
N_SEERS = ["national_analyst"]


def _action(name: str, action: str, family: str, method: str, answer: Any) -> Case:
    seers, actors = (P_SEERS, ["coordinator"]) if family == PARTNERSHIP else (N_SEERS, N_SEERS)
    return Case(
        method,
        (R,),
        InEvery(family, on_release(action, seers, actors, answer)),
        CONFIRMED if method == "POST" else None,
    )


ACTIONS = ("propose", "approve", "release", "withdraw")

# The partnership's releases answer the pages; the national ones answer the API's writes and
# the detail page's twin below, so that both families are asked in every state.
CASES: dict[str, Case] = {
    "opendata:release-list": Case("GET", (), dict(PUBLIC)),
    "opendata:release-detail": Case("GET", (R,), InEvery(NATIONAL, on_detail(N_SEERS))),
    "opendata:release-csv": Case("GET", (R,), InEvery(PARTNERSHIP, on_public)),
    "opendata:release-json": Case("GET", (R,), InEvery(NATIONAL, on_public)),
    "opendata:release-metadata": Case("GET", (R,), InEvery(PARTNERSHIP, on_public)),
    "opendata:release-manage": Case("GET", (), expect(200)),
    "opendata:release-create-national": Case("GET", (), only(200, N_SEERS, 404)),
    "opendata:release-create": Case("GET", ("partnership_id",), partnership_page(["coordinator"])),
    "opendata:release-propose": _action("propose", "propose", PARTNERSHIP, "GET", 200),
    "opendata:release-approve": _action("approve", "approve", NATIONAL, "GET", 200),
    "opendata:release-release": _action("release", "release", PARTNERSHIP, "GET", 200),
    "opendata:release-withdraw": _action("withdraw", "withdraw", NATIONAL, "GET", 200),
}
CONFIRMATIONS: dict[str, Case] = {
    "opendata:release-propose": _action("propose", "propose", NATIONAL, "POST", 302),
    "opendata:release-approve": _action("approve", "approve", PARTNERSHIP, "POST", 302),
    "opendata:release-release": _action("release", "release", NATIONAL, "POST", 302),
    "opendata:release-withdraw": _action("withdraw", "withdraw", PARTNERSHIP, "POST", 302),
}

A = "/api/v1/open-data"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    # Anyone: the matrix sets anonymous to 200 for these two (tests/test_access_matrix.py).
    ("GET", A): expect(200),
    ("GET", f"{A}/{{release_id}}"): expect(200),
    ("POST", A): {**partnership_page([]), "coordinator": 201},
}


def _api(action: str) -> InEvery:
    return InEvery(NATIONAL, on_release(action, N_SEERS, N_SEERS, 200))


API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("POST", f"{A}/{{release_id}}/propose"): _api("propose"),
    ("POST", f"{A}/{{release_id}}/approve"): _api("approve"),
    ("POST", f"{A}/{{release_id}}/release"): _api("release"),
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", A): {
        "partnership_id": "{partnership_id}",
        "title": "Matrix release",
        "publisher": "Matrix partnership",
        "figures_kind": "indicator_observations",
        "parameters": {"indicator_id": "{open_data_indicator_id}"},
    },
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    coordinator = users["coordinator"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    indicator = published_indicator(coordinator, partnership)
    p = Partnered(partnership, coordinator, indicator)
    proposer = analyst(email="second.analyst@matrix.example")
    approver = users["national_analyst"]
    states: dict[str, dict[str, dict[str, int]]] = {PARTNERSHIP: {}, NATIONAL: {}}
    for status in STATES:
        mine = in_state(
            status,
            proposer=coordinator,
            approver=coordinator,
            make=lambda s=status: partnership_draft(p, title=f"Matrix {s}"),
        )
        states[PARTNERSHIP][status] = {R: mine.pk}
        national = in_state(
            status,
            proposer=proposer,
            approver=approver,
            make=lambda s=status: national_draft(proposer, title=f"Matrix national {s}"),
        )
        states[NATIONAL][status] = {R: national.pk}
    return {
        R: states[PARTNERSHIP][str(OpenDataStatus.RELEASED)][R],
        "open_data_indicator_id": indicator.pk,
        "states": states,
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={PARTNERSHIP: STATES, NATIONAL: STATES},
)
