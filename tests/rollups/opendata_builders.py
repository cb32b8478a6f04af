"""Small open data worlds: a partnership with a published indicator, national analysts, and
releases in each state, for the open data tests and the access matrix."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from lde.accounts.models import User
from lde.core.access.facts import facts_forget
from lde.indicators import services as indicator_services
from lde.indicators.models import Indicator
from lde.partnerships.models import Partnership, Role
from lde.rollups import opendata_services
from lde.rollups.models import OpenDataRelease, OpenDataStatus
from tests.factories import MembershipFactory, UserFactory

# Quarters, with the value each records: 4 and 7 are under 10 and must never leave.
QUARTERS = [
    (datetime.date(2025, 1, 1), 12),
    (datetime.date(2025, 4, 1), 4),
    (datetime.date(2025, 7, 1), 25),
    (datetime.date(2025, 10, 1), 7),
]


def analyst(**extra: Any) -> User:
    user = UserFactory(is_national_analyst=True, **extra)
    facts_forget(user)
    return user


def published_indicator(coordinator: User, partnership: Partnership) -> Indicator:
    indicator = indicator_services.indicator_create(
        actor=coordinator,
        partnership=partnership,
        title="Referrals to the Channel panel discussed",
        measures="Cases discussed.",
        unit="cases",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Panel minutes.",
        method="A count.",
    )
    for period, value in QUARTERS:
        indicator_services.observation_record(
            actor=coordinator, indicator=indicator, period=period, value=value
        )
    Indicator.objects.filter(pk=indicator.pk).update(published=True)
    indicator.refresh_from_db()
    return indicator


@dataclass
class Partnered:
    partnership: Partnership
    coordinator: User
    indicator: Indicator


def partnered() -> Partnered:
    membership = MembershipFactory(role=Role.COORDINATOR)
    facts_forget(membership.user)
    return Partnered(
        membership.partnership,
        membership.user,
        published_indicator(membership.user, membership.partnership),
    )


def partnership_draft(p: Partnered, **extra: Any) -> OpenDataRelease:
    return opendata_services.open_data_release_create(
        actor=p.coordinator,
        partnership=p.partnership,
        title=extra.pop("title", "Channel panel cases by quarter"),
        description="The whole area's count, each quarter.",
        publisher=p.partnership.name,
        figures_kind="indicator_observations",
        parameters={"indicator_id": p.indicator.pk},
        **extra,
    )


def national_draft(actor: User, **extra: Any) -> OpenDataRelease:
    return opendata_services.open_data_release_create(
        actor=actor,
        partnership=None,
        title=extra.pop("title", "Briefing coverage by region"),
        description="",
        publisher="National analysts",
        figures_kind="national_briefing_coverage",
        parameters={},
        **extra,
    )


def in_state(status: str, *, proposer: User, approver: User, make: Any) -> OpenDataRelease:
    """A release carried through the services to `status`."""
    release: OpenDataRelease = make()
    if status == OpenDataStatus.DRAFT:
        return release
    opendata_services.open_data_release_propose(actor=proposer, release=release)
    if status == OpenDataStatus.WITHDRAWN:
        return opendata_services.open_data_release_withdraw(actor=proposer, release=release)
    if status == OpenDataStatus.PROPOSED:
        return release
    opendata_services.open_data_release_approve(actor=approver, release=release)
    if status == OpenDataStatus.APPROVED:
        return release
    return opendata_services.open_data_release_release(actor=approver, release=release)


def all_or_nothing_arguments() -> dict[str, Any]:
    """Arguments that carry each of the open data services as far as its audit event, for
    tests/core/test_writes_are_all_or_nothing.py: a partnership's own figures, its coordinator
    acting, each release in the state the write needs."""
    service = "lde.rollups.opendata_services"

    def _at(status: str) -> dict[str, Any]:
        p = partnered()
        release = in_state(
            status,
            proposer=p.coordinator,
            approver=p.coordinator,
            make=lambda: partnership_draft(p),
        )
        return {"actor": User.objects.get(pk=p.coordinator.pk), "release": release}

    def _create(_: Any) -> dict[str, Any]:
        p = partnered()
        return {
            "actor": User.objects.get(pk=p.coordinator.pk),
            "partnership": p.partnership,
            "title": "Channel panel cases by quarter",
            "description": "The whole area's count, each quarter.",
            "publisher": p.partnership.name,
            "figures_kind": "indicator_observations",
            "parameters": {"indicator_id": p.indicator.pk},
        }

    return {
        f"{service}.open_data_release_create": _create,
        f"{service}.open_data_release_propose": lambda _: _at(OpenDataStatus.DRAFT),
        f"{service}.open_data_release_approve": lambda _: _at(OpenDataStatus.PROPOSED),
        f"{service}.open_data_release_release": lambda _: _at(OpenDataStatus.APPROVED),
        f"{service}.open_data_release_withdraw": lambda _: _at(OpenDataStatus.PROPOSED),
    }
