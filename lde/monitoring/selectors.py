"""Reads for monitoring, each scoped by its policy, and the status of a return computed by
rules and said in words (never colour alone): late, overspent beyond the tolerance, over within
it, a milestone missed, or on track."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lde.accounts.models import RequestUser
from lde.monitoring.models import (
    Agreement,
    AgreementStatus,
    BudgetLine,
    MilestoneState,
    MonitoringRules,
    Return,
    ReturnStatus,
)
from lde.monitoring.policies import (
    agreement_policy,
    applicant_agreement_policy,
    applicant_return_policy,
    return_policy,
)
from lde.monitoring.services import Overspend, overspends, rules_for
from lde.partnerships.models import Partnership
from lde.partnerships.selectors import partnership_get

NOT_MADE = (ReturnStatus.DUE, ReturnStatus.SENT_BACK)


def monitoring_partnership(*, user: RequestUser, partnership_id: int) -> Partnership:
    """The partnership (404 unless visible); 403 unless its agreements are readable."""
    partnership = partnership_get(user=user, partnership_id=partnership_id)
    agreement_policy.require_in(
        user, "view", partnership.pk, message="You cannot read this partnership's agreements."
    )
    return partnership


def _readable_agreements(user: RequestUser) -> QuerySet[Agreement]:
    return agreement_policy.visible_to(user, "view") | applicant_agreement_policy.visible_to(
        user, "view"
    )


def _readable_returns(user: RequestUser) -> QuerySet[Return]:
    return return_policy.visible_to(user, "view") | applicant_return_policy.visible_to(user, "view")


def _full(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return agreements.select_related(
        "partnership", "organisation", "project", "decision__bid"
    ).prefetch_related(
        "milestones",
        "targets",
        "indicators",
        "lines",
        "instalments",
        Prefetch(
            "returns",
            queryset=Return.objects.prefetch_related("spend", "outputs", "milestones").order_by(
                "period_start", "pk"
            ),
        ),
    )


def _one(queryset: QuerySet[Any], pk: Any) -> Any:
    """The row among those the reader sees (either side: the partnership's or the delivering
    organisation's), or the same 404 for missing and not visible."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def agreement_list(*, user: RequestUser, partnership: Partnership) -> list[Agreement]:
    agreements = agreement_policy.visible_to(user, "view").filter(partnership=partnership)
    return list(_full(agreements).order_by("-starts_on", "pk"))


def agreement_get(*, user: RequestUser, agreement_id: Any) -> Agreement:
    return _one(_full(_readable_agreements(user).distinct()), agreement_id)


def return_get(*, user: RequestUser, return_id: Any) -> Return:
    return _one(
        _readable_returns(user)
        .distinct()
        .select_related("agreement__partnership", "agreement__organisation")
        .prefetch_related("spend", "outputs", "milestones", "evidence", "transitions"),
        return_id,
    )


def applicant_agreements(*, user: RequestUser) -> list[Agreement]:
    return list(
        _full(applicant_agreement_policy.visible_to(user, "view")).order_by("-starts_on", "pk")
    )


# --- A return's status, by rules, in words --------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """One rule a return meets, named, and what it found in words."""

    rule: str
    words: str
    serious: bool = True


def _day(value: date) -> str:
    return date_format(value, "j F Y")


@dataclass
class ReturnState:
    return_made: Return
    flags: list[Flag]
    spend_rows: list[dict[str, Any]] = field(default_factory=list)
    output_rows: list[dict[str, Any]] = field(default_factory=list)
    milestone_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def late(self) -> bool:
        return any(f.rule == "late" for f in self.flags)

    @property
    def overspent(self) -> bool:
        return any(f.rule == "overspent" for f in self.flags)

    @property
    def summary(self) -> str:
        """The status and what the rules found, as one sentence."""
        found = ". ".join(f.words for f in self.flags)
        return (
            f"{self.return_made.get_status_display()}. {found}"
            if found
            else (self.return_made.get_status_display())
        )


def return_states(
    agreement: Agreement, *, rules: MonitoringRules | None = None, today: date | None = None
) -> list[ReturnState]:
    """Each of the agreement's returns (prefetched) with what the rules find in it: spend to
    date is this return's and every earlier one made (not still due)."""
    today = today or timezone.localdate()
    rules = rules or rules_for(agreement.partnership_id)
    lines: list[BudgetLine] = list(agreement.lines.all())
    targets = list(agreement.targets.all())
    stones = {m.pk: m for m in agreement.milestones.all()}
    running: dict[int, Decimal] = defaultdict(Decimal)
    achieved: dict[int, int] = defaultdict(int)
    states = []
    for row in sorted(agreement.returns.all(), key=lambda r: (r.period_start, r.pk)):
        this_spend = {s.line_id: s.amount for s in row.spend.all()}
        this_outputs = {o.target_id: o.achieved for o in row.outputs.all()}
        to_date = dict(running)
        for line_id, amount in this_spend.items():
            to_date[line_id] = to_date.get(line_id, Decimal("0")) + amount
        outputs_to_date = dict(achieved)
        for target_id, number in this_outputs.items():
            outputs_to_date[target_id] = outputs_to_date.get(target_id, 0) + number
        # A line is flagged on the return that takes it over, and on any later one adding to it.
        adds_to = [x for x in lines if this_spend.get(x.pk, Decimal("0")) > 0]
        flags = _flags(row, adds_to, to_date, rules.tolerance_percent, stones, today)
        states.append(
            ReturnState(
                return_made=row,
                flags=flags,
                spend_rows=[
                    {
                        "line": line,
                        "this_period": this_spend.get(line.pk),
                        "to_date": to_date.get(line.pk, Decimal("0")),
                    }
                    for line in lines
                ],
                output_rows=[
                    {
                        "target": target,
                        "this_period": this_outputs.get(target.pk),
                        "to_date": outputs_to_date.get(target.pk, 0),
                    }
                    for target in targets
                ],
                milestone_rows=[
                    {"milestone": stones[m.milestone_id], "state": m.get_state_display()}
                    for m in row.milestones.all()
                    if m.milestone_id in stones
                ],
            )
        )
        if row.status not in (ReturnStatus.DUE,):
            running = defaultdict(Decimal, to_date)
            achieved = defaultdict(int, outputs_to_date)
    return states


def _flags(
    row: Return,
    lines: list[BudgetLine],
    to_date: dict[int, Decimal],
    tolerance: Decimal,
    stones: dict[int, Any],
    today: date,
) -> list[Flag]:
    flags: list[Flag] = []
    live = row.agreement.status == AgreementStatus.ACTIVE if row.agreement_id else True
    if row.status in NOT_MADE and row.due_on < today and live:
        again = " (sent back)" if row.status == ReturnStatus.SENT_BACK else ""
        flags.append(Flag("late", f"Late: due {_day(row.due_on)}, not submitted{again}"))
    elif row.submitted_at and timezone.localdate(row.submitted_at) > row.due_on:
        flags.append(
            Flag(
                "late",
                f"Late: due {_day(row.due_on)}, submitted "
                f"{_day(timezone.localdate(row.submitted_at))}",
            )
        )
    found: list[Overspend] = overspends(lines=lines, spent_to_date=to_date, tolerance=tolerance)
    for over in found:
        if over.beyond_tolerance:
            flags.append(Flag("overspent", f"Overspent: {over.words}"))
        else:
            flags.append(
                Flag("over_within_tolerance", f"Over, within tolerance: {over.words}", False)
            )
    for reported in row.milestones.all():
        if reported.state == MilestoneState.MISSED and reported.milestone_id in stones:
            flags.append(
                Flag("milestone_missed", f"Milestone missed: {stones[reported.milestone_id].title}")
            )
    if row.status == ReturnStatus.SENT_BACK and row.review_reasons:
        flags.append(Flag("sent_back", f"Sent back: {row.review_reasons}"))
    if not flags and row.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
        flags.append(Flag("on_track", "On track: on time, within every budget line", False))
    if not flags and row.status == ReturnStatus.DUE:
        flags.append(Flag("due", f"Due {_day(row.due_on)}", False))
    return flags


def return_state(return_made: Return) -> ReturnState:
    """The state of one return, read with its agreement's other returns (a few queries)."""
    agreement = _full(Agreement.objects.filter(pk=return_made.agreement_id)).get()
    for state in return_states(agreement):
        if state.return_made.pk == return_made.pk:
            return state
    raise LookupError(return_made.pk)


def overdue(*, user: RequestUser, today: date | None = None) -> list[Return]:
    """Returns past their due date and not made, on active agreements the user reads as a
    coordinator (the home page's panel) or sees at all (the command's list)."""
    today = today or timezone.localdate()
    return list(
        return_policy.visible_to(user, "view")
        .filter(
            status__in=list(NOT_MADE),
            due_on__lt=today,
            agreement__status=AgreementStatus.ACTIVE,
        )
        .select_related("agreement__partnership", "agreement__organisation")
        .order_by("due_on", "pk")
    )


def overdue_all(*, today: date | None = None) -> QuerySet[Return]:
    """Every overdue return (for the command line, which runs as the platform)."""
    today = today or timezone.localdate()
    return (
        Return.objects.filter(
            status__in=list(NOT_MADE),
            due_on__lt=today,
            agreement__status=AgreementStatus.ACTIVE,
        )
        .select_related("agreement__partnership", "agreement__organisation")
        .order_by("due_on", "pk")
    )
