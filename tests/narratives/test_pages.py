"""The narrative's pages through Django's test client: the bad input of the issue shown in the
GOV.UK error summary, the public summary signed out, briefing products through the gateway
rule only, and query counts that do not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.core.access.policy import PermissionDenied403
from lde.narratives import services
from lde.narratives.models import NarrativeVersion, PlanKind, VersionStatus
from lde.narratives.sections import SectionKey
from tests.conftest import CONFIRMED, sign_in
from tests.narratives.conftest import SUMMARY, Cast, approved, ready_draft
from tests.sharing.builders import SECRET_TITLE, gateway, released

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_a_newcomer_finds_the_narrative_from_the_partnerships_page(cast: Cast) -> None:
    page = _client(cast.viewer).get(
        reverse("partnerships:partnership-detail", args=[cast.partnership.pk])
    )
    assert reverse("narratives:narrative-home", args=[cast.partnership.pk]) in page.content.decode()


def test_the_version_page_shows_each_sections_guidance_and_whether_it_is_required(
    cast: Cast,
) -> None:
    version = ready_draft(cast)
    page = _client(cast.viewer).get(reverse("narratives:version-detail", args=[version.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Step 5: Prevent in mainstream plans" in text
    assert "¶30, ¶34, ¶185" in text
    assert "Required" in text


def test_sharing_with_an_empty_required_section_shows_the_error_summary(cast: Cast) -> None:
    version = ready_draft(cast)
    services.section_update(actor=cast.coordinator, version=version, key=SectionKey.NEED, text="")
    page = _client(cast.coordinator).post(
        reverse("narratives:version-share", args=[version.pk]), CONFIRMED
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "govuk-error-summary" in text
    assert "write Step 1: the need for a local Prevent strategy" in text
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_sign_off_by_a_board_member_whose_organisation_is_not_a_party_is_refused(
    cast: Cast,
) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    page = _client(cast.outsider_board_member).post(
        reverse("narratives:version-sign", args=[version.pk]), CONFIRMED
    )
    assert page.status_code == 403
    assert "partner organisation named to sign it" in page.content.decode()


def test_publishing_without_approval_is_refused_with_a_clear_error(cast: Cast) -> None:
    version = ready_draft(cast)
    response = _client(cast.coordinator).post(
        reverse("narratives:version-publish", args=[version.pk]), CONFIRMED
    )
    # The policy lets a coordinator publish only an approved version: the page says who can.
    assert response.status_code == 403
    assert "publish the public summary of an approved version" in response.content.decode()


def test_publishing_with_guard_findings_shows_the_error_summary(cast: Cast) -> None:
    version = approved(cast)
    NarrativeVersion.objects.filter(pk=version.pk).update(
        public_summary=SUMMARY + " Write to someone@example.org."
    )
    page = _client(cast.coordinator).post(
        reverse("narratives:version-publish", args=[version.pk]), CONFIRMED
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "govuk-error-summary" in text
    assert "Email address in Public summary" in text
    version.refresh_from_db()
    assert version.published_at is None


def test_a_comment_with_an_identifier_is_refused_on_the_page(cast: Cast) -> None:
    version = ready_draft(cast)
    services.version_share(actor=cast.coordinator, version=version)
    page = _client(cast.community_reviewer).post(
        reverse("narratives:comment-add", args=[version.pk]),
        {"text": "Born on 12 March 2001, he lives nearby.", "section": ""},
    )
    assert page.status_code == 400
    assert "date of birth" in page.content.decode()


def test_the_journey_through_the_pages_ends_with_a_public_summary_signed_out(
    cast: Cast,
) -> None:
    version = ready_draft(cast, signatories=[cast.council])
    coordinator = _client(cast.coordinator)
    assert (
        coordinator.post(
            reverse("narratives:version-share", args=[version.pk]), CONFIRMED
        ).status_code
        == 302
    )
    community = _client(cast.community_reviewer)
    assert (
        community.post(
            reverse("narratives:comment-add", args=[version.pk]),
            {"text": "Mention the youth centre's work.", "section": SectionKey.VISION},
        ).status_code
        == 302
    )
    assert coordinator.post(reverse("narratives:version-sign", args=[version.pk]), CONFIRMED)[
        "Location"
    ] == reverse("narratives:version-detail", args=[version.pk])
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    coordinator.post(reverse("narratives:version-publish", args=[version.pk]), CONFIRMED)
    page = Client().get(reverse("narratives:public-summary", args=[version.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This is why we do it" in text
    assert cast.council.name in text
    latest = Client().get(reverse("narratives:public-latest", args=[cast.partnership.pk]))
    assert latest.status_code == 200


def test_an_unpublished_summary_is_not_found_for_anyone(cast: Cast) -> None:
    version = approved(cast)
    assert Client().get(reverse("narratives:public-summary", args=[version.pk])).status_code == 404
    assert (
        _client(cast.coordinator)
        .get(reverse("narratives:public-summary", args=[version.pk]))
        .status_code
        == 404
    )


def test_a_coordinator_without_a_second_factor_still_reads_a_public_summary(cast: Cast) -> None:
    version = approved(cast)
    services.version_publish(actor=cast.coordinator, version=version)
    page = sign_in(Client(), cast.coordinator, verified=False).get(
        reverse("narratives:public-summary", args=[version.pk])
    )
    assert page.status_code == 200


def test_briefing_products_are_shown_through_the_gateway_rule_only() -> None:
    g = gateway()
    product = released(g)
    version = services.version_start(actor=g.council_approver, partnership=g.partnership)
    services.section_update(
        actor=g.council_approver,
        version=version,
        key=SectionKey.INFLUENCES,
        text="See the briefing.",
        products=[product],
    )
    url = reverse("narratives:version-detail", args=[version.pk])
    assert SECRET_TITLE in _client(g.council_approver).get(url).content.decode()
    assert SECRET_TITLE in _client(g.reader).get(url).content.decode()
    shown = _client(g.uncleared).get(url)
    assert shown.status_code == 200
    assert SECRET_TITLE not in shown.content.decode()
    # A viewer writes no section, so cannot refer to it either.
    with pytest.raises(PermissionDenied403):
        services.section_update(
            actor=g.uncleared,
            version=version,
            key=SectionKey.INFLUENCES,
            text="x",
            products=[product],
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(cast: Cast, version: NarrativeVersion, n: int) -> None:
    for i in range(n):
        services.comment_add(actor=cast.viewer, version=version, text=f"Comment {i}.")
        services.plan_add(
            actor=cast.coordinator,
            version=version,
            kind=PlanKind.OTHER,
            name=f"Plan {i}",
            organisation=cast.council,
            how_carried="A priority.",
        )


def test_the_narrative_page_and_the_difference_make_the_same_queries_whatever_the_size(
    cast: Cast,
) -> None:
    first = approved(cast)
    second = services.version_start(actor=cast.coordinator, partnership=cast.partnership)
    client = _client(cast.coordinator)
    detail = reverse("narratives:version-detail", args=[second.pk])
    compare = reverse("narratives:version-compare", args=[second.pk, first.pk])
    home = reverse("narratives:narrative-home", args=[cast.partnership.pk])
    _grow(cast, second, 1)
    small = [_queries(client, url) for url in (detail, compare, home)]
    _grow(cast, second, 6)
    services.version_share(actor=cast.coordinator, version=second)
    services.version_return(actor=cast.coordinator, version=second, reason="More")
    large = [_queries(client, url) for url in (detail, compare, home)]
    assert small == large
