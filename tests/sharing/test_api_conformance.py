"""Schemathesis over the gateway's operations, aimed at real rows: a coordinator who manages a
protocol in force and is the author of a draft with an attachment. No server errors, and every
answer conforms to the document. (tests/api exercises every operation with random ids.)"""

from __future__ import annotations

from collections.abc import Iterator
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
from lde.sharing import services
from lde.sharing.models import AccessRequest
from tests.api.generation import GENERATION
from tests.sharing.builders import gateway, marking, released

pytestmark = pytest.mark.django_db

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": GENERATION,
        "operations": [
            {
                "include-tag": ["sharing"],
                "checks": {
                    # 409: a change over a revision someone saved since.
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            }
        ],
    }
)


@pytest.fixture
def api_schema() -> Iterator[Any]:
    # As in tests/api: the WSGI handler would otherwise close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
    )
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("api_rate_limits_lifted")
def test_the_gateway_api_conforms_to_its_document(api_schema: Any) -> None:
    g = gateway()
    user = g.council_approver
    product = services.product_create(
        actor=user,
        title="Conformance draft",
        marking=marking("official"),
        recipients=[g.partnership],
        protocol=g.protocol,
    )
    attachment = services.attachment_add(
        actor=user,
        product=product,
        upload=SimpleUploadedFile("a.txt", b"A.", content_type="text/plain"),
    )
    record = released(g, title="Read by the coordinator")
    request = AccessRequest.objects.create(product=record, requester=user, reason="Please.")
    _, raw = api_token_create(actor=user, name="schemathesis")
    real = {
        "product_id": product.pk,
        "attachment_id": attachment.pk,
        "protocol_id": g.protocol.pk,
        "request_id": request.pk,
        # The coordinator's partnership and an entry of its catalogue of information sources.
        "partnership_id": g.partnership.pk,
        "source_id": services.information_source_create(
            actor=user,
            partnership=g.partnership,
            title="Conformance source",
            owner_organisation=g.council,
            granularity="ward",
            refresh="annually",
            marking=marking("official"),
            how_to_get="Ask.",
        ).pk,
    }
    operations = [
        result.ok()
        for result in api_schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/sharing")
    ]
    # 28 from the first part, then the personal-data check and the marked PDF of a product.
    # Then 4: the catalogue of information sources (list, add, read, change).
    assert len(operations) == 28 + 2 + 4
    for operation in operations:

        @given(case=operation.as_strategy(), aim=st.booleans())
        @settings(max_examples=20, suppress_health_check=list(HealthCheck), deadline=None)
        def exercise(case: Any, aim: bool) -> None:
            if aim and case.path_parameters:
                for name in set(case.path_parameters) & set(real):
                    case.path_parameters[name] = real[name]
            case.call_and_validate(headers={"Authorization": f"Bearer {raw}"})

        exercise()
