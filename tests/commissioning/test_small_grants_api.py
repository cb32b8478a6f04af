"""Devolved small grants through the API (¶46): the holder of the pot's post records a grant
and its outcome with their own token, as on the pages; the issue's bad input is refused with
the field named (400), a grant to an individual among it; a reader who does not record is
refused (403); a pot delegated through the API names a partner's post, or the field."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from lde.accounts.models import Organisation, Post, PostKind
from lde.accounts.services import api_token_create
from lde.commissioning.models import DevolvedPot, SmallGrant

A = "/api/v1/commissioning"


def _token(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


def _post(client: Client, url: str, body: dict[str, Any], auth: str, method: str = "post") -> Any:
    send = getattr(client, method)
    return send(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)


def test_the_holder_records_a_grant_and_its_outcome_and_bad_input_is_named(
    cworld: dict[str, Any], client: Client
) -> None:
    pot = DevolvedPot.objects.get(pk=cworld["commissioning_pot_id"])
    holder = _token(cworld["commissioning_pot_holder"])
    group = Organisation.objects.get(name="Matrix Youth Trust")
    body = {
        "recipient_id": group.pk,
        "amount": "120",
        "purpose": "Hall hire for a youth forum.",
        "awarded_on": timezone.localdate().isoformat(),
    }
    for changes, field in (
        ({"amount": "-5"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "250.01"}, "amount"),
        ({"to_individual": True}, "to_individual"),
        ({"recipient_id": cworld["people"]["coordinator"].organisation_id}, "recipient_id"),
        ({"purpose": "Pay Sam, 07700 900123"}, "purpose"),
        ({"awarded_on": "2099-01-01"}, "awarded_on"),
    ):
        refused = _post(client, f"{A}/pots/{pot.pk}/grants", {**body, **changes}, holder)
        assert refused.status_code == 400, (changes, refused.content)
        assert field in refused.json()["errors"], (changes, refused.json())
    assert SmallGrant.objects.filter(pot=pot).count() == 1

    made = _post(client, f"{A}/pots/{pot.pk}/grants", body, holder)
    assert made.status_code == 201, made.content
    grant = made.json()
    assert grant["recipient"] == "Matrix Youth Trust" and grant["amount"] == "120.00"
    assert grant["outcome"] == ""

    read = client.get(f"{A}/pots/{pot.pk}", HTTP_AUTHORIZATION=holder).json()
    assert read["given"] == "320.00" and read["left"] == "1680.00"
    assert read["grants"][0]["id"] == grant["id"] and len(read["grants"]) == 2

    url = f"{A}/small-grants/{grant['id']}/outcome"
    # An empty outcome fails the schema (422), before the service is asked.
    assert _post(client, url, {"outcome": ""}, holder, "put").status_code == 422
    done = _post(client, url, {"outcome": "Thirty young people came."}, holder, "put")
    assert done.status_code == 200 and done.json()["outcome"] == "Thirty young people came."

    viewer = _token(cworld["people"]["viewer"])
    assert _post(client, f"{A}/pots/{pot.pk}/grants", body, viewer).status_code == 403
    assert _post(client, url, {"outcome": "Changed."}, viewer, "put").status_code == 403
    listed = client.get(
        f"{A}/partnerships/{cworld['partnership'].pk}/pots", HTTP_AUTHORIZATION=viewer
    )
    assert [p["id"] for p in listed.json()] == [pot.pk]


def test_a_coordinator_delegates_a_pot_to_a_partners_post(
    cworld: dict[str, Any], client: Client
) -> None:
    coordinator = _token(cworld["people"]["coordinator"])
    partnership = cworld["partnership"]
    council = partnership.lead_council
    post = Post.objects.create(organisation=council, kind=PostKind.OTHER, title="Ward officer")
    outsider = Post.objects.get(pk=DevolvedPot.objects.get().holder_post_id)
    body = {
        "name": "Ward small grants",
        "amount": "1500",
        "per_grant_limit": "300",
        "team_id": council.pk,
        "holder_post_id": post.pk,
        "starts_on": "2030-04-01",
        "ends_on": "2031-03-31",
    }
    url = f"{A}/partnerships/{partnership.pk}/pots"
    # A post of an organisation that is not one of the partnership's partners is not a choice.
    bad = _post(client, url, {**body, "holder_post_id": outsider.pk}, coordinator)
    assert bad.status_code == 400 and "holder_post_id" in bad.json()["errors"]
    over = _post(client, url, {**body, "per_grant_limit": "2000"}, coordinator)
    assert over.status_code == 400 and "per_grant_limit" in over.json()["errors"]
    made = _post(client, url, body, coordinator)
    assert made.status_code == 201, made.content
    assert made.json()["holder_post"] == "Ward officer" and made.json()["grants"] == []
    assert DevolvedPot.objects.filter(name="Ward small grants").count() == 1
