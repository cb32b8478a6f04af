"""Site administrators assign inspectors and peer reviewers; they read the site audit trail."""

from __future__ import annotations

import pytest
from django.test import Client

from lde.core.audit.chain import audit_record
from lde.partnerships.models import Assignment, AssignmentKind
from tests.conftest import date_input, sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    return sign_in(client, UserFactory(is_site_administrator=True, is_staff=True))


def test_an_inspector_is_assigned_and_reaches_the_partnership(admin_client: Client) -> None:
    partnership = PartnershipFactory()
    inspector = UserFactory()
    response = admin_client.post(
        "/partnerships/assignments/new/",
        {
            "email": inspector.email.upper(),
            "kind": AssignmentKind.INSPECTOR,
            "title": "Exercise 2027",
            "partnerships": [partnership.pk],
            **date_input("starts_on", "2026-01-01"),
            **date_input("ends_on", "2099-12-31"),
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(user=inspector)
    assert list(assignment.partnerships.all()) == [partnership]
    inspector_client = sign_in(Client(), inspector)
    assert inspector_client.get(f"/partnerships/{partnership.pk}/").status_code == 200


def test_bad_assignments_are_explained(admin_client: Client) -> None:
    response = admin_client.post(
        "/partnerships/assignments/new/",
        {
            "email": "nobody@example.test",
            "kind": AssignmentKind.PEER_REVIEWER,
            "title": "Review",
            "partnerships": [PartnershipFactory().pk],
            **date_input("starts_on", "2026-05-01"),
            **date_input("ends_on", "2026-04-01"),
            "subject_reference": "",
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "There is no active account with this email address" in page
    assert "The end date must be on or after the start date" in page
    assert Assignment.objects.count() == 0


def test_only_site_administrators_assign_or_read_the_site_trail(client: Client) -> None:
    coordinator = MembershipFactory(role="coordinator")
    sign_in(client, coordinator.user)
    assert client.get("/partnerships/assignments/new/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_the_site_trail_shows_site_events_only(admin_client: Client) -> None:
    membership = MembershipFactory()
    audit_record(actor=None, verb="SITE_THING_HAPPENED")
    audit_record(
        actor=None,
        verb="PARTNERSHIP_THING_HAPPENED",
        scope="partnership",
        partnership_id=membership.partnership_id,
    )
    page = admin_client.get("/audit/").content.decode()
    assert "SITE_THING_HAPPENED" in page
    assert "PARTNERSHIP_THING_HAPPENED" not in page
