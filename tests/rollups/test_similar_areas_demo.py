"""The demo's similar areas: the area data of its partnerships imported, and requests for a peer
review in every state, as a new user finds them (issue 17, "see a partnership's nearest
neighbours and why")."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lde.accounts.models import User
from lde.partnerships.models import Partnership
from lde.rollups import demo as rollups_demo
from lde.rollups.models import AreaDataSet, AreaNeighbour, PeerReviewRequest
from tests.conftest import kept_for_the_module, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker):
        call_command("demo", stdout=io.StringIO())
        yield


def test_area_data_covers_every_demo_partnership_and_requests_are_in_every_state(
    demo: None,
) -> None:
    data_set = AreaDataSet.objects.get(file_name=rollups_demo.AREA_FILE)
    # One area for each of the demo's partnerships: the main three and the national set's.
    partnerships = Partnership.objects.count()
    assert partnerships > 20
    assert data_set.areas == partnerships
    assert AreaNeighbour.objects.filter(data_set=data_set).count() == partnerships * 15
    assert sorted(PeerReviewRequest.objects.values_list("status", flat=True)) == [
        "accepted",
        "declined",
        "requested",
    ]
    before = (AreaDataSet.objects.count(), PeerReviewRequest.objects.count())
    rollups_demo.similar_areas_build()
    assert (AreaDataSet.objects.count(), PeerReviewRequest.objects.count()) == before


def test_harrowfields_coordinator_sees_neighbours_why_and_a_request_to_answer(demo: None) -> None:
    harrowfield = Partnership.objects.get(name="Harrowfield Prevent Partnership")
    coordinator = User.objects.get(email="coordinator@harrowfield.demo.invalid")
    client = sign_in(Client(), coordinator)
    home = client.get("/")
    assert reverse("rollups:similar-areas", args=[harrowfield.pk]) in home.content.decode()
    assert "1 request for a peer review waits for your answer" in home.content.decode()
    page = client.get(reverse("rollups:similar-areas", args=[harrowfield.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Kestlebury Prevent Partnership" in body
    waiting = PeerReviewRequest.objects.get(status="requested")
    assert reverse("rollups:peer-review-decide", args=[waiting.pk]) in body
    row = AreaNeighbour.objects.filter(partnership=harrowfield).order_by("-data_set", "rank")[0]
    why = client.get(reverse("rollups:similar-area", args=[harrowfield.pk, row.pk]))
    assert why.status_code == 200
    assert "most alike in" in why.content.decode()
