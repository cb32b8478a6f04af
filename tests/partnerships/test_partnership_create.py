"""Site administrators create partnerships with a first coordinator; admin changes are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from lde.accounts.models import Organisation, OrganisationType
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import Membership, Partnership, Role
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    admin = UserFactory(is_site_administrator=True, is_staff=True, is_superuser=True)
    return sign_in(client, admin)


def test_site_administrator_creates_a_partnership_with_its_first_coordinator(
    admin_client: Client,
) -> None:
    council = Organisation.objects.create(name="Newtown Council", type=OrganisationType.COUNCIL)
    bcu = Organisation.objects.create(name="Newtown BCU", type=OrganisationType.POLICE_BCU)
    response = admin_client.post(
        "/partnerships/new/",
        {
            "name": "Newtown Prevent Partnership",
            "lead_council": council.pk,
            "police_bcus": [bcu.pk],
            "region": "E12000001",
            "area_gss_codes": "e08999990",
            "coordinator_email": "Lead@Newtown.example",
            "coordinator_name": "Lee Lead",
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(name="Newtown Prevent Partnership")
    assert partnership.area_gss_codes == ["E08999990"]
    assert list(partnership.police_bcus.all()) == [bcu]
    coordinator = Membership.objects.get(partnership=partnership)
    assert (coordinator.user.email, coordinator.role) == ("lead@newtown.example", Role.COORDINATOR)
    # and the administrator still sees none of its content
    assert admin_client.get(f"/partnerships/{partnership.pk}/").status_code == 404


def test_bad_partnership_input_is_explained(admin_client: Client) -> None:
    response = admin_client.post(
        "/partnerships/new/",
        {
            "name": "",
            "region": "nowhere",
            "area_gss_codes": "E08, XYZ",
            "coordinator_email": "nope",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter GSS codes of a letter and 8 digits, like E08000025 (not E08, XYZ)" in page
    assert Partnership.objects.count() == 0


def test_an_organisation_is_changed_on_its_own_page_and_audited(admin_client: Client) -> None:
    # Site administrators change organisations on the service's own page, not in the Django
    # admin, which is read-only (tests/core/test_admin_read_only.py).
    organisation = Organisation.objects.create(name="Old Name", type=OrganisationType.SCHOOL)
    response = admin_client.post(
        f"/organisations/{organisation.pk}/edit/",
        {"name": "New Name", "type": OrganisationType.SCHOOL, "gss_code": "", "website": ""},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="ORGANISATION_UPDATED")
    assert event.target_id == str(organisation.pk)
    assert "New Name" not in event.payload
    assert '"name":' in event.payload
