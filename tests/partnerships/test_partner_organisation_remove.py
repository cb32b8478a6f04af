"""Taking a partner organisation out of a partnership (ADR 0028): the service
partner_organisation_remove, who may (the coordinators, who add partners), what keeps an
organisation a partner (refused, counted and named), the page with its confirmation, and the
audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lde.accounts.models import OrganisationType
from lde.core.audit.models import AuditEvent
from lde.core.audit.sentences import VERB_PHRASES
from lde.partnerships.models import Membership, PartnerOrganisation, Role, StrategicPost
from lde.partnerships.selectors import (
    PARTNER_DEPENDENTS,
    PartnerDependents,
    partner_dependents_register,
    partner_organisation_dependents,
)
from lde.partnerships.services import partner_organisation_remove
from tests.conftest import sign_in
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def partnership() -> Any:
    return PartnershipFactory(name="Oakfield")


@pytest.fixture
def coordinator(partnership: Any) -> Any:
    return MembershipFactory(
        partnership=partnership,
        role=Role.COORDINATOR,
        user__full_name="Cara Coordinator",
        user__organisation=partnership.lead_council,
        organisation=partnership.lead_council,
    ).user


@pytest.fixture
def partner(partnership: Any) -> Any:
    organisation = OrganisationFactory(name="Oakfield Schools Trust", type=OrganisationType.OTHER)
    PartnerOrganisation.objects.create(partnership=partnership, organisation=organisation)
    return organisation


def _is_partner(partnership: Any, organisation: Any) -> bool:
    return PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=organisation
    ).exists()


def test_a_coordinator_removes_a_partner_and_it_is_audited(
    partnership: Any, coordinator: Any, partner: Any
) -> None:
    partner_organisation_remove(actor=coordinator, partnership=partnership, organisation=partner)
    assert not _is_partner(partnership, partner)
    event = AuditEvent.objects.get(verb="PARTNER_ORGANISATION_REMOVED")
    assert (event.actor_id, event.scope, event.partnership_id) == (
        coordinator.pk,
        "partnership",
        partnership.pk,
    )
    assert VERB_PHRASES["PARTNER_ORGANISATION_REMOVED"] == "removed a partner organisation"


def test_an_organisation_that_is_not_a_partner_is_refused(
    partnership: Any, coordinator: Any
) -> None:
    stranger = OrganisationFactory(name="Elsewhere Council")
    with pytest.raises(ValidationError) as refused:
        partner_organisation_remove(
            actor=coordinator, partnership=partnership, organisation=stranger
        )
    assert refused.value.message_dict == {
        "organisation": ["Elsewhere Council is not a partner of Oakfield"]
    }
    assert not AuditEvent.objects.filter(verb="PARTNER_ORGANISATION_REMOVED").exists()


def test_what_depends_on_a_partner_is_counted_and_named_and_nothing_changes(
    partnership: Any, coordinator: Any, partner: Any
) -> None:
    for name, role in [("Bea Board", Role.BOARD_MEMBER), ("Al Viewer", Role.VIEWER)]:
        MembershipFactory(
            partnership=partnership,
            role=role,
            user__full_name=name,
            user__organisation=partner,
            organisation=partner,
        )
    StrategicPost.objects.create(
        partnership=partnership,
        post=PostFactory(organisation=partner, title="Chief Executive Officer"),
        named_by=coordinator,
    )
    with pytest.raises(ValidationError) as refused:
        partner_organisation_remove(
            actor=coordinator, partnership=partnership, organisation=partner
        )
    assert refused.value.message_dict == {
        "organisation": [
            "2 roles are held by people who represent it (Al Viewer, viewer, Bea Board, board "
            "member): remove them first",
            "1 of its posts is named as strategic for briefing coverage (Chief Executive "
            "Officer): stop naming it first",
        ]
    }
    assert _is_partner(partnership, partner)
    assert not AuditEvent.objects.filter(verb="PARTNER_ORGANISATION_REMOVED").exists()


def test_the_lead_council_and_a_named_bcu_stay_partners(partnership: Any, coordinator: Any) -> None:
    bcu = OrganisationFactory(name="Oakfield BCU", type=OrganisationType.POLICE_BCU)
    partnership.police_bcus.add(bcu)
    PartnerOrganisation.objects.create(partnership=partnership, organisation=bcu)
    council = partnership.lead_council
    assert partner_organisation_dependents(partnership=partnership, organisation=bcu) == [
        "Oakfield BCU is one of the partnership's police basic command units: a site "
        "administrator takes it off the partnership first"
    ]
    # The coordinator represents the lead council, so it is held twice over.
    assert partner_organisation_dependents(partnership=partnership, organisation=council) == [
        f"{council.name} is the partnership's lead council: a site administrator names "
        "another lead council first",
        "1 role is held by people who represent it (Cara Coordinator, coordinator): remove it "
        "first",
    ]


def test_an_app_above_registers_what_depends_on_a_partner(
    partnership: Any, coordinator: Any, partner: Any
) -> None:
    saved = dict(PARTNER_DEPENDENTS)
    try:
        partner_dependents_register(
            "tests.widgets",
            PartnerDependents(
                singular="widget it keeps",
                plural="widgets it keeps",
                remedy="hand them over first",
                count=lambda *, partnership_id, organisation_id: (
                    1200 if (partnership_id, organisation_id) == (partnership.pk, partner.pk) else 0
                ),
            ),
        )
        assert partner_organisation_dependents(partnership=partnership, organisation=partner) == [
            "1,200 widgets it keeps: hand them over first"
        ]
        other = PartnershipFactory()
        assert partner_organisation_dependents(partnership=other, organisation=partner) == []
    finally:
        PARTNER_DEPENDENTS.clear()
        PARTNER_DEPENDENTS.update(saved)


# --- Who may: the coordinators, as for adding one (permissions.md: "partnership profile,
# members, posts": coordinator R W; PartnershipPolicy `manage`) ---------------------------------

SUBJECTS = st.fixed_dictionaries(
    {
        "roles": st.sets(st.sampled_from(Role.values)),
        "roles_elsewhere": st.sets(st.sampled_from(Role.values)),
        "inspector": st.booleans(),
        "site_administrator": st.booleans(),
        "national_analyst": st.booleans(),
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=SUBJECTS)
def test_only_a_coordinator_of_the_partnership_removes_a_partner(
    subject: dict[str, Any],
) -> None:
    """Whatever else a person holds (roles here and elsewhere, a live inspector's assignment,
    the site-wide grants), they may take a partner out exactly when they coordinate this
    partnership; a refusal changes and records nothing."""
    with transaction.atomic():
        partnership, elsewhere = PartnershipFactory(), PartnershipFactory()
        organisation = OrganisationFactory(type=OrganisationType.OTHER)
        PartnerOrganisation.objects.create(partnership=partnership, organisation=organisation)
        actor = UserFactory(
            is_site_administrator=subject["site_administrator"],
            is_national_analyst=subject["national_analyst"],
        )
        for role in subject["roles"]:
            Membership.objects.create(user=actor, partnership=partnership, role=role)
        for role in subject["roles_elsewhere"]:
            Membership.objects.create(user=actor, partnership=elsewhere, role=role)
        if subject["inspector"]:
            AssignmentFactory(user=actor).partnerships.set([partnership])
        allowed = Role.COORDINATOR in subject["roles"]
        try:
            partner_organisation_remove(
                actor=actor, partnership=partnership, organisation=organisation
            )
        except PermissionDenied:
            assert not allowed
            assert _is_partner(partnership, organisation)
            assert not AuditEvent.objects.filter(verb="PARTNER_ORGANISATION_REMOVED").exists()
        else:
            assert allowed
            assert not _is_partner(partnership, organisation)
        transaction.set_rollback(True)


# --- The pages ------------------------------------------------------------------------------


def test_the_partnership_page_links_each_partner_to_its_removal_for_coordinators_only(
    client: Client, partnership: Any, coordinator: Any, partner: Any
) -> None:
    url = f"/partnerships/{partnership.pk}/organisations/{partner.pk}/remove/"
    page = sign_in(client, coordinator).get(f"/partnerships/{partnership.pk}/")
    assert url in page.content.decode()
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    page = sign_in(Client(), viewer).get(f"/partnerships/{partnership.pk}/")
    assert page.status_code == 200 and url not in page.content.decode()


def test_a_partner_is_removed_through_the_confirmation_page(
    client: Client, partnership: Any, coordinator: Any, partner: Any
) -> None:
    sign_in(client, coordinator)
    url = f"/partnerships/{partnership.pk}/organisations/{partner.pk}/remove/"
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    body = confirmation.content.decode()
    assert "Remove Oakfield Schools Trust from Oakfield" in body
    assert "Remove this partner organisation" in body
    # A POST without the confirmation's own field is shown the confirmation and changes nothing.
    assert client.post(url).status_code == 200
    assert _is_partner(partnership, partner)
    done = client.post(url, CONFIRMED)
    assert done.status_code == 302 and done["Location"] == f"/partnerships/{partnership.pk}/"
    assert not _is_partner(partnership, partner)
    assert AuditEvent.objects.filter(verb="PARTNER_ORGANISATION_REMOVED").count() == 1
    # Gone: its removal page is not found.
    assert client.get(url).status_code == 404


def test_the_page_refuses_with_what_depends_on_it_before_any_confirmation(
    client: Client, partnership: Any, coordinator: Any, partner: Any
) -> None:
    MembershipFactory(
        partnership=partnership,
        role=Role.CONTRIBUTOR,
        user__full_name="Con Tributor",
        user__organisation=partner,
        organisation=partner,
    )
    sign_in(client, coordinator)
    url = f"/partnerships/{partnership.pk}/organisations/{partner.pk}/remove/"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "You cannot remove Oakfield Schools Trust yet" in body
    assert "There is a problem" in body
    assert "1 role is held by people who represent it (Con Tributor, contributor)" in body
    assert "Remove this partner organisation" not in body
    refused = client.post(url, CONFIRMED)
    assert refused.status_code == 400
    assert "1 role is held by people who represent it" in refused.content.decode()
    assert _is_partner(partnership, partner)


def test_someone_who_is_not_a_coordinator_cannot_reach_the_page(
    partnership: Any, partner: Any
) -> None:
    url = f"/partnerships/{partnership.pk}/organisations/{partner.pk}/remove/"
    board = MembershipFactory(partnership=partnership, role=Role.BOARD_MEMBER).user
    assert sign_in(Client(), board).post(url, CONFIRMED).status_code == 403
    outsider = MembershipFactory(role=Role.COORDINATOR).user
    assert sign_in(Client(), outsider).get(url).status_code == 404
    assert _is_partner(partnership, partner)
