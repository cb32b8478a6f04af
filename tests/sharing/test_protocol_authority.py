"""Authority over a protocol (permissions.md, "Authority over the facts the rules read").

The case that was reproduced: a counter-terrorism unit is a party to Kestlebury's protocol and a
partner of Harrowfield. Sitting in the same partnership as a party gives Harrowfield's people no
view of Kestlebury's agreement and its coordinator no say over it. Only a person of a party with
the right to sign for it (a coordinator of a partnership in which their own organisation is a
partner) changes it, and the change shows on the audit page of every partnership a party sits in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Organisation, OrganisationType, User
from lde.accounts.services import api_token_create
from lde.core.access.facts import facts_forget
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent, AuditScope
from lde.partnerships.models import PartnerOrganisation, Partnership, Role
from lde.sharing import services
from lde.sharing.models import (
    BriefingProduct,
    ProductStatus,
    Protocol,
    ProtocolSignatory,
    ProtocolStatus,
)
from lde.sharing.policies import protocol_policy
from tests.conftest import CONFIRMED, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    kestlebury: Partnership
    harrowfield: Partnership
    elsewhere: Partnership
    unit: Organisation
    protocol: Protocol
    kestlebury_coordinator: User
    kestlebury_viewer: User
    harrowfield_coordinator: User
    harrowfield_viewer: User
    unit_board_member: User
    elsewhere_coordinator: User


def scene() -> Scene:
    kestlebury, harrowfield, elsewhere = (PartnershipFactory() for _ in range(3))
    unit = OrganisationFactory(
        name="Pennine Counter-Terrorism Unit", type=OrganisationType.COUNTER_TERRORISM_UNIT
    )
    for partnership in (kestlebury, harrowfield):
        PartnerOrganisation.objects.create(partnership=partnership, organisation=unit)
    today = timezone.localdate()
    protocol = Protocol.objects.create(
        title="Kestlebury counter-terrorism briefing protocol",
        purpose="Purpose.",
        legal_basis="Basis.",
        dpia_reference="DPIA-K",
        information_shared="Trends.",
        who_may_see="The list.",
        handling="Carefully.",
        retention_days=365,
        review_on=today + timedelta(days=200),
        status=ProtocolStatus.SUSPENDED,
    )
    protocol.parties.set([kestlebury.lead_council, unit])
    for party in (kestlebury.lead_council, unit):
        ProtocolSignatory.objects.create(
            protocol=protocol, organisation=party, name="A", post_title="B", signed_on=today
        )

    def member(partnership: Partnership, role: str, organisation: Organisation) -> User:
        return MembershipFactory(
            partnership=partnership, role=role, user__organisation=organisation
        ).user

    return Scene(
        kestlebury=kestlebury,
        harrowfield=harrowfield,
        elsewhere=elsewhere,
        unit=unit,
        protocol=protocol,
        kestlebury_coordinator=member(kestlebury, Role.COORDINATOR, kestlebury.lead_council),
        kestlebury_viewer=member(kestlebury, Role.VIEWER, kestlebury.lead_council),
        harrowfield_coordinator=member(harrowfield, Role.COORDINATOR, harrowfield.lead_council),
        harrowfield_viewer=member(harrowfield, Role.VIEWER, harrowfield.lead_council),
        unit_board_member=member(harrowfield, Role.BOARD_MEMBER, unit),
        elsewhere_coordinator=member(elsewhere, Role.COORDINATOR, elsewhere.lead_council),
    )


def page(user: User) -> Client:
    facts_forget(user)
    return sign_in(Client(), user)


def api(user: User) -> dict[str, str]:
    facts_forget(user)
    _, raw = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def api_path(protocol: Protocol, tail: str = "") -> str:
    return f"/api/v1/sharing/protocols/{protocol.pk}{tail}"


def status_of(protocol: Protocol) -> str:
    return Protocol.objects.get(pk=protocol.pk).status


def test_a_viewer_of_a_partnership_where_a_party_sits_does_not_see_the_protocol() -> None:
    s = scene()
    client = page(s.harrowfield_viewer)
    assert client.get(reverse("sharing:protocol-detail", args=[s.protocol.pk])).status_code == 404
    listed = client.get(reverse("sharing:protocol-list")).content.decode()
    assert s.protocol.title not in listed
    headers = api(s.harrowfield_viewer)
    assert Client().get(api_path(s.protocol), headers=headers).status_code == 404
    assert Client().get("/api/v1/sharing/protocols", headers=headers).json()["count"] == 0


def test_that_partnerships_coordinator_cannot_see_or_move_it_by_page_api_or_service() -> None:
    s = scene()
    client = page(s.harrowfield_coordinator)
    for name in ("protocol-detail", "protocol-status", "protocol-update", "protocol-signatory-add"):
        assert client.get(reverse(f"sharing:{name}", args=[s.protocol.pk])).status_code == 404
    moved = client.post(
        reverse("sharing:protocol-status", args=[s.protocol.pk]), {"to_status": "in_force"}
    )
    assert moved.status_code == 404
    headers = api(s.harrowfield_coordinator)
    for to_status, reason in (("in_force", ""), ("ended", "Ended from Harrowfield.")):
        answer = Client().post(
            api_path(s.protocol, "/status"),
            {"to_status": to_status, "reason": reason},
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code == 404
    with pytest.raises(PermissionDenied403):
        services.protocol_transition(
            actor=s.harrowfield_coordinator,
            protocol=s.protocol,
            to_status=ProtocolStatus.IN_FORCE,
        )
    assert status_of(s.protocol) == ProtocolStatus.SUSPENDED
    assert AuditEvent.objects.filter(target_type="sharing.protocol").count() == 0


def test_a_person_of_a_party_reads_it_but_without_the_right_to_sign_gets_403() -> None:
    s = scene()
    client = page(s.unit_board_member)
    assert client.get(reverse("sharing:protocol-detail", args=[s.protocol.pk])).status_code == 200
    refused = client.get(reverse("sharing:protocol-status", args=[s.protocol.pk]))
    assert refused.status_code == 403
    assert "a coordinator of a partnership in which their own organisation" in (
        refused.content.decode()
    )
    answer = Client().post(
        api_path(s.protocol, "/status"),
        {"to_status": "ended", "reason": "No."},
        content_type="application/json",
        headers=api(s.unit_board_member),
    )
    assert answer.status_code == 403
    assert status_of(s.protocol) == ProtocolStatus.SUSPENDED


def test_the_signer_moves_it_and_every_partnership_a_party_sits_in_sees_it_audited() -> None:
    s = scene()
    client = page(s.kestlebury_coordinator)
    moved = client.post(
        reverse("sharing:protocol-status", args=[s.protocol.pk]),
        {"to_status": "in_force", **CONFIRMED},
    )
    assert moved.status_code == 302
    assert status_of(s.protocol) == ProtocolStatus.IN_FORCE
    events = AuditEvent.objects.filter(verb="PROTOCOL_IN_FORCE", target_id=str(s.protocol.pk))
    assert sorted(events.values_list("partnership_id", "scope", "actor_id")) == sorted(
        [
            (s.kestlebury.pk, AuditScope.PARTNERSHIP, s.kestlebury_coordinator.pk),
            (s.harrowfield.pk, AuditScope.PARTNERSHIP, s.kestlebury_coordinator.pk),
        ]
    )
    for coordinator, partnership, shown in (
        (s.kestlebury_coordinator, s.kestlebury, True),
        (s.harrowfield_coordinator, s.harrowfield, True),
        (s.elsewhere_coordinator, s.elsewhere, False),
    ):
        audit = page(coordinator).get(
            reverse("partnerships:partnership-audit", args=[partnership.pk])
        )
        assert audit.status_code == 200
        assert ("PROTOCOL_IN_FORCE" in audit.content.decode()) is shown, partnership
    # And by the API: ended, with a reason, and then nobody changes it any more.
    headers = api(s.kestlebury_coordinator)
    ended = Client().post(
        api_path(s.protocol, "/status"),
        {"to_status": "ended", "reason": "Replaced by a regional agreement."},
        content_type="application/json",
        headers=headers,
    )
    assert (ended.status_code, ended.json()["status"], ended.json()["may_manage"]) == (
        200,
        "ended",
        False,
    )
    assert sorted(
        AuditEvent.objects.filter(verb="PROTOCOL_ENDED").values_list("partnership_id", flat=True)
    ) == sorted([s.kestlebury.pk, s.harrowfield.pk])


def test_coordinators_of_partnerships_released_to_under_it_read_it_but_do_not_change_it() -> None:
    s = scene()
    product = BriefingProduct.objects.create(
        producing_organisation=s.unit,
        title="Regional picture",
        marking_id=_official(),
        protocol=s.protocol,
        status=ProductStatus.RELEASED,
    )
    product.recipients.set([s.harrowfield])
    coordinator = page(s.harrowfield_coordinator)
    detail = reverse("sharing:protocol-detail", args=[s.protocol.pk])
    assert coordinator.get(detail).status_code == 200
    assert coordinator.get(
        reverse("sharing:protocol-status", args=[s.protocol.pk])
    ).status_code == (403)
    # Its viewers still do not: reading the terms is the coordinator's business.
    assert page(s.harrowfield_viewer).get(detail).status_code == 404


def test_editing_is_the_signers_alone_and_audited_for_every_partnership() -> None:
    s = scene()
    values: dict[str, Any] = {
        name: getattr(s.protocol, name)
        for name in (
            "title",
            "purpose",
            "legal_basis",
            "dpia_reference",
            "information_shared",
            "who_may_see",
            "handling",
            "retention_days",
            "review_on",
        )
    }
    parties = list(s.protocol.parties.all())
    for outsider in (s.harrowfield_coordinator, s.unit_board_member):
        facts_forget(outsider)
        with pytest.raises(PermissionDenied403):
            services.protocol_update(actor=outsider, protocol=s.protocol, parties=parties, **values)
    facts_forget(s.kestlebury_coordinator)
    services.protocol_update(
        actor=s.kestlebury_coordinator,
        protocol=s.protocol,
        parties=parties,
        **{**values, "handling": "Encrypted at rest."},
    )
    assert sorted(
        AuditEvent.objects.filter(verb="PROTOCOL_UPDATED").values_list("partnership_id", flat=True)
    ) == sorted([s.kestlebury.pk, s.harrowfield.pk])


def test_a_product_cannot_name_a_protocol_its_author_may_not_see() -> None:
    s = scene()
    # The Harrowfield council's coordinator, with no clearance needed for OFFICIAL.
    facts_forget(s.harrowfield_coordinator)
    assert not protocol_policy.user_can(s.harrowfield_coordinator, "view", s.protocol)
    answer = Client().post(
        "/api/v1/sharing/products",
        {"title": "Draft", "marking": "official", "protocol_id": s.protocol.pk},
        content_type="application/json",
        headers=api(s.harrowfield_coordinator),
    )
    assert answer.status_code == 400
    missing = Client().post(
        "/api/v1/sharing/products",
        {"title": "Draft", "marking": "official", "protocol_id": 987654},
        content_type="application/json",
        headers=api(s.harrowfield_coordinator),
    )
    assert (missing.status_code, missing.json()) == (answer.status_code, answer.json())


def _official() -> int:
    from lde.core.access.markings import Marking

    return Marking.objects.get(code="official").pk


def test_once_signed_the_parties_cannot_be_changed_by_editing() -> None:
    """A signer could otherwise bring an unsigned organisation into a protocol in force, and its
    people would pass the gateway rule's protocol clause."""
    s = scene()
    values: dict[str, Any] = {
        name: getattr(s.protocol, name)
        for name in (
            "title",
            "purpose",
            "legal_basis",
            "dpia_reference",
            "information_shared",
            "who_may_see",
            "handling",
            "retention_days",
            "review_on",
        )
    }
    newcomer = OrganisationFactory(name="Kestlebury Youth Club")
    facts_forget(s.kestlebury_coordinator)
    from django.core.exceptions import ValidationError

    for parties in ([*s.protocol.parties.all(), newcomer], [s.kestlebury.lead_council]):
        with pytest.raises(ValidationError) as refused:
            services.protocol_update(
                actor=s.kestlebury_coordinator, protocol=s.protocol, parties=parties, **values
            )
        assert refused.value.message_dict == {
            "parties": [
                "The parties can change only while the protocol is a draft: to add or remove a "
                "party, end this protocol and agree a new one"
            ]
        }
    assert sorted(s.protocol.parties.values_list("pk", flat=True)) == sorted(
        [s.kestlebury.lead_council.pk, s.unit.pk]
    )
