"""Devolved small grants (¶46): a pot delegated to a named front-line team (an organisation and
the post that holds it) with a per-grant limit; a light record of each grant (amount, purpose,
date, outcome), to an organisation only. The bad input of the issue, each refused by name; who
records (the holder of the post and the coordinators, nobody else); the pages; and the grants in
the public register and the 360Giving feed, which still validates."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import Organisation
from lde.commissioning import exports, services
from lde.commissioning.models import DevolvedPot, SmallGrant
from lde.core.access.policy import PermissionDenied403
from tests.conftest import date_input, sign_in

pytestmark = pytest.mark.django_db


def _pot(cworld: dict[str, Any]) -> DevolvedPot:
    return DevolvedPot.objects.get(pk=cworld["commissioning_pot_id"])


def _record(cworld: dict[str, Any], actor: Any, **changes: Any) -> SmallGrant:
    pot = _pot(cworld)
    fields = {
        "recipient": Organisation.objects.get(name="Matrix Youth Trust"),
        "amount": "100",
        "purpose": "Hall hire for a youth forum.",
        "awarded_on": timezone.localdate(),
        **changes,
    }
    return services.small_grant_record(actor=actor, pot=pot, **fields)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount": "-5"}, "amount", "cannot be negative"),
        ({"amount": "lots"}, "amount", "as a number"),
        ({"amount": "0"}, "amount", "more than £0"),
        ({"amount": "250.01"}, "amount", "The most one grant from this pot gives is £250.00"),
        ({"to_individual": True}, "to_individual", "Grants to individuals are not made here"),
        ({"recipient": None}, "recipient", "Choose the organisation"),
        ({"purpose": "Pay Sam, 07700 900123"}, "purpose", "personal-data guard"),
        ({"awarded_on": timezone.localdate() + timedelta(days=400)}, "awarded_on", "The pot runs"),
    ],
)
def test_a_bad_grant_is_refused_by_name(
    cworld: dict[str, Any], changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(cworld, cworld["commissioning_pot_holder"], **changes)
    assert words in refused.value.message_dict[field][0]
    assert _pot(cworld).grants.count() == 1


def test_a_grant_never_passes_what_is_left_in_the_pot(cworld: dict[str, Any]) -> None:
    holder = cworld["commissioning_pot_holder"]
    for _ in range(7):
        _record(cworld, holder, amount="250")  # 200 + 7 × 250 = 1,950 of 2,000
    with pytest.raises(ValidationError) as refused:
        _record(cworld, holder, amount="60")
    assert refused.value.message_dict == {"amount": ["Only £50.00 is left in the pot"]}
    _record(cworld, holder, amount="50")
    assert sum(g.amount for g in _pot(cworld).grants.all()) == Decimal("2000.00")


def test_the_holder_and_coordinators_record_and_nobody_else(cworld: dict[str, Any]) -> None:
    _record(cworld, cworld["commissioning_pot_holder"])
    _record(cworld, cworld["people"]["coordinator"])
    for role in ("board_member", "contributor", "viewer", "community_reviewer"):
        with pytest.raises(PermissionDenied403):
            _record(cworld, cworld["people"][role])
    with pytest.raises(PermissionDenied403):
        _record(cworld, cworld["commissioning_applicant"])


def test_a_pot_is_refused_a_limit_over_its_amount_or_a_post_of_another_team(
    cworld: dict[str, Any],
) -> None:
    pot = _pot(cworld)
    fields = {
        "actor": cworld["people"]["coordinator"],
        "partnership": pot.partnership,
        "name": "Another pot",
        "amount": "500",
        "per_grant_limit": "600",
        "team": pot.team,
        "holder_post": pot.holder_post,
        "starts_on": pot.starts_on,
        "ends_on": pot.ends_on,
    }
    with pytest.raises(ValidationError) as over:
        services.devolved_pot_add(**fields)
    assert "per_grant_limit" in over.value.message_dict
    other = Organisation.objects.get(name="Matrix Faith Centre")
    with pytest.raises(ValidationError) as elsewhere:
        services.devolved_pot_add(**{**fields, "per_grant_limit": "100", "team": other})
    assert "holder_post" in elsewhere.value.message_dict
    with pytest.raises(PermissionDenied403):
        services.devolved_pot_add(
            **{**fields, "per_grant_limit": "100", "actor": cworld["people"]["board_member"]}
        )


def test_the_holder_records_a_grant_and_its_outcome_on_the_pages(
    cworld: dict[str, Any], client: Client
) -> None:
    pot = _pot(cworld)
    sign_in(client, cworld["commissioning_pot_holder"])
    page = client.get(reverse("commissioning:pot-detail", args=[pot.pk])).content.decode()
    assert "£1,800 left" in page and "Record a small grant" in page
    url = reverse("commissioning:grant-record", args=[pot.pk])
    group = Organisation.objects.get(name="Matrix Youth Trust")
    form = {
        "recipient": str(group.pk),
        "amount": "300",
        "purpose": "Coaches for a trip.",
        **date_input("awarded_on", timezone.localdate()),
    }
    over = client.post(url, form).content.decode()
    assert "The most one grant from this pot gives is £250.00" in over
    assert client.post(url, {**form, "amount": "240"}).status_code == 302
    grant = pot.grants.get(amount=Decimal("240"))
    outcome = reverse("commissioning:grant-outcome", args=[grant.pk])
    assert client.post(outcome, {"outcome": "Thirty young people went."}).status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == "Thirty young people went."
    # The holder is no member of the partnership: its calls stay out of reach.
    partnership = cworld["partnership"]
    assert client.get(f"/commissioning/{partnership.pk}/").status_code == 404


def test_small_grants_are_in_the_register_and_the_feed_which_validates(
    cworld: dict[str, Any],
) -> None:
    Organisation.objects.filter(pk=cworld["partnership"].lead_council_id).update(
        org_id="GB-GSS-E08000025"
    )
    register = Client().get("/commissioning/public/register/").content.decode()
    assert "Kit for a girls&#x27; football session." in register
    body = Client().get("/commissioning/public/register/360giving.json")
    assert body.status_code == 200, body.content
    data = json.loads(body.content)
    assert exports.validate(data) == []
    small = [g for g in data["grants"] if "-small-" in g["id"]]
    assert len(small) == 1 and small[0]["amountAwarded"] == 200.0
    assert small[0]["recipientOrganization"][0]["id"] == "GB-CHC-1234567"
    assert small[0]["fromOpenCall"] == "No"


def test_the_pot_holder_s_home_page_names_the_pot_what_is_left_and_grants_without_outcome(
    cworld: dict[str, Any], client: Client
) -> None:
    pot = DevolvedPot.objects.get(pk=cworld["commissioning_pot_id"])
    sign_in(client, cworld["commissioning_pot_holder"], verified=True)
    home = client.get("/").content.decode()
    assert f'href="/commissioning/pots/{pot.pk}/"' in home
    assert "£1,800 left of £2,000, up to £250 a grant; 1 grant without an outcome yet" in home
