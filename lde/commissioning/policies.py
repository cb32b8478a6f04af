"""Who may do what in commissioning (`permissions.md`, "programme, commissioning": coordinator
R W, board member R A (score, with conflicts declared), contributor R W (own bids, through the
applicant access: ADR 0016), viewer R, inspector R, anonymous: the public register).

A call is read and written by the partnerships it runs across: every rule below asks whether the
user reaches *any* of the call's partnerships (`CallPartnership`).

| policy            | action        | who                                                          |
|-------------------|---------------|--------------------------------------------------------------|
| call              | view          | coordinators, board members, contributors, viewers, live     |
|                   |               | inspectors; community reviewers while in consultation        |
|                   | edit          | coordinators, a draft                                        |
|                   | consult       | coordinators, a draft (sent to the community reviewers)      |
|                   | publish       | coordinators, a draft or a call in consultation              |
|                   | close         | coordinators, an open call                                   |
|                   | comment       | coordinators, board members, contributors, viewers and       |
|                   |               | community reviewers, a call in consultation                  |
|                   | manage_panel  | coordinators, before the call is decided                     |
|                   | moderate      | coordinators, a closed call                                  |
|                   | declare       | a board member named to the panel, before the call is decided|
| bid               | view          | coordinators, contributors, viewers and live inspectors of a |
|                   |               | submitted bid; a panellist who has declared and is not       |
|                   |               | recused from it                                              |
|                   | score         | such a panellist, a submitted bid of a closed call           |
|                   | decide        | coordinators, a submitted bid of a closed call               |
|                   | letter        | coordinators, a decided bid                                  |
| applicant's bid   | view, letter  | the applicants of the bid's organisation (letter: decided)   |
|                   | edit, submit  | the same, a draft bid of an open call                        |
| devolved pot      | view          | coordinators, board members, contributors, viewers, live     |
|                   |               | inspectors; the holder of the post it is delegated to        |
|                   | record        | the holder of that post and the coordinators (small grants)  |
|                   | start         | coordinators                                                 |

A bid is never shown to anyone on the partnership's side while it is a draft. Applicants are
not partnership members: `ApplicantBidPolicy` is the only policy that answers them, and it
answers for their own organisation's bids alone.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Exists, OuterRef, Q

from lde.commissioning.models import (
    Applicant,
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    CallStatus,
    ConflictOfInterest,
    DevolvedPot,
    PanelMember,
)
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

COORDINATOR = (Role.COORDINATOR,)
# Those who read a submitted bid in full: not board members, who read it as panellists only.
BID_READERS = (Role.COORDINATOR, Role.CONTRIBUTOR, Role.VIEWER)
COMMENTERS = (*READER_ROLES, Role.COMMUNITY_REVIEWER)


def call_partnerships(call: Call) -> frozenset[int]:
    """The partnerships the call runs across (prefetched where the caller has them)."""
    cache = getattr(call, "_partnership_ids", None)
    if cache is None:
        cache = frozenset(
            CallPartnership.objects.filter(call_id=call.pk).values_list("partnership_id", flat=True)
        ) | {call.partnership_id}
        call._partnership_ids = cache  # type: ignore[attr-defined]
    return frozenset(cache)


def _reaches(facts: UserFacts, call: Call, roles: tuple[str, ...], *, inspectors: bool) -> bool:
    return bool(call_partnerships(call) & reached(facts, roles, inspectors=inspectors))


def _call_reach_q(
    facts: UserFacts, roles: tuple[str, ...], call_ref: str, *, inspectors: bool = False
) -> Q:
    """Rows whose call (`call_ref`, the call's id) runs across a partnership the user reaches."""
    return Q(
        Exists(
            CallPartnership.objects.filter(call_id=OuterRef(call_ref)).filter(
                reach_q(facts, roles, OuterRef("partnership_id"), inspectors=inspectors)
            )
        )
    )


class CallPolicy(Policy[Call]):
    model = Call
    actions = (
        "view",
        "edit",
        "consult",
        "publish",
        "close",
        "comment",
        "manage_panel",
        "moderate",
        "declare",
        "start",
    )
    who_can: ClassVar[dict[str, str]] = {
        "view": "The coordinators, board members, contributors, viewers and live inspectors of "
        "the partnerships a call runs across read it; their community reviewers read it while it "
        "is in consultation.",
        "edit": "The partnerships' coordinators write a call while it is a draft.",
        "consult": "The partnerships' coordinators send a draft call to their community "
        "reviewers for comment.",
        "publish": "The partnerships' coordinators publish a call, after consultation.",
        "close": "The partnerships' coordinators close an open call.",
        "comment": "While a call is in consultation, the partnerships' members and community "
        "reviewers comment on it.",
        "manage_panel": "The partnerships' coordinators name the panel and set its "
        "disagreement threshold, until the call is decided.",
        "moderate": "The partnerships' coordinators moderate a closed call and decide its bids.",
        "declare": "A board member named to the call's panel declares their interests.",
        "start": "A partnership's coordinators start a call for proposals.",
    }
    scope_actions = ("start", "view")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "start":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        if action == "view":
            return scope in reached(facts, READER_ROLES, inspectors=True)
        raise ValueError(f"CallPolicy asks only 'start' and 'view' of a partnership, not {action}")

    def allows(self, facts: UserFacts, action: str, obj: Call) -> bool:
        status = obj.status
        coordinator = _reaches(facts, obj, COORDINATOR, inspectors=False)
        if action == "view":
            return _reaches(facts, obj, READER_ROLES, inspectors=True) or (
                status == CallStatus.CONSULTATION
                and _reaches(facts, obj, (Role.COMMUNITY_REVIEWER,), inspectors=False)
            )
        if action == "edit":
            return coordinator and status == CallStatus.DRAFT
        if action == "consult":
            return coordinator and status == CallStatus.DRAFT
        if action == "publish":
            return coordinator and status in (CallStatus.DRAFT, CallStatus.CONSULTATION)
        if action == "close":
            return coordinator and status == CallStatus.OPEN
        if action == "comment":
            return status == CallStatus.CONSULTATION and _reaches(
                facts, obj, COMMENTERS, inspectors=False
            )
        if action == "manage_panel":
            return coordinator and status != CallStatus.DECIDED
        if action == "moderate":
            return coordinator and status == CallStatus.CLOSED
        if action == "declare":
            return (
                status != CallStatus.DECIDED
                and _reaches(facts, obj, (Role.BOARD_MEMBER,), inspectors=False)
                and PanelMember.objects.filter(call_id=obj.pk, user_id=facts.user_id or 0).exists()
            )
        if action == "start":
            return coordinator
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        coordinator = _call_reach_q(facts, COORDINATOR, "pk")
        if action == "view":
            return _call_reach_q(facts, READER_ROLES, "pk", inspectors=True) | (
                Q(status=CallStatus.CONSULTATION)
                & _call_reach_q(facts, (Role.COMMUNITY_REVIEWER,), "pk")
            )
        if action in ("edit", "consult"):
            return coordinator & Q(status=CallStatus.DRAFT)
        if action == "publish":
            return coordinator & Q(status__in=[CallStatus.DRAFT, CallStatus.CONSULTATION])
        if action == "close":
            return coordinator & Q(status=CallStatus.OPEN)
        if action == "comment":
            return Q(status=CallStatus.CONSULTATION) & _call_reach_q(facts, COMMENTERS, "pk")
        if action == "manage_panel":
            return coordinator & ~Q(status=CallStatus.DECIDED)
        if action == "moderate":
            return coordinator & Q(status=CallStatus.CLOSED)
        if action == "declare":
            return (
                ~Q(status=CallStatus.DECIDED)
                & _call_reach_q(facts, (Role.BOARD_MEMBER,), "pk")
                & Q(
                    Exists(
                        PanelMember.objects.filter(
                            call_id=OuterRef("pk"), user_id=facts.user_id or 0
                        )
                    )
                )
            )
        if action == "start":
            return coordinator
        raise ValueError(f"CallPolicy has no action {action!r}")


call_policy = CallPolicy()


def panellist_clear(facts: UserFacts, bid: Bid) -> bool:
    """A board member of the call's partnerships, on its panel, who has declared their
    interests and is not recused from `bid`."""
    if not _reaches(facts, bid.call, (Role.BOARD_MEMBER,), inspectors=False):
        return False
    member = PanelMember.objects.filter(
        call_id=bid.call_id, user_id=facts.user_id or 0, declared_at__isnull=False
    ).first()
    return (
        member is not None
        and not ConflictOfInterest.objects.filter(panellist=member, bid_id=bid.pk).exists()
    )


def _panellist_clear_q(facts: UserFacts) -> Q:
    declared = PanelMember.objects.filter(
        call_id=OuterRef("call_id"), user_id=facts.user_id or 0, declared_at__isnull=False
    )
    recused = ConflictOfInterest.objects.filter(
        bid_id=OuterRef("pk"), panellist__user_id=facts.user_id or 0
    )
    return (
        _call_reach_q(facts, (Role.BOARD_MEMBER,), "call_id")
        & Q(Exists(declared))
        & ~Q(Exists(recused))
    )


SUBMITTED_OR_DECIDED = (BidStatus.SUBMITTED, BidStatus.AWARDED, BidStatus.DECLINED)


class BidPolicy(Policy[Bid]):
    """The partnership's side of a bid. Applicants are answered by `ApplicantBidPolicy`."""

    model = Bid
    actions = ("view", "score", "decide", "letter")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The coordinators, contributors, viewers and live inspectors of the call's "
        "partnerships read a submitted bid; a panellist reads it once they have declared their "
        "interests, unless they are recused from it.",
        "score": "A panellist who has declared their interests and is not recused from the bid "
        "scores it, once the call has closed.",
        "decide": "The call's coordinators decide a submitted bid once the call has closed.",
        "letter": "The call's coordinators, and the bidding organisation, read the decision "
        "letter of a decided bid.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Bid) -> bool:
        if obj.status == BidStatus.DRAFT:
            return False
        call = obj.call
        closed = call.status == CallStatus.CLOSED and obj.status == BidStatus.SUBMITTED
        if action == "view":
            return _reaches(facts, call, BID_READERS, inspectors=True) or panellist_clear(
                facts, obj
            )
        if action == "score":
            return closed and panellist_clear(facts, obj)
        if action == "decide":
            return closed and _reaches(facts, call, COORDINATOR, inspectors=False)
        if action == "letter":
            return obj.status != BidStatus.SUBMITTED and _reaches(
                facts, call, COORDINATOR, inspectors=False
            )
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        seen = Q(status__in=SUBMITTED_OR_DECIDED)
        closed = Q(status=BidStatus.SUBMITTED, call__status=CallStatus.CLOSED)
        coordinator = _call_reach_q(facts, COORDINATOR, "call_id")
        if action == "view":
            return seen & (
                _call_reach_q(facts, BID_READERS, "call_id", inspectors=True)
                | _panellist_clear_q(facts)
            )
        if action == "score":
            return closed & _panellist_clear_q(facts)
        if action == "decide":
            return closed & coordinator
        if action == "letter":
            return Q(status__in=[BidStatus.AWARDED, BidStatus.DECLINED]) & coordinator
        raise ValueError(f"BidPolicy has no action {action!r}")


bid_policy = BidPolicy()


def applicant_organisation(facts: UserFacts) -> int | None:
    """The organisation the user acts for as an applicant, or None."""
    if facts.user_id is None:
        return None
    return (
        Applicant.objects.filter(user_id=facts.user_id or 0)
        .values_list("organisation_id", flat=True)
        .first()
    )


class ApplicantBidPolicy(Policy[Bid]):
    """An applicant's own organisation's bids, in every state; nothing else."""

    model = Bid
    actions = ("view", "edit", "submit", "letter", "start")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The applicants of the bidding organisation read its bids.",
        "edit": "The bidding organisation's applicants change a draft bid while the call is open.",
        "submit": "The bidding organisation's applicants submit a draft bid while the call is "
        "open.",
        "letter": "The bidding organisation's applicants read the decision letter.",
        "start": "A registered community, voluntary or faith organisation bids to an open call.",
    }
    scope_actions = ("start",)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "start":
            return applicant_organisation(facts) is not None
        raise ValueError(f"ApplicantBidPolicy asks only 'start' of a scope, not {action!r}")

    def allows(self, facts: UserFacts, action: str, obj: Bid) -> bool:
        organisation = applicant_organisation(facts)
        if organisation is None or obj.organisation_id != organisation:
            return False
        if action == "view":
            return True
        if action in ("edit", "submit"):
            return obj.status == BidStatus.DRAFT and obj.call.status == CallStatus.OPEN
        if action == "letter":
            return obj.status in (BidStatus.AWARDED, BidStatus.DECLINED)
        return action == "start"

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        own = Q(
            Exists(
                Applicant.objects.filter(
                    user_id=facts.user_id or 0, organisation_id=OuterRef("organisation_id")
                )
            )
        )
        if action in ("view", "start"):
            return own
        if action in ("edit", "submit"):
            return own & Q(status=BidStatus.DRAFT, call__status=CallStatus.OPEN)
        if action == "letter":
            return own & Q(status__in=[BidStatus.AWARDED, BidStatus.DECLINED])
        raise ValueError(f"ApplicantBidPolicy has no action {action!r}")


applicant_bid_policy = ApplicantBidPolicy()


class DevolvedPotPolicy(Policy[DevolvedPot]):
    """A devolved pot and its small grants (¶46). Read by the partnership's readers and by the
    holder of the pot's post; grants recorded by that holder and by the partnership's
    coordinators, within the pot's period; the pot itself set up by a coordinator."""

    model = DevolvedPot
    actions = ("view", "record", "start")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and live "
        "inspectors read a devolved pot and its grants, as does the holder of the post the pot "
        "is delegated to.",
        "record": "The holder of the post the pot is delegated to, and the partnership's "
        "coordinators, record its small grants and their outcomes.",
        "start": "A partnership's coordinators delegate a pot to a named front-line team.",
    }
    scope_actions = ("start",)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "start":
            return scope in facts.partnerships_with(Role.COORDINATOR)
        raise ValueError(f"DevolvedPotPolicy asks only 'start' of a partnership, not {action!r}")

    def allows(self, facts: UserFacts, action: str, obj: DevolvedPot) -> bool:
        holder = obj.holder_post_id in facts.post_ids
        if action == "view":
            return holder or obj.partnership_id in reached(facts, READER_ROLES, inspectors=True)
        if action == "record":
            return holder or obj.partnership_id in facts.partnerships_with(Role.COORDINATOR)
        if action == "start":
            return obj.partnership_id in facts.partnerships_with(Role.COORDINATOR)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        holder = Q(holder_post_id__in=facts.post_ids)
        coordinator = Q(partnership_id__in=facts.partnerships_with(Role.COORDINATOR))
        if action == "view":
            readers = reach_q(facts, READER_ROLES, OuterRef("partnership_id"), inspectors=True)
            return holder | readers
        if action == "record":
            return holder | coordinator
        if action == "start":
            return coordinator
        raise ValueError(f"DevolvedPotPolicy has no action {action!r}")


devolved_pot_policy = DevolvedPotPolicy()
