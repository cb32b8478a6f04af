"""The narrative demo: loads, loads again without duplicates, has a version in every state, and
a new user follows the issue's journey from the home page: the coordinator sees the narrative
due, drafts the next version, compares it with the last, the consultative group comments, the
council signs it off, the summary is published and opened signed out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.accounts.models import User
from lde.narratives.demo import demo_build
from lde.narratives.models import Comment, NarrativeVersion, VersionStatus
from lde.partnerships.demo import demo_build as foundation_demo
from lde.partnerships.models import Partnership
from lde.sharing.demo import demo_build as sharing_demo
from tests.conftest import CONFIRMED, kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        foundation_demo()
        sharing_demo()
        demo_build()
        yield


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Iterator[None]:
    yield


def _states() -> set[str]:
    return {v.state for v in NarrativeVersion.objects.all()}


def test_every_state_is_in_the_demo_and_a_second_run_adds_nothing(demo: None) -> None:
    assert _states() == {"draft", "shared", "approved", "published", "superseded"}
    counts = (NarrativeVersion.objects.count(), Comment.objects.count())
    demo_build()
    assert (NarrativeVersion.objects.count(), Comment.objects.count()) == counts


def test_the_journey_a_new_user_takes(demo: None) -> None:
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    coordinator = sign_in(Client(), User.objects.get(email="coordinator@harrowfield.demo.invalid"))
    home = coordinator.get(reverse("core:home")).content.decode()
    assert "Local narratives due for review" in home
    assert (
        coordinator.get(reverse("narratives:narrative-home", args=[harrowfield.pk])).status_code
        == 200
    )
    started = coordinator.post(reverse("narratives:version-start", args=[harrowfield.pk]))
    draft = NarrativeVersion.objects.get(partnership=harrowfield, status=VersionStatus.DRAFT)
    assert started["Location"] == reverse("narratives:version-detail", args=[draft.pk])
    last = NarrativeVersion.objects.get(partnership=harrowfield, number=draft.number - 1)
    coordinator.post(
        reverse("narratives:section-update", args=[draft.pk, "vision"]),
        {"text": "A new vision of success, agreed with the forum."},
    )
    compared = coordinator.get(reverse("narratives:version-compare", args=[draft.pk, last.pk]))
    assert "A new vision of success" in compared.content.decode()
    coordinator.post(reverse("narratives:version-share", args=[draft.pk]), CONFIRMED)
    community = sign_in(Client(), User.objects.get(email="community@harrowfield.demo.invalid"))
    assert (
        community.post(
            reverse("narratives:comment-add", args=[draft.pk]),
            {"text": "The forum supports the new vision.", "section": "vision"},
        ).status_code
        == 302
    )
    coordinator.post(reverse("narratives:version-sign", args=[draft.pk]), CONFIRMED)
    coordinator.post(reverse("narratives:version-publish", args=[draft.pk]), CONFIRMED)
    draft.refresh_from_db()
    assert draft.state == "published"
    public = Client().get(reverse("narratives:public-latest", args=[harrowfield.pk]))
    assert public.status_code == 200
    assert "Harrowfield Borough Council" in public.content.decode()
