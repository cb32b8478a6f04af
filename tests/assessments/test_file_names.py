"""An evidence file's name cannot disguise what it is: bidirectional and control characters are
removed when it is stored and again when it is sent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lde.assessments import services
from lde.assessments.models import Evidence
from tests.assessments.builders import start
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_an_evidence_files_name_loses_its_right_to_left_override(
    client: Any, coordinator: Any, framework_version: Any
) -> None:
    assessment = start(coordinator, framework_version)
    board = assessment.responses.get(criterion__identifier="board")
    # A program whose name shows as "invoiceexe.pdf" is refused by its real extension (and its
    # content, lde.core.uploads); a text file with the override in its name is kept, without it.
    with pytest.raises(ValidationError):
        services.evidence_add_file(
            actor=coordinator.user,
            response=board,
            title="Invoice",
            upload=SimpleUploadedFile("invoice\u202efdp.exe", b"Paid.", content_type="text/plain"),
            effective_on=date(2025, 6, 1),
        )
    evidence = services.evidence_add_file(
        actor=coordinator.user,
        response=board,
        title="Invoice",
        upload=SimpleUploadedFile("invoice\u202eexe.txt", b"Paid.", content_type="text/plain"),
        effective_on=date(2025, 6, 1),
    )
    assert Evidence.objects.get(pk=evidence.pk).file_name == "invoiceexe.txt"

    # A name stored before the rule is cleaned on the way out.
    Evidence.objects.filter(pk=evidence.pk).update(file_name="invoice\u202efdp.exe")
    sign_in(client, coordinator.user)
    response = client.get(reverse("assessments:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="invoicefdp.exe"'
