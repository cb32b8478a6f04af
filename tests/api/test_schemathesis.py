"""Schemathesis over the OpenAPI document, signed in with a token: no server errors, and every
answer conforms to the document (status codes declared, bodies matching their schemas)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from lde.accounts.services import api_token_create
from lde.frameworks.services import DATA_DIR, framework_load_file
from lde.partnerships.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema() -> Iterator[Any]:
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client avoids this the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token() -> str:
    membership = MembershipFactory(role=Role.COORDINATOR)
    PostFactory(organisation=membership.partnership.lead_council)
    OrganisationFactory()
    framework_load_file(actor=None, path=DATA_DIR / "desirable-characteristics-1.0.yaml")
    _, raw = api_token_create(actor=membership.user, name="schemathesis")
    return raw


def test_api_conforms_to_its_document(api_schema: Any, token: str) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, suppress_health_check=list(HealthCheck), deadline=None)
        def exercise(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

        exercise()
