"""The home page's questionnaires panel: a member of the partnership sees its questionnaires, the
collections open now with their answers counted, and links to each; someone from elsewhere sees
no panel; its queries do not grow with the number of questionnaires, collections or answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.surveys.models import Response, Wave
from lde.surveys.questionnaires.panels import SHOWN, questionnaires_panel
from tests.conftest import sign_in
from tests.surveys.questionnaires.builders import collection, questionnaire
from tests.surveys.questionnaires.conftest import Cast

pytestmark = pytest.mark.django_db


def _panel_queries(user: object) -> tuple[int, dict[str, Any] | None]:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    with CaptureQueriesContext(connection) as captured:
        panel = questionnaires_panel(request)
    return len(captured), panel


def _grow(cast: Cast, size: int) -> None:
    for i in range(size):
        made = questionnaire(cast.partnership)
        made.title = f"Questionnaire {i:02d} of a batch of {size}"
        made.save()
        opened = collection(made, Wave.BEFORE)
        collection(made, Wave.AFTER, status="draft")
        for n in range(3):
            Response.objects.create(
                collection=opened,
                code=f"BCDF-{2345 + n + 10 * i}"[:9],
                submitted_at=made.created_at,
            )


def test_a_member_sees_the_questionnaires_and_their_open_collections(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    opened = collection(made, Wave.BEFORE)
    Response.objects.create(collection=opened, code="BCDF-2345", submitted_at=made.created_at)
    collection(made, Wave.AFTER, status="draft")
    page = sign_in(Client(), cast.viewer).get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Questionnaires" in text
    assert reverse("questionnaires:questionnaire-detail", args=[made.pk]) in text
    assert reverse("questionnaires:collection-detail", args=[opened.pk]) in text
    assert "Before the project</a> (1 answer)" in text
    assert reverse("questionnaires:questionnaire-change", args=[made.pk]) in text
    assert reverse("questionnaires:questionnaire-list", args=[cast.partnership.pk]) in text
    # The draft after collection is not offered as open.
    assert "After the project" not in text
    # Someone from another partnership has no questionnaires panel at all.
    _, panel = _panel_queries(cast.outsider)
    assert panel is None


def test_the_panel_costs_the_same_for_many_questionnaires_as_for_a_few(cast: Cast) -> None:
    # The user's access facts are loaded once per request by the page, before any panel.
    _panel_queries(cast.coordinator)
    empty, panel = _panel_queries(cast.coordinator)
    assert panel is None and empty == 1
    _grow(cast, 2)
    few, panel = _panel_queries(cast.coordinator)
    assert panel is not None and len(panel["questionnaires"]) == 2 and panel["count"] == 2
    _grow(cast, SHOWN + 4)
    many, panel = _panel_queries(cast.coordinator)
    assert panel is not None and len(panel["questionnaires"]) == SHOWN
    assert panel["count"] == SHOWN + 6
    # One more query when there are more than it shows: how many there are in all.
    assert few == 2 and many == 3
    assert all(len(h.open_collections) == 1 for h in panel["questionnaires"])
    assert all(h.open_collections[0].response_count == 3 for h in panel["questionnaires"])
