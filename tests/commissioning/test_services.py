"""Commissioning's services, pages, API and export, with the issue's bad input: negative or
non-numeric amounts, an award over the call's maximum, scores off the scale, a score before the
declaration, a panellist scoring a bid they are recused from (page and API), a 360Giving export
missing a required field, a bid holding personal identifiers, a grant to individuals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from lde.accounts.models import Organisation, User
from lde.commissioning import exports, services
from lde.commissioning.models import (
    Applicant,
    Bid,
    BidStatus,
    Call,
    CallStatus,
    CallTransition,
    Criterion,
    Registration,
    Score,
)
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.models import AuditEvent
from lde.core.mail import OutgoingEmail
from tests.commissioning.builders import bid as make_bid
from tests.commissioning.builders import call as make_call
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _closed(cworld: dict[str, Any]) -> Call:
    return Call.objects.get(pk=cworld["commissioning_closed_call_id"])


def _bid(cworld: dict[str, Any], name: str = "commissioning_bid_id") -> Bid:
    return Bid.objects.select_related("call").get(pk=cworld[name])


def _criterion(call: Call) -> Criterion:
    first = call.criteria.first()
    assert first is not None
    return first


# --- Calls ------------------------------------------------------------------------------------


def test_a_call_moves_draft_consultation_open_closed_decided_with_history(
    cworld: dict[str, Any],
) -> None:
    call = Call.objects.get(title="Decided call")
    moves = list(CallTransition.objects.filter(call=call).values_list("from_status", "to_status"))
    assert moves == [("draft", "open"), ("open", "closed"), ("closed", "decided")]
    consulted = Call.objects.get(title="Consulted call")
    assert consulted.status == CallStatus.CONSULTATION
    assert OutgoingEmail.objects.filter(
        kind="commissioning/email/consultation", to="community_reviewer@example.test"
    ).exists()
    assert AuditEvent.objects.filter(verb="CALL_SENT_FOR_CONSULTATION").count() == 1


def test_weights_must_sum_to_100_before_consultation(cworld: dict[str, Any]) -> None:
    coordinator = cworld["people"]["coordinator"]
    call = services.call_create(
        actor=coordinator,
        partnership=cworld["partnership"],
        title="Half-written",
        purpose="P",
        eligibility="E",
        maximum_amount="100",
        opens_on=_closed(cworld).opens_on,
        closes_on=_closed(cworld).closes_on,
    )
    services.criterion_add(actor=coordinator, call=call, title="Need", weight=70)
    with pytest.raises(ValidationError) as refused:
        services.call_consult(actor=coordinator, call=call)
    assert refused.value.message_dict == {
        "criteria": ["The criteria's weights sum to 70: they must sum to 100"]
    }
    with pytest.raises(ValidationError) as over:
        services.criterion_add(actor=coordinator, call=call, title="Cost", weight=40)
    assert "sum to 110" in over.value.message_dict["weight"][0]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The maximum amount cannot be negative"),
        ("lots", "Enter the maximum amount as a number, like 2500 or 2500.50"),
        ("0", "The maximum amount must be more than £0"),
    ],
)
def test_a_call_with_a_bad_maximum_is_refused(
    cworld: dict[str, Any], amount: str, message: str
) -> None:
    closed = _closed(cworld)
    with pytest.raises(ValidationError) as refused:
        services.call_create(
            actor=cworld["people"]["coordinator"],
            partnership=cworld["partnership"],
            title="Bad",
            purpose="P",
            eligibility="E",
            maximum_amount=amount,
            opens_on=closed.opens_on,
            closes_on=closed.closes_on,
        )
    assert refused.value.message_dict == {"maximum_amount": [message]}


# --- Bids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "The amount asked for cannot be negative"),
        ("ten pounds", "Enter the amount asked for as a number, like 2500 or 2500.50"),
        ("10000.01", "The most this call gives is £10,000.00: ask for that or less"),
        ("NaN", "Enter the amount asked for as a number, like 2500 or 2500.50"),
    ],
)
def test_a_bid_with_a_bad_amount_is_refused(
    cworld: dict[str, Any], amount: str, message: str
) -> None:
    call = Call.objects.get(pk=cworld["commissioning_call_id"])
    with pytest.raises(ValidationError) as refused:
        make_bid(cworld["commissioning_applicant"], call, "Bad bid", amount)
    assert refused.value.message_dict == {"amount": [message]}


def test_a_grant_to_individuals_is_refused_at_entry(cworld: dict[str, Any]) -> None:
    call = Call.objects.get(pk=cworld["commissioning_call_id"])
    with pytest.raises(ValidationError) as refused:
        services.bid_create(
            actor=cworld["commissioning_applicant"],
            call=call,
            title="Bursaries",
            summary="Small grants to young people.",
            amount="500",
            to_individuals=True,
        )
    assert list(refused.value.message_dict) == ["to_individuals"]
    assert "Grants to individuals are not made" in refused.value.message_dict["to_individuals"][0]


def test_a_bid_holding_personal_identifiers_is_listed_then_refused_at_submission(
    cworld: dict[str, Any], client: Client
) -> None:
    applicant = cworld["commissioning_applicant"]
    call = Call.objects.get(pk=cworld["commissioning_call_id"])
    bid = services.bid_create(
        actor=applicant,
        call=call,
        title="Mentoring",
        summary="Call the lead on 07700 900123 or write to mentor@example.org.",
        amount="900",
    )
    sign_in(client, applicant, verified=False)
    page = client.get(f"/commissioning/bids/{bid.pk}/").content.decode()
    assert "The personal-data guard found" in page
    assert "phone number in summary" in page or "summary" in page
    with pytest.raises(ValidationError) as refused:
        services.bid_submit(actor=applicant, bid=bid)
    assert "personal-data guard" in refused.value.message_dict["summary"][0]
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.DRAFT


def test_an_applicant_bids_and_submits_by_the_pages(cworld: dict[str, Any], client: Client) -> None:
    applicant = cworld["commissioning_applicant"]
    call = Call.objects.get(pk=cworld["commissioning_call_id"])
    sign_in(client, applicant, verified=False)
    refused = client.post(
        f"/commissioning/calls/{call.pk}/bids/new/",
        {"title": "Sport", "summary": "Football sessions.", "amount": "-3"},
    )
    assert refused.status_code == 200
    assert "The amount asked for cannot be negative" in refused.content.decode()
    made = client.post(
        f"/commissioning/calls/{call.pk}/bids/new/",
        {"title": "Sport", "summary": "Football sessions.", "amount": "1200"},
    )
    bid = Bid.objects.get(title="Sport")
    assert made["Location"] == f"/commissioning/bids/{bid.pk}/"
    client.post(f"/commissioning/bids/{bid.pk}/submit/", {"confirmed": "yes"})
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.SUBMITTED
    mine = client.get("/commissioning/applicant/").content.decode()
    assert "Sport" in mine and "Recused bid" not in mine


# --- Panel ------------------------------------------------------------------------------------


def test_a_score_before_the_declaration_is_refused(cworld: dict[str, Any]) -> None:
    coordinator = cworld["people"]["coordinator"]
    closed = _closed(cworld)
    late = User.objects.create(email="late@example.test", full_name="Late Member")
    from lde.partnerships.models import Membership, Role

    Membership.objects.create(user=late, partnership=cworld["partnership"], role=Role.BOARD_MEMBER)
    services.panel_name(actor=coordinator, call=closed, user=late)
    with pytest.raises(PermissionDenied403) as refused:
        services.score_record(
            actor=late, bid=_bid(cworld), criterion=_criterion(closed), score=3, reason="Good."
        )
    assert "Declare your interests" in refused.value.message
    assert not Score.objects.exists()


def test_a_recused_panellist_cannot_see_or_score_the_bid_page_or_api(
    cworld: dict[str, Any], client: Client
) -> None:
    conflicted = cworld["commissioning_conflicted"]
    recused = _bid(cworld, "commissioning_recused_bid_id")
    closed = _closed(cworld)
    with pytest.raises(PermissionDenied403) as refused:
        services.score_record(
            actor=conflicted, bid=recused, criterion=_criterion(closed), score=3, reason="Fine."
        )
    assert "recused" in refused.value.message
    sign_in(client, conflicted, verified=False)
    assert client.get(f"/commissioning/bids/{recused.pk}/").status_code == 404
    assert client.get(f"/commissioning/bids/{recused.pk}/score/").status_code == 404
    assert (
        client.post(
            f"/commissioning/bids/{recused.pk}/score/",
            {"criterion": _criterion(closed).pk, "score": "3", "reason": "Fine."},
        ).status_code
        == 404
    )
    listed = client.get(f"/commissioning/calls/{closed.pk}/").content.decode()
    assert "Recused bid" not in listed and "Closed bid" in listed
    from lde.accounts.models import ApiToken

    raw, digest = ApiToken.generate()
    ApiToken.objects.create(user=conflicted, name="t", digest=digest, hint=raw[:8])
    answer = Client().post(
        f"/api/v1/commissioning/calls/{closed.pk}/scores",
        {"bid_id": recused.pk, "criterion_id": _criterion(closed).pk, "score": 3, "reason": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 403
    assert not Score.objects.filter(bid=recused).exists()
    bids = (
        Client()
        .get(
            f"/api/v1/commissioning/calls/{closed.pk}/bids",
            headers={"Authorization": f"Bearer {raw}"},
        )
        .json()
    )
    assert [b["title"] for b in bids] == ["Closed bid"]


@pytest.mark.parametrize("score", ["6", "-1", "three"])
def test_a_score_off_the_scale_is_refused(cworld: dict[str, Any], score: str) -> None:
    closed = _closed(cworld)
    with pytest.raises(ValidationError) as refused:
        services.score_record(
            actor=cworld["people"]["board_member"],
            bid=_bid(cworld),
            criterion=_criterion(closed),
            score=score,
            reason="Reason.",
        )
    assert list(refused.value.message_dict) == ["score"]


def test_scores_weighted_and_disagreement_flagged_beyond_the_threshold(
    cworld: dict[str, Any],
) -> None:
    from lde.commissioning import selectors
    from lde.partnerships.models import Membership, Role

    coordinator = cworld["people"]["coordinator"]
    closed = _closed(cworld)
    second = User.objects.create(email="second@example.test", full_name="Second Member")
    Membership.objects.create(
        user=second, partnership=cworld["partnership"], role=Role.BOARD_MEMBER
    )
    services.panel_name(actor=coordinator, call=closed, user=second)
    services.interests_declare(actor=second, call=closed)
    bid = _bid(cworld)
    need, cost = list(closed.criteria.all())
    board = cworld["people"]["board_member"]
    services.score_record(actor=board, bid=bid, criterion=need, score=5, reason="Great need.")
    services.score_record(actor=second, bid=bid, criterion=need, score=1, reason="Little need.")
    services.score_record(actor=board, bid=bid, criterion=cost, score=4, reason="Fair.")
    services.score_record(actor=second, bid=bid, criterion=cost, score=4, reason="Fair.")
    [assessed] = selectors.assessments(call=closed, bids=[bid])
    assert [r.criterion.title for r in assessed.flagged] == ["Need"]
    # Need: mean 3 of 5 × 60 = 36; cost: 4 of 5 × 40 = 32.
    assert assessed.weighted == Decimal("68.0")
    services.panel_threshold_set(actor=coordinator, call=closed, threshold=4)
    [again] = selectors.assessments(call=Call.objects.get(pk=closed.pk), bids=[bid])
    assert again.flagged == []


# --- Decisions, letters, the register and the feed ---------------------------------------------


def test_an_award_over_the_maximum_is_refused_and_a_good_one_decides_the_call(
    cworld: dict[str, Any], client: Client
) -> None:
    coordinator = cworld["people"]["coordinator"]
    bid = _bid(cworld)
    with pytest.raises(ValidationError) as refused:
        services.bid_decide(
            actor=coordinator, bid=bid, outcome="award", amount="10000.50", reasons="Strong."
        )
    assert refused.value.message_dict == {
        "amount": ["The award cannot be more than the call's maximum, £10,000.00"]
    }
    with pytest.raises(ValidationError) as negative:
        services.bid_decide(
            actor=coordinator, bid=bid, outcome="award", amount="-4", reasons="Strong."
        )
    assert negative.value.message_dict == {"amount": ["The amount awarded cannot be negative"]}
    sign_in(client, coordinator)
    page = client.post(
        f"/commissioning/bids/{bid.pk}/decision/",
        {"outcome": "award", "amount": "abc", "reasons": "Strong."},
    )
    assert "Enter the amount awarded as a number" in page.content.decode()
    services.bid_decide(
        actor=coordinator, bid=bid, outcome="award", amount="3000", reasons="Strong need."
    )
    services.bid_decide(
        actor=coordinator,
        bid=_bid(cworld, "commissioning_recused_bid_id"),
        outcome="decline",
        reasons="Less need shown.",
    )
    assert Call.objects.get(pk=bid.call_id).status == CallStatus.DECIDED
    letter = client.get(f"/commissioning/bids/{bid.pk}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    register = Client().get("/commissioning/public/register/").content.decode()
    assert "Strong need." in register and "Less need shown." not in register


def test_the_360giving_feed_validates_and_a_missing_field_is_refused_by_name(
    cworld: dict[str, Any], tmp_path: Path
) -> None:
    council = cworld["partnership"].lead_council
    target = tmp_path / "grants.json"
    call_command("commissioning", "export-360giving", str(target))
    data = json.loads(target.read_text())
    assert exports.validate(data) == []
    # The award, then the world's small grant from its devolved pot.
    grant, small = data["grants"]
    assert small["id"].startswith("360G-preventlde-small-")
    assert grant["recipientOrganization"] == [
        {"id": "GB-CHC-1234567", "name": "Matrix Youth Trust"}
    ]
    assert grant["fundingOrganization"][0]["id"] == f"GB-GSS-{council.gss_code}"
    assert "recipientIndividual" not in grant
    # The schema itself refuses a grant without its recipient.
    broken = {**data, "grants": [{k: v for k, v in grant.items() if k != "recipientOrganization"}]}
    assert exports.validate(broken) != []
    Organisation.objects.filter(name="Matrix Youth Trust").update(org_id="")
    with pytest.raises(CommandError) as refused:
        call_command("commissioning", "export-360giving", str(target))
    assert "recipientOrganization.id" in str(refused.value)
    assert Client().get("/commissioning/public/register/360giving.json").status_code == 409


def test_the_spreadsheet_feed_has_the_standard_columns(cworld: dict[str, Any]) -> None:
    import io

    from openpyxl import load_workbook

    answer = Client().get("/commissioning/public/register/360giving.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.values)
    assert rows[0][:3] == ("Identifier", "Title", "Description")
    assert rows[1][7] == "Matrix Youth Trust"


def test_an_org_id_is_validated(db: None) -> None:
    organisation = Organisation(name="X", type="voluntary", org_id="GB-XYZ-1")
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "org_id" in refused.value.message_dict
    for good in ("GB-CHC-1234567", "GB-COH-01234567", "GB-GSS-E08000025", "360G-lde-7"):
        Organisation(name=f"Y {good}", type="voluntary", org_id=good).full_clean()


# --- Registration -----------------------------------------------------------------------------


def test_an_organisation_registers_itself_through_a_signed_link(db: None) -> None:
    client = Client()
    answer = client.post(
        "/commissioning/public/applicants/register/",
        {
            "organisation_name": "Riverside Youth Project",
            "organisation_type": "voluntary",
            "org_id": "GB-CHC-7654321",
            "full_name": "Sam Worker",
            "email": "sam@riverside.example",
            "password": "a long enough password",
        },
    )
    assert answer.status_code == 200 and "Check your email" in answer.content.decode()
    email = OutgoingEmail.objects.get(kind="commissioning/email/register")
    link = next(line for line in email.body.splitlines() if "/confirm/" in line)
    path = link[link.index("/commissioning/") :]
    confirmed = client.get(path)
    assert confirmed.status_code == 200
    applicant = Applicant.objects.get(user__email="sam@riverside.example")
    assert applicant.organisation.org_id == "GB-CHC-7654321"
    assert client.get(path).status_code == 400  # used once


def test_a_group_registered_without_an_org_id_is_published_under_the_fallback(
    cworld: dict[str, Any],
) -> None:
    """Found by the browser journey: a group that left the optional org-id empty, once awarded,
    stopped the whole public 360Giving feed (409, its grant had no recipientOrganization.id).
    Confirming the registration now gives it the standard's fallback identifier."""
    from tests.commissioning import builders

    client = Client()
    client.post(
        "/commissioning/public/applicants/register/",
        {
            "organisation_name": "Eastbank Neighbours Network",
            "organisation_type": "voluntary",
            "org_id": "",
            "full_name": "Alex Worker",
            "email": "alex@eastbank.example",
            "password": "a long enough password",
        },
    )
    email = OutgoingEmail.objects.get(kind="commissioning/email/register")
    link = next(line for line in email.body.splitlines() if "/confirm/" in line)
    assert client.get(link[link.index("/commissioning/") :]).status_code == 200
    applicant = Applicant.objects.select_related("organisation", "user").get(
        user__email="alex@eastbank.example"
    )
    group = applicant.organisation
    assert group.org_id == f"360G-preventlde-org-{group.pk}"
    group.full_clean()

    coordinator = cworld["people"]["coordinator"]
    made = builders.call(coordinator, cworld["partnership"], "Neighbourhood bridges fund")
    made = services.call_publish(actor=coordinator, call=made)
    bid = builders.bid(applicant.user, made, "Shared suppers")
    bid = services.bid_submit(actor=applicant.user, bid=bid)
    services.call_close(actor=coordinator, call=made)
    services.bid_decide(
        actor=coordinator, bid=bid, outcome="award", amount="5000", reasons="Strong need."
    )
    answer = Client().get("/commissioning/public/register/360giving.json")
    assert answer.status_code == 200, answer.content
    data = json.loads(answer.content)
    assert exports.validate(data) == []
    mine = [g for g in data["grants"] if g["title"] == "Shared suppers"]
    assert mine[0]["recipientOrganization"][0]["id"] == group.org_id


def test_an_expired_or_forged_link_is_refused(db: None) -> None:
    registration = Registration.objects.create(
        email="a@b.example",
        full_name="A",
        organisation_name="Old Group",
        organisation_type="faith",
        password_hash="x",
    )
    forged = signing.dumps({"r": registration.pk}, salt="another salt")
    with pytest.raises(ValidationError):
        services.registration_confirm(token=forged)
    from unittest import mock

    token = signing.dumps({"r": registration.pk}, salt=services.REGISTRATION_SALT)
    with (
        mock.patch("django.core.signing.time.time", return_value=10**11),
        pytest.raises(ValidationError) as expired,
    ):
        services.registration_confirm(token=token)
    assert expired.value.message_dict == {"token": ["The link has expired: register again"]}


def test_registration_refuses_a_public_body_and_a_claimed_organisation(
    cworld: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError) as council:
        services.registration_start(
            email="x@y.example",
            full_name="X",
            organisation_name="A Council",
            organisation_type="council",
            password="a long enough password",
        )
    assert list(council.value.message_dict) == ["organisation_type"]
    with pytest.raises(ValidationError) as claimed:
        services.registration_start(
            email="x@y.example",
            full_name="X",
            organisation_name="Matrix Youth Trust",
            organisation_type="voluntary",
            password="a long enough password",
        )
    assert list(claimed.value.message_dict) == ["organisation_name"]


def test_every_write_is_audited(cworld: dict[str, Any]) -> None:
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "CALL_CREATED",
        "CALL_CRITERION_ADDED",
        "CALL_PUBLISHED",
        "CALL_CLOSED",
        "PANEL_MEMBER_NAMED",
        "INTERESTS_DECLARED",
        "BID_STARTED",
        "BID_SUBMITTED",
        "BID_DECIDED",
        "CALL_DECIDED",
    } <= verbs


def test_make_call_helper_is_a_draft(cworld: dict[str, Any]) -> None:
    made = make_call(cworld["people"]["coordinator"], cworld["partnership"], "Another")
    assert made.status == CallStatus.DRAFT
    assert sum(c.weight for c in made.criteria.all()) == 100
