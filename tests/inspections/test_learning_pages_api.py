"""The cross-site learning's pages, API and command: the GOV.UK error summary on bad input, the
API's field errors, the programme report read back from its PDF, and the learning page's
queries, constant in the number of findings."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lde.accounts.services import api_token_create
from lde.inspections import learning_services as services
from lde.inspections.models import ProgrammeStatus
from lde.inspections.models_learning import Finding, FindingKind, SiteFeedback
from tests.conftest import sign_in
from tests.inspections.learning_builders import THEME, World, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return world_build()


def _add(world: World, text: str, kind: str = FindingKind.WORKS) -> Finding:
    return services.finding_add(
        actor=world.lead,
        programme=world.programme,
        theme=THEME,
        kind=kind,
        text=text,
        sites=[world.first],
    )


def test_a_finding_with_an_identifier_shows_the_error_summary(client: Client, world: World) -> None:
    sign_in(client, world.inspector)
    url = reverse("inspections_learning:finding-add", args=[world.programme.pk])
    response = client.post(
        url,
        {
            "theme": THEME,
            "kind": "works",
            "text": "Ask the youth lead on 07700 900123.",
            "sites": [str(world.first.pk)],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Finding must not hold a person&#x27;s details: the guard found phone" in page
    assert not Finding.objects.exists()
    response = client.post(
        url, {"theme": THEME, "kind": "works", "text": "A forum met monthly.", "sites": []}
    )
    assert response.status_code == 302
    assert Finding.objects.get().text == "A forum met monthly."


def test_feedback_page_for_the_coordinator_and_403_for_the_board(
    client: Client, world: World
) -> None:
    url = reverse("inspections_learning:site-feedback", args=[world.first.pk])
    sign_in(client, world.board_member)
    assert client.get(url).status_code == 403
    sign_in(client, world.other_coordinator)
    assert client.get(url).status_code == 404
    sign_in(client, world.coordinator)
    bad = client.post(url, {"useful": "9", "what_helped": "", "what_to_change": ""})
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()
    good = client.post(url, {"useful": "4", "what_helped": "Clear requests", "what_to_change": ""})
    assert good.status_code == 302
    assert SiteFeedback.objects.get(site=world.first).useful == 4


def test_the_lead_naming_themselves_on_the_page_is_refused(client: Client, world: World) -> None:
    sign_in(client, world.lead)
    response = client.post(
        reverse("inspections_learning:advisory-member-add", args=[world.programme.pk]),
        {"email": world.lead.email},
    )
    assert response.status_code == 400
    assert "You cannot name yourself to the advisory group" in response.content.decode()


def _api(user: Any) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_refuses_bad_input_naming_the_field(client: Client, world: World) -> None:
    lead = _api(world.lead)
    base = f"/api/v1/inspections/programmes/{world.programme.pk}"
    response = client.post(
        f"{base}/findings",
        json.dumps({"theme": THEME, "kind": "works", "text": "Email a.b@example.org"}),
        content_type="application/json",
        **lead,
    )
    assert response.status_code == 400, response.content
    assert "text" in response.content.decode()
    response = client.post(
        f"{base}/advisory-members",
        json.dumps({"email": world.lead.email}),
        content_type="application/json",
        **lead,
    )
    assert response.status_code == 400
    response = client.put(
        f"/api/v1/inspections/sites/{world.first.pk}/feedback",
        json.dumps({"useful": 3}),
        content_type="application/json",
        **_api(world.board_member),
    )
    assert response.status_code == 403


def test_the_programme_report_pdf_reads_back(client: Client, world: World) -> None:
    _add(world, "A standing forum with community organisations worked.")
    _add(world, "Short-term funding stood in the way.", FindingKind.BARRIER)
    services.key_learning_add(
        actor=world.lead, programme=world.programme, text="Meet communities routinely."
    )
    world.programme.status = ProgrammeStatus.PUBLISHED
    world.programme.save()
    sign_in(client, world.stranger)
    response = client.get(reverse("inspections_learning:report-pdf", args=[world.programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Learning and development exercise",
        "A standing forum with community organisations worked.",
        "Barrier",
        "Meet communities routinely.",
        world.partnership.name,
    ):
        assert expected in text
    assert reader.metadata is not None
    assert reader.metadata.title.startswith("Learning and development exercise")


def test_the_command_writes_the_report_as_the_reader_reads_it(world: World, tmp_path: Path) -> None:
    from lde.inspections.learning_cli import report_pdf_write

    _add(world, "A forum met monthly.")
    out = tmp_path / "report.pdf"
    message = report_pdf_write(
        programme_id=str(world.programme.pk), email=world.inspector.email, out=out
    )
    assert "was written to" in message
    assert "A forum met monthly." in PdfReader(out).pages[0].extract_text() + "".join(
        p.extract_text() for p in PdfReader(out).pages
    )
    with pytest.raises(CommandError, match="PROGRAMME_ID"):
        report_pdf_write(programme_id=str(world.programme.pk), email=world.stranger.email, out=out)
    with pytest.raises(CommandError, match="--as"):
        report_pdf_write(programme_id=str(world.programme.pk), email="no@x.test", out=out)


def test_the_learning_page_makes_the_same_queries_whatever_it_holds(
    client: Client, world: World
) -> None:
    sign_in(client, world.lead)
    url = reverse("inspections_learning:learning", args=[world.programme.pk])
    _add(world, "One.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        _add(world, f"Finding {i}.", FindingKind.LOOKS_PROMISING)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
