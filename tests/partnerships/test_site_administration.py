"""Site administration of partnerships' own facts and of alliances (issue 18): the pages, the
services partnership_edit, alliance_create, alliance_partnership_add and _remove, their refusals
and their audit events."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lde.accounts.models import Organisation, OrganisationType
from lde.core.audit.models import AuditEvent
from lde.core.refusals import Conflict
from lde.partnerships.models import Alliance, PartnerOrganisation, Partnership, Role
from lde.partnerships.services import (
    alliance_create,
    alliance_partnership_add,
    alliance_partnership_remove,
    partnership_edit,
)
from tests.conftest import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def administrator() -> object:
    return UserFactory(is_site_administrator=True)


@pytest.fixture
def admin_client(client: Client, administrator: object) -> Client:
    return sign_in(client, administrator)


def _council(name: str) -> Organisation:
    return Organisation.objects.create(name=name, type=OrganisationType.COUNCIL)


def _bcu(name: str) -> Organisation:
    return Organisation.objects.create(name=name, type=OrganisationType.POLICE_BCU)


def test_a_partnership_is_edited_on_its_page_and_audited(admin_client: Client) -> None:
    partnership = PartnershipFactory(name="Oldtown", area_gss_codes=["E08000001"])
    council, bcu = _council("Newtown Council"), _bcu("Newtown BCU")
    form = admin_client.get(f"/partnerships/{partnership.pk}/edit/")
    assert form.status_code == 200
    assert "First coordinator" not in form.content.decode()
    response = admin_client.post(
        f"/partnerships/{partnership.pk}/edit/",
        {
            "name": "Newtown Prevent Partnership",
            "lead_council": council.pk,
            "police_bcus": [bcu.pk],
            "region": "E12000001",
            "area_gss_codes": "e08000001, E08000002",
        },
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.name, partnership.lead_council, partnership.region) == (
        "Newtown Prevent Partnership",
        council,
        "E12000001",
    )
    assert partnership.area_gss_codes == ["E08000001", "E08000002"]
    assert list(partnership.police_bcus.all()) == [bcu]
    # The new lead council and BCU are partners, and the old lead council stays one.
    partners = set(
        PartnerOrganisation.objects.filter(partnership=partnership).values_list(
            "organisation__name", flat=True
        )
    )
    assert {"Newtown Council", "Newtown BCU"} <= partners and len(partners) == 3
    event = AuditEvent.objects.get(verb="PARTNERSHIP_CHANGED")
    assert (event.scope, event.partnership_id) == ("partnership", partnership.pk)
    assert "Newtown Prevent Partnership" not in event.payload
    # and the administrator still sees none of its content
    assert admin_client.get(f"/partnerships/{partnership.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("E08, XYZ", "Enter GSS codes of a letter and 8 digits, like E08000025 (not E08, XYZ)"),
        ("E08000003, e08000003", "Enter each area once (E08000003 is given twice)"),
        ("E08000009", "E08000009 is already covered by Elsewhere"),
    ],
)
def test_bad_gss_codes_are_explained_on_the_page(
    admin_client: Client, codes: str, message: str
) -> None:
    PartnershipFactory(name="Elsewhere", area_gss_codes=["E08000009"])
    partnership = PartnershipFactory(name="Here", lead_council=_council("Here Council"))
    response = admin_client.post(
        f"/partnerships/{partnership.pk}/edit/",
        {
            "name": "Here",
            "lead_council": partnership.lead_council_id,
            "region": "E12000001",
            "area_gss_codes": codes,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert message in page
    assert not AuditEvent.objects.filter(verb="PARTNERSHIP_CHANGED").exists()


def test_a_duplicate_name_is_refused(administrator: object) -> None:
    PartnershipFactory(name="Taken")
    partnership = PartnershipFactory(name="Mine")
    with pytest.raises(ValidationError) as refused:
        partnership_edit(
            actor=administrator,  # type: ignore[arg-type]
            partnership=partnership,
            name="taken",
            lead_council=_council("C"),
            region="E12000001",
            area_gss_codes=[],
            police_bcus=[],
        )
    assert refused.value.message_dict == {"name": ["A partnership with this name already exists"]}


def test_a_coordinator_cannot_edit_their_partnership_and_is_told_who_can(client: Client) -> None:
    partnership = PartnershipFactory()
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, partnership=partnership, role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied) as refused:
        partnership_edit(
            actor=coordinator,
            partnership=partnership,
            name="Mine now",
            lead_council=partnership.lead_council,
            region=partnership.region,
            area_gss_codes=[],
            police_bcus=[],
        )
    assert "Site administrators change a partnership's name" in refused.value.who_can  # type: ignore[attr-defined]
    sign_in(client, coordinator)
    assert client.get(f"/partnerships/{partnership.pk}/edit/").status_code == 404
    listing = client.get("/partnerships/administration/")
    assert listing.status_code == 403
    assert "Site administrators change a partnership" in listing.content.decode()


def test_an_alliance_is_created_on_its_page_and_audited(admin_client: Client) -> None:
    a, b = PartnershipFactory(name="A"), PartnershipFactory(name="B")
    response = admin_client.post(
        "/partnerships/alliances/new/",
        {"name": "A and B Alliance", "purpose": "Pooled training.", "partnerships": [a.pk, b.pk]},
    )
    assert response.status_code == 302
    alliance = Alliance.objects.get(name="A and B Alliance")
    assert set(alliance.partnerships.all()) == {a, b}
    assert AuditEvent.objects.filter(verb="ALLIANCE_CREATED").count() == 1
    listing = admin_client.get("/partnerships/alliances/").content.decode()
    assert "A and B Alliance" in listing and "A, B" in listing


def test_an_alliance_of_fewer_than_two_partnerships_is_refused(
    admin_client: Client, administrator: object
) -> None:
    a = PartnershipFactory(name="Alone")
    response = admin_client.post(
        "/partnerships/alliances/new/", {"name": "Solo", "partnerships": [a.pk]}
    )
    assert response.status_code == 400
    assert "Choose two or more partnerships" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        alliance_create(actor=administrator, name="Solo", partnerships=[a])  # type: ignore[arg-type]
    assert refused.value.message_dict == {
        "partnerships": ["An alliance joins two or more partnerships."]
    }
    assert not Alliance.objects.exists()


def test_a_partnership_is_added_after_confirmation_and_taken_out_while_two_remain(
    admin_client: Client, administrator: object
) -> None:
    a, b, c = (PartnershipFactory(name=n) for n in ("A", "B", "C"))
    alliance = alliance_create(actor=administrator, name="AB", partnerships=[a, b])  # type: ignore[arg-type]
    url = f"/partnerships/alliances/{alliance.pk}/partnerships/add/"
    asked = admin_client.post(url, {"partnership": "C"})
    assert asked.status_code == 200
    assert "Add C to AB" in asked.content.decode()
    assert alliance.partnerships.count() == 2
    assert admin_client.post(url, {"partnership": "C", **CONFIRMED}).status_code == 302
    assert set(alliance.partnerships.all()) == {a, b, c}
    added = AuditEvent.objects.filter(verb="ALLIANCE_PARTNERSHIP_ADDED")
    assert sorted((e.scope, e.partnership_id or 0) for e in added) == [
        ("partnership", c.pk),
        ("site", 0),
    ]
    remove = f"/partnerships/alliances/{alliance.pk}/partnerships/{a.pk}/remove/"
    assert "Take A out of AB" in admin_client.get(remove).content.decode()
    assert admin_client.post(remove, CONFIRMED).status_code == 302
    assert set(alliance.partnerships.all()) == {b, c}
    # Two remain: taking another out is refused.
    with pytest.raises(ValidationError) as refused:
        alliance_partnership_remove(actor=administrator, alliance=alliance, partnership=b)  # type: ignore[arg-type]
    assert refused.value.message_dict["partnership"][0].startswith(
        "An alliance joins two or more partnerships."
    )
    with pytest.raises(Conflict):
        alliance_partnership_add(actor=administrator, alliance=alliance, partnership=c)  # type: ignore[arg-type]


def test_anyone_else_is_refused_alliances_with_who_can(client: Client) -> None:
    a, b = PartnershipFactory(), PartnershipFactory()
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, partnership=a, role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied) as refused:
        alliance_create(actor=coordinator, name="Ours", partnerships=[a, b])
    assert refused.value.who_can == (  # type: ignore[attr-defined]
        "Site administrators create alliances and change which partnerships are in them."
    )
    alliance = alliance_create(actor=None, name="Theirs", partnerships=[a, b])
    with pytest.raises(PermissionDenied):
        alliance_partnership_add(
            actor=coordinator, alliance=alliance, partnership=PartnershipFactory()
        )
    sign_in(client, coordinator)
    assert client.get("/partnerships/alliances/").status_code == 403
    assert client.get(f"/partnerships/alliances/{alliance.pk}/").status_code == 404
    assert Partnership.objects.count() == 3
