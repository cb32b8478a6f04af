"""The questionnaire pages ask the same number of queries whatever the data: a partnership whose
questionnaire has two questions and five participants who answered before and after, and
another whose questionnaire has twenty questions and fifty pairs, written by the generator of
`lde bench survey-pages` (the data those pages are timed on), read by the partnership's
coordinator and a viewer. The change page pairs every answer and asks the engine for each
numeric question; it reads the answers in one query."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.national import NationalWorld, generate_national
from benchmarks.survey_pages import SurveyPagesWorld, protocol, write_questionnaire
from lde.accounts.models import User
from lde.partnerships.models import Role
from lde.surveys.models import Answer, Question, Response
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[NationalWorld, SurveyPagesWorld, int, int]:
    world = generate_national(partnerships=3, users=100, seed=1)
    made = SurveyPagesWorld()
    light, heavy = world.partnership_ids[:2]
    in_force = protocol()
    for partnership_id, questions, pairs in ((light, 2, 5), (heavy, 20, 50)):
        write_questionnaire(
            made,
            partnership_id=partnership_id,
            protocol_id=in_force.pk,
            questions=questions,
            pairs=pairs,
            rng=random.Random(165),
        )
    return world, made, light, heavy


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def member(world: NationalWorld, role: str, partnership_id: int) -> Client:
    return sign_in(Client(), User.objects.get(pk=world.role_holders(role, partnership_id)[0]))


def test_the_generator_writes_pairs_joined_by_code(
    worlds: tuple[NationalWorld, SurveyPagesWorld, int, int],
) -> None:
    _, made, _, heavy = worlds
    questionnaire = made.questionnaire_of[heavy]
    assert Question.objects.filter(questionnaire_id=questionnaire).count() == 20
    responses = Response.objects.filter(collection__questionnaire_id=questionnaire)
    assert responses.filter(collection__wave="before").count() == 55
    assert responses.filter(collection__wave="after").count() == 50
    assert Answer.objects.filter(response__in=responses).count() == 105 * 20


# The counts are pinned so that a new query is seen and explained; what matters most is that
# the heavy partnership's page and the light one's ask the same number.
@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.COORDINATOR, "questionnaires:questionnaire-list", 11),
        (Role.VIEWER, "questionnaires:questionnaire-list", 11),
        (Role.COORDINATOR, "questionnaires:questionnaire-detail", 14),
        (Role.VIEWER, "questionnaires:questionnaire-detail", 14),
        (Role.COORDINATOR, "questionnaires:questionnaire-change", 13),
        (Role.VIEWER, "questionnaires:questionnaire-change", 13),
    ],
)
def test_questionnaire_pages_ask_as_many_queries_for_many_questions_and_pairs_as_for_few(
    worlds: tuple[NationalWorld, SurveyPagesWorld, int, int], role: str, page: str, expected: int
) -> None:
    world, made, light, heavy = worlds

    def url(partnership_id: int) -> str:
        if page == "questionnaires:questionnaire-list":
            return reverse(page, args=[partnership_id])
        return reverse(page, args=[made.questionnaire_of[partnership_id]])

    many = count(member(world, role, heavy), url(heavy))
    few = count(member(world, role, light), url(light))
    assert (many, few) == (expected, expected)
