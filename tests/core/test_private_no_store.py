"""Every page sent to a signed-in user, and every API answer, is `Cache-Control: private,
no-store` (lde.core.middleware.PrivateNoStoreMiddleware); public pages seen signed out are not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lde.accounts.services import api_token_create
from lde.partnerships.models import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


def test_every_page_a_signed_in_user_is_sent_is_private_and_not_stored() -> None:
    membership = MembershipFactory(role=Role.COORDINATOR)
    client = sign_in(Client(), membership.user)
    answers = {
        path: client.get(path)
        for path in (
            reverse("core:home"),
            reverse("core:accessibility"),
            reverse("accounts:profile"),
            reverse("partnerships:partnership-list"),
            reverse("partnerships:partnership-detail", args=[membership.partnership_id]),
            reverse("sharing:protocol-list"),
            reverse("sharing:product-list"),
            reverse("sharing:product-detail", args=[987654]),
        )
    }
    assert {path: a.status_code for path, a in answers.items()} == {
        **dict.fromkeys(answers, 200),
        reverse("sharing:product-detail", args=[987654]): 404,
    }
    assert {path: a["Cache-Control"] for path, a in answers.items()} == dict.fromkeys(
        answers, NO_STORE
    )
    assert [path for path, a in answers.items() if a.has_header("Expires")] == []


def test_every_api_answer_is_private_and_not_stored_signed_in_or_not() -> None:
    user = MembershipFactory(role=Role.VIEWER).user
    _, raw = api_token_create(actor=user, name="test")
    signed = {"Authorization": f"Bearer {raw}"}
    client = Client()
    answers = [
        client.get("/api/v1/sharing/protocols", headers=signed),
        client.get("/api/v1/sharing/products", headers=signed),
        client.get("/api/v1/sharing/products/987654", headers=signed),
        client.post(
            "/api/v1/sharing/products",
            {"title": "T", "marking": "no-such-marking"},
            content_type="application/json",
            headers=signed,
        ),
        client.get("/api/v1/sharing/products"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 400, 401]
    assert [a["Cache-Control"] for a in answers] == [NO_STORE] * 5


def test_public_pages_seen_signed_out_keep_their_own_caching() -> None:
    answer = Client().get(reverse("core:accessibility"))
    assert answer.status_code == 200
    assert answer.get("Cache-Control") != NO_STORE
