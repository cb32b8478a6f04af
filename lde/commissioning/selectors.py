"""Reads for commissioning, each scoped by its policy; the public ones read published calls
and awards alone, and never anything about a person."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from lde.accounts.models import RequestUser, User
from lde.commissioning.models import (
    PUBLISHED_STATUSES,
    Applicant,
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    ConflictOfInterest,
    Criterion,
    Decision,
    DevolvedPot,
    Outcome,
    PanelMember,
    Score,
    SmallGrant,
)
from lde.commissioning.policies import (
    applicant_bid_policy,
    bid_policy,
    call_policy,
    devolved_pot_policy,
)
from lde.partnerships.models import Membership, Partnership, Role
from lde.partnerships.selectors import partnership_get


def commissioning_partnership(*, user: RequestUser, partnership_id: int) -> Partnership:
    """The partnership (404 unless visible); 403 unless its commissioning is readable."""
    partnership = partnership_get(user=user, partnership_id=partnership_id)
    call_policy.require_in(
        user, "view", partnership.pk, message="You cannot read this partnership's commissioning."
    )
    return partnership


def partnerships_coordinated(*, user: RequestUser, partnership_ids: list[int]) -> list[Partnership]:
    """The partnerships a call is to run across as well as its lead's (¶49): the user must
    coordinate each, or the field is refused."""
    wanted = set(partnership_ids)
    found = [
        p
        for p in Partnership.objects.filter(pk__in=wanted).order_by("pk")
        if call_policy.user_can_in(user, "start", p.pk)
    ]
    if len(found) != len(wanted):
        raise ValidationError(
            {"also_for_partnership_ids": "Choose partnerships whose calls you coordinate"}
        )
    return found


def _with_partnerships(calls: QuerySet[Call]) -> QuerySet[Call]:
    return calls.select_related("partnership").prefetch_related(
        Prefetch(
            "call_partnerships",
            queryset=CallPartnership.objects.select_related("partnership").order_by(
                "partnership__name"
            ),
        )
    )


def remember_partnerships(call: Call) -> Call:
    """Keep the prefetched partnership ids where the policy looks for them."""
    rows = call.call_partnerships.all()
    call._partnership_ids = frozenset(r.partnership_id for r in rows) | {  # type: ignore[attr-defined]
        call.partnership_id
    }
    return call


def call_list(*, user: RequestUser, partnership: Partnership) -> list[Call]:
    calls = call_policy.visible_to(user, "view").filter(call_partnerships__partnership=partnership)
    return [remember_partnerships(c) for c in _with_partnerships(calls).order_by("-opens_on", "pk")]


def call_get(*, user: RequestUser, call_id: Any) -> Call:
    call = call_policy.get_or_404(user, call_id, _with_partnerships(Call.objects.all()))
    return remember_partnerships(call)


def public_calls() -> list[Call]:
    calls = Call.objects.filter(status__in=PUBLISHED_STATUSES)
    return list(_with_partnerships(calls).order_by("-opens_on", "pk"))


def public_call(*, call_id: Any) -> Call:
    try:
        call = _with_partnerships(Call.objects.filter(status__in=PUBLISHED_STATUSES)).get(
            pk=call_id
        )
    except (Call.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    return call


def criteria(call: Call) -> list[Criterion]:
    return list(call.criteria.all())


def comments(call: Call) -> list[Any]:
    return list(call.comments.select_related("organisation").order_by("created_at", "pk"))


def panel(call: Call) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(call=call)
        .select_related("user")
        .prefetch_related("conflicts__bid")
        .order_by("user__full_name", "pk")
    )


def panel_candidates(call: Call) -> list[User]:
    """Board members of the call's partnerships not yet on its panel."""
    ids = set(call.call_partnerships.values_list("partnership_id", flat=True)) | {
        call.partnership_id
    }
    named = PanelMember.objects.filter(call=call).values_list("user_id", flat=True)
    return list(
        User.objects.filter(
            memberships__partnership_id__in=ids, memberships__role=Role.BOARD_MEMBER
        )
        .exclude(pk__in=named)
        .distinct()
        .order_by("full_name", "pk")
    )


def panel_membership(*, user: RequestUser, call: Call) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(call=call, user_id=user.pk).first()


def is_board_member_of(user: RequestUser, call: Call) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk,
            role=Role.BOARD_MEMBER,
            partnership_id__in=call.call_partnerships.values("partnership_id"),
        ).exists()
    )


def bids_to_declare(call: Call) -> list[tuple[int, str, str]]:
    """What a panellist sees before declaring: each submitted bid's organisation and title, and
    nothing else, so that they can say where they have an interest."""
    return list(
        call.bids.exclude(status=BidStatus.DRAFT)
        .order_by("organisation__name", "pk")
        .values_list("pk", "organisation__name", "title")
    )


def bid_list(*, user: RequestUser, call: Call) -> list[Bid]:
    return list(
        bid_policy.visible_to(user, "view")
        .filter(call=call)
        .select_related("organisation", "decision")
        .order_by("organisation__name", "pk")
    )


def bid_get(*, user: RequestUser, bid_id: Any) -> Bid:
    """A bid, for the partnership's side or for its own applicant (404 for anyone else, and for
    a panellist before their declaration or recused from it)."""
    base = Bid.objects.select_related("call__partnership", "organisation")
    try:
        bid = base.get(pk=bid_id)
    except (Bid.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if bid_policy.user_can(user, "view", bid) or applicant_bid_policy.user_can(user, "view", bid):
        return bid
    raise Http404


def applicant_of(user: RequestUser) -> Applicant | None:
    if not user.is_authenticated:
        return None
    return Applicant.objects.select_related("organisation").filter(user_id=user.pk).first()


def applicant_bids(*, user: RequestUser) -> list[Bid]:
    return list(
        applicant_bid_policy.visible_to(user, "view")
        .select_related("call", "organisation", "decision")
        .order_by("-created_at", "pk")
    )


@dataclass
class CriterionRow:
    criterion: Criterion
    scores: list[Score] = field(default_factory=list)

    @property
    def mean(self) -> Decimal | None:
        if not self.scores:
            return None
        return Decimal(sum(s.score for s in self.scores)) / len(self.scores)

    @property
    def spread(self) -> int:
        values = [s.score for s in self.scores]
        return max(values) - min(values) if values else 0


@dataclass
class BidAssessment:
    bid: Bid
    rows: list[CriterionRow]
    threshold: int
    scale_max: int

    @property
    def flagged(self) -> list[CriterionRow]:
        """Criteria where the panellists' scores spread beyond the panel's threshold."""
        return [r for r in self.rows if r.spread > self.threshold]

    @property
    def weighted(self) -> Decimal | None:
        """The weighted score out of 100, from each criterion's mean score."""
        if not self.rows or any(r.mean is None for r in self.rows):
            return None
        total = sum((r.mean or Decimal(0)) / self.scale_max * r.criterion.weight for r in self.rows)
        return Decimal(total).quantize(Decimal("0.1"))


def assessments(*, call: Call, bids: list[Bid]) -> list[BidAssessment]:
    """Each bid's scores by criterion, their spread and weighted total: three queries whatever
    the number of bids."""
    rows = criteria(call)
    scores: dict[tuple[int, int], list[Score]] = defaultdict(list)
    for score in (
        Score.objects.filter(bid__in=[b.pk for b in bids])
        .select_related("panellist__user")
        .order_by("panellist__user__full_name", "pk")
    ):
        scores[(score.bid_id, score.criterion_id)].append(score)
    return [
        BidAssessment(
            bid=bid,
            rows=[CriterionRow(criterion=c, scores=scores[(bid.pk, c.pk)]) for c in rows],
            threshold=call.disagreement_threshold,
            scale_max=call.scale_max,
        )
        for bid in bids
    ]


def my_scores(*, member: PanelMember, bid: Bid) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.filter(panellist=member, bid=bid)}


def recused(*, member: PanelMember | None) -> set[int]:
    if member is None:
        return set()
    return set(ConflictOfInterest.objects.filter(panellist=member).values_list("bid_id", flat=True))


def register() -> QuerySet[Decision]:
    """Every award, newest first: by whom, to whom, for what and why (¶50, ¶54)."""
    return (
        Decision.objects.filter(outcome=Outcome.AWARD)
        .select_related("bid__organisation", "bid__call__partnership__lead_council")
        .order_by("-decided_on", "-pk")
    )


# --- Devolved small grants (¶46) ---------------------------------------------------------------


def pot_list(*, user: RequestUser, partnership: Partnership) -> list[DevolvedPot]:
    """The partnership's devolved pots the user reads, each with what it has given."""
    return list(
        devolved_pot_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("team", "holder_post")
        .annotate(given=Coalesce(Sum("grants__amount"), Decimal("0")))
        .order_by("-starts_on", "pk")
    )


def pot_get(*, user: RequestUser, pot_id: Any) -> DevolvedPot:
    return devolved_pot_policy.get_or_404(
        user,
        pot_id,
        DevolvedPot.objects.select_related("partnership", "team", "holder_post").annotate(
            given=Coalesce(Sum("grants__amount"), Decimal("0"))
        ),
    )


def pot_grants(pot: DevolvedPot) -> list[SmallGrant]:
    return list(pot.grants.select_related("recipient").order_by("-awarded_on", "-pk"))


def grant_get(*, user: RequestUser, grant_id: Any) -> SmallGrant:
    try:
        grant = SmallGrant.objects.select_related("pot__partnership", "recipient").get(pk=grant_id)
    except (SmallGrant.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not devolved_pot_policy.user_can(user, "view", grant.pot):
        raise Http404
    return grant


def small_grant_register() -> QuerySet[SmallGrant]:
    """Every small grant, newest first, for the public register and the 360Giving feed."""
    return SmallGrant.objects.select_related(
        "pot__partnership__lead_council", "recipient"
    ).order_by("-awarded_on", "-pk")


def pot_team_choices(partnership: Partnership) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The partnership's partner organisations, and their posts, to delegate a pot to."""
    from lde.accounts.models import Organisation, Post

    teams = Organisation.objects.filter(partnership_links__partnership=partnership).order_by("name")
    return teams, Post.objects.filter(organisation__in=teams).select_related("organisation")


def grant_recipients() -> QuerySet[Any]:
    """Community, voluntary and faith organisations a small grant may go to."""
    from lde.accounts.models import Organisation, OrganisationType

    return Organisation.objects.filter(
        type__in=[OrganisationType.VOLUNTARY_COMMUNITY, OrganisationType.FAITH_INSTITUTION]
    ).order_by("name")
