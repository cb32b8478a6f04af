"""The indicators demo: Harrowfield's outcome and input indicators, a referral scheme's counts
with one under 10 (withheld on the open page), every status in words, the hate-crime figure
attached as evidence to a progress measure; built again without duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.accounts.models import User
from lde.assessments.models import Evidence, EvidenceKind
from lde.core.audit.chain import audit_verify
from lde.frameworks import demo as frameworks_demo
from lde.indicators import demo as indicators_demo
from lde.indicators import selectors
from lde.indicators.models import Indicator
from lde.partnerships import demo as partnerships_demo
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        frameworks_demo.demo_build()
        partnerships_demo.demo_build()
        indicators_demo.demo_build()
        yield


def _get(title: str) -> Indicator:
    return Indicator.objects.get(title=title)


def test_every_status_and_no_duplicates(demo: None) -> None:
    statuses = {i.title: selectors.status_of(i).words for i in Indicator.objects.all()}
    assert statuses == {
        indicators_demo.HATE_CRIME: "On track",
        indicators_demo.SESSIONS: "Not on track",
        indicators_demo.CHANNEL: "No target",
        indicators_demo.CONFIDENCE: "No target",
        indicators_demo.FORUM: "Not enough data",
    }
    indicators_demo.demo_build()
    assert Indicator.objects.count() == 5
    assert audit_verify().ok


def test_the_outcome_indicator_has_baseline_target_and_eight_quarters(demo: None) -> None:
    hate = _get(indicators_demo.HATE_CRIME)
    assert hate.kind == "outcome" and hate.published
    assert hate.baselines.count() == 1 and hate.targets.count() == 2
    assert (
        list(hate.observations.filter(area_code="", area_name="").values_list("value", flat=True))
        == indicators_demo.HATE_CRIME_SERIES
    )
    assert [c.identifier for c in hate.criteria.all()] == ["community-capacity-and-resilience"]
    assert _get(indicators_demo.SESSIONS).kind == "input"


def test_its_latest_figure_is_evidence_on_the_progress_measure(demo: None) -> None:
    evidence = Evidence.objects.get(kind=EvidenceKind.LINK, title__startswith="Hate crimes")
    assert evidence.title.startswith("Hate crimes reported: 61 reports, Q")
    assert evidence.url.endswith(
        reverse("indicators:indicator-detail", args=[_get(indicators_demo.HATE_CRIME).pk])
    )
    response = evidence.response
    assert response.criterion.identifier == "community-capacity-and-resilience"
    assert response.assessment.status == "draft"
    assert response.assessment.framework_version.framework.identifier == "progress-measures"


def test_the_small_referral_count_is_shown_inside_and_withheld_outside(demo: None) -> None:
    channel = _get(indicators_demo.CHANNEL)
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    inside = Client()
    sign_in(inside, coordinator)
    page = inside.get(reverse("indicators:indicator-detail", args=[channel.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Some counts are under 10" in text and ">7<" in text
    anonymous = Client().get(reverse("indicators:open-detail", args=[channel.pk]))
    assert anonymous.status_code == 200
    shown = anonymous.content.decode()
    assert ">7<" not in shown and "withheld (under 10)" in shown
    # The education row's total, and the whole's, would give the 7 away: withheld too.
    education = selectors.referral_table(channel, list(channel.referral_counts.all()), outside=True)
    assert education is not None
    row = next(r for r in education.rows if r["source"] == "Education")
    assert row["cells"][0] == "withheld (under 10)" and row["total"] == "withheld (under 10)"


def test_the_unpublished_input_indicator_has_no_open_page(demo: None) -> None:
    sessions = _get(indicators_demo.SESSIONS)
    assert Client().get(reverse("indicators:open-detail", args=[sessions.pk])).status_code == 404
