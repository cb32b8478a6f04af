"""Indicators' part of the access matrix (tests/access_vocabulary.py), from permissions.md's row
"indicators, surveys, evidence" and the policy table in docs/apps/indicators.md.

Coordinators define, record and publish; contributors of the organisation that reports an
indicator record its figures (every member's organisation here is the lead council, which
reports the world's indicators); coordinators and board members attach a figure as evidence;
readers and live inspectors read; community reviewers read a published indicator (as the public
does); everyone else finds a published indicator on its open page, and nothing of an
unpublished one. Indicators are checked unpublished and published.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from lde.accounts.models import Organisation, User
from lde.indicators.models import Indicator, Observation, Target
from lde.partnerships.models import Partnership
from tests.access_vocabulary import (
    CONFIRMED,
    PUBLIC,
    READERS,
    CapabilityMatrix,
    Case,
    InEvery,
    expect,
    only,
    partnership_page,
    seen_by,
)

STATES = ["unpublished", "published"]
READ = [*READERS, "inspector"]
P = "partnership_id"
IND = "indicator_id"


def _seers(state: str) -> list[str]:
    return [*READ, "community_reviewer"] if state == "published" else READ


def on_indicator(allowed: list[str], answer: Any) -> InEvery:
    return InEvery("indicator", lambda s: seen_by(_seers(s), dict.fromkeys(allowed, answer)))


READ_EVERY_STATE = InEvery("indicator", lambda s: only(200, _seers(s), 404))
RECORDERS = ["coordinator", "contributor"]

CASES: dict[str, Case] = {
    "indicators:indicator-list": Case("GET", (P,), partnership_page(READ)),
    "indicators:indicator-create": Case("GET", (P,), partnership_page(["coordinator"])),
    "indicators:indicator-detail": Case("GET", (IND,), READ_EVERY_STATE),
    # The file holds the small figures: the partnership's readers only, not the community
    # reviewers who read a published indicator as the public does.
    "indicators:observations-csv": Case("GET", (IND,), on_indicator(READ, 200)),
    "indicators:indicator-update": Case("GET", (IND,), on_indicator(["coordinator"], 200)),
    "indicators:baseline-set": Case("GET", (IND,), on_indicator(["coordinator"], 200)),
    "indicators:target-set": Case("GET", (IND,), on_indicator(["coordinator"], 200)),
    "indicators:indicator-publish": Case("GET", (IND,), on_indicator(["coordinator"], 200)),
    "indicators:observation-record": Case("GET", (IND,), on_indicator(RECORDERS, 200)),
    "indicators:observations-import": Case("GET", (IND,), on_indicator(RECORDERS, 200)),
    "indicators:referrals-record": Case("GET", (IND,), on_indicator(RECORDERS, 200)),
    "indicators:evidence-attach": Case(
        "GET", (IND,), on_indicator(["coordinator", "board_member"], 200)
    ),
    "indicators:open-list": Case("GET", (), dict(PUBLIC)),
    "indicators:open-detail": Case(
        "GET",
        (IND,),
        InEvery(
            "indicator",
            lambda s: dict(PUBLIC) if s == "published" else dict.fromkeys(PUBLIC, 404),
        ),
    ),
}

CONFIRMATIONS: dict[str, Case] = {
    "indicators:indicator-publish": Case(
        "POST", (IND,), on_indicator(["coordinator"], 302), CONFIRMED
    ),
}

A = "/api/v1/indicators"
ONE = f"{A}/{{indicator_id}}"

API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", A): expect(200),
    ("POST", A): {**partnership_page([]), "coordinator": 201},
}

API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    # Anyone signed in reads a published indicator (figures under 10 withheld from outside).
    ("GET", ONE): InEvery(
        "indicator", lambda s: expect(200) if s == "published" else only(200, READ, 404)
    ),
    ("GET", f"{ONE}/observations"): InEvery(
        "indicator", lambda s: expect(200) if s == "published" else only(200, READ, 404)
    ),
    ("POST", f"{ONE}/observations"): on_indicator(RECORDERS, 201),
    # Sent without a file: whoever may record is told to send one (422).
    ("POST", f"{ONE}/observations/import"): on_indicator(RECORDERS, 422),
    # The world's partnership has no draft assessment for the criterion: whoever may attach
    # is told so (400); tests/indicators/test_evidence.py attaches one.
    ("POST", f"{ONE}/evidence"): on_indicator(["coordinator", "board_member"], 400),
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", A): {
        "partnership_id": "{partnership_id}",
        "title": "Matrix indicator",
        "measures": "Reports made.",
        "unit": "reports",
        "kind": "outcome",
        "polarity": "higher",
        "period_type": "quarter",
        "source": "Police.",
        "method": "A count.",
    },
    ("POST", f"{ONE}/observations"): {"period": "2025-Q2", "value": 12},
    ("POST", f"{ONE}/evidence"): {"criterion_id": 1},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    council = Organisation.objects.get(pk=world["organisation_id"])
    states: dict[str, dict[str, int]] = {}
    for state in STATES:
        indicator = Indicator.objects.create(
            partnership=partnership,
            title=f"Matrix hate crimes reported ({state})",
            measures="Hate crimes reported.",
            unit="reports",
            kind="outcome",
            polarity="higher",
            period_type="quarter",
            source="Police.",
            method="A count.",
            reported_by=council,
            published=state == "published",
            created_by=users["coordinator"],
        )
        Target.objects.create(
            indicator=indicator, period_start=datetime.date(2025, 1, 1), value=Decimal(20)
        )
        for month, value in ((1, 18), (4, 7), (7, 24)):
            Observation.objects.create(
                indicator=indicator,
                period_start=datetime.date(2025, month, 1),
                value=Decimal(value),
            )
        states[state] = {"indicator_id": indicator.pk}
    return {"states": {"indicator": states}, "indicator_id": states["published"]["indicator_id"]}


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"indicator": STATES},
)
