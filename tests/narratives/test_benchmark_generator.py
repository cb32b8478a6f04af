"""The generator of `lde bench narratives`, at a tiny size: what it reports is what it wrote, every
partnership's versions are in the states the benchmark says, and the pages it times answer the
coordinator it signs in. (The benchmark itself never runs in the suite.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.narratives import NAME, NarrativeWorld, extend
from benchmarks.national import generate_national
from lde.accounts.models import User
from lde.narratives.models import Comment, NarrativeVersion, Section, VersionStatus
from lde.narratives.sections import GUIDES
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_generator_writes_what_it_reports_and_the_pages_answer() -> None:
    world = generate_national(partnerships=4, users=120, seed=1)
    extend(world, {"versions": 3, "comments": 2}, lambda step, share: None)
    made: NarrativeWorld = world.extensions[NAME]
    assert made.versions == NarrativeVersion.objects.count() == 12
    assert made.sections == Section.objects.count() == 12 * len(GUIDES)
    assert made.comments == Comment.objects.count()
    for partnership_id, (latest, before) in made.pairs.items():
        statuses = list(
            NarrativeVersion.objects.filter(partnership_id=partnership_id)
            .order_by("number")
            .values_list("status", flat=True)
        )
        assert statuses == [VersionStatus.SUPERSEDED, VersionStatus.APPROVED, VersionStatus.DRAFT]
        assert NarrativeVersion.objects.get(pk=latest).number == 3
        assert NarrativeVersion.objects.get(pk=before).number == 2
    partnership_id, user_id = world.coordinators()[0]
    client = sign_in(Client(), User.objects.get(pk=user_id))
    latest, before = made.pairs[partnership_id]
    assert client.get(reverse("narratives:version-detail", args=[latest])).status_code == 200
    compare = client.get(reverse("narratives:version-compare", args=[latest, before]))
    assert compare.status_code == 200
    assert "Changed" in compare.content.decode()
