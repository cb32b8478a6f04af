"""The vocabulary of the access matrix (tests/test_access_matrix.py), shared with each
capability's own part of it.

A capability app classifies its pages and API operations in `tests/<app>/access_matrix.py`, which
defines `MATRIX = CapabilityMatrix(...)`: its cases, the objects it checks in every state, and a
`build` function that adds its rows to the matrix's world. `tests/test_access_matrix.py` lists
those modules in `CAPABILITY_MATRICES` and runs their cases exactly as its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUBJECTS = [
    "anonymous",
    "other_partnership",
    "expired_inspector",
    "coordinator",
    "board_member",
    "contributor",
    "viewer",
    "community_reviewer",
    "inspector",
    "peer_reviewer",
    "security_contact",
    "national_analyst",
    "site_administrator",
]
MEMBERS = ["coordinator", "board_member", "contributor", "viewer", "community_reviewer"]
READERS = ["coordinator", "board_member", "contributor", "viewer"]
LOGIN = "login"  # a redirect to the sign-in page


def expect(default: Any, **overrides: Any) -> dict[str, Any]:
    table = dict.fromkeys(SUBJECTS, default)
    table["anonymous"] = LOGIN
    for key, value in overrides.items():
        for subject in key.split("__"):
            table[subject] = value
    return table


def only(answer: Any, subjects: list[str], otherwise: Any, **overrides: Any) -> dict[str, Any]:
    table = expect(otherwise, **overrides)
    for subject in subjects:
        table[subject] = answer
    return table


# Partnership pages: 404 for anyone who cannot see the partnership, 403 for those who can see it
# but lack the action.
def partnership_page(allowed: list[str], visible: list[str] | None = None) -> dict[str, Any]:
    visible = visible if visible is not None else [*MEMBERS, "inspector"]
    table = expect(404)
    for subject in visible:
        table[subject] = 403
    for subject in allowed:
        table[subject] = 200
    return table


PUBLIC = dict.fromkeys(SUBJECTS, 200)
SIGNED_IN = expect(200)
ORGANISATION_VISIBLE = [
    *READERS,
    "community_reviewer",
    "inspector",
    "other_partnership",
    "security_contact",
    "national_analyst",
    "site_administrator",
]


def organisation_page(allowed: list[str]) -> dict[str, Any]:
    table = expect(404)
    for subject in ORGANISATION_VISIBLE:
        table[subject] = 403
    for subject in allowed:
        table[subject] = 200
    return table


@dataclass(frozen=True)
class Case:
    method: str
    kwargs: tuple[str, ...]
    answers: dict[str, Any] | InEvery
    # The POST's body: an action that cannot be undone is done only with CONFIRMED.
    data: dict[str, str] | None = None


# What a confirmation page's own form sends (lde/core/confirm.py). Without it, a POST to an
# action that cannot be undone only shows its confirmation page, as a GET does.
CONFIRMED = {"confirmed": "yes"}


@dataclass(frozen=True)
class InEvery:
    """The answers for an object of `family` in each of its states."""

    family: str
    answers: Callable[[Any], dict[str, Any]]


def _seen_by(seers: list[str], allowed: dict[str, Any]) -> dict[str, Any]:
    """403 for those who see the object, 404 for the rest, and `allowed`'s answers, each of
    which must go to someone who sees it."""
    table = only(403, seers, 404)
    assert set(allowed) <= set(seers), f"{sorted(set(allowed) - set(seers))} cannot see it"
    table.update(allowed)
    return table


def _to(subjects: list[str], answer: Any) -> dict[str, Any]:
    return dict.fromkeys(subjects, answer)


def seen_by(seers: list[str], allowed: dict[str, Any]) -> dict[str, Any]:
    """403 for those who see the object, 404 for the rest, and `allowed`'s answers."""
    return _seen_by(seers, allowed)


def to(subjects: list[str], answer: Any) -> dict[str, Any]:
    return _to(subjects, answer)


@dataclass(frozen=True)
class CapabilityMatrix:
    """One capability's part of the matrix.

    - `cases`, `confirmations`: page cases by URL name, as `CASES` and `CONFIRMATIONS`;
    - `api_cases`: API answers by `(METHOD, path template)`; `api_cases_in_every_state`: those
      answered in every state of a family; `api_bodies`: a valid body for each that takes one;
    - `states`: each family's states (the `InEvery` family names them);
    - `build(world)`: adds the capability's rows to the world and returns the names its URLs and
      bodies need, with `"states": {family: {str(state): {name: id}}}` for the objects it
      checks in every state. The world it is given holds `users` (subject -> User),
      `partnership_id` (the partnership every member belongs to), `organisation_id` (its lead
      council, every member's organisation) and `other_partnership_id`.
    """

    build: Callable[[dict[str, Any]], dict[str, Any]]
    cases: dict[str, Case] = field(default_factory=dict)
    confirmations: dict[str, Case] = field(default_factory=dict)
    api_cases: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    api_cases_in_every_state: dict[tuple[str, str], InEvery] = field(default_factory=dict)
    api_bodies: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    states: dict[str, list[Any]] = field(default_factory=dict)
