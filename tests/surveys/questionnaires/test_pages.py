"""The pages as a newcomer uses them: import an XLSForm (a bad row changes nothing and is named
in the error summary), answer before and after through participant links, and see the change
with its interval and effect size."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.surveys.models import Questionnaire, Response, Wave
from lde.surveys.questionnaires import services, views
from tests.conftest import sign_in
from tests.surveys.questionnaires.builders import SURVEY, collection, questionnaire, xlsform
from tests.surveys.questionnaires.conftest import Cast

pytestmark = pytest.mark.django_db


def test_an_xlsform_with_a_bad_row_shows_the_row_in_the_error_summary(cast: Cast) -> None:
    client = sign_in(Client(), cast.coordinator)
    survey = [list(row) for row in SURVEY]
    survey[9][0] = "geopoint"
    response = client.post(
        reverse("questionnaires:questionnaire-import", args=[cast.partnership.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", xlsform(survey))},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "survey sheet, row 10, column type: geopoint is not a type this platform reads" in page
    assert Questionnaire.objects.count() == 0
    good = client.post(
        reverse("questionnaires:questionnaire-import", args=[cast.partnership.pk]),
        {"file": SimpleUploadedFile("good.xlsx", xlsform())},
    )
    assert good.status_code == 302
    assert Questionnaire.objects.get().title == "Youth voice"


def _answer(client: Client, token: str, code: str, confidence: str) -> str:
    url = reverse("questionnaires:answer", args=[token])
    page = client.get(url).content.decode()
    if not code:
        found = re.search(r'name="code" type="text" value="([A-Z0-9-]+)"', page)
        assert found is not None
        code = found.group(1)
    response = client.post(url, {"code": code, "confidence": confidence, "trusted": "2"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert code in response.content.decode()
    return code


def test_answered_before_and_after_through_links_the_change_is_shown(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    before, after = collection(made, Wave.BEFORE), collection(made, Wave.AFTER)
    before_links = services.links_issue(actor=cast.coordinator, collection=before, count=12)
    after_links = services.links_issue(actor=cast.coordinator, collection=after, count=12)
    participant = Client()
    for i, (b, a) in enumerate(zip(before_links, after_links, strict=True)):
        code = _answer(participant, b, "", str(1 + i % 3))
        _answer(participant, a, code, str(min(5, 2 + i % 3 + (i % 2))))
    assert Response.objects.count() == 24
    # A spent link says so, and records nothing.
    again = participant.post(
        reverse("questionnaires:answer", args=[before_links[0]]), {"code": "BCDF-2345"}
    )
    assert again.status_code == 400 and "already been used" in again.content.decode()
    page = sign_in(Client(), cast.viewer).get(
        reverse("questionnaires:questionnaire-change", args=[made.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Answers rose by" in text and "among 12 people who answered both times" in text
    assert "95% interval" in text
    # An inspector sees the same figures: 12 pairs is not a small number.
    inspected = sign_in(Client(), cast.inspector).get(
        reverse("questionnaires:questionnaire-change", args=[made.pk])
    )
    assert "among 12 people" in inspected.content.decode()


def test_a_bad_answer_shows_the_error_summary_and_spends_nothing(cast: Cast) -> None:
    made = questionnaire(cast.partnership)
    [token] = services.links_issue(actor=cast.coordinator, collection=collection(made), count=1)
    url = reverse("questionnaires:answer", args=[token])
    response = Client().post(url, {"code": "BCDF-2345", "trusted": "99"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#q-confidence"' in page and "50 at most" in page
    assert Response.objects.count() == 0


def test_a_made_up_link_is_refused_without_saying_anything_of_the_questionnaire(
    cast: Cast,
) -> None:
    response = Client().get(reverse("questionnaires:answer", args=["not-a-real-link"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_the_participant_page_keeps_the_site_wide_referrer_policy(cast: Cast) -> None:
    """Not no-referrer: under it a browser posts the answers with `Origin: null`, which the CSRF
    check refuses (seen in Chromium: tests/e2e/test_questionnaires_journey.py)."""
    made = questionnaire(cast.partnership)
    (token,) = services.links_issue(
        actor=cast.coordinator, collection=collection(made, Wave.BEFORE), count=1
    )
    page = Client().get(reverse("questionnaires:answer", args=[token]))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "no-store"


def test_guessing_links_from_one_address_is_stopped_and_a_real_link_elsewhere_still_works(
    cast: Cast,
) -> None:
    """Counted in the database (lde.core.ratelimit), so every web instance shares the count."""
    made = questionnaire(cast.partnership)
    (token,) = services.links_issue(
        actor=cast.coordinator, collection=collection(made, Wave.BEFORE), count=1
    )
    held = timezone.now().replace(minute=1, second=0, microsecond=0)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    with mock.patch("django.utils.timezone.now", return_value=held):
        answers = [
            guesser.get(reverse("questionnaires:answer", args=[f"guess-{n}"])).status_code
            for n in range(views.BAD_LINKS_PER_ADDRESS.count + 1)
        ]
        refused = guesser.get(reverse("questionnaires:answer", args=[token]))
        elsewhere = Client(REMOTE_ADDR="203.0.113.10").get(
            reverse("questionnaires:answer", args=[token])
        )
    assert answers == [400] * views.BAD_LINKS_PER_ADDRESS.count + [429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 540
    assert "Too many links that do not work" in refused.content.decode()
    assert elsewhere.status_code == 200
    later = held + timedelta(seconds=540)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert guesser.get(reverse("questionnaires:answer", args=[token])).status_code == 200
