"""The API: token authentication, answers under the policies, and declared errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lde.accounts.models import ApiToken
from lde.accounts.services import api_token_create, api_token_revoke
from lde.partnerships.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_tokens_are_stored_hashed_and_shown_once() -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="script")
    assert raw.startswith("lde_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.hint)
    assert stored.digest == ApiToken.digest_of(raw)


def test_me_answers_with_the_users_roles(client: Client) -> None:
    membership = MembershipFactory(role=Role.BOARD_MEMBER)
    _, raw = api_token_create(actor=membership.user, name="script")
    response = client.get("/api/v1/me", headers=_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == membership.user.email
    assert body["memberships"] == [
        {"partnership_id": membership.partnership_id, "role": "board_member"}
    ]


@pytest.mark.parametrize("header", ["", "Bearer nonsense", "Bearer lde_wrong", "Basic abc"])
def test_a_missing_or_wrong_token_gets_401(client: Client, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Send a valid personal API token as a Bearer token."}


def test_revoked_and_expired_tokens_get_401(client: Client) -> None:
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="old")
    api_token_revoke(actor=user, token=token)
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401
    expired, raw2 = api_token_create(actor=user, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert client.get("/api/v1/me", headers=_bearer(raw2)).status_code == 401


def test_another_partnerships_rows_answer_404_not_403(client: Client) -> None:
    mine = MembershipFactory(role=Role.COORDINATOR)
    theirs = MembershipFactory(role=Role.COORDINATOR)
    _, raw = api_token_create(actor=mine.user, name="script")
    response = client.get(f"/api/v1/partnerships/{theirs.partnership_id}", headers=_bearer(raw))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    missing = client.get("/api/v1/partnerships/999999", headers=_bearer(raw))
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


def test_coordinator_adds_a_member_and_bad_input_gets_field_errors(client: Client) -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    _, raw = api_token_create(actor=coordinator.user, name="script")
    url = f"/api/v1/partnerships/{coordinator.partnership_id}/memberships"
    bad = client.post(
        url,
        {"email": "not-an-email", "full_name": "", "role": "emperor"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert bad.status_code == 422
    fields = sorted(e["loc"][-1] for e in bad.json()["errors"])
    assert fields == ["email", "full_name", "role"]
    good = client.post(
        url,
        {"email": "New.Person@Example.test", "full_name": "New Person", "role": "viewer"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert good.status_code == 201
    assert good.json()["email"] == "new.person@example.test"
    assert (
        Membership.objects.filter(
            partnership_id=coordinator.partnership_id,
            user__email="new.person@example.test",
            role="viewer",
        ).count()
        == 1
    )
    again = client.post(
        url,
        {"email": "new.person@example.test", "full_name": "New Person", "role": "viewer"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert again.status_code == 409


def test_every_operation_declares_its_error_responses(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            # A public operation (no security requirement) cannot answer 401.
            errors = {"401", "422"} if operation.get("security") else {"422"}
            assert errors <= declared, (method, path)
            if "{" in path:
                assert "404" in declared, (method, path)
            if method == "post":
                assert {"400", "403", "404"} <= declared, (method, path)


def test_a_nul_character_anywhere_is_refused_with_422_and_nothing_written(client: Client) -> None:
    coordinator = MembershipFactory(role=Role.COORDINATOR)
    _, raw = api_token_create(actor=coordinator.user, name="script")
    searched = client.get("/api/v1/organisations?search=ab%00c", headers=_bearer(raw))
    assert searched.status_code == 422
    assert searched.json()["errors"] == [
        {
            "type": "null_character",
            "loc": ["query", "search"],
            "msg": "Text may not contain NUL (0x00).",
        }
    ]
    before = Membership.objects.count()
    posted = client.post(
        f"/api/v1/partnerships/{coordinator.partnership_id}/memberships",
        {"email": "a@example.test", "full_name": "A\u0000B", "role": "viewer"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert posted.status_code == 422
    assert [e["loc"] for e in posted.json()["errors"]] == [["body", "full_name"]]
    half = client.post(
        f"/api/v1/partnerships/{coordinator.partnership_id}/memberships",
        '{"email": "a@example.test", "full_name": "A\\ud800B", "role": "viewer"}',
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert half.status_code == 422
    assert half.json()["errors"][0]["type"] == "invalid_unicode"
    assert Membership.objects.count() == before
