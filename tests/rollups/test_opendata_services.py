"""Open data releases' services (issue 17): the two-analyst rule for national figures, the
coordinator's approval of a partnership's own, embargoes, suppression before anything leaves,
the frozen figures and their hash, and the audit trail."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.core.suppression import MIN_COUNT
from lde.partnerships.models import Region
from lde.rollups import opendata, opendata_services
from lde.rollups.models import OpenDataRelease, OpenDataStatus
from tests.factories import UserFactory
from tests.rollups.opendata_builders import (
    analyst,
    national_draft,
    partnered,
    partnership_draft,
)
from tests.rollups.test_national_coverage import _partnerships

pytestmark = pytest.mark.django_db


def _verbs(release: OpenDataRelease) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(release.pk), verb__startswith="OPEN_DATA_")
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def test_a_national_release_without_a_second_approver_is_refused() -> None:
    """The issue's bad input: the analyst who proposed national figures cannot approve them;
    the refusal says who can, and a second analyst's approval goes through."""
    first, second = analyst(), analyst()
    release = national_draft(first)
    opendata_services.open_data_release_propose(actor=first, release=release)
    with pytest.raises(PermissionDenied403) as refused:
        opendata_services.open_data_release_approve(actor=first, release=release)
    assert refused.value.who_can == (
        "The partnership's coordinators approve its open data. National figures are approved "
        "by a second national analyst, never the one who proposed them."
    )
    release.refresh_from_db()
    assert (release.status, release.approved_by, release.figures) == ("proposed", None, None)
    opendata_services.open_data_release_approve(actor=second, release=release)
    release.refresh_from_db()
    assert release.status == OpenDataStatus.APPROVED
    assert (release.proposed_by, release.approved_by) == (first, second)


def test_the_database_refuses_a_national_release_approved_by_its_proposer() -> None:
    first = analyst()
    release = national_draft(first)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpenDataRelease.objects.filter(pk=release.pk).update(
            status="approved", proposed_by=first, approved_by=first, figures={"rows": []}
        )


def test_a_partnership_release_goes_out_on_its_coordinators_approval() -> None:
    p = partnered()
    release = partnership_draft(p)
    opendata_services.open_data_release_propose(actor=p.coordinator, release=release)
    opendata_services.open_data_release_approve(actor=p.coordinator, release=release)
    opendata_services.open_data_release_release(actor=p.coordinator, release=release)
    release.refresh_from_db()
    assert release.status == OpenDataStatus.RELEASED
    assert release.released_at is not None
    assert _verbs(release) == [
        "OPEN_DATA_DRAFTED",
        "OPEN_DATA_PROPOSED",
        "OPEN_DATA_APPROVED",
        "OPEN_DATA_RELEASED",
    ]


def test_nothing_under_ten_leaves_a_partnership_release() -> None:
    """The quarters of 4 and 7 are withheld in the frozen figures, the JSON and the CSV."""
    p = partnered()
    release = partnership_draft(p)
    opendata_services.open_data_release_propose(actor=p.coordinator, release=release)
    opendata_services.open_data_release_approve(actor=p.coordinator, release=release)
    release.refresh_from_db()
    assert release.figures is not None
    assert [row["value"] for row in release.figures["rows"]] == [12.0, None, 25.0, None]
    assert release.figures_sha256 == opendata.figures_hash(release.figures)
    document = json.loads(opendata.document_json(release))
    assert [row["value"] for row in document["rows"]] == [12.0, None, 25.0, None]
    rows = list(csv.reader(io.StringIO(opendata.document_csv(release))))
    assert rows[0] == ["period", "period_code", "value", "numerator", "denominator"]
    assert [r[2] for r in rows[1:]] == ["12.0", "", "25.0", ""]
    assert not any(v in {"4", "4.0", "7", "7.0"} for r in rows[1:] for v in r)


def test_no_group_under_five_partnerships_and_no_count_under_ten_leaves_national_figures() -> None:
    """The North East has four partnerships: it is left out. The North West's six partnerships
    and their 6 posts are both under 10: withheld. London's 12 and 30 are shown."""
    _partnerships(Region.NORTH_EAST, 4, 12)
    _partnerships(Region.NORTH_WEST, 6, 6)
    _partnerships(Region.LONDON, 12, 30)
    first, second = analyst(), analyst()
    release = national_draft(first)
    opendata_services.open_data_release_propose(actor=first, release=release)
    opendata_services.open_data_release_approve(actor=second, release=release)
    release.refresh_from_db()
    assert release.figures is not None
    rows = {row["code"]: row for row in release.figures["rows"]}
    assert Region.NORTH_EAST not in rows
    assert rows[Region.NORTH_WEST]["partnerships"] is None
    assert rows[Region.NORTH_WEST]["posts"] is None
    assert rows[Region.LONDON]["partnerships"] == 12
    assert rows[Region.LONDON]["posts"] == 30
    assert opendata.figures_leak(release.figures_kind, release.figures) == []
    for row in release.figures["rows"]:
        for column in ("partnerships", "posts"):
            assert row[column] is None or row[column] >= MIN_COUNT


def test_a_leak_is_named_and_refused() -> None:
    figures = {"rows": [{"partnerships": 12, "posts": 9}]}
    assert opendata.figures_leak("national_briefing_coverage", figures) == ["row 1, posts"]


def test_an_embargoed_release_waits_for_its_date_and_the_job_releases_it() -> None:
    p = partnered()
    ends = timezone.now() + datetime.timedelta(days=3)
    release = partnership_draft(p, embargo_until=ends)
    opendata_services.open_data_release_propose(actor=p.coordinator, release=release)
    opendata_services.open_data_release_approve(actor=p.coordinator, release=release)
    with pytest.raises(Conflict):
        opendata_services.open_data_release_release(actor=p.coordinator, release=release)
    assert opendata_services.open_data_releases_due() == 0
    release.refresh_from_db()
    assert release.status == OpenDataStatus.APPROVED
    after = ends + datetime.timedelta(minutes=1)
    assert opendata_services.open_data_releases_due(now=after) == 1
    assert opendata_services.open_data_releases_due(now=after) == 0
    release.refresh_from_db()
    assert (release.status, release.released_at) == (OpenDataStatus.RELEASED, after)
    event = AuditEvent.objects.filter(verb="OPEN_DATA_RELEASED").get()
    assert event.actor_id is None


def test_a_draft_names_each_bad_field() -> None:
    p = partnered()
    with pytest.raises(ValidationError) as refused:
        opendata_services.open_data_release_create(
            actor=p.coordinator,
            partnership=p.partnership,
            title="x" * 201,
            description="Ask jo.bloggs@example.org for the figures",
            publisher="",
            figures_kind="national_briefing_coverage",
            parameters={},
            embargo_until=timezone.now() - datetime.timedelta(days=1),
        )
    errors = refused.value.message_dict
    assert errors["title"] == ["Title must be 200 characters or fewer"]
    assert errors["description"][0].startswith("Description must not hold a person's details")
    assert errors["publisher"] == ["Enter the publisher"]
    assert errors["embargo_until"] == ["The embargo must end in the future"]
    assert errors["figures_kind"] == [
        "National briefing coverage cannot be released as a partnership's own figures"
    ]
    assert OpenDataRelease.objects.count() == 0


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"indicator_id": "1"}, "Give indicator_id, the number of an indicator"),
        ({"indicator_id": 10**9}, "indicator_id must be a published indicator of this partnership"),
        ({"other": 1}, "Unknown parameters: other"),
    ],
)
def test_parameters_are_checked(parameters: dict[str, object], message: str) -> None:
    p = partnered()
    with pytest.raises(ValidationError) as refused:
        opendata_services.open_data_release_create(
            actor=p.coordinator,
            partnership=p.partnership,
            title="Figures",
            description="",
            publisher="P",
            figures_kind="indicator_observations",
            parameters=parameters,
        )
    assert refused.value.message_dict == {"parameters": [message]}


def test_another_partnerships_indicator_is_refused() -> None:
    p, other = partnered(), partnered()
    with pytest.raises(ValidationError) as refused:
        opendata_services.open_data_release_create(
            actor=p.coordinator,
            partnership=p.partnership,
            title="Figures",
            description="",
            publisher="P",
            figures_kind="indicator_observations",
            parameters={"indicator_id": other.indicator.pk},
        )
    assert "parameters" in refused.value.message_dict


def test_only_those_the_policy_names_draft() -> None:
    p = partnered()
    with pytest.raises(PermissionDenied403):
        national_draft(p.coordinator)
    with pytest.raises(PermissionDenied403):
        opendata_services.open_data_release_create(
            actor=UserFactory(),
            partnership=p.partnership,
            title="Figures",
            description="",
            publisher="P",
            figures_kind="indicator_observations",
            parameters={"indicator_id": p.indicator.pk},
        )


def test_withdrawing_a_released_data_set_takes_it_off_the_open_list() -> None:
    from lde.rollups.opendata_selectors import released_list

    p = partnered()
    release = partnership_draft(p)
    for step in (
        opendata_services.open_data_release_propose,
        opendata_services.open_data_release_approve,
        opendata_services.open_data_release_release,
    ):
        step(actor=p.coordinator, release=release)
    assert list(released_list()) == [release]
    opendata_services.open_data_release_withdraw(actor=p.coordinator, release=release)
    assert list(released_list()) == []
    release.refresh_from_db()
    assert release.figures is not None  # the record of what was approved stays
