"""API: commissioning. The same selectors, policies and services as the pages: reads 404 when
not visible; writes 403 when visible but not allowed (saying who can), and a service's refusal is
a 400 naming the field. A panellist before their declaration, or recused from a bid, gets the
404 of a bid they cannot see, and a score sent anyway is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.commissioning import selectors, services
from lde.commissioning.models import Bid, Call, Criterion, Decision, DevolvedPot, Score, SmallGrant
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ObjectId
from lde.core.limits import limit_of

router = Router(tags=["commissioning"])
FREE_TEXT = r"^[^\x00]*$"
Answer = Status[Any]
PENNY = Decimal("0.01")


class CallCriterionOut(Schema):
    id: int
    title: str
    weight: int


class CallOut(Schema):
    id: int
    title: str
    status: str
    partnership_ids: list[int]
    maximum_amount: Decimal
    opens_on: date
    closes_on: date
    scale_max: int
    disagreement_threshold: int
    criteria: list[CallCriterionOut]


class BidOut(Schema):
    id: int
    call_id: int
    organisation: str
    title: str
    summary: str
    amount: Decimal
    status: str


class ScoreIn(Schema):
    bid_id: ObjectId
    criterion_id: ObjectId
    score: int = Field(ge=-1000, le=1000)
    reason: str = Field(min_length=1, max_length=limit_of(Score, "reason"), pattern=FREE_TEXT)


class DeclarationIn(Schema):
    recused_from_bid_ids: list[ObjectId] = []
    nature: str = Field("", max_length=2000, pattern=FREE_TEXT)


class DecisionIn(Schema):
    outcome: str = Field(max_length=10)
    amount: str | None = Field(None, max_length=20)
    reasons: str = Field(min_length=1, max_length=limit_of(Decision, "reasons"), pattern=FREE_TEXT)


class CommissioningCreatedOut(Schema):
    id: int


def _text(model: Any, name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(model, name),
        pattern=FREE_TEXT,
    )


MONEY = Field(max_length=20, description='Pounds and pence as text, for example "2500.50".')


class CallIn(Schema):
    title: str = _text(Call, "title")
    purpose: str = _text(Call, "purpose")
    eligibility: str = _text(Call, "eligibility")
    maximum_amount: str = MONEY
    opens_on: date
    closes_on: date
    scale_max: int = Field(5, ge=1, le=10)
    disagreement_threshold: int = Field(2, ge=0, le=10)
    also_for_partnership_ids: list[ObjectId] = Field(
        [], description="Other partnerships the call runs across (¶49): you coordinate each."
    )


class CallPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=limit_of(Call, "title"))
    purpose: str | None = Field(None, min_length=1, max_length=limit_of(Call, "purpose"))
    eligibility: str | None = Field(None, min_length=1, max_length=limit_of(Call, "eligibility"))
    maximum_amount: str | None = Field(None, max_length=20)
    opens_on: date | None = None
    closes_on: date | None = None


class CriterionIn(Schema):
    title: str = _text(Criterion, "title")
    weight: int = Field(ge=1, le=100)
    guidance: str = _text(Criterion, "guidance", required=False)


class BidIn(Schema):
    title: str = _text(Bid, "title")
    summary: str = _text(Bid, "summary")
    amount: str = MONEY
    to_individuals: bool = Field(
        False, description="Refused if true: grants to individuals are not made here."
    )


def _call_out(call: Any) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "status": call.status,
        "partnership_ids": sorted(cp.partnership_id for cp in call.call_partnerships.all()),
        "maximum_amount": call.maximum_amount,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "scale_max": call.scale_max,
        "disagreement_threshold": call.disagreement_threshold,
        "criteria": [
            {"id": c.pk, "title": c.title, "weight": c.weight} for c in selectors.criteria(call)
        ],
    }


def _bid_out(bid: Bid) -> dict[str, Any]:
    return {
        "id": bid.pk,
        "call_id": bid.call_id,
        "organisation": bid.organisation.name,
        "title": bid.title,
        "summary": bid.summary,
        "amount": bid.amount,
        "status": bid.status,
    }


@router.get(
    "/partnerships/{partnership_id}/calls",
    response={200: list[CallOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's calls for proposals",
)
def call_list(request: HttpRequest, partnership_id: ObjectId) -> list[dict[str, Any]]:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    return [_call_out(c) for c in selectors.call_list(user=request.user, partnership=partnership)]


@router.post(
    "/partnerships/{partnership_id}/calls",
    response={201: CallOut, **WRITE_ERRORS},
    summary="Start a draft call for proposals (the partnership's coordinators)",
)
def call_create(request: HttpRequest, partnership_id: ObjectId, payload: CallIn) -> Answer:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    data = payload.dict()
    others = selectors.partnerships_coordinated(
        user=request.user, partnership_ids=data.pop("also_for_partnership_ids")
    )
    call = services.call_create(
        actor=acting_user(request), partnership=partnership, also_for=others, **data
    )
    return Status(201, _call_out(selectors.call_get(user=request.user, call_id=call.pk)))


@router.put(
    "/calls/{call_id}",
    response={200: CallOut, **WRITE_ERRORS},
    summary="Change a draft call: the fields sent are changed, the rest kept (coordinators)",
)
def call_update(request: HttpRequest, call_id: ObjectId, payload: CallPatch) -> Answer:
    call = selectors.call_get(user=request.user, call_id=call_id)
    services.call_update(actor=acting_user(request), call=call, **payload.dict(exclude_unset=True))
    return Status(200, _call_out(selectors.call_get(user=request.user, call_id=call.pk)))


@router.post(
    "/calls/{call_id}/criteria",
    response={201: CommissioningCreatedOut, **WRITE_ERRORS},
    summary="Add a criterion to a draft call; the weights sum to 100 (coordinators)",
)
def criterion_add(request: HttpRequest, call_id: ObjectId, payload: CriterionIn) -> Answer:
    call = selectors.call_get(user=request.user, call_id=call_id)
    criterion = services.criterion_add(actor=acting_user(request), call=call, **payload.dict())
    return Status(201, CommissioningCreatedOut(id=criterion.pk))


@router.post(
    "/calls/{call_id}/bids",
    response={201: BidOut, **WRITE_ERRORS},
    summary="Start a draft bid to an open call (applicants, for their own organisation)",
)
def bid_create(request: HttpRequest, call_id: ObjectId, payload: BidIn) -> Answer:
    call = selectors.public_call(call_id=call_id)
    bid = services.bid_create(actor=acting_user(request), call=call, **payload.dict())
    return Status(201, _bid_out(selectors.bid_get(user=request.user, bid_id=bid.pk)))


@router.put(
    "/bids/{bid_id}",
    response={200: BidOut, **WRITE_ERRORS},
    summary="Change a draft bid while the call is open (the bidding organisation's applicants)",
)
def bid_update(request: HttpRequest, bid_id: ObjectId, payload: BidIn) -> Answer:
    bid = selectors.bid_get(user=request.user, bid_id=bid_id)
    services.bid_update(actor=acting_user(request), bid=bid, **payload.dict())
    return Status(200, _bid_out(selectors.bid_get(user=request.user, bid_id=bid.pk)))


@router.post(
    "/bids/{bid_id}/submit",
    response={200: BidOut, **WRITE_ERRORS},
    summary="Submit a draft bid; refused, with what the personal-data guard found listed, while "
    "it holds a person's identifier (the bidding organisation's applicants)",
)
def bid_submit(request: HttpRequest, bid_id: ObjectId) -> Answer:
    bid = selectors.bid_get(user=request.user, bid_id=bid_id)
    services.bid_submit(actor=acting_user(request), bid=bid)
    return Status(200, _bid_out(selectors.bid_get(user=request.user, bid_id=bid.pk)))


@router.get(
    "/calls/{call_id}", response={200: CallOut, **READ_ERRORS}, summary="A call for proposals"
)
def call_get(request: HttpRequest, call_id: ObjectId) -> dict[str, Any]:
    return _call_out(selectors.call_get(user=request.user, call_id=call_id))


@router.get(
    "/calls/{call_id}/bids",
    response={200: list[BidOut], **READ_ERRORS},
    summary="A call's bids that the reader may see (none before a panellist's declaration)",
)
def bid_list(request: HttpRequest, call_id: ObjectId) -> list[dict[str, Any]]:
    call = selectors.call_get(user=request.user, call_id=call_id)
    return [_bid_out(b) for b in selectors.bid_list(user=request.user, call=call)]


@router.get("/bids/{bid_id}", response={200: BidOut, **READ_ERRORS}, summary="A bid")
def bid_get(request: HttpRequest, bid_id: ObjectId) -> dict[str, Any]:
    return _bid_out(selectors.bid_get(user=request.user, bid_id=bid_id))


@router.post(
    "/calls/{call_id}/declaration",
    response={201: CommissioningCreatedOut, **WRITE_ERRORS},
    summary="Declare your interests for the call (panellists), before any bid is shown",
)
def declare(request: HttpRequest, call_id: ObjectId, payload: DeclarationIn) -> Answer:
    call = selectors.call_get(user=request.user, call_id=call_id)
    bids = list(call.bids.filter(pk__in=payload.recused_from_bid_ids))
    if len(bids) != len(set(payload.recused_from_bid_ids)):
        raise ValidationError({"recused_from_bid_ids": "Choose bids of this call"})
    member = services.interests_declare(
        actor=acting_user(request), call=call, conflicts=[(b, payload.nature) for b in bids]
    )
    return Status(201, CommissioningCreatedOut(id=member.pk))


@router.post(
    "/calls/{call_id}/scores",
    response={201: CommissioningCreatedOut, **WRITE_ERRORS},
    summary="Score one criterion of one bid, with the reason (declared, unrecused panellists)",
)
def score(request: HttpRequest, call_id: ObjectId, payload: ScoreIn) -> Answer:
    call = selectors.call_get(user=request.user, call_id=call_id)
    bid = call.bids.filter(pk=payload.bid_id).select_related("call").first()
    criterion = call.criteria.filter(pk=payload.criterion_id).first()
    if bid is None or criterion is None:
        field = "bid_id" if bid is None else "criterion_id"
        raise ValidationError({field: "Choose a bid and a criterion of this call"})
    row = services.score_record(
        actor=acting_user(request),
        bid=bid,
        criterion=criterion,
        score=payload.score,
        reason=payload.reason,
    )
    return Status(201, CommissioningCreatedOut(id=row.pk))


@router.post(
    "/bids/{bid_id}/decision",
    response={201: CommissioningCreatedOut, **WRITE_ERRORS},
    summary="Record the moderated decision on a bid (coordinators)",
)
def decide(request: HttpRequest, bid_id: ObjectId, payload: DecisionIn) -> Answer:
    bid = selectors.bid_get(user=request.user, bid_id=bid_id)
    decision = services.bid_decide(actor=acting_user(request), bid=bid, **payload.dict())
    return Status(201, CommissioningCreatedOut(id=decision.pk))


# --- Devolved small grants (¶46) ---------------------------------------------------------------


class SmallGrantOut(Schema):
    id: int
    pot_id: int
    recipient_id: int
    recipient: str
    amount: Decimal
    purpose: str
    awarded_on: date
    outcome: str


class DevolvedPotOut(Schema):
    id: int
    partnership_id: int
    name: str
    amount: Decimal
    per_grant_limit: Decimal
    given: Decimal
    left: Decimal
    team_id: int
    team: str
    holder_post_id: int
    holder_post: str
    starts_on: date
    ends_on: date


class DevolvedPotDetailOut(DevolvedPotOut):
    grants: list[SmallGrantOut]


class DevolvedPotIn(Schema):
    name: str = _text(DevolvedPot, "name")
    amount: str = MONEY
    per_grant_limit: str = MONEY
    team_id: ObjectId = Field(description="One of the partnership's partner organisations.")
    holder_post_id: ObjectId = Field(description="A post of that organisation: its holder records.")
    starts_on: date
    ends_on: date


class SmallGrantIn(Schema):
    recipient_id: ObjectId = Field(
        description="A community, voluntary or faith organisation: never a person."
    )
    amount: str = MONEY
    purpose: str = _text(SmallGrant, "purpose")
    awarded_on: date
    outcome: str = _text(SmallGrant, "outcome", required=False)
    to_individual: bool = Field(
        False, description="Refused if true: grants to individuals are not made here."
    )


class SmallGrantOutcomeIn(Schema):
    outcome: str = _text(SmallGrant, "outcome")


def _grant_out(grant: SmallGrant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "pot_id": grant.pot_id,
        "recipient_id": grant.recipient_id,
        "recipient": grant.recipient.name,
        "amount": grant.amount,
        "purpose": grant.purpose,
        "awarded_on": grant.awarded_on,
        "outcome": grant.outcome,
    }


def _pot_out(pot: DevolvedPot) -> dict[str, Any]:
    # A sum comes back from SQLite without its pence ("320"): give it as the amounts are given.
    given = Decimal(pot.given).quantize(PENNY)  # type: ignore[attr-defined]
    return {
        "id": pot.pk,
        "partnership_id": pot.partnership_id,
        "name": pot.name,
        "amount": pot.amount,
        "per_grant_limit": pot.per_grant_limit,
        "given": given,
        "left": pot.amount - given,
        "team_id": pot.team_id,
        "team": pot.team.name,
        "holder_post_id": pot.holder_post_id,
        "holder_post": pot.holder_post.title,
        "starts_on": pot.starts_on,
        "ends_on": pot.ends_on,
    }


def _pot_detail(request: HttpRequest, pot_id: int) -> dict[str, Any]:
    pot = selectors.pot_get(user=request.user, pot_id=pot_id)
    return {**_pot_out(pot), "grants": [_grant_out(g) for g in selectors.pot_grants(pot)]}


def _chosen(queryset: Any, pk: int, field: str, message: str) -> Any:
    """One of the choices the page would offer, or the field refused (400) as the page would."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


@router.get(
    "/partnerships/{partnership_id}/pots",
    response={200: list[DevolvedPotOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's devolved small-grant pots, each with what it has given",
)
def pot_list(request: HttpRequest, partnership_id: ObjectId) -> list[dict[str, Any]]:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    return [_pot_out(p) for p in selectors.pot_list(user=request.user, partnership=partnership)]


@router.post(
    "/partnerships/{partnership_id}/pots",
    response={201: DevolvedPotDetailOut, **WRITE_ERRORS},
    summary="Delegate a pot to a front-line team, with a per-grant limit (coordinators)",
)
def pot_create(request: HttpRequest, partnership_id: ObjectId, payload: DevolvedPotIn) -> Answer:
    partnership = selectors.commissioning_partnership(
        user=request.user, partnership_id=partnership_id
    )
    teams, posts = selectors.pot_team_choices(partnership)
    data = payload.dict()
    team = _chosen(
        teams, data.pop("team_id"), "team_id", "Choose one of the partnership's partners"
    )
    post = _chosen(posts, data.pop("holder_post_id"), "holder_post_id", "Choose a partner's post")
    pot = services.devolved_pot_add(
        actor=acting_user(request), partnership=partnership, team=team, holder_post=post, **data
    )
    return Status(201, _pot_detail(request, pot.pk))


@router.get(
    "/pots/{devolved_pot_id}",
    response={200: DevolvedPotDetailOut, **READ_ERRORS},
    summary="A devolved pot with its small grants",
)
def pot_get(request: HttpRequest, devolved_pot_id: ObjectId) -> dict[str, Any]:
    return _pot_detail(request, devolved_pot_id)


@router.post(
    "/pots/{devolved_pot_id}/grants",
    response={201: SmallGrantOut, **WRITE_ERRORS},
    summary="Record a small grant from a pot, to an organisation, within its limit and what is "
    "left (the holder of the pot's post, and coordinators)",
)
def grant_record(request: HttpRequest, devolved_pot_id: ObjectId, payload: SmallGrantIn) -> Answer:
    pot = selectors.pot_get(user=request.user, pot_id=devolved_pot_id)
    data = payload.dict()
    recipient = _chosen(
        selectors.grant_recipients(),
        data.pop("recipient_id"),
        "recipient_id",
        "Choose a community, voluntary or faith organisation",
    )
    grant = services.small_grant_record(
        actor=acting_user(request), pot=pot, recipient=recipient, **data
    )
    return Status(201, _grant_out(selectors.grant_get(user=request.user, grant_id=grant.pk)))


@router.put(
    "/small-grants/{small_grant_id}/outcome",
    response={200: SmallGrantOut, **WRITE_ERRORS},
    summary="Record what came of a small grant (the holder of the pot's post, and coordinators)",
)
def grant_outcome(
    request: HttpRequest, small_grant_id: ObjectId, payload: SmallGrantOutcomeIn
) -> Answer:
    grant = selectors.grant_get(user=request.user, grant_id=small_grant_id)
    services.small_grant_outcome_set(
        actor=acting_user(request), grant=grant, outcome=payload.outcome
    )
    return Status(200, _grant_out(selectors.grant_get(user=request.user, grant_id=grant.pk)))
