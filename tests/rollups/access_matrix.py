"""Similar areas' part of the access matrix (tests/test_access_matrix.py).

permissions.md, "inspections, roll-ups": a partnership's coordinators and board members read its
similar areas, and so do its live inspectors; contributors, viewers and community reviewers see
the partnership but not these (403); everyone else gets 404. Area data is site-wide reference
data: site administrators import it, and they and national analysts see what was imported. A
request for a peer review goes from the other partnership to the target: the coordinators and
board members of both see it, and the target's coordinators answer it while it is open.
"""

from __future__ import annotations

from typing import Any

from lde.partnerships.models import Partnership
from lde.rollups.models import (
    AreaDataSet,
    AreaNeighbour,
    PeerReviewRequest,
    PeerReviewRequestStatus,
)
from tests.access_vocabulary import (
    CapabilityMatrix,
    Case,
    InEvery,
    expect,
    only,
    partnership_page,
    seen_by,
)

P = "partnership_id"
NEIGHBOUR_READERS = ["coordinator", "board_member", "inspector"]
REQUEST_SEERS = ["coordinator", "board_member", "other_partnership"]
STATES = [str(s) for s in PeerReviewRequestStatus]


def on_request(answer: int) -> InEvery:
    return InEvery(
        "peer_review_request",
        lambda s: seen_by(
            REQUEST_SEERS, {"coordinator": answer} if s == PeerReviewRequestStatus.REQUESTED else {}
        ),
    )


AREA_DATA_SEERS = ["national_analyst", "site_administrator"]

CASES: dict[str, Case] = {
    "rollups:area-data": Case("GET", (), only(200, AREA_DATA_SEERS, 404)),
    "rollups:area-data-import": Case(
        "GET", (), {**only(403, AREA_DATA_SEERS, 404), "site_administrator": 200}
    ),
    "rollups:similar-areas": Case("GET", (P,), partnership_page(NEIGHBOUR_READERS)),
    "rollups:similar-area": Case("GET", (P, "neighbour_id"), partnership_page(NEIGHBOUR_READERS)),
    "rollups:peer-review-request": Case(
        "GET", (P, "neighbour_id"), partnership_page(["coordinator"])
    ),
    "rollups:peer-review-decide": Case("GET", ("request_id",), on_request(200)),
}

R = "/api/v1/partnerships"
API_CASES: dict[tuple[str, str], dict[str, Any]] = {
    # Sent no files: 400, after the policy.
    ("POST", f"{R}/areas/import"): expect(403, site_administrator=400),
    ("GET", f"{R}/{{partnership_id}}/neighbours"): partnership_page(NEIGHBOUR_READERS),
    ("POST", f"{R}/{{partnership_id}}/peer-review-requests"): {
        **partnership_page([]),
        "coordinator": 201,
    },
}
API_CASES_IN_EVERY_STATE: dict[tuple[str, str], InEvery] = {
    ("POST", f"{R}/peer-review-requests/{{request_id}}/decision"): on_request(200),
}
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{R}/{{partnership_id}}/peer-review-requests"): {
        "asked_id": "{rollups_other_id}",
        "message": "Matrix request.",
    },
    ("POST", f"{R}/peer-review-requests/{{request_id}}/decision"): {"accept": True},
}


def build(world: dict[str, Any]) -> dict[str, Any]:
    target = Partnership.objects.get(pk=world["partnership_id"])
    other = Partnership.objects.get(pk=world["other_partnership_id"])
    data_set = AreaDataSet.objects.create(
        file_name="matrix.csv",
        variables=[
            {"name": "density", "label": "Density", "source": "S", "licence": "L", "weight": 1.0}
        ],
        values={"E06999001": [1.0], "E06999002": [2.0]},
        areas=2,
    )
    row = AreaNeighbour.objects.create(
        data_set=data_set,
        area_code="E06999001",
        neighbour_code="E06999002",
        partnership=target,
        neighbour=other,
        rank=1,
        distance=2.0,
        contributions=[4.0],
    )
    AreaNeighbour.objects.create(
        data_set=data_set,
        area_code="E06999002",
        neighbour_code="E06999001",
        partnership=other,
        neighbour=target,
        rank=1,
        distance=2.0,
        contributions=[4.0],
    )
    states: dict[str, dict[str, int]] = {}
    for status in STATES:
        request = PeerReviewRequest.objects.create(
            requester=other, asked=target, status=status, message=f"Matrix {status}."
        )
        states[status] = {"request_id": request.pk}
    return {
        "neighbour_id": row.pk,
        "rollups_other_id": other.pk,
        "states": {"peer_review_request": states},
    }


MATRIX = CapabilityMatrix(
    build=build,
    cases=CASES,
    api_cases=API_CASES,
    api_cases_in_every_state=API_CASES_IN_EVERY_STATE,
    api_bodies=API_BODIES,
    states={"peer_review_request": STATES},
)
