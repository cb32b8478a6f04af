"""The frameworks a cycle starts against: the demo's fictional framework, there to show versions
and their mapping, is never offered to a partnership."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.assessments import selectors
from lde.core.audit.models import AuditEvent
from lde.frameworks.demo import demo_build
from lde.frameworks.models import Framework
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_framework_is_in_the_library_but_not_offered_to_start_a_cycle(
    coordinator: Any,
) -> None:
    demo_build()
    demonstration = Framework.objects.get(identifier="example-partnership-check")
    assert demonstration.demonstration is True
    assert list(Framework.objects.filter(demonstration=True)) == [demonstration]
    event = AuditEvent.objects.get(verb="FRAMEWORK_MARKED_DEMONSTRATION")
    assert event.target_id == str(demonstration.pk)

    offered = selectors.framework_versions_to_start(user=coordinator.user)
    assert offered.exists()
    assert not offered.filter(framework=demonstration).exists()

    client = sign_in(Client(), coordinator.user)
    url = reverse("assessments:assessment-start", args=[coordinator.partnership_id])
    page = client.get(url).content.decode()
    assert "Example partnership check" not in page
    assert "Consequence management readiness" in page
    # Nor can it be chosen by posting its id.
    version = demonstration.versions.get(version="1.1")
    refused = client.post(url, {"framework_version": version.pk, "title": "Cycle"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["framework_version"] == [
        "Select one of the frameworks in the list"
    ]
    # The library still shows it, to compare its versions.
    library = client.get(reverse("frameworks:framework-library")).content.decode()
    assert "Example partnership check" in library


def test_loading_the_demo_again_marks_nothing_twice(coordinator: Any) -> None:
    demo_build()
    demo_build()
    assert AuditEvent.objects.filter(verb="FRAMEWORK_MARKED_DEMONSTRATION").count() == 1
