"""Schemathesis over the OpenAPI document, signed in with a token: no server errors, and every
answer conforms to the document (status codes declared, bodies matching their schemas)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from lde.accounts.services import api_token_create
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
)
from lde.assessments.services import (
    assessment_start,
    contribution_assign,
    evidence_add_file,
    evidence_add_link,
    rater_rating_record,
    response_update,
)
from lde.frameworks.services import DATA_DIR, framework_load, framework_load_file
from lde.partnerships.models import Role
from tests.api.generation import GENERATION
from tests.factories import MembershipFactory, OrganisationFactory, PostFactory

pytestmark = pytest.mark.django_db

# Whether a rating is on a criterion's scale, or an assessment is ready to submit, depends on the
# data, not on the request's shape: these operations answer a schema-valid request that the
# service refuses with 400 and the fields it names, as their documents declare.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": GENERATION,
        "operations": [
            {
                "include-name": [
                    "PUT /api/v1/assessments/{assessment_id}/responses/{response_id}",
                    "POST /api/v1/assessments/{assessment_id}/submit",
                    # Whether criteria, owners and dates fit an action depends on the data too.
                    "POST /api/v1/actions",
                    "PUT /api/v1/actions/{action_id}",
                    "POST /api/v1/actions/{action_id}/progress",
                    "POST /api/v1/actions/{action_id}/cancel",
                    "POST /api/v1/actions/{action_id}/reopen",
                    # Whether the organisation is one of the partnership's partners, and whether
                    # the person may hold the role, depend on the data.
                    "POST /api/v1/partnerships/{partnership_id}/memberships",
                    # Whether two assessments may be compared depends on which they are.
                    "GET /api/v1/assessments/{assessment_id}/compare/{other_id}",
                    # Whether area data is right depends on its rows; whether a partnership is a
                    # neighbour, or already asked, on the area data and the requests made.
                    "POST /api/v1/partnerships/areas/import",
                    "POST /api/v1/partnerships/{partnership_id}/peer-review-requests",
                    "POST /api/v1/partnerships/peer-review-requests/{request_id}/decision",
                    # Whether figures and parameters fit a release's scope, and whether a
                    # release is in the state an action needs, depend on the data.
                    "POST /api/v1/open-data",
                    "POST /api/v1/open-data/{release_id}/propose",
                    "POST /api/v1/open-data/{release_id}/approve",
                    "POST /api/v1/open-data/{release_id}/release",
                    # Whether a framework, its version, a theme or a cycle exists, and a
                    # mapping joins two versions, depends on the data.
                    "GET /api/v1/rollups/distributions",
                    # Whether a kind of stream, a basis or a ring fence is one of the choices
                    # is checked by the service, with 400 naming the field.
                    "GET /api/v1/rollups/money-distributions",
                ],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            },
            # The gateway's services refuse what the data does not allow (a version changed since
            # it was read, a party missing, a product not yet approved) with 400 and the fields;
            # a change over a revision someone saved since with 409.
            {
                "include-tag": ["sharing"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            },
            # The capabilities' services refuse what the data does not allow in the same way: an
            # organisation that is not among the choices, a post that did not exist on the day,
            # a version that moved on, a call's maximum (400 with the fields); one already
            # signed or declared (409); an import's rows (422 with their problems).
            {
                "include-tag": [
                    "narratives",
                    "capacity",
                    "engagement",
                    "programme",
                    "commissioning",
                    "monitoring",
                    "consequence management",
                    "indicators",
                    "what works",
                    "survey data sets",
                    "questionnaires",
                    "inspections",
                ],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422"]
                    }
                },
            },
            # Whether an uploaded file is a workbook for this assessment, with every row right,
            # depends on its content: a schema-valid upload is answered 422 with its problems.
            {
                "include-name": ["POST /api/v1/assessments/{assessment_id}/workbook"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "422"]
                    }
                },
            },
        ],
    }
)


@pytest.fixture
def api_schema() -> Iterator[Any]:
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client avoids this the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
    )
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# A small framework the token's user assesses against, so that the assessment operations reach
# real rows: a published cycle, and a draft carried forward from it with raters and evidence.
FRAMEWORK = """
identifier: schemathesis-check
version: "1.0"
title: Schemathesis check
status: current
summary: A small framework for the API's conformance test.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Not in place, descriptor: None.}
      - {value: 2, label: Developing, descriptor: Some.}
      - {value: 3, label: Established, descriptor: Routine.}
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {identifier: ownership, title: Ownership, paragraphs: ["93"]}
      - {identifier: board, title: Board, paragraphs: ["108"]}
"""


@dataclass(frozen=True)
class Reach:
    token: str
    assessment_id: int
    response_id: int


@pytest.fixture
def reach() -> Reach:
    membership = MembershipFactory(role=Role.COORDINATOR)
    PostFactory(organisation=membership.partnership.lead_council)
    OrganisationFactory()
    framework_load_file(actor=None, path=DATA_DIR / "desirable-characteristics-1.0.yaml")
    version = framework_load(
        actor=None, text=FRAMEWORK, file_name="schemathesis-check-1.0.yaml"
    ).version
    user = membership.user
    cycle = {
        "actor": user,
        "partnership": membership.partnership,
        "kind": AssessmentKind.SELF,
        "framework_version": version,
    }
    last = assessment_start(
        **cycle,
        title="Self-assessment 2024",
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
    )
    for response in last.responses.all():
        response_update(
            actor=user, response=response, seen_revision=0, rating=2, target=3, commentary="Seen."
        )
    Assessment.objects.filter(pk=last.pk).update(status=AssessmentStatus.PUBLISHED)
    draft = assessment_start(
        **cycle,
        title="Self-assessment 2025",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
    )
    # Ownership is confirmed; the board's carried-forward rating waits for a PUT to confirm it.
    ownership = draft.responses.get(criterion__identifier="ownership")
    response_update(
        actor=user, response=ownership, seen_revision=0, rating=3, target=3, commentary="Better."
    )
    board = draft.responses.get(criterion__identifier="board")
    rater_rating_record(actor=user, response=board, rating=3)
    evidence_add_link(
        actor=user,
        response=board,
        title="Minutes",
        url="https://example.org/minutes",
        effective_on=date(2025, 6, 1),
    )
    evidence_add_file(
        actor=user,
        response=board,
        title="Terms of reference",
        upload=SimpleUploadedFile("terms.txt", b"Terms.", content_type="text/plain"),
        effective_on=date(2025, 5, 1),
    )
    contribution_assign(actor=user, assessment=draft, criterion=board.criterion, user=user)
    _, raw = api_token_create(actor=user, name="schemathesis")
    return Reach(token=raw, assessment_id=draft.pk, response_id=board.pk)


@pytest.mark.usefixtures("api_rate_limits_lifted")
def test_api_conforms_to_its_document(api_schema: Any, reach: Reach) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # Seven of them the action plans', three the analysis, one the report, 28 the gateway's
    # first part, then the gateway's personal-data check and its marked PDF of a product.
    # The last 1: a partnership's briefing coverage (¶59).
    # Then 4: the catalogue of information sources (list, add, read, change; ¶60–61).
    # The last 1: the national analyst's aggregate of briefing coverage, by region (¶59).
    # And 1: the API's own index of links. Then the capabilities built on them: the local
    # narrative 10, capacity 13 (a board decision raising its action among them), engagement
    # 33, programme 15, commissioning 18 (calls and bids made and changed through the API too,
    # and devolved small-grant pots and their grants),
    # monitoring 8 (a spend list imported among them) and consequence management 18
    # (readiness plans written, exercises and their lessons, a cascade's after-action figures).
    # Then evaluation: indicators 7, the library of what works 6, survey data sets 8 and
    # questionnaires 7; and similar areas 4 (area data imported, a partnership's neighbours,
    # a peer review asked for and answered).
    assert len(operations) == (
        18
        + 7
        + 3
        + 1
        + 28
        + 2
        + 1
        + 4
        + 1
        + 1
        + 10
        + 13
        + 33
        + 15
        + 18
        + 8
        + 18
        + 7
        + 6
        + 8
        + 7
        + 4
        # Open data 6: the list and a data set for anyone; draft, propose, approve, release.
        + 6
        # Distributions of scores 1 (national or a region's, for one framework version).
        + 1
        # Distributions of programme money 1 (national or a region's, for one financial year).
        + 1
        # Inspection programmes' learning 8: the programme's learning, a finding, key learning,
        # a case study and sending it, a site's feedback, an advisory member and a comment.
        + 8
        # Inspection programmes' fieldwork 22: programmes (list, plan, read, change, move on),
        # their sites (list, add, read, assign an inspector), the document request (read, send,
        # a document received), the pre-visit analysis (read, write a theme's), visits (list,
        # record, a schedule slot), notes (read, audited; write) and the report (start, send
        # for the factual-accuracy check, publish).
        + 22
    )
    real = {"assessment_id": reach.assessment_id, "response_id": reach.response_id}
    # A comparison aims at the draft and the published cycle it was carried from.
    real["other_id"] = Assessment.objects.get(pk=reach.assessment_id).carried_from_id or 0
    for operation in operations:

        @given(
            case=operation.as_strategy(),
            aim=st.booleans(),
            fit=st.sampled_from(["as drawn", "current", "stale"]),
            level=st.sampled_from([None, 1, 2, 3]),
        )
        @settings(max_examples=30, suppress_health_check=list(HealthCheck), deadline=None)
        def exercise(case: Any, aim: bool, fit: str, level: int | None) -> None:
            # Random ids almost never name a row: half the time, aim at the real assessment, and
            # then mostly send a rating on its scale with the revision last read, or an older one.
            if aim and case.path_parameters:
                for name in set(case.path_parameters) & set(real):
                    case.path_parameters[name] = real[name]
                rating_it = "response_id" in case.path_parameters and isinstance(case.body, dict)
                if rating_it and fit != "as drawn":
                    revision = CriterionResponse.objects.get(pk=reach.response_id).revision
                    case.body.update(
                        rating=level,
                        target=level,
                        revision=revision if fit == "current" else max(revision - 1, 0),
                    )
            case.call_and_validate(headers={"Authorization": f"Bearer {reach.token}"})

        exercise()
