"""Personal API tokens: every one expires within 90 days, and all of a person's tokens are
revoked when what that person may do changes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import ApiToken, Caveat, Post, PostHolding, PostKind, User
from lde.accounts.services import (
    api_token_create,
    api_tokens_revoke_for_roles_changed,
    caveat_grant_record,
    clearance_record,
    clearance_revoke,
    post_holder_change,
)
from lde.core.access.markings import VettingLevel
from lde.core.audit.models import AuditEvent
from lde.partnerships.models import AssignmentKind, Role
from lde.partnerships.services import (
    assignment_create,
    membership_change_role,
    membership_invite,
    membership_remove,
)
from tests.conftest import CONFIRMED, date_input, sign_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


# --- Expiry -------------------------------------------------------------------------------


def test_a_token_lasts_90_days_unless_asked_for_less() -> None:
    user = UserFactory()
    today = timezone.localdate()
    default, _ = api_token_create(actor=user, name="default")
    shorter, _ = api_token_create(actor=user, name="a week", expires_on=today + timedelta(days=7))
    assert default.expires_on == today + timedelta(days=90)
    assert shorter.expires_on == today + timedelta(days=7)


def test_a_token_for_longer_than_90_days_or_already_expired_is_refused() -> None:
    user = UserFactory()
    today = timezone.localdate()
    latest = today + timedelta(days=90)
    with pytest.raises(ValidationError) as too_long:
        api_token_create(actor=user, name="forever", expires_on=today + timedelta(days=91))
    assert too_long.value.message_dict == {
        "expires_on": [
            f"The expiry date must be within 90 days, on or before {latest.day} {latest:%B %Y}"
        ]
    }
    with pytest.raises(ValidationError) as past:
        api_token_create(actor=user, name="past", expires_on=today - timedelta(days=1))
    assert past.value.message_dict == {
        "expires_on": ["The expiry date must be today or in the future"]
    }
    assert ApiToken.objects.filter(user=user).count() == 0


def test_the_profile_form_refuses_a_token_for_longer_than_90_days(client: Client) -> None:
    user = UserFactory()
    sign_in(client, user)
    latest = timezone.localdate() + timedelta(days=90)
    refused = client.post(
        "/profile/tokens/",
        {"name": "forever", **date_input("expires_on", (latest + timedelta(days=1)).isoformat())},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert f"on or before {latest.day} {latest:%B %Y}" in page
    made = client.post("/profile/tokens/", {"name": "script", **date_input("expires_on", "")})
    assert made.status_code == 200
    assert f"It works until the end of {latest.day} {latest:%B %Y}" in made.content.decode()
    assert list(ApiToken.objects.filter(user=user).values_list("name", "expires_on")) == [
        ("script", latest)
    ]


def test_revoking_a_token_asks_first_and_then_it_stops_working(client: Client) -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="Board spreadsheet")
    sign_in(client, user)
    url = reverse("accounts:api-token-revoke", args=[token.pk])
    # The profile links to the confirmation; it does not revoke in one click.
    assert f'<a class="govuk-link" href="{url}">Revoke' in client.get("/profile/").content.decode()
    page = client.get(url).content.decode()
    assert "Revoke the token “Board spreadsheet”" in page
    assert "The token stops working at once" in page
    assert "Only you: your tokens are listed on your profile and nowhere else." in page
    assert "You cannot undo this: a revoked token never works again." in page
    assert ">Revoke this token</button>" in page
    assert client.post(url).status_code == 200  # not from the confirmation: nothing revoked
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    assert client.post(url, CONFIRMED).status_code == 302
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_a_token_works_through_its_expiry_date_and_not_after(client: Client) -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="script")
    today = timezone.localdate()
    ApiToken.objects.filter(pk=token.pk).update(expires_on=today)
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=today - timedelta(days=1))
    expired = client.get("/api/v1/me", headers=_bearer(raw))
    assert expired.status_code == 401
    assert expired.json() == {"detail": "Send a valid personal API token as a Bearer token."}


def test_last_used_is_written_once_a_minute_not_on_every_request(client: Client) -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="script")
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    # A minute later it is written again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first


def test_a_token_older_than_90_days_is_refused_whatever_its_row_says(client: Client) -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="script")
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=91),
        expires_on=timezone.localdate() + timedelta(days=365),
    )
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


# --- Revocation when roles change -----------------------------------------------------------


def _live(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def _revocations(user: User) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        verb="API_TOKENS_REVOKED_FOR_ROLES_CHANGED", target_id=str(user.pk)
    ).order_by("sequence")
    return [json.loads(event.payload)["detail"] for event in events]


def test_revoking_for_a_role_change_revokes_every_live_token_and_audits_it() -> None:
    user, bystander = UserFactory(), UserFactory()
    first, _ = api_token_create(actor=user, name="one")
    second, _ = api_token_create(actor=user, name="two")
    api_token_create(actor=bystander, name="theirs")
    assert api_tokens_revoke_for_roles_changed(actor=None, user=user, reason="TEST") == 2
    assert _live(user) == 0
    assert _live(bystander) == 1
    assert _revocations(user) == [{"reason": "TEST", "token_ids": sorted([first.pk, second.pk])}]
    # Nothing left to revoke: nothing is recorded.
    assert api_tokens_revoke_for_roles_changed(actor=None, user=user, reason="TEST") == 0
    assert len(_revocations(user)) == 1


def test_a_revoked_token_answers_401_after_a_role_change(client: Client) -> None:
    membership = MembershipFactory(role=Role.VIEWER)
    _, raw = api_token_create(actor=membership.user, name="script")
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    membership_change_role(actor=None, membership=membership, role=Role.BOARD_MEMBER)
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_membership_invite_change_and_removal_revoke_the_members_tokens() -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    person = UserFactory()
    api_token_create(actor=coordinator.user, name="coordinator's")

    api_token_create(actor=person, name="before invite")
    membership = membership_invite(
        actor=None,
        partnership=coordinator.partnership,
        email=person.email,
        full_name=person.full_name,
        role=Role.VIEWER,
    )
    assert _live(person) == 0

    api_token_create(actor=person, name="before change")
    membership_change_role(actor=None, membership=membership, role=Role.CONTRIBUTOR)
    assert _live(person) == 0

    api_token_create(actor=person, name="before removal")
    membership_remove(actor=None, membership=membership)
    assert _live(person) == 0

    assert [r["reason"] for r in _revocations(person)] == [
        "MEMBERSHIP_CREATED",
        "MEMBERSHIP_ROLE_CHANGED",
        "MEMBERSHIP_REMOVED",
    ]
    assert _live(coordinator.user) == 1


def test_an_assignment_revokes_the_assigned_persons_tokens() -> None:
    person = UserFactory()
    api_token_create(actor=person, name="script")
    today = timezone.localdate()
    assignment_create(
        actor=None,
        user=person,
        kind=AssignmentKind.INSPECTOR,
        title="Inspection",
        partnerships=[PartnershipFactory()],
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    assert _live(person) == 0
    assert [r["reason"] for r in _revocations(person)] == ["ASSIGNMENT_CREATED"]


def test_a_post_changing_hands_revokes_both_holders_tokens() -> None:
    post = PostFactory()
    old_holder = UserFactory(organisation=post.organisation)
    new_holder = UserFactory(organisation=post.organisation)
    post_holder_change(actor=None, post=post, holder=old_holder)
    api_token_create(actor=old_holder, name="old")
    api_token_create(actor=new_holder, name="new")
    post_holder_change(actor=None, post=post, holder=new_holder)
    assert (_live(old_holder), _live(new_holder)) == (0, 0)
    assert [r["reason"] for r in _revocations(new_holder)] == ["POST_HOLDER_CHANGED"]


def test_clearances_and_caveats_recorded_or_revoked_revoke_the_persons_tokens() -> None:
    organisation = OrganisationFactory()
    contact = UserFactory(organisation=organisation)
    post = Post.objects.create(
        organisation=organisation, kind=PostKind.SECURITY_CONTACT, title="Security Contact"
    )
    PostHolding.objects.create(
        post=post, user=contact, started_on=timezone.localdate() - timedelta(days=1)
    )
    person = UserFactory(organisation=organisation)
    today = timezone.localdate()

    api_token_create(actor=person, name="one")
    clearance = clearance_record(
        actor=contact,
        user=person,
        level=VettingLevel.SC,
        granted_on=today,
        expires_on=today + timedelta(days=365),
        sponsor=organisation,
    )
    assert _live(person) == 0

    api_token_create(actor=person, name="two")
    clearance_revoke(actor=contact, clearance=clearance)
    assert _live(person) == 0

    api_token_create(actor=person, name="three")
    caveat_grant_record(
        actor=contact,
        user=person,
        caveat=Caveat.objects.create(code="handling-group", name="Handling group"),
        sponsor=organisation,
        granted_on=today,
    )
    assert _live(person) == 0
    assert [r["reason"] for r in _revocations(person)] == [
        "CLEARANCE_RECORDED",
        "CLEARANCE_REVOKED",
        "CAVEAT_GRANTED",
    ]
    assert _live(contact) == 0  # the contact had none; recording revoked none of theirs
    assert _revocations(contact) == []


def test_a_site_wide_grant_changed_in_site_administration_revokes_the_persons_tokens(
    client: Client,
) -> None:
    administrator = UserFactory(is_site_administrator=True)
    person = UserFactory()
    api_token_create(actor=person, name="script")
    sign_in(client, administrator)
    changed = client.post(
        reverse("accounts:person-access-change", args=[person.pk]),
        {"organisation": "", "is_active": "on", "is_national_analyst": "on"},
    )
    assert changed.status_code == 302
    person.refresh_from_db()
    assert person.is_national_analyst is True
    assert _live(person) == 0
    assert [r["reason"] for r in _revocations(person)] == ["USER_ACCESS_CHANGED"]
