"""The gaps, comparison and trend pages, and their API reads, make the same number of queries
whatever the number of criteria and cycles."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lde.accounts.services import api_token_create
from lde.assessments import services
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.frameworks.services import framework_load
from lde.partnerships.models import Role
from tests.assessments.builders import framework_text, grown, published, start
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


@pytest.fixture
def coordinator() -> Any:
    return MembershipFactory(role=Role.COORDINATOR)


def compared(coordinator: Any, criteria: int) -> Assessment:
    """A cycle of `criteria` criteria, carried forward from a rated one before it."""
    first = published(grown(coordinator, criteria=criteria, raters=1, evidence=1))
    return start(coordinator, first.framework_version, 2026)


# Nine queries are the same on every page (the session, the user, the second factor, and the
# six that load the user's access facts); the rest are the page's own.
def test_the_gaps_page_makes_the_same_queries_whatever_the_number_of_criteria(coordinator):
    client = sign_in(Client(), coordinator.user)
    small = grown(coordinator, criteria=3, raters=1, evidence=1)
    large = grown(coordinator, criteria=30, raters=3, evidence=2)

    small_count = count(client, f"/assessments/{small.pk}/gaps/")
    large_count = count(client, f"/assessments/{large.pk}/gaps/")

    assert large_count == small_count
    assert small_count == 13  # the assessment, the criteria, the scales, the responses


def test_the_comparison_page_makes_the_same_queries_whatever_the_number_of_criteria(
    coordinator,
):
    client = sign_in(Client(), coordinator.user)
    small = compared(coordinator, 3)
    large = compared(coordinator, 30)

    small_count = count(client, f"/assessments/{small.pk}/compare/")
    large_count = count(client, f"/assessments/{large.pk}/compare/")
    chosen = count(client, f"/assessments/{large.pk}/compare/?with={large.carried_from_id}")

    assert large_count == small_count == chosen
    # The assessment, the others to choose from, the criteria, the scales, both cycles'
    # responses, the version mappings, and the moderation decisions of each cycle (the earlier
    # one is published, so its agreed ratings are the ones that count).
    assert small_count == 17


def cycles(coordinator: Any, version: Any, years: range) -> None:
    for year in years:
        assessment = services.assessment_start(
            actor=coordinator.user,
            partnership=coordinator.partnership,
            kind=AssessmentKind.SELF,
            framework_version=version,
            title=f"Self-assessment {year}",
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            carry_forward=False,
        )
        for index, response in enumerate(assessment.responses.all()):
            services.response_update(
                actor=coordinator.user,
                response=response,
                seen_revision=0,
                rating=1 + (index + year) % 4,
                target=4,
                commentary="",
            )
        # Published as a cycle with no review is: without review, so no moderation to read.
        Assessment.objects.filter(pk=assessment.pk).update(
            status=AssessmentStatus.PUBLISHED, published_without_review=True
        )


def test_the_trend_page_makes_the_same_queries_whatever_the_number_of_cycles(coordinator):
    version = framework_load(actor=None, text=framework_text(9), file_name="size-9.yaml").version
    client = sign_in(Client(), coordinator.user)
    url = f"/assessments/partnership/{coordinator.partnership_id}/trends/"
    cycles(coordinator, version, range(2019, 2022))

    three = count(client, url)
    three_with_current = count(client, f"{url}?framework=size-9&current=on")
    cycles(coordinator, version, range(2022, 2024))
    five = count(client, url)

    assert five == three == three_with_current
    # The partnership, its self-assessments, the criteria, the scales, the responses and the
    # version mappings.
    assert three == 15
    cycle_table = re.search(r'<table[^>]*id="cycles".*?</table>', client.get(url).text, re.S)
    assert cycle_table is not None
    assert cycle_table.group(0).count('<th scope="row"') == 5


def test_the_api_reads_make_the_same_queries_whatever_the_size(coordinator):
    _, raw = api_token_create(actor=coordinator.user, name="test")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    small = compared(coordinator, 3)
    large = compared(coordinator, 30)
    trends = f"/api/v1/assessments/partnership/{coordinator.partnership_id}/trends"
    # The token's first use writes when it was used; later ones within the minute do not.
    assert api.get("/api/v1/me").status_code == 200

    gaps = [count(api, f"/api/v1/assessments/{a.pk}/gaps") for a in (small, large)]
    comparisons = [
        count(api, f"/api/v1/assessments/{a.pk}/compare/{a.carried_from_id}")
        for a in (small, large)
    ]
    Assessment.objects.filter(partnership=coordinator.partnership).update(
        status=AssessmentStatus.PUBLISHED
    )
    small_trends = count(api, f"{trends}?framework=size-3")
    large_trends = count(api, f"{trends}?framework=size-30")

    assert gaps[0] == gaps[1]
    assert comparisons[0] == comparisons[1]
    assert small_trends == large_trends
