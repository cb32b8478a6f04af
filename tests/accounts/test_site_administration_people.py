"""People and their site-wide grants in site administration (issue 18): the service's rules and
refusals, the pages (list, person, change with confirmation), and the list's constant queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lde.accounts.models import ApiToken, User
from lde.accounts.services import api_token_create, user_access_change
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _admin(**fields: Any) -> User:
    return UserFactory(is_site_administrator=True, **fields)


def _change(actor: User | None, user: User, **fields: Any) -> User:
    wanted = {
        "organisation": user.organisation,
        "is_active": user.is_active,
        "is_site_administrator": user.is_site_administrator,
        "is_national_analyst": user.is_national_analyst,
        **fields,
    }
    return user_access_change(actor=actor, user=user, **wanted)


def _live_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


# The service -------------------------------------------------------------------------------


def test_a_site_administrator_changes_someones_grants_audited_and_their_tokens_revoked() -> None:
    administrator, person = _admin(), UserFactory()
    council = OrganisationFactory()
    api_token_create(actor=person, name="script")
    _change(administrator, person, is_national_analyst=True, organisation=council)
    person.refresh_from_db()
    assert person.is_national_analyst is True
    assert person.organisation_id == council.pk
    assert _live_tokens(person) == 0
    event = AuditEvent.objects.get(verb="USER_ACCESS_CHANGED")
    assert event.actor_id == administrator.pk
    # The trail keeps what changed (its values hashed, as every event's).
    assert set(json.loads(event.payload)["changes"]) == {"is_national_analyst", "organisation"}


def test_nothing_changed_records_nothing_and_keeps_the_tokens() -> None:
    administrator, person = _admin(), UserFactory()
    api_token_create(actor=person, name="script")
    _change(administrator, person)
    assert _live_tokens(person) == 1
    assert not AuditEvent.objects.filter(verb="USER_ACCESS_CHANGED").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"is_site_administrator": False},
        {"is_active": False},
        {"is_national_analyst": True},
        {"organisation": None},
    ],
)
def test_nobody_changes_their_own_access(fields: dict[str, Any]) -> None:
    administrator = _admin(organisation=OrganisationFactory())
    _admin()  # another administrator, so the refusal is not about the last one
    with pytest.raises(PermissionDenied403) as refused:
        _change(administrator, administrator, **fields)
    assert "another site administrator" in refused.value.who_can
    administrator.refresh_from_db()
    assert administrator.is_site_administrator and administrator.is_active


@pytest.mark.parametrize("role", [{}, {"is_national_analyst": True}])
def test_only_site_administrators_change_access(role: dict[str, Any]) -> None:
    actor, person = UserFactory(**role), UserFactory()
    with pytest.raises(PermissionDenied403):
        _change(actor, person, is_site_administrator=True)
    person.refresh_from_db()
    assert person.is_site_administrator is False


def test_an_administrator_removed_a_moment_ago_changes_nothing() -> None:
    """Two administrators removing each other at once: the second finds they are no longer one
    (their row re-read under the lock), so the site keeps an administrator."""
    first, second = _admin(), _admin()
    stale_second = User.objects.get(pk=second.pk)
    from lde.core.access.facts import facts_for

    facts_for(stale_second)  # the facts of a request that started before the change
    _change(first, second, is_site_administrator=False)
    with pytest.raises(PermissionDenied403):
        _change(stale_second, first, is_site_administrator=False)
    first.refresh_from_db()
    assert first.is_site_administrator is True


@pytest.mark.parametrize("fields", [{"is_site_administrator": False}, {"is_active": False}])
def test_the_last_active_site_administrator_is_kept(fields: dict[str, Any]) -> None:
    """By the platform itself (a setup command, `actor` None): a person cannot change their own
    grants, so the last administrator is only ever at risk from outside the pages."""
    only = _admin()
    _admin(is_active=False)  # a closed account is not an administrator who can act
    with pytest.raises(ValidationError) as refused:
        _change(None, only, **fields)
    assert "at least one active site administrator" in str(refused.value)
    only.refresh_from_db()
    assert only.is_site_administrator and only.is_active


def test_an_unknown_organisation_is_refused() -> None:
    administrator, person = _admin(), UserFactory()
    gone = OrganisationFactory()
    gone.delete()
    with pytest.raises(ValidationError) as refused:
        _change(administrator, person, organisation=gone)
    assert "organisation" in refused.value.message_dict


# The pages ---------------------------------------------------------------------------------


def test_the_people_list_searches_and_pages(client: Client) -> None:
    administrator = _admin(full_name="Ada Administrator")
    for i in range(55):
        UserFactory(full_name=f"Person {i:02d}", email=f"person{i:02d}@example.org")
    UserFactory(full_name="Zed Analyst", email="zed@council.example.org", is_national_analyst=True)
    sign_in(client, administrator)
    first = client.get(reverse("accounts:person-list"))
    assert first.status_code == 200
    assert "57 people, page 1 of 2" in first.text
    second = client.get(reverse("accounts:person-list"), {"page": 2})
    assert "Zed Analyst" in second.text and "National analyst" in second.text
    found = client.get(reverse("accounts:person-list"), {"q": "council.example"})
    assert "1 person." in found.text and "Zed Analyst" in found.text
    assert "Person 01" not in found.text


def test_the_people_list_takes_the_same_queries_for_10_or_100_people(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    administrator = _admin()
    sign_in(client, administrator)
    counts = []
    for total in (10, 100):
        while User.objects.count() < total:
            UserFactory(organisation=OrganisationFactory())
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:person-list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("accounts:person-list"), {"page": 2})


@pytest.mark.parametrize("role", [{}, {"is_national_analyst": True}])
def test_people_pages_are_for_site_administrators_only(
    client: Client, role: dict[str, Any]
) -> None:
    person = UserFactory()
    sign_in(client, UserFactory(**role))
    listed = client.get(reverse("accounts:person-list"))
    assert listed.status_code == 403
    assert "Site administrators" in listed.text
    assert client.get(reverse("accounts:person-detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("accounts:person-access-change", args=[person.pk])).status_code == 404


def test_granting_site_administrator_is_confirmed_then_done(client: Client) -> None:
    administrator, person = _admin(), UserFactory()
    sign_in(client, administrator)
    url = reverse("accounts:person-access-change", args=[person.pk])
    body = {"organisation": "", "is_active": "on", "is_site_administrator": "on"}
    asked = client.post(url, body)
    assert asked.status_code == 200
    assert "Change their access" in asked.text
    person.refresh_from_db()
    assert person.is_site_administrator is False  # nothing done before the confirmation
    done = client.post(url, {**body, "confirmed": "yes"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.is_site_administrator is True


def test_a_national_analyst_grant_needs_no_confirmation(client: Client) -> None:
    administrator, person = _admin(), UserFactory()
    api_token_create(actor=person, name="script")
    sign_in(client, administrator)
    url = reverse("accounts:person-access-change", args=[person.pk])
    done = client.post(url, {"organisation": "", "is_active": "on", "is_national_analyst": "on"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.is_national_analyst is True
    assert _live_tokens(person) == 0


def test_an_unknown_organisation_gets_the_error_summary(client: Client) -> None:
    administrator, person = _admin(), UserFactory()
    sign_in(client, administrator)
    url = reverse("accounts:person-access-change", args=[person.pk])
    refused = client.post(url, {"organisation": "999999", "is_active": "on"})
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert "Choose an organisation from the list" in refused.text


def test_an_administrators_own_page_says_who_changes_their_grants(client: Client) -> None:
    administrator = _admin()
    sign_in(client, administrator)
    own = client.get(reverse("accounts:person-detail", args=[administrator.pk]))
    assert own.status_code == 200
    assert "You cannot change your own" in own.text
    refused = client.post(
        reverse("accounts:person-access-change", args=[administrator.pk]),
        {"organisation": "", "is_active": "on", "is_national_analyst": "on"},
    )
    assert refused.status_code == 403
    assert "another site administrator" in refused.text
    administrator.refresh_from_db()
    assert administrator.is_national_analyst is False


def test_the_home_panel_links_site_administrators_to_the_people(client: Client) -> None:
    sign_in(client, _admin())
    home = client.get(reverse("core:home"))
    assert reverse("accounts:person-list") in home.text
