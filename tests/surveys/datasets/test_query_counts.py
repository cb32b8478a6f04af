"""The survey data set pages ask the same number of queries whatever the data: a partnership
with one data set of 200 responses and one saved estimate, and another with five of 2,000
responses and six saved estimates each, written by the generator of `lde bench survey-pages`
(the data those pages are timed on), read by the partnership's coordinator and a viewer. The
estimates pages compute from every response on each request; they still read the data set in
one query."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.national import NationalWorld, generate_national
from benchmarks.survey_pages import (
    MEAN_QUERY,
    PROPORTION_QUERY,
    SurveyPagesWorld,
    computed_estimates,
    survey_rows,
    write_data_sets,
)
from lde.accounts.models import User
from lde.partnerships.models import Role
from lde.surveys.datasets import engine
from lde.surveys.models import SavedEstimate, SurveyDataSet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[NationalWorld, SurveyPagesWorld, int, int]:
    world = generate_national(partnerships=3, users=100, seed=1)
    made = SurveyPagesWorld()
    light, heavy = world.partnership_ids[:2]
    rng = random.Random(175)
    for partnership_id, data_sets, rows, estimates in ((light, 1, 200, 1), (heavy, 5, 2000, 6)):
        table = survey_rows(rows, rng)
        write_data_sets(
            made,
            partnership_id=partnership_id,
            uploaded_by=world.role_holders(Role.COORDINATOR, partnership_id)[0],
            data_sets=data_sets,
            rows=table,
            estimates=computed_estimates(table, estimates),
            day=world.day,
        )
    return world, made, light, heavy


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def member(world: NationalWorld, role: str, partnership_id: int) -> Client:
    return sign_in(Client(), User.objects.get(pk=world.role_holders(role, partnership_id)[0]))


def test_the_generated_data_sets_hold_a_design_the_engine_accepts(
    worlds: tuple[NationalWorld, SurveyPagesWorld, int, int],
) -> None:
    _, made, light, heavy = worlds
    assert SurveyDataSet.objects.filter(partnership_id=heavy).count() == 5
    assert SavedEstimate.objects.filter(data_set__partnership_id=heavy).count() == 30
    data_set = SurveyDataSet.objects.get(pk=made.data_set_of[heavy])
    assert data_set.row_count == len(data_set.rows) == 2000
    engine.design_check(data_set)  # stratified, clustered, weighted: no lonely PSU, no refusal
    light_set = SurveyDataSet.objects.get(pk=made.data_set_of[light])
    engine.design_check(light_set)


def _url(made: SurveyPagesWorld, page: str, partnership_id: int) -> str:
    data_set = made.data_set_of[partnership_id]
    if page == "list":
        return reverse("survey_data:data-set-list", args=[partnership_id])
    if page == "detail":
        return reverse("survey_data:data-set-detail", args=[data_set])
    if page == "estimate":
        return reverse("survey_data:estimate-detail", args=[made.estimate_of[partnership_id]])
    path = reverse("survey_data:data-set-estimates", args=[data_set])
    query = {"form": {}, "mean": MEAN_QUERY, "proportion": PROPORTION_QUERY}[page]
    return f"{path}?{urlencode(query)}" if query else path


# The counts are pinned so that a new query is seen and explained; what matters most is that
# the heavy partnership's page and the light one's ask the same number.
@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.COORDINATOR, "list", 11),
        (Role.VIEWER, "list", 11),
        (Role.COORDINATOR, "detail", 11),
        (Role.VIEWER, "detail", 11),
        (Role.COORDINATOR, "form", 10),
        (Role.COORDINATOR, "mean", 10),
        (Role.COORDINATOR, "proportion", 10),
        (Role.VIEWER, "proportion", 10),
        (Role.COORDINATOR, "estimate", 10),
    ],
)
def test_data_set_pages_ask_as_many_queries_for_much_data_as_for_little(
    worlds: tuple[NationalWorld, SurveyPagesWorld, int, int], role: str, page: str, expected: int
) -> None:
    world, made, light, heavy = worlds
    many = count(member(world, role, heavy), _url(made, page, heavy))
    few = count(member(world, role, light), _url(made, page, light))
    assert (many, few) == (expected, expected)
