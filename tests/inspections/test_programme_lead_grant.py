"""The programme lead's site-wide grant (issue 17): given and removed by site administrators on
the people page and through `user_access_change`, never by oneself, audited, and revoking the
person's API tokens as every change of a grant does."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from lde.accounts.models import ApiToken, User
from lde.accounts.services import api_token_create, user_access_change
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.inspections.policies import programme_policy
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _grant(actor, person, value: bool):  # type: ignore[no-untyped-def]
    return user_access_change(
        actor=actor,
        user=person,
        organisation=person.organisation,
        is_active=person.is_active,
        is_site_administrator=person.is_site_administrator,
        is_national_analyst=person.is_national_analyst,
        is_programme_lead=value,
    )


def test_a_site_administrator_grants_and_removes_it_audited_and_tokens_revoked() -> None:
    administrator = UserFactory(is_site_administrator=True)
    person = UserFactory()
    api_token_create(actor=person, name="script")
    assert not programme_policy.user_can_in(person, "create")
    _grant(administrator, person, True)
    # A fresh copy, as the next request loads (this one holds the facts from before).
    person = User.objects.get(pk=person.pk)
    assert person.is_programme_lead is True
    assert facts_for(person).is_programme_lead is True
    assert programme_policy.user_can_in(person, "create")
    assert ApiToken.objects.filter(user=person, revoked_at__isnull=True).count() == 0
    event = AuditEvent.objects.filter(verb="USER_ACCESS_CHANGED").latest("pk")
    assert event.actor_id == administrator.pk
    assert set(json.loads(event.payload)["changes"]) == {"is_programme_lead"}
    _grant(administrator, person, False)
    person.refresh_from_db()
    assert person.is_programme_lead is False
    assert AuditEvent.objects.filter(verb="USER_ACCESS_CHANGED").count() == 2


def test_leaving_the_grant_out_leaves_it_as_it_is() -> None:
    administrator = UserFactory(is_site_administrator=True)
    person = UserFactory(is_programme_lead=True)
    user_access_change(
        actor=administrator,
        user=person,
        organisation=person.organisation,
        is_active=True,
        is_site_administrator=False,
        is_national_analyst=True,
    )
    person.refresh_from_db()
    assert (person.is_programme_lead, person.is_national_analyst) == (True, True)


def test_nobody_grants_it_to_themselves_and_only_site_administrators_grant_it() -> None:
    administrator = UserFactory(is_site_administrator=True)
    with pytest.raises(PermissionDenied403):
        _grant(administrator, administrator, True)
    lead = UserFactory(is_programme_lead=True)
    with pytest.raises(PermissionDenied403):
        _grant(lead, UserFactory(), True)
    administrator.refresh_from_db()
    assert administrator.is_programme_lead is False
    assert not AuditEvent.objects.filter(verb="USER_ACCESS_CHANGED").exists()


def test_the_people_page_gives_the_grant(client: Client) -> None:
    administrator = UserFactory(is_site_administrator=True)
    person = UserFactory()
    sign_in(client, administrator)
    url = reverse("accounts:person-access-change", kwargs={"account_id": person.pk})
    form = client.get(url)
    assert form.status_code == 200
    assert "Programme lead" in form.content.decode()
    done = client.post(url, {"organisation": "", "is_active": "on", "is_programme_lead": "on"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.is_programme_lead is True
    page = client.get(reverse("accounts:person-detail", kwargs={"account_id": person.pk}))
    assert "Programme lead" in page.content.decode()
