"""Clearances and caveats: recorded by the sponsor's security contact, never by oneself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from lde.accounts.models import Caveat, Clearance, Post, PostHolding, PostKind
from lde.accounts.selectors import vetting_gaps
from lde.accounts.services import caveat_grant_record, clearance_record
from lde.core.access.facts import facts_for
from lde.core.access.markings import VettingLevel
from tests.conftest import date_input, sign_in
from tests.factories import ClearanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_contact() -> tuple[object, object]:
    organisation = OrganisationFactory()
    contact = UserFactory(organisation=organisation)
    post = Post.objects.create(
        organisation=organisation, kind=PostKind.SECURITY_CONTACT, title="Security Contact"
    )
    PostHolding.objects.create(
        post=post, user=contact, started_on=timezone.localdate() - timedelta(days=1)
    )
    return contact, organisation


def test_security_contact_records_a_clearance_that_counts_at_once(security_contact) -> None:
    contact, organisation = security_contact
    person = UserFactory(organisation=organisation)
    today = timezone.localdate()
    assert facts_for(person).clearance == 0
    clearance_record(
        actor=contact,
        user=person,
        level=VettingLevel.SC,
        granted_on=today - timedelta(days=1),
        expires_on=today,
        sponsor=organisation,
    )
    assert facts_for(person).clearance == VettingLevel.SC  # valid on its expiry date


def test_nobody_records_their_own_clearance_or_caveat(security_contact) -> None:
    contact, organisation = security_contact
    today = timezone.localdate()
    with pytest.raises(PermissionDenied, match="own clearance"):
        clearance_record(
            actor=contact,
            user=contact,
            level=VettingLevel.DV,
            granted_on=today,
            expires_on=today,
            sponsor=organisation,
        )
    caveat = Caveat.objects.create(code="c", name="C")
    with pytest.raises(PermissionDenied, match="own caveat"):
        caveat_grant_record(
            actor=contact, user=contact, caveat=caveat, sponsor=organisation, granted_on=today
        )
    assert Clearance.objects.count() == 0


def test_only_the_sponsors_security_contact_records(security_contact) -> None:
    _contact, organisation = security_contact
    outsider = UserFactory()
    person = UserFactory(organisation=organisation)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied, match="security contact"):
        clearance_record(
            actor=outsider,
            user=person,
            level=VettingLevel.SC,
            granted_on=today,
            expires_on=today,
            sponsor=organisation,
        )


def test_clearance_form_rejects_expiry_before_grant(client: Client, security_contact) -> None:
    contact, organisation = security_contact
    person = UserFactory(organisation=organisation)
    sign_in(client, contact)
    response = client.post(
        f"/organisations/{organisation.pk}/clearances/new/",
        {
            "user": person.pk,
            "level": VettingLevel.SC,
            **date_input("granted_on", "2026-05-01"),
            **date_input("expires_on", "2026-04-01"),
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The expiry date must be on or after the grant date" in page
    assert Clearance.objects.count() == 0


def test_vetting_gaps_list_missing_and_expiring_clearances(security_contact) -> None:
    _contact, organisation = security_contact
    today = timezone.localdate()
    lacking, expiring, fine = UserFactory(), UserFactory(), UserFactory()
    for holder, title in [(lacking, "A"), (expiring, "B"), (fine, "C")]:
        post = Post.objects.create(
            organisation=organisation,
            kind=PostKind.OTHER,
            title=title,
            required_vetting=VettingLevel.SC,
        )
        PostHolding.objects.create(post=post, user=holder, started_on=today)
    ClearanceFactory(user=lacking, level=VettingLevel.BPSS, sponsor=organisation)
    ClearanceFactory(
        user=expiring,
        level=VettingLevel.SC,
        sponsor=organisation,
        expires_on=today + timedelta(days=90),
    )
    ClearanceFactory(
        user=fine,
        level=VettingLevel.DV,
        sponsor=organisation,
        expires_on=today + timedelta(days=91),
    )
    gaps = vetting_gaps(organisation_ids=[organisation.pk], day=today)
    assert [(g["post"].title, g["status"]) for g in gaps] == [("A", "lacks"), ("B", "expiring")]
