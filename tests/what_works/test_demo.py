"""The library's demo: the report's entries published, a draft of the library's own, and
Harrowfield's local evaluation of "Voices of Harrowfield" rated by its coordinator and in review;
built again without duplicates; reached from the home page and found by a word from a case
study."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lde.partnerships import demo as partnerships_demo
from lde.partnerships.models import Membership, Partnership, Role
from lde.programme import demo as programme_demo
from lde.what_works import demo as what_works_demo
from lde.what_works.models import Entry, EntryStatus
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        partnerships_demo.demo_build()
        programme_demo.demo_build()
        what_works_demo.demo_build()
        yield


def _coordinator() -> Any:
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    return (
        Membership.objects.filter(partnership=harrowfield, role=Role.COORDINATOR)
        .order_by("pk")
        .first()
        .user  # type: ignore[union-attr]
    )


def test_the_demo_has_every_state_and_runs_again_without_duplicates(demo: None) -> None:
    before = Entry.objects.count()
    statuses = set(Entry.objects.values_list("status", flat=True))
    assert statuses == {EntryStatus.DRAFT, EntryStatus.IN_REVIEW, EntryStatus.PUBLISHED}
    local = Entry.objects.get(title=what_works_demo.LOCAL_TITLE)
    assert (local.status, local.rated_by, local.project.title) == (
        EntryStatus.IN_REVIEW,
        _coordinator(),
        "Voices of Harrowfield",
    )
    what_works_demo.demo_build()
    assert Entry.objects.count() == before


def test_the_coordinator_reaches_the_library_from_home_and_finds_a_case_study(
    demo: None, client: Client
) -> None:
    sign_in(client, _coordinator())
    home = client.get("/").content.decode()
    assert reverse("what_works:library") in home
    assert "1 local evaluation of your partnership waiting for review" in home
    page = client.get(reverse("what_works:library"), {"q": "madrassahs"}).content.decode()
    assert "Birmingham City Council: funding Prevent initiatives" in page
