"""Distributions' part of the access matrix (tests/test_access_matrix.py).

permissions.md, "inspections, roll-ups": coordinators and board members read their own,
inspectors read, national analysts see aggregates. A distribution is an aggregate, so the page
and the API answer national analysts and anyone who is a coordinator, board member or live
inspector of some partnership (the other partnership's coordinator too: they see their own
marked); contributors, viewers, community and peer reviewers, security contacts and site
administrators get 404, as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.access_vocabulary import CapabilityMatrix, Case, only
from tests.rollups.distributions_builders import version

SEERS = ["coordinator", "board_member", "inspector", "other_partnership", "national_analyst"]

CASES: dict[str, Case] = {
    "rollups:distributions": Case("GET", (), only(200, SEERS, 404)),
}

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/rollups/distributions?framework=rollup-check&version=1.0"): only(
        200, SEERS, 404
    ),
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    version()
    return {}


MATRIX = CapabilityMatrix(build=build, cases=CASES, api_cases=API_CASES)
