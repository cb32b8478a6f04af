"""Survey data sets' part of the access matrix (tests/access_vocabulary.py), from permissions.md's
row "indicators, surveys, evidence" (lde/surveys/datasets/policies.py).

A data set and its saved estimates are read by the partnership's coordinators, board members,
contributors and viewers and by its live inspectors, and managed (uploaded, saved, removed,
attached) by its coordinators. A data set and an estimate have no states. The API's upload is
sent without its file by the matrix, and its estimates without a question, so those who may
reach them are answered 400 with the fields named; the attach operation names no criterion the
coordinator may choose (the world's partnership has no draft progress-measures assessment), so
it too is a 400 for them.
"""

from __future__ import annotations

from typing import Any

from lde.accounts.models import User
from lde.partnerships.models import Partnership
from lde.surveys.datasets import demo, services
from tests.access_vocabulary import (
    CONFIRMED,
    READERS,
    CapabilityMatrix,
    Case,
    partnership_page,
    seen_by,
    to,
)

SEERS = [*READERS, "inspector"]
P = ("partnership_id",)
D = ("data_set_id",)
E = ("estimate_id",)


def read() -> dict[str, Any]:
    return seen_by(SEERS, to(SEERS, 200))


def managed(answer: int) -> dict[str, Any]:
    return seen_by(SEERS, {"coordinator": answer})


CASES: dict[str, Case] = {
    "survey_data:data-set-list": Case("GET", P, partnership_page(SEERS)),
    "survey_data:data-set-upload": Case("GET", P, partnership_page(["coordinator"])),
    "survey_data:data-set-detail": Case("GET", D, read()),
    "survey_data:data-set-estimates": Case("GET", D, read()),
    "survey_data:data-set-export": Case("GET", (*D, "fmt"), read()),
    "survey_data:data-set-remove": Case("GET", D, managed(200)),
    "survey_data:estimate-detail": Case("GET", E, read()),
    "survey_data:estimate-export": Case("GET", (*E, "fmt"), read()),
    "survey_data:estimate-attach": Case("GET", E, managed(200)),
    "survey_data:estimate-remove": Case("GET", E, managed(200)),
}
CONFIRMATIONS: dict[str, Case] = {
    "survey_data:data-set-remove": Case("POST", D, managed(302), CONFIRMED),
    "survey_data:estimate-remove": Case("POST", E, managed(302), CONFIRMED),
}

A = "/api/v1/surveys"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{A}/partnerships/{{partnership_id}}/data-sets"): partnership_page(SEERS),
    ("POST", f"{A}/partnerships/{{partnership_id}}/data-sets"): {
        **partnership_page([]),
        "coordinator": 400,
    },
    ("GET", f"{A}/data-sets/{{data_set_id}}"): read(),
    ("GET", f"{A}/data-sets/{{data_set_id}}/estimates"): seen_by(SEERS, to(SEERS, 400)),
    ("GET", f"{A}/data-sets/{{data_set_id}}/saved-estimates"): read(),
    ("POST", f"{A}/data-sets/{{data_set_id}}/saved-estimates"): managed(201),
    ("GET", f"{A}/estimates/{{estimate_id}}"): read(),
    ("POST", f"{A}/estimates/{{estimate_id}}/evidence"): managed(400),
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{A}/data-sets/{{data_set_id}}/saved-estimates"): {
        "statistic": "mean",
        "outcome": "belonging",
    },
    ("POST", f"{A}/estimates/{{estimate_id}}/evidence"): {"response_id": 999_999_999},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, User] = world["users"]
    coordinator = users["coordinator"]
    partnership = Partnership.objects.get(pk=world["partnership_id"])
    data_set = services.data_set_upload(
        actor=coordinator,
        partnership=partnership,
        title="Matrix residents' survey",
        source="A fictional survey for the access matrix",
        period_start=demo.date(2025, 9, 1),
        period_end=demo.date(2025, 11, 30),
        upload=services.Upload("matrix.csv", demo.survey_csv()),
        design=demo.DESIGN,
    )
    estimate = services.estimate_save(
        actor=coordinator,
        data_set=data_set,
        statistic="proportion",
        outcome="confident_reporting_hate_crime",
        value="Yes",
        domain_column="ward",
    )
    return {"data_set_id": data_set.pk, "estimate_id": estimate.pk, "fmt": "csv"}


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    confirmations=CONFIRMATIONS,
    api_cases=API_CASES,
    api_bodies=API_BODIES,
)
