"""Commissioning's pages and API beyond the services: publishing, closing, submitting and deciding
each behind its confirmation page (nothing changes until the confirmation's own form comes
back); a draft call changed on its page and by the API; a call started and given criteria by
the API; an applicant bidding, changing and submitting with their own API token; and the pages'
query counts, which do not grow with the number of calls, bids, panellists and scores."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lde.accounts.models import Organisation
from lde.accounts.services import api_token_create
from lde.commissioning import services
from lde.commissioning.models import Bid, BidStatus, Call, CallStatus, Decision
from tests.commissioning.builders import applicant, bid, call
from tests.conftest import CONFIRMED, date_input, sign_in

pytestmark = pytest.mark.django_db


def _token(user: Any) -> str:
    _, raw = api_token_create(actor=user, name="test")
    return f"Bearer {raw}"


def _state(cworld: dict[str, Any], state: str) -> Call:
    return Call.objects.get(pk=cworld["states"]["call"][state]["call_id"])


# --- Confirmations --------------------------------------------------------------------------


def test_publishing_asks_first_and_a_plain_post_changes_nothing(
    cworld: dict[str, Any], client: Client
) -> None:
    draft = _state(cworld, "draft")
    sign_in(client, cworld["people"]["coordinator"])
    detail = client.get(reverse("commissioning:call-detail", args=[draft.pk])).content.decode()
    url = reverse("commissioning:call-publish", args=[draft.pk])
    assert f'href="{url}"' in detail and f'action="{url}"' not in detail
    page = client.get(url).content.decode()
    assert "Publish this call and open it for bids" in page
    assert "Anyone, signed in or not" in page and "cannot be taken back to draft" in page
    assert client.post(url).status_code == 200  # the confirmation page again
    assert Call.objects.get(pk=draft.pk).status == CallStatus.DRAFT
    done = client.post(url, CONFIRMED)
    assert done["Location"] == reverse("commissioning:call-detail", args=[draft.pk])
    assert Call.objects.get(pk=draft.pk).status == CallStatus.OPEN


def test_closing_asks_first(cworld: dict[str, Any], client: Client) -> None:
    open_ = _state(cworld, "open")
    sign_in(client, cworld["people"]["coordinator"])
    url = reverse("commissioning:call-close", args=[open_.pk])
    page = client.get(url).content.decode()
    assert "Close this call to bids" in page and "cannot be opened again" in page
    client.post(url)
    assert Call.objects.get(pk=open_.pk).status == CallStatus.OPEN
    client.post(url, CONFIRMED)
    assert Call.objects.get(pk=open_.pk).status == CallStatus.CLOSED


def test_submitting_asks_first_and_lists_what_the_guard_finds(
    cworld: dict[str, Any], client: Client
) -> None:
    user = cworld["commissioning_applicant"]
    open_ = _state(cworld, "open")
    draft = bid(user, open_, "Mentoring")
    Bid.objects.filter(pk=draft.pk).update(summary="Ring Sam on 07700 900123 to join.")
    sign_in(client, user, verified=False)
    url = reverse("commissioning:bid-submit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Submit this bid" in page and "personal-data guard" in page
    refused = client.post(url, CONFIRMED, follow=True).content.decode()
    assert "personal-data guard" in refused
    assert Bid.objects.get(pk=draft.pk).status == BidStatus.DRAFT
    Bid.objects.filter(pk=draft.pk).update(summary="Mentoring for young people, weekly.")
    assert "personal-data guard" not in client.get(url).content.decode()
    client.post(url)
    assert Bid.objects.get(pk=draft.pk).status == BidStatus.DRAFT
    client.post(url, CONFIRMED)
    assert Bid.objects.get(pk=draft.pk).status == BidStatus.SUBMITTED


def test_a_decision_is_checked_then_confirmed_with_what_was_chosen(
    cworld: dict[str, Any], client: Client
) -> None:
    submitted = Bid.objects.get(pk=cworld["commissioning_bid_id"])
    sign_in(client, cworld["people"]["coordinator"])
    url = reverse("commissioning:bid-decide", args=[submitted.pk])
    over = client.post(url, {"outcome": "award", "amount": "10000.01", "reasons": "Strong need."})
    assert over.status_code == 400
    assert "more than the call&#x27;s maximum" in over.content.decode()
    chosen = {"outcome": "award", "amount": "3500", "reasons": "Strong need."}
    page = client.post(url, chosen)
    text = page.content.decode()
    assert page.status_code == 200 and "Award this bid" in text
    assert "published in the public register" in text
    assert 'name="amount" value="3500"' in text and 'name="confirmed" value="yes"' in text
    assert not Decision.objects.filter(bid=submitted).exists()
    done = client.post(url, {**chosen, **CONFIRMED})
    assert done.status_code == 302
    decision = Decision.objects.get(bid=submitted)
    assert decision.amount == Decimal("3500.00") and decision.reasons == "Strong need."


# --- Changing a draft call ------------------------------------------------------------------


def test_a_draft_call_is_changed_on_its_page(cworld: dict[str, Any], client: Client) -> None:
    draft = _state(cworld, "draft")
    sign_in(client, cworld["people"]["coordinator"])
    url = reverse("commissioning:call-edit", args=[draft.pk])
    assert f'value="{draft.title}"' in client.get(url).content.decode()
    form = {
        "title": "Draft call, renamed",
        "purpose": draft.purpose,
        "eligibility": draft.eligibility,
        "maximum_amount": "-5",
        **date_input("opens_on", draft.opens_on),
        **date_input("closes_on", draft.closes_on),
    }
    assert "The maximum amount cannot be negative" in client.post(url, form).content.decode()
    saved = client.post(url, {**form, "maximum_amount": "7500"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Draft call, renamed" and draft.maximum_amount == Decimal("7500.00")
    # Once published it is fixed.
    open_ = _state(cworld, "open")
    assert client.get(reverse("commissioning:call-edit", args=[open_.pk])).status_code == 403


# --- The API --------------------------------------------------------------------------------

A = "/api/v1/commissioning"


def test_a_coordinator_starts_a_call_gives_it_criteria_and_changes_it_by_the_api(
    cworld: dict[str, Any], client: Client
) -> None:
    auth = _token(cworld["people"]["coordinator"])
    partnership = cworld["partnership"]
    body = {
        "title": "Schools fund",
        "purpose": "Work with schools.",
        "eligibility": "Voluntary groups.",
        "maximum_amount": "abc",
        "opens_on": "2030-01-01",
        "closes_on": "2030-03-01",
    }
    url = f"{A}/partnerships/{partnership.pk}/calls"
    bad = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert bad.status_code == 400 and "maximum_amount" in bad.json()["errors"]
    made = client.post(
        url,
        {**body, "maximum_amount": "6000"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert made.status_code == 201, made.content
    call_id = made.json()["id"]
    assert made.json()["status"] == "draft" and made.json()["partnership_ids"] == [partnership.pk]
    for title, weight, answer in (("Need", 70, 201), ("Reach", 40, 400), ("Reach", 30, 201)):
        added = client.post(
            f"{A}/calls/{call_id}/criteria",
            {"title": title, "weight": weight},
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )
        assert added.status_code == answer, added.content
    changed = client.put(
        f"{A}/calls/{call_id}",
        {"closes_on": "2029-12-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert changed.status_code == 400 and "closes_on" in changed.json()["errors"]
    changed = client.put(
        f"{A}/calls/{call_id}",
        {"title": "Schools fund 2030"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Schools fund 2030"
    assert [c["weight"] for c in changed.json()["criteria"]] == [70, 30]
    elsewhere = client.post(
        url,
        {**body, "maximum_amount": "6000", "also_for_partnership_ids": [999999]},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert elsewhere.status_code == 400
    assert "also_for_partnership_ids" in elsewhere.json()["errors"]


def test_an_applicant_bids_changes_and_submits_with_their_token(
    cworld: dict[str, Any], client: Client
) -> None:
    user = cworld["commissioning_applicant"]
    auth = _token(user)
    open_ = _state(cworld, "open")
    body = {"title": "Football", "summary": "Weekly sessions.", "amount": "10000.01"}
    url = f"{A}/calls/{open_.pk}/bids"
    over = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert over.status_code == 400 and "amount" in over.json()["errors"]
    individuals = client.post(
        url,
        {**body, "amount": "900", "to_individuals": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert individuals.status_code == 400 and "to_individuals" in individuals.json()["errors"]
    made = client.post(
        url, {**body, "amount": "900"}, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert made.status_code == 201 and made.json()["status"] == "draft"
    bid_id = made.json()["id"]
    leaky = client.put(
        f"{A}/bids/{bid_id}",
        {**body, "amount": "900", "summary": "Email coach.sam@example.org to join."},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert leaky.status_code == 200
    refused = client.post(f"{A}/bids/{bid_id}/submit", HTTP_AUTHORIZATION=auth)
    assert refused.status_code == 400 and "personal-data guard" in str(refused.json())
    client.put(
        f"{A}/bids/{bid_id}",
        {**body, "amount": "950"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    submitted = client.post(f"{A}/bids/{bid_id}/submit", HTTP_AUTHORIZATION=auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["amount"] == "950.00"
    again = client.put(
        f"{A}/bids/{bid_id}", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert again.status_code == 403
    # Another organisation's bid is not found; a coordinator is no applicant.
    other = cworld["commissioning_recused_bid_id"]
    assert client.post(f"{A}/bids/{other}/submit", HTTP_AUTHORIZATION=auth).status_code == 404
    coordinator = _token(cworld["people"]["coordinator"])
    refused = client.post(
        url,
        {**body, "amount": "900"},
        content_type="application/json",
        HTTP_AUTHORIZATION=coordinator,
    )
    assert refused.status_code == 403


# --- Query counts ---------------------------------------------------------------------------


def _grow(cworld: dict[str, Any], n: int) -> None:
    """`n` more calls in every state but draft, with bids, panellists, declarations and scores."""
    coordinator = cworld["people"]["coordinator"]
    board_member = cworld["people"]["board_member"]
    partnership = cworld["partnership"]
    start = Organisation.objects.filter(name__startswith="Growth group").count()
    for k in range(start, start + n):
        group = Organisation.objects.create(
            name=f"Growth group {k}", type="voluntary", org_id=f"GB-CHC-{5000000 + k}"
        )
        user = applicant(f"grow{k}@example.test", group)
        made = call(coordinator, partnership, f"Grown call {k}")
        made = services.call_publish(actor=coordinator, call=made)
        services.panel_name(actor=coordinator, call=made, user=board_member)
        bids = [bid(user, made, f"Grown bid {k}.{j}") for j in range(3)]
        for b in bids:
            services.bid_submit(actor=user, bid=b)
        made = services.call_close(actor=coordinator, call=made)
        services.interests_declare(actor=board_member, call=made)
        for b in bids:
            for criterion in made.criteria.all():
                services.score_record(
                    actor=board_member, bid=b, criterion=criterion, score=3, reason="Fair."
                )
        services.bid_decide(
            actor=coordinator, bid=bids[0], outcome="award", amount="1000", reasons="Good."
        )
    # More scores on the world's own closed call, from the board member.
    closed = _state(cworld, "closed")
    submitted = Bid.objects.get(pk=cworld["commissioning_bid_id"])
    for criterion in closed.criteria.all():
        services.score_record(
            actor=board_member, bid=submitted, criterion=criterion, score=2, reason="Some need."
        )


def _counts(cworld: dict[str, Any]) -> dict[str, int]:
    partnership = cworld["partnership"]
    closed = cworld["states"]["call"]["closed"]["call_id"]
    submitted = cworld["commissioning_bid_id"]
    pages: list[tuple[str, Callable[[dict[str, Any]], Client], str]] = [
        ("coordinator", _signed("coordinator"), f"/commissioning/{partnership.pk}/"),
        ("coordinator", _signed("coordinator"), f"/commissioning/calls/{closed}/"),
        ("coordinator", _signed("coordinator"), f"/commissioning/bids/{submitted}/"),
        ("board_member", _signed("board_member"), f"/commissioning/calls/{closed}/"),
        ("board_member", _signed("board_member"), f"/commissioning/bids/{submitted}/score/"),
        ("coordinator", _signed("coordinator"), f"/commissioning/bids/{submitted}/decision/"),
        ("applicant", _signed("applicant"), "/commissioning/applicant/"),
        ("anonymous", _signed(None), "/commissioning/public/"),
        ("anonymous", _signed(None), f"/commissioning/public/calls/{closed}/"),
        ("anonymous", _signed(None), "/commissioning/public/register/"),
    ]
    found = {}
    for who, sign, url in pages:
        client = sign(cworld)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (who, url)
        found[f"{who} {url}"] = len(queries)
    return found


def _signed(role: str | None) -> Callable[[dict[str, Any]], Client]:
    def sign(cworld: dict[str, Any]) -> Client:
        client = Client()
        if role == "applicant":
            sign_in(client, cworld["commissioning_applicant"], verified=False)
        elif role is not None:
            sign_in(client, cworld["people"][role])
        return client

    return sign


def test_commissioning_pages_queries_do_not_grow_with_the_data(cworld: dict[str, Any]) -> None:
    _grow(cworld, 1)
    before = _counts(cworld)
    _grow(cworld, 4)
    assert _counts(cworld) == before
