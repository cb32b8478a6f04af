"""The generators of `lde bench indicators` and `lde bench survey-pages`, at a tiny size: what
they report is what they wrote, and every page the benchmarks time answers the client that
times it (a coordinator of the partnership, or anyone for the open pages). (The benchmarks
themselves never run in the suite.)"""

from __future__ import annotations

import pytest
from django.test import Client

from benchmarks import indicators, survey_pages
from benchmarks.national import NationalWorld, generate_national
from lde.accounts.models import User
from lde.indicators.models import Indicator, Observation, ReferralCount, Target
from lde.partnerships.models import Role
from lde.surveys.models import Answer, Response, SavedEstimate, SurveyDataSet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def coordinator(world: NationalWorld, partnership_id: int) -> Client:
    user_id = world.role_holders(Role.COORDINATOR, partnership_id)[0]
    return sign_in(Client(), User.objects.get(pk=user_id))


def test_the_indicators_generator_writes_what_it_reports_and_the_pages_answer() -> None:
    world = generate_national(partnerships=3, users=80, seed=1)
    steps: list[str] = []
    indicators.extend(
        world, {"indicators": 4, "periods": 5, "areas": 2}, lambda step, s: steps.append(step)
    )
    made: indicators.IndicatorWorld = world.extensions[indicators.NAME]
    assert steps == ["indicators"]
    assert made.indicators == Indicator.objects.count() == 3 * 4
    assert made.observations == Observation.objects.count() == 3 * 4 * 5 * 3
    assert made.targets == Target.objects.count()
    assert made.referral_counts == ReferralCount.objects.count() > 0
    assert Indicator.objects.filter(published=True).count() == 3 * 2
    inside, outside = indicators.pages(made)
    for partnership_id in world.partnership_ids:
        client = coordinator(world, partnership_id)
        for name, url in inside.items():
            assert client.get(url(partnership_id)).status_code == 200, name
        for name, url in outside.items():
            assert Client().get(url(partnership_id)).status_code == 200, name


def test_the_survey_pages_generator_writes_what_it_reports_and_the_pages_answer() -> None:
    world = generate_national(partnerships=3, users=80, seed=1)
    options = {
        "rows": 400,
        "data_sets": 2,
        "estimates": 4,
        "questions": 12,
        "pairs": 20,
        "sample": 2,
    }
    survey_pages.extend(world, options, lambda step, s: None)
    made: survey_pages.SurveyPagesWorld = world.extensions[survey_pages.NAME]
    assert made.data_sets == SurveyDataSet.objects.count() == 2 * 2
    assert made.saved_estimates == SavedEstimate.objects.count() == 2 * 2 * 4
    assert made.participant_responses == Response.objects.count() == 2 * (20 + 2 + 20)
    assert made.answers == Answer.objects.count() == made.participant_responses * 12
    assert set(made.questionnaire_of) == set(made.data_set_of) == set(world.partnership_ids[:2])
    for partnership_id in made.questionnaire_of:
        client = coordinator(world, partnership_id)
        for name, url in survey_pages.pages(made).items():
            response = client.get(url(partnership_id))
            assert response.status_code == 200, name
    # The estimates pages answered with the engine's figures, not a refusal of the design.
    mean = client.get(survey_pages.pages(made)["estimates_mean"](partnership_id))
    assert "design effect" in mean.content.decode().lower()
