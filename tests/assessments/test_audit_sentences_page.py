"""The partnership's audit trail reads as sentences, naming the person and the criterion; the
machine words stay in "Technical details"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lde.assessments import services
from tests.assessments.builders import start
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_rating_change_is_a_sentence(
    client: Client, coordinator: Any, framework_version: Any
) -> None:
    assessment = start(coordinator, framework_version)
    response = assessment.responses.select_related("criterion").first()
    services.response_update(
        actor=coordinator.user,
        response=response,
        seen_revision=response.revision,
        rating=2,
        target=None,
        commentary="",
    )
    sign_in(client, coordinator.user)
    page = client.get(f"/partnerships/{coordinator.partnership_id}/audit/").content.decode()
    who = coordinator.user.full_name
    assert f"{who} changed the rating of criterion {response.criterion.identifier} on " in page
    assert f"{who} started an assessment on " in page
    # The raw verb and object are there only inside the details component.
    body, _, _ = page.partition('class="govuk-details')
    assert "CRITERION_RESPONSE_UPDATED" not in body.split("<main")[-1]
    assert "Technical details" in page
