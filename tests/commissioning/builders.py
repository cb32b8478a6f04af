"""Commissioning records for tests: a call in each state, an applicant organisation with bids,
a panel with a declared panellist, a conflicted one and one yet to declare."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, Post, PostHolding, PostKind, User
from lde.commissioning import services
from lde.commissioning.models import Applicant, Bid, BidStatus, Call, DevolvedPot
from lde.partnerships.models import Membership, Partnership, Role


def applicant(email: str, organisation: Organisation) -> User:
    user = User.objects.create(email=email, full_name="Applicant Person", organisation=organisation)
    Applicant.objects.create(user=user, organisation=organisation)
    return user


def call(coordinator: User, partnership: Partnership, title: str, **extra: Any) -> Call:
    today = timezone.localdate()
    made = services.call_create(
        actor=coordinator,
        partnership=partnership,
        title=title,
        purpose="Youth work that builds resilience to extremist messages.",
        eligibility="Community, voluntary and faith organisations in the area.",
        maximum_amount="10000",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
        **extra,
    )
    services.criterion_add(actor=coordinator, call=made, title="Need", weight=60)
    services.criterion_add(actor=coordinator, call=made, title="Value for money", weight=40)
    return made


def bid(user: User, made: Call, title: str, amount: str = "5000") -> Bid:
    return services.bid_create(
        actor=user,
        call=made,
        title=title,
        summary="Weekly sessions for young people, run by trained youth workers.",
        amount=amount,
    )


def devolved_pot(
    coordinator: User, partnership: Partnership, recipient: Organisation
) -> tuple[DevolvedPot, User]:
    """A pot of £2,000 delegated to a youth team's leader (a post, held today), £250 a grant, with
    one grant of £200 to `recipient`. Returns the pot and the post's holder."""
    today = timezone.localdate()
    team = Organisation.objects.create(name=f"Youth team {partnership.pk}", type="council")
    post = Post.objects.create(organisation=team, kind=PostKind.OTHER, title="Youth team leader")
    holder = User.objects.create(
        email=f"youth-lead-{partnership.pk}@example.test", full_name="Youth Lead", organisation=team
    )
    PostHolding.objects.create(post=post, user=holder, started_on=today - timedelta(days=30))
    pot = services.devolved_pot_add(
        actor=coordinator,
        partnership=partnership,
        name="Youth team small grants",
        amount="2000",
        per_grant_limit="250",
        team=team,
        holder_post=post,
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=300),
    )
    services.small_grant_record(
        actor=holder,
        pot=pot,
        recipient=recipient,
        amount="200",
        purpose="Kit for a girls' football session.",
        awarded_on=today - timedelta(days=5),
    )
    return pot, holder


def commissioning_world(
    *, coordinator: User, board_member: User, partnership: Partnership
) -> dict[str, Any]:
    """Calls of `partnership` in every state, written by its `coordinator`; `board_member` is
    named to each panel and declares no interest. Returns ids by name and by state."""
    group = Organisation.objects.create(
        name="Matrix Youth Trust", type="voluntary", org_id="GB-CHC-1234567"
    )
    other_group = Organisation.objects.create(name="Matrix Faith Centre", type="faith")
    group_user = applicant("applicant@example.test", group)
    other_user = applicant("other-applicant@example.test", other_group)
    conflicted = User.objects.create(email="conflicted@example.test", full_name="Conflicted Member")
    Membership.objects.create(user=conflicted, partnership=partnership, role=Role.BOARD_MEMBER)
    states: dict[str, dict[str, int]] = {}

    draft = call(coordinator, partnership, "Draft call")
    states["draft"] = {"call_id": draft.pk}

    consultation = call(coordinator, partnership, "Consulted call")
    services.call_consult(actor=coordinator, call=consultation)
    states["consultation"] = {"call_id": consultation.pk}

    open_ = call(coordinator, partnership, "Open call")
    open_ = services.call_publish(actor=coordinator, call=open_)
    services.panel_name(actor=coordinator, call=open_, user=board_member)
    open_draft = bid(group_user, open_, "Draft bid")
    open_bid = bid(group_user, open_, "Open bid")
    services.bid_submit(actor=group_user, bid=open_bid)
    states["open"] = {"call_id": open_.pk}

    closed = call(coordinator, partnership, "Closed call")
    closed = services.call_publish(actor=coordinator, call=closed)
    closed_bid = bid(group_user, closed, "Closed bid")
    services.bid_submit(actor=group_user, bid=closed_bid)
    recused_bid = bid(other_user, closed, "Recused bid")
    services.bid_submit(actor=other_user, bid=recused_bid)
    closed = services.call_close(actor=coordinator, call=closed)
    services.panel_name(actor=coordinator, call=closed, user=board_member)
    services.panel_name(actor=coordinator, call=closed, user=conflicted)
    services.interests_declare(actor=board_member, call=closed)
    services.interests_declare(
        actor=conflicted, call=closed, conflicts=[(recused_bid, "Trustee of the applicant")]
    )
    states["closed"] = {"call_id": closed.pk}

    decided = call(coordinator, partnership, "Decided call")
    decided = services.call_publish(actor=coordinator, call=decided)
    decided_bid = bid(group_user, decided, "Awarded bid")
    services.bid_submit(actor=group_user, bid=decided_bid)
    decided = services.call_close(actor=coordinator, call=decided)
    services.bid_decide(
        actor=coordinator,
        bid=decided_bid,
        outcome="award",
        amount="4000",
        reasons="Strong on need, fair on cost.",
    )
    states["decided"] = {"call_id": decided.pk}

    bid_states = {
        "draft": {"bid_id": open_draft.pk},
        "submitted": {"bid_id": closed_bid.pk},
        "awarded": {"bid_id": decided_bid.pk},
    }
    assert Bid.objects.get(pk=decided_bid.pk).status == BidStatus.AWARDED
    pot, holder = devolved_pot(coordinator, partnership, group)
    return {
        "commissioning_pot_id": pot.pk,
        "commissioning_small_grant_id": pot.grants.get().pk,
        "commissioning_pot_holder": holder,
        "commissioning_call_id": open_.pk,
        "commissioning_closed_call_id": closed.pk,
        "commissioning_bid_id": closed_bid.pk,
        "commissioning_recused_bid_id": recused_bid.pk,
        "commissioning_open_bid_id": open_bid.pk,
        "commissioning_criterion_id": closed.criteria.first().pk,  # type: ignore[union-attr]
        "commissioning_applicant": group_user,
        "commissioning_other_applicant": other_user,
        "commissioning_conflicted": conflicted,
        "states": {"call": states, "bid": bid_states},
    }
