"""Indicator services, the file import and the pages: exact values, refusals naming the field,
the row and the column, and nothing saved when anything is wrong."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from lde.core.audit.models import AuditEvent
from lde.indicators import imports, selectors, services
from lde.indicators.models import Indicator, Observation, ReferralCount
from lde.partnerships.models import Role
from lde.programme.imports import ImportRefused
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Q1 = datetime.date(2025, 1, 1)


@pytest.fixture
def coordinator() -> object:
    return MembershipFactory(role=Role.COORDINATOR)


def _indicator(membership: object, **extra: Any) -> Indicator:
    return services.indicator_create(
        actor=membership.user,  # type: ignore[attr-defined]
        partnership=membership.partnership,  # type: ignore[attr-defined]
        title="Hate crimes reported",
        measures="Reports.",
        unit="reports",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Police.",
        method="A count.",
        **extra,
    )


def test_the_referral_count_has_no_field_that_could_hold_a_person() -> None:
    names = {f.name for f in ReferralCount._meta.get_fields()}
    assert names == {
        "id",
        "indicator",
        "period_start",
        "source",
        "outcome",
        "count",
        "recorded_by",
    }


def test_status_in_words_against_the_target(coordinator: object) -> None:
    indicator = _indicator(coordinator)
    assert selectors.status_of(indicator).words == "Not enough data"
    user = coordinator.user  # type: ignore[attr-defined]
    services.observation_record(actor=user, indicator=indicator, period=Q1, value=12)
    assert selectors.status_of(indicator).words == "No target"
    services.target_set(actor=user, indicator=indicator, period=Q1, value=15)
    assert selectors.status_of(indicator).words == "Not on track"
    services.observation_record(actor=user, indicator=indicator, period=Q1, value=15)
    assert selectors.status_of(indicator).words == "On track"
    assert AuditEvent.objects.filter(verb="INDICATOR_TARGET_SET").count() == 1


def test_the_guard_refuses_a_persons_details(coordinator: object) -> None:
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(
            actor=coordinator.user,  # type: ignore[attr-defined]
            partnership=coordinator.partnership,  # type: ignore[attr-defined]
            title="Calls",
            measures="Calls from jo@example.com",
            unit="calls",
            kind="input",
            polarity="higher",
            period_type="month",
            source="Log.",
            method="Count.",
        )
    assert "measures" in refused.value.message_dict
    assert not Indicator.objects.filter(title="Calls").exists()


def test_a_bad_row_saves_nothing_and_names_row_and_column(coordinator: object) -> None:
    indicator = _indicator(coordinator)
    data = b"period,value\n2025-Q1,12\n2025-Q5,3\n2025-Q3,-1\n"
    with pytest.raises(ImportRefused) as refused:
        imports.observations_import(
            actor=coordinator.user,  # type: ignore[attr-defined]
            indicator=indicator,
            data=data,
            name="figures.csv",
        )
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "period"), (4, "value")]
    assert Observation.objects.count() == 0


def test_a_good_file_saves_every_row_and_exports_the_same(coordinator: object) -> None:
    indicator = _indicator(coordinator)
    data = b"period,value,area_code,area_name\n2025-Q1,12,,\n2025-Q2,7,E05011115,Northgate\n"
    result = imports.observations_import(
        actor=coordinator.user,  # type: ignore[attr-defined]
        indicator=indicator,
        data=data,
        name="figures.csv",
    )
    assert (result.rows, result.created, result.replaced) == (2, 2, 0)
    exported = imports.observations_csv(indicator, indicator.observations.all())
    assert exported.splitlines()[1:] == ["2025-Q1,12,,,,", "2025-Q2,7,,,E05011115,Northgate"]


def test_the_cli_exits_non_zero_naming_the_row(coordinator: object, tmp_path: object) -> None:
    indicator = _indicator(coordinator)
    path = tmp_path / "bad.csv"  # type: ignore[operator]
    path.write_bytes(b"period,value\n2025-Q1,twelve\n")
    with pytest.raises(CommandError, match="Row 2, column value"):
        call_command(
            "indicators",
            "import-observations",
            str(indicator.pk),
            str(path),
            "--as",
            coordinator.user.email,  # type: ignore[attr-defined]
        )
    assert Observation.objects.count() == 0


def test_a_figure_under_ten_is_withheld_outside_only(coordinator: object) -> None:
    indicator = _indicator(coordinator)
    user = coordinator.user  # type: ignore[attr-defined]
    services.observation_record(actor=user, indicator=indicator, period=Q1, value=7)
    observations = list(indicator.observations.all())
    inside = selectors.series_rows(indicator, observations, outside=False)
    outside = selectors.series_rows(indicator, observations, outside=True)
    assert (inside[0].value, inside[0].small) == ("7", True)
    assert (outside[0].value, outside[0].withheld) == ("withheld (under 10)", True)


def test_the_page_answers_400_with_the_error_summary(coordinator: object) -> None:
    indicator = _indicator(coordinator)
    client = Client()
    sign_in(client, coordinator.user)  # type: ignore[attr-defined]
    response = client.post(
        reverse("indicators:observation-record", args=[indicator.pk]),
        {"period": "2025-Q9", "value": "3"},
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert Observation.objects.count() == 0
