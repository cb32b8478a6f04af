"""The engagement demo: loads, loads again without duplicates, holds every state of key messages
and of support, a forum not engaged for months and one never met, and the coordinator finds it
from the home page and the partnership's navigation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.core.audit.chain import audit_verify
from lde.engagement import demo as engagement_demo
from lde.engagement.models import (
    Forum,
    ForumMeeting,
    Initiative,
    KeyMessage,
    MessageStatus,
    SchoolEngagement,
    SupportRequest,
    SupportStatus,
)
from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db

HARROWFIELD = "Harrowfield Prevent Partnership"


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        partnerships_demo.demo_build()
        engagement_demo.demo_build()
        yield


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Forum, ForumMeeting, Initiative, SupportRequest, KeyMessage, SchoolEngagement)
    }


def test_it_runs_again_without_duplicates(demo: None) -> None:
    before = counts()
    engagement_demo.demo_build()
    assert counts() == before


def test_every_state_is_there_in_each_partnership(demo: None) -> None:
    for partnership in Partnership.objects.filter(name__endswith="Prevent Partnership"):
        messages = set(
            KeyMessage.objects.filter(partnership=partnership).values_list("status", flat=True)
        )
        support = set(
            SupportRequest.objects.filter(initiative__partnership=partnership).values_list(
                "status", flat=True
            )
        )
        assert messages == set(MessageStatus.values), partnership
        assert support == set(SupportStatus.values), partnership
        assert SchoolEngagement.objects.filter(
            partnership=partnership, safer_schools_partnership=True
        ).exists()


def test_the_audit_trail_verifies(demo: None) -> None:
    assert audit_verify().problems == []


def test_a_coordinator_finds_forums_to_engage_on_the_home_page(demo: None) -> None:
    coordinator = (
        Membership.objects.filter(partnership__name=HARROWFIELD, role=Role.COORDINATOR).first().user  # type: ignore[union-attr]
    )
    client = sign_in(Client(), coordinator)
    home = client.get("/").content.decode()
    assert "Forums to engage" in home
    assert "Harrowfield Independent Advisory Group" in home
    assert "not engaged for 7 months" in home or "not engaged for 8 months" in home
    assert "Harrowfield Young People&#x27;s Forum" in home
    partnership = Partnership.objects.get(name=HARROWFIELD)
    page = client.get(reverse("partnerships:partnership-detail", args=[partnership.pk]))
    assert reverse("engagement:overview", args=[partnership.pk]) in page.content.decode()
    overview = client.get(reverse("engagement:overview", args=[partnership.pk])).content.decode()
    assert "Engaged in the last month" not in overview
    assert "Not engaged for 1 month" in overview
    assert "No meeting recorded" in overview


def test_the_community_reviewer_reads_the_faith_forum_their_organisation_chairs(demo: None) -> None:
    reviewer = Membership.objects.get(
        partnership__name=HARROWFIELD, role=Role.COMMUNITY_REVIEWER
    ).user
    client = sign_in(Client(), reviewer)
    partnership = Partnership.objects.get(name=HARROWFIELD)
    forums = client.get(reverse("engagement:forum-list", args=[partnership.pk])).content.decode()
    assert "Harrowfield Faith Communities Forum" in forums
    assert "Harrowfield Independent Advisory Group" not in forums
