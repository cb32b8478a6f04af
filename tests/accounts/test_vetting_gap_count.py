"""The home page's count of vetting gaps is the length of the list the posts page shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lde.accounts.models import Post, PostHolding, PostKind
from lde.accounts.selectors import vetting_gap_count, vetting_gaps
from lde.core.access.markings import VettingLevel
from tests.factories import ClearanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_count_is_the_number_of_gaps_listed() -> None:
    organisation = OrganisationFactory()
    today = timezone.localdate()
    holders = {}
    for title, required in [
        ("A", VettingLevel.SC),
        ("B", VettingLevel.SC),
        ("C", VettingLevel.SC),
        ("D", VettingLevel.DV),
        ("E", VettingLevel.SC),
    ]:
        post = Post.objects.create(
            organisation=organisation, kind=PostKind.OTHER, title=title, required_vetting=required
        )
        holders[title] = UserFactory()
        PostHolding.objects.create(post=post, user=holders[title], started_on=today)
    Post.objects.create(  # vacant: no gap counted, as none is listed
        organisation=organisation, kind=PostKind.OTHER, title="F", required_vetting=VettingLevel.SC
    )
    ClearanceFactory(user=holders["A"], level=VettingLevel.BPSS, sponsor=organisation)
    ClearanceFactory(
        user=holders["B"],
        level=VettingLevel.SC,
        sponsor=organisation,
        expires_on=today + timedelta(days=90),
    )
    ClearanceFactory(
        user=holders["C"],
        level=VettingLevel.DV,
        sponsor=organisation,
        expires_on=today + timedelta(days=91),
    )
    ClearanceFactory(  # SC does not cover a DV post
        user=holders["D"],
        level=VettingLevel.SC,
        sponsor=organisation,
        expires_on=today + timedelta(days=400),
    )
    ClearanceFactory(  # two live clearances: the later expiry counts
        user=holders["E"],
        level=VettingLevel.SC,
        sponsor=organisation,
        expires_on=today + timedelta(days=10),
    )
    ClearanceFactory(
        user=holders["E"],
        level=VettingLevel.SC,
        sponsor=organisation,
        expires_on=today + timedelta(days=300),
    )
    listed = vetting_gaps(organisation_ids=[organisation.pk], day=today)
    assert [g["post"].title for g in listed] == ["A", "B", "D"]
    assert vetting_gap_count(organisation_ids=[organisation.pk], day=today) == 3
    assert vetting_gap_count(organisation_ids=[], day=today) == 0
