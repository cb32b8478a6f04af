"""Identifiers and hashes are not for reading in the text: a criterion's identifier and its
evidence files' SHA-256 appear on the criterion's page only inside "Technical details", and the
assessment page does not show the identifiers at all."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lde.assessments import services
from tests.assessments.builders import start
from tests.conftest import sign_in
from tests.sharing.builders import pdf_bytes

pytestmark = pytest.mark.django_db


def _outside_details(html: str) -> str:
    main = html.split("<main", 1)[1]
    return re.sub(r"<details.*?</details>", "", main, flags=re.S)


def test_identifiers_and_hashes_are_in_technical_details(
    client: Client, coordinator: Any, framework_version: Any
) -> None:
    assessment = start(coordinator, framework_version)
    response = assessment.responses.select_related("criterion").get(
        criterion__identifier="ownership"
    )
    evidence = services.evidence_add_file(
        actor=coordinator.user,
        response=response,
        title="Board minutes",
        upload=SimpleUploadedFile("minutes.pdf", pdf_bytes("Minutes."), "application/pdf"),
        effective_on=date(2025, 6, 1),
    )
    sign_in(client, coordinator.user)
    page = client.get(f"/assessments/{assessment.pk}/criteria/{response.pk}/").content.decode()
    assert "Technical details" in page
    assert evidence.content_hash in page
    text = _outside_details(page)
    assert evidence.content_hash not in text
    assert '<span class="lde-code">ownership</span>' not in text
    detail = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert '<span class="lde-code">ownership</span>' not in _outside_details(detail)
