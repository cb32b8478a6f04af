"""Attaching an indicator's latest figure as evidence to the criterion it informs (¶177): through
the service, the page and the API, each writing one link evidence item in the partnership's draft
self-assessment, and each refusing — naming the field, writing nothing — when there is nowhere to
put it or nothing to put."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import lde
from lde.accounts.services import api_token_create
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind, Evidence
from lde.core.audit.models import AuditEvent
from lde.frameworks.models import Criterion, CriterionKind
from lde.frameworks.services import framework_load_file
from lde.indicators import services
from lde.indicators.models import Indicator
from lde.partnerships.models import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SITE = "https://lde.example"
TITLE = "Hate crimes reported: 17 reports, Q2 2025 (April to June)"


@pytest.fixture
def criterion() -> Criterion:
    loaded = framework_load_file(
        actor=None, path=Path(lde.__file__).parent / "frameworks/data/progress-measures-1.0.yaml"
    )
    found = (
        Criterion.objects.filter(framework_version=loaded.version, kind=CriterionKind.CRITERION)
        .order_by("pk")
        .first()
    )
    assert found is not None
    return found


@pytest.fixture
def coordinator() -> object:
    return MembershipFactory(role=Role.COORDINATOR)


def _indicator(membership: object, criterion: Criterion, *, figures: bool = True) -> Indicator:
    user = membership.user  # type: ignore[attr-defined]
    indicator = services.indicator_create(
        actor=user,
        partnership=membership.partnership,  # type: ignore[attr-defined]
        criteria=[criterion],
        title="Hate crimes reported",
        measures="Reports to the police.",
        unit="reports",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Police.",
        method="A count.",
    )
    if figures:
        for month, value in ((1, 12), (4, 17)):
            services.observation_record(
                actor=user, indicator=indicator, period=datetime.date(2025, month, 1), value=value
            )
    return indicator


def _draft(membership: object, criterion: Criterion) -> Assessment:
    return assessment_services.assessment_start(
        actor=membership.user,  # type: ignore[attr-defined]
        partnership=membership.partnership,  # type: ignore[attr-defined]
        kind=AssessmentKind.SELF,
        framework_version=criterion.framework_version,
        title="Progress measures",
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
    )


def test_the_latest_whole_area_figure_becomes_a_link_on_the_criterion(
    coordinator: object, criterion: Criterion
) -> None:
    indicator = _indicator(coordinator, criterion)
    assessment = _draft(coordinator, criterion)
    evidence = services.evidence_attach(
        actor=coordinator.user,  # type: ignore[attr-defined]
        indicator=indicator,
        criterion=criterion,
        site_url=SITE,
    )
    assert evidence.response.assessment_id == assessment.pk
    assert evidence.response.criterion.identifier == criterion.identifier
    assert evidence.kind == "link"
    assert evidence.title == TITLE
    assert evidence.url == SITE + reverse("indicators:indicator-detail", args=[indicator.pk])
    assert evidence.effective_on == datetime.date(2025, 4, 1)
    attached = AuditEvent.objects.get(verb="INDICATOR_EVIDENCE_ATTACHED")
    assert attached.target_id == str(evidence.pk)
    detail = json.loads(attached.payload)["detail"]
    assert (detail["criterion"], detail["period"]) == (criterion.identifier, "2025-Q2")


def test_nowhere_to_attach_or_nothing_to_attach_is_refused_and_writes_nothing(
    coordinator: object, criterion: Criterion
) -> None:
    user = coordinator.user  # type: ignore[attr-defined]
    indicator = _indicator(coordinator, criterion)
    with pytest.raises(ValidationError) as no_draft:
        services.evidence_attach(
            actor=user, indicator=indicator, criterion=criterion, site_url=SITE
        )
    assert "no draft self-assessment" in no_draft.value.message_dict["criterion"][0]
    _draft(coordinator, criterion)
    empty = services.indicator_create(
        actor=user,
        partnership=coordinator.partnership,  # type: ignore[attr-defined]
        criteria=[criterion],
        title="Youth forum attendance",
        measures="Young people at the forum.",
        unit="people",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Forum register.",
        method="A count.",
    )
    with pytest.raises(ValidationError) as no_figure:
        services.evidence_attach(actor=user, indicator=empty, criterion=criterion, site_url=SITE)
    assert "no figure for the whole area" in no_figure.value.message_dict["criterion"][0]
    other = Criterion.objects.exclude(pk=criterion.pk).filter(kind=CriterionKind.CRITERION).first()
    assert other is not None
    with pytest.raises(ValidationError) as not_informed:
        services.evidence_attach(actor=user, indicator=indicator, criterion=other, site_url=SITE)
    assert "does not inform" in not_informed.value.message_dict["criterion"][0]
    assert Evidence.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="INDICATOR_EVIDENCE_ATTACHED").exists()


def test_the_page_attaches_it_and_says_so(coordinator: object, criterion: Criterion) -> None:
    indicator = _indicator(coordinator, criterion)
    _draft(coordinator, criterion)
    client = sign_in(Client(), coordinator.user)  # type: ignore[attr-defined]
    url = reverse("indicators:evidence-attach", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert criterion.title in page.content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Select the criterion to attach the figure to" in refused.content.decode()
    assert Evidence.objects.count() == 0
    answer = client.post(url, {"criterion": str(criterion.pk)}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse(
        "indicators:indicator-detail", args=[indicator.pk]
    )
    assert "is attached as evidence" in answer.content.decode()
    assert Evidence.objects.get().title == TITLE


def test_the_api_attaches_it_or_names_the_field(coordinator: object, criterion: Criterion) -> None:
    user = coordinator.user  # type: ignore[attr-defined]
    indicator = _indicator(coordinator, criterion)
    _, raw = api_token_create(actor=user, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/indicators/{indicator.pk}/evidence"
    no_draft = client.post(url, {"criterion_id": criterion.pk}, content_type="application/json")
    assert no_draft.status_code == 400
    assert "criterion_id" in str(no_draft.json())
    assessment = _draft(coordinator, criterion)
    made = client.post(url, {"criterion_id": criterion.pk}, content_type="application/json")
    assert made.status_code == 201
    body = made.json()
    assert body["assessment_id"] == assessment.pk
    assert body["title"] == TITLE
    assert body["effective_on"] == "2025-04-01"
    assert Evidence.objects.filter(pk=body["id"]).exists()
