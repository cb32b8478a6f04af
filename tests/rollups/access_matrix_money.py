"""Money distributions' part of the access matrix (tests/test_access_matrix.py).

ADR 0027: a distribution of programme money is an aggregate for national analysts and, among a
partnership's people, for those who answer for its budget (ADR 0015): its coordinators and board
members, who see their own partnership marked (the other partnership's coordinator too). Live
inspectors, contributors, viewers, community and peer reviewers, security contacts and site
administrators get 404, as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from lde.partnerships.models import Partnership
from tests.access_vocabulary import CapabilityMatrix, Case, only
from tests.rollups.money_builders import funded

SEERS = ["coordinator", "board_member", "other_partnership", "national_analyst"]

CASES: dict[str, Case] = {
    "rollups:money-distributions": Case("GET", (), only(200, SEERS, 404)),
}

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/rollups/money-distributions?year=2024"): only(200, SEERS, 404),
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    funded(Partnership.objects.get(pk=world["partnership_id"]), 40_000)
    return {}


MATRIX = CapabilityMatrix(build=build, cases=CASES, api_cases=API_CASES)
