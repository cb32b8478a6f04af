"""Revoking a clearance or a caveat: by the sponsor's security contact who works for the sponsor,
never their own, on a page that says what will happen and who will see it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import (
    ApiToken,
    Caveat,
    CaveatGrant,
    Clearance,
    Organisation,
    Post,
    PostHolding,
    PostKind,
    User,
)
from lde.accounts.services import caveat_grant_revoke, clearance_revoke
from lde.core.access.facts import facts_for, facts_forget
from lde.core.access.markings import VettingLevel
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from tests.conftest import CONFIRMED, sign_in
from tests.factories import ClearanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


class Vetting:
    def __init__(self) -> None:
        self.organisation: Organisation = OrganisationFactory(name="Harrowfield Council")
        self.contact: User = UserFactory(organisation=self.organisation, full_name="Sam Contact")
        post = Post.objects.create(
            organisation=self.organisation, kind=PostKind.SECURITY_CONTACT, title="Security"
        )
        PostHolding.objects.create(
            post=post, user=self.contact, started_on=timezone.localdate() - timedelta(days=5)
        )
        self.person: User = UserFactory(organisation=self.organisation, full_name="Pat Person")
        self.clearance: Clearance = ClearanceFactory(
            user=self.person,
            level=VettingLevel.SC,
            sponsor=self.organisation,
            recorded_by=self.contact,
        )
        self.caveat = Caveat.objects.create(code="handling-group", name="Handling group")
        self.grant = CaveatGrant.objects.create(
            user=self.person,
            caveat=self.caveat,
            sponsor=self.organisation,
            granted_on=timezone.localdate() - timedelta(days=3),
            recorded_by=self.contact,
        )


@pytest.fixture
def vetting() -> Vetting:
    return Vetting()


def _clearance_url(v: Vetting) -> str:
    return reverse("accounts:clearance-revoke", args=[v.organisation.pk, v.clearance.pk])


def _grant_url(v: Vetting) -> str:
    return reverse("accounts:caveat-grant-revoke", args=[v.organisation.pk, v.grant.pk])


def _events(verb: str) -> list[dict[str, Any]]:
    return [
        {
            "actor": e.actor_id,
            "target": e.target_id,
            "organisation": e.organisation_id,
            "detail": json.loads(e.payload)["detail"],
        }
        for e in AuditEvent.objects.filter(verb=verb).order_by("sequence")
    ]


def test_the_clearances_page_links_each_revocable_row_to_its_confirmation(vetting) -> None:
    own = ClearanceFactory(
        user=vetting.contact, sponsor=vetting.organisation, recorded_by=vetting.person
    )
    client = sign_in(Client(), vetting.contact)

    page = client.get(reverse("accounts:organisation-clearances", args=[vetting.organisation.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{_clearance_url(vetting)}"' in html
    assert f'href="{_grant_url(vetting)}"' in html
    # Their own clearance is listed but has no link: nobody revokes their own.
    assert reverse("accounts:clearance-revoke", args=[vetting.organisation.pk, own.pk]) not in html


def test_the_confirmation_says_what_happens_and_who_will_see_it(vetting) -> None:
    client = sign_in(Client(), vetting.contact)

    page = client.get(_clearance_url(vetting))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-xl">Revoke Pat Person&#x27;s clearance</h1>' in html
    assert "they no longer see briefing products whose marking needs it" in html
    assert "Their API tokens are revoked." in html
    assert "Pat Person sees it as revoked on their profile." in html
    assert ">Revoke this clearance</button>" in html
    assert "You cannot undo this: to restore it, record a new clearance." in html
    assert Clearance.objects.get(pk=vetting.clearance.pk).revoked_on is None  # GET changes nothing
    # Nor does a POST that is not the confirmation page's own form: it shows the page again.
    assert client.post(_clearance_url(vetting)).status_code == 200
    assert Clearance.objects.get(pk=vetting.clearance.pk).revoked_on is None


def test_revoking_a_clearance_takes_effect_at_once_and_is_audited(vetting) -> None:
    _raw, digest = ApiToken.generate()
    ApiToken.objects.create(user=vetting.person, name="t", digest=digest, hint=digest[:8])
    assert facts_for(vetting.person).clearance == VettingLevel.SC
    client = sign_in(Client(), vetting.contact)

    response = client.post(_clearance_url(vetting), CONFIRMED)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "accounts:organisation-clearances", args=[vetting.organisation.pk]
    )
    assert Clearance.objects.get(pk=vetting.clearance.pk).revoked_on == timezone.localdate()
    facts_forget(vetting.person)
    assert facts_for(vetting.person).clearance == 0
    assert ApiToken.objects.filter(user=vetting.person, revoked_at__isnull=True).count() == 0
    assert _events("CLEARANCE_REVOKED") == [
        {
            "actor": vetting.contact.pk,
            "target": str(vetting.clearance.pk),
            "organisation": vetting.organisation.pk,
            "detail": {"user": vetting.person.pk},
        }
    ]


def test_revoking_a_caveat_takes_effect_at_once_and_is_audited(vetting) -> None:
    assert facts_for(vetting.person).caveats == frozenset({"handling-group"})
    client = sign_in(Client(), vetting.contact)

    page = client.get(_grant_url(vetting))
    response = client.post(_grant_url(vetting), CONFIRMED)

    assert page.status_code == 200
    assert ">Revoke this caveat</button>" in page.content.decode()
    assert response.status_code == 302
    assert CaveatGrant.objects.get(pk=vetting.grant.pk).revoked_on == timezone.localdate()
    facts_forget(vetting.person)
    assert facts_for(vetting.person).caveats == frozenset()
    assert _events("CAVEAT_REVOKED") == [
        {
            "actor": vetting.contact.pk,
            "target": str(vetting.grant.pk),
            "organisation": vetting.organisation.pk,
            "detail": {"user": vetting.person.pk, "caveat": "handling-group"},
        }
    ]


def test_a_revoked_caveat_leaves_the_persons_profile(vetting) -> None:
    caveat_grant_revoke(actor=vetting.contact, grant=vetting.grant)

    page = sign_in(Client(), vetting.person).get(reverse("accounts:profile"))

    assert "Caveats you hold" not in page.content.decode()


def test_the_sponsor_revokes_after_the_person_has_moved_on(vetting) -> None:
    vetting.person.organisation = OrganisationFactory()
    vetting.person.save()

    clearance_revoke(actor=vetting.contact, clearance=vetting.clearance)

    assert Clearance.objects.get(pk=vetting.clearance.pk).revoked_on == timezone.localdate()


def test_nobody_revokes_their_own(vetting) -> None:
    own = ClearanceFactory(
        user=vetting.contact, sponsor=vetting.organisation, recorded_by=vetting.person
    )
    client = sign_in(Client(), vetting.contact)

    page = client.post(
        reverse("accounts:clearance-revoke", args=[vetting.organisation.pk, own.pk]), CONFIRMED
    )

    assert page.status_code == 403
    assert "nobody revokes their own" in page.content.decode()
    with pytest.raises(PermissionDenied403) as refused:
        clearance_revoke(actor=vetting.contact, clearance=own)
    assert (refused.value.message, refused.value.who_can) == (
        "You cannot revoke this clearance.",
        "The sponsoring organisation's security contact revokes a clearance not already "
        "revoked; nobody revokes their own.",
    )
    assert Clearance.objects.get(pk=own.pk).revoked_on is None


def test_a_security_contact_who_works_elsewhere_cannot_revoke(vetting) -> None:
    vetting.contact.organisation = OrganisationFactory()
    vetting.contact.save()

    with pytest.raises(PermissionDenied403) as refused:
        caveat_grant_revoke(actor=vetting.contact, grant=vetting.grant)
    assert refused.value.message == "You cannot revoke this caveat."
    assert CaveatGrant.objects.get(pk=vetting.grant.pk).revoked_on is None


def test_another_organisations_clearance_is_not_found_here(vetting) -> None:
    elsewhere = ClearanceFactory(recorded_by=vetting.contact)
    client = sign_in(Client(), vetting.contact)

    page = client.get(
        reverse("accounts:clearance-revoke", args=[vetting.organisation.pk, elsewhere.pk])
    )

    assert page.status_code == 404


def test_the_person_themselves_may_not_reach_the_page(vetting) -> None:
    client = sign_in(Client(), vetting.person)

    assert client.get(_clearance_url(vetting)).status_code == 403
    assert client.post(_grant_url(vetting), CONFIRMED).status_code == 403
    assert CaveatGrant.objects.get(pk=vetting.grant.pk).revoked_on is None


def test_revoking_twice_is_refused_in_the_services_voice(vetting) -> None:
    clearance_revoke(actor=vetting.contact, clearance=vetting.clearance)
    client = sign_in(Client(), vetting.contact)

    with pytest.raises(ValidationError) as refused:
        clearance_revoke(actor=vetting.contact, clearance=vetting.clearance)

    day = timezone.localdate()
    assert refused.value.message_dict == {
        "clearance": [f"This clearance was revoked on {day.day} {day:%B %Y}."]
    }
    # The page no longer offers it: revoking is for a clearance not already revoked.
    assert client.get(_clearance_url(vetting)).status_code == 403
