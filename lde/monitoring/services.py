"""Writes to monitoring: each checked against its policy, audited, in one transaction.

An agreement moves only along `AGREEMENT_TRANSITIONS` (draft → active → closed) through
`lde.core.workflow`, a return along `RETURN_TRANSITIONS` (due → submitted → accepted, or sent
back and submitted again). Making an agreement active writes its schedule of returns from the
partnership's `MonitoringRules` (proportionate monitoring, ¶46, ¶163): its budget lines and
payment schedule must each add up to the amount first.

A return is refused for a closed agreement; amounts must be pounds and pence, never negative;
spend beyond a budget line by more than the partnership's tolerance is refused at submission
unless the variance is explained (`variance_explanation`); the narrative passes the
personal-data guard, whose findings are listed before submission and refuse it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.commissioning.models import Decision, Outcome
from lde.commissioning.services import guard_findings, money
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.files import safe_file_name
from lde.core.personal_data import Finding
from lde.core.refusals import Conflict
from lde.core.uploads import DOCUMENTS, files_kept_only_on_success, upload_check
from lde.core.workflow import transition
from lde.monitoring.models import (
    Agreement,
    AgreementStatus,
    AgreementTransition,
    BudgetLine,
    Instalment,
    Milestone,
    MilestoneState,
    MonitoringRules,
    OutcomeIndicator,
    OutputKind,
    OutputTarget,
    Return,
    ReturnEvidence,
    ReturnFrequency,
    ReturnMilestone,
    ReturnOutput,
    ReturnSpend,
    ReturnStatus,
    ReturnTransition,
)
from lde.monitoring.policies import (
    agreement_policy,
    require_may_make,
    return_policy,
)
from lde.partnerships.models import Partnership
from lde.programme.models import Project

AGREEMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (AgreementStatus.DRAFT, AgreementStatus.ACTIVE): "activate",
    (AgreementStatus.ACTIVE, AgreementStatus.CLOSED): "close",
}
RETURN_TRANSITIONS: dict[tuple[str, str], str] = {
    (ReturnStatus.DUE, ReturnStatus.SUBMITTED): "make",
    (ReturnStatus.SENT_BACK, ReturnStatus.SUBMITTED): "make",
    (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED): "review",
    (ReturnStatus.SUBMITTED, ReturnStatus.SENT_BACK): "review",
}
# A return is due this many days after the end of its period.
DAYS_TO_RETURN = 30
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def pounds(amount: Decimal) -> str:
    """£1,250.00: as the pages and refusals write money."""
    return f"£{Decimal(amount).quantize(Decimal('0.01')):,}"


def _audit(actor: Any, verb: str, target: Any, partnership_id: int, **detail: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        detail=detail or None,
    )


def _guard(parts: list[tuple[str, str]], field: str, what: str) -> None:
    findings = guard_findings(parts)
    if findings:
        listed = "; ".join(f"{f.kind} in {f.place}" for f in findings[:5])
        more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
        raise ValidationError(
            {
                field: f"The personal-data guard found what looks like a person's identifier, so "
                f"the {what} cannot be saved: {listed}{more}. Take it out and try again"
            }
        )


# --- Rules ------------------------------------------------------------------------------------


def rules_for(partnership_id: int) -> MonitoringRules:
    """The partnership's rules, or the defaults (unsaved) where it has set none."""
    found = MonitoringRules.objects.filter(partnership_id=partnership_id).first()
    return found or MonitoringRules(partnership_id=partnership_id)


@transaction.atomic
def rules_set(
    *, actor: User, partnership: Partnership, quarterly_from: Any, tolerance_percent: Any
) -> MonitoringRules:
    agreement_policy.require_in(actor, "start", partnership.pk)
    threshold = money(quarterly_from, "quarterly_from", label="amount")
    tolerance = money(tolerance_percent, "tolerance_percent", label="tolerance")
    if tolerance > 100:
        raise ValidationError({"tolerance_percent": "The tolerance must be 100% or less"})
    rules, _ = MonitoringRules.objects.update_or_create(
        partnership=partnership,
        defaults={"quarterly_from": threshold, "tolerance_percent": tolerance},
    )
    _audit(
        actor,
        "MONITORING_RULES_SET",
        rules,
        partnership.pk,
        quarterly_from=str(threshold),
        tolerance_percent=str(tolerance),
    )
    return rules


# --- Agreements -------------------------------------------------------------------------------


def _dates(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The agreement must end after it starts"})


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    partnership: Partnership,
    organisation: Organisation,
    title: str,
    amount: Any,
    starts_on: date,
    ends_on: date,
    conditions: str = "",
    project: Project | None = None,
    decision: Decision | None = None,
) -> Agreement:
    """A draft agreement: for an award (`decision`), or for a project the partnership funds
    directly."""
    agreement_policy.require_in(actor, "start", partnership.pk)
    value = money(amount, "amount", label="amount")
    if value == 0:
        raise ValidationError({"amount": "The amount must be more than £0"})
    _dates(starts_on, ends_on)
    if project is not None and project.partnership_id != partnership.pk:
        raise ValidationError({"project": "Choose a project of this partnership"})
    _guard([(title, "title"), (conditions, "conditions")], "conditions", "agreement")
    agreement = Agreement(
        partnership=partnership,
        organisation=organisation,
        title=title,
        amount=value,
        starts_on=starts_on,
        ends_on=ends_on,
        conditions=conditions,
        project=project,
        decision=decision,
        created_by=actor,
    )
    agreement.full_clean(exclude=["created_by", "decision"])
    agreement.save()
    _audit(actor, "AGREEMENT_CREATED", agreement, partnership.pk, amount=str(value))
    return agreement


@transaction.atomic
def agreement_from_decision(
    *,
    actor: User,
    decision: Decision,
    starts_on: date,
    ends_on: date,
    conditions: str = "",
    project: Project | None = None,
) -> Agreement:
    """The draft agreement for an award: its organisation, amount and title come from the
    decision and the bid."""
    decision = Decision.objects.select_related("bid__call", "bid__organisation").get(pk=decision.pk)
    if decision.outcome != Outcome.AWARD or decision.amount is None:
        raise ValidationError({"decision": "Only an award has an agreement"})
    if Agreement.objects.filter(decision=decision).exists():
        raise Conflict({"decision": "The award already has an agreement"})
    bid = decision.bid
    return agreement_create(
        actor=actor,
        partnership=bid.call.partnership,
        organisation=bid.organisation,
        title=bid.title,
        amount=decision.amount,
        starts_on=starts_on,
        ends_on=ends_on,
        conditions=conditions,
        project=project,
        decision=decision,
    )


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _editable(actor: User, agreement: Agreement) -> Agreement:
    agreement = _locked(agreement)
    agreement_policy.require(actor, "edit", agreement)
    return agreement


@transaction.atomic
def milestone_add(*, actor: User, agreement: Agreement, title: str, due_on: date) -> Milestone:
    agreement = _editable(actor, agreement)
    if not agreement.starts_on <= due_on <= agreement.ends_on:
        raise ValidationError({"due_on": "The milestone must fall within the agreement"})
    _guard([(title, "title")], "title", "milestone")
    row = Milestone(agreement=agreement, title=title, due_on=due_on)
    row.full_clean()
    row.save()
    _audit(actor, "MILESTONE_ADDED", agreement, agreement.partnership_id, milestone=row.pk)
    return row


@transaction.atomic
def target_add(*, actor: User, agreement: Agreement, kind: str, target: Any) -> OutputTarget:
    agreement = _editable(actor, agreement)
    if kind not in OutputKind.values:
        raise ValidationError({"kind": "Choose a kind of output from the list"})
    number = _count(target, "target", label="target")
    if number == 0:
        raise ValidationError({"target": "The target must be 1 or more"})
    if agreement.targets.filter(kind=kind).exists():
        raise Conflict({"kind": f"The agreement already has a target for {OutputKind(kind).label}"})
    row = OutputTarget.objects.create(agreement=agreement, kind=kind, target=number)
    _audit(actor, "TARGET_ADDED", agreement, agreement.partnership_id, kind=kind, count=number)
    return row


@transaction.atomic
def indicator_add(*, actor: User, agreement: Agreement, text: str) -> OutcomeIndicator:
    agreement = _editable(actor, agreement)
    if not text.strip():
        raise ValidationError({"text": "Describe the outcome"})
    _guard([(text, "outcome indicator")], "text", "outcome indicator")
    row = OutcomeIndicator(agreement=agreement, text=text)
    row.full_clean()
    row.save()
    _audit(actor, "INDICATOR_ADDED", agreement, agreement.partnership_id, indicator=row.pk)
    return row


@transaction.atomic
def line_add(
    *, actor: User, agreement: Agreement, heading: str, kind: str, amount: Any
) -> BudgetLine:
    agreement = _editable(actor, agreement)
    value = money(amount, "amount", label="amount")
    _guard([(heading, "heading")], "heading", "budget line")
    row = BudgetLine(agreement=agreement, heading=heading, kind=kind, amount=value)
    row.full_clean()
    row.save()
    _audit(actor, "BUDGET_LINE_ADDED", agreement, agreement.partnership_id, amount=str(value))
    return row


@transaction.atomic
def instalment_add(
    *, actor: User, agreement: Agreement, due_on: date, amount: Any, in_advance: bool = False
) -> Instalment:
    """A payment. In advance is allowed and shown as such (¶51): paying only after the work had
    finished kept small organisations out."""
    agreement = _editable(actor, agreement)
    value = money(amount, "amount", label="amount")
    if value == 0:
        raise ValidationError({"amount": "An instalment must be more than £0"})
    row = Instalment.objects.create(
        agreement=agreement, due_on=due_on, amount=value, in_advance=in_advance
    )
    _audit(
        actor,
        "INSTALMENT_ADDED",
        agreement,
        agreement.partnership_id,
        amount=str(value),
        in_advance=in_advance,
    )
    return row


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due_on: date
    final: bool


def _quarter_end(day: date) -> date:
    """The last day of the financial quarter (April–June, July–September, October–December,
    January–March) that `day` falls in."""
    end_month = ((day.month - 1) // 3 + 1) * 3
    first_of_next = date(day.year + (end_month == 12), end_month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def schedule(
    *, starts_on: date, ends_on: date, amount: Decimal, rules: MonitoringRules
) -> list[Period]:
    """The returns an agreement makes under `rules`: one a quarter at or above the threshold,
    one at the end below it; each due `DAYS_TO_RETURN` days after its period ends."""
    if amount < rules.quarterly_from:
        return [Period(starts_on, ends_on, ends_on + timedelta(days=DAYS_TO_RETURN), True)]
    periods = []
    start = starts_on
    while start <= ends_on:
        end = min(_quarter_end(start), ends_on)
        periods.append(
            Period(start, end, end + timedelta(days=DAYS_TO_RETURN), final=end == ends_on)
        )
        start = end + timedelta(days=1)
    return periods


def frequency_for(amount: Decimal, rules: MonitoringRules) -> str:
    return ReturnFrequency.END if amount < rules.quarterly_from else ReturnFrequency.QUARTERLY


def _move(actor: User, agreement: Agreement, to_status: str) -> None:
    transition(
        obj=agreement,
        to_status=to_status,
        transitions=AGREEMENT_TRANSITIONS,
        history_model=AgreementTransition,
        subject_field="agreement",
        actor=actor,
        error=lambda: (
            f"An agreement that is {agreement.get_status_display().lower()} cannot become "
            f"{AgreementStatus(to_status).label.lower()}"
        ),
        guard=lambda action: agreement_policy.require(actor, action, agreement),
        update_fields=("status", "frequency", "updated_at"),
    )


@transaction.atomic
def agreement_activate(*, actor: User, agreement: Agreement) -> Agreement:
    """Make the agreement active and write its schedule of returns from the partnership's
    rules. Its budget lines and its payments must each add up to its amount."""
    agreement = _locked(agreement)
    agreement_policy.require(actor, "activate", agreement)
    lines = agreement.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if lines != agreement.amount:
        raise ValidationError(
            {
                "lines": f"The budget lines add up to {pounds(lines)}, not the agreement's "
                f"{pounds(agreement.amount)}"
            }
        )
    paid = agreement.instalments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if paid != agreement.amount:
        raise ValidationError(
            {
                "instalments": f"The payments add up to {pounds(paid)}, not the agreement's "
                f"{pounds(agreement.amount)}"
            }
        )
    rules = rules_for(agreement.partnership_id)
    agreement.frequency = frequency_for(agreement.amount, rules)
    _move(actor, agreement, AgreementStatus.ACTIVE)
    periods = schedule(
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        amount=agreement.amount,
        rules=rules,
    )
    Return.objects.bulk_create(
        Return(
            agreement=agreement,
            period_start=p.start,
            period_end=p.end,
            due_on=p.due_on,
            final=p.final,
        )
        for p in periods
    )
    _audit(
        actor,
        "AGREEMENT_ACTIVATED",
        agreement,
        agreement.partnership_id,
        frequency=agreement.frequency,
        returns=len(periods),
    )
    return agreement


@transaction.atomic
def agreement_close(*, actor: User, agreement: Agreement) -> Agreement:
    agreement = _locked(agreement)
    agreement_policy.require(actor, "close", agreement)
    _move(actor, agreement, AgreementStatus.CLOSED)
    _audit(actor, "AGREEMENT_CLOSED", agreement, agreement.partnership_id)
    return agreement


# --- Returns ----------------------------------------------------------------------------------


def _count(value: Any, field: str, *, label: str) -> int:
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        if text.startswith("-") and text[1:].isdigit():
            raise ValidationError({field: f"The {label} cannot be negative"})
        raise ValidationError({field: f"Enter the {label} as a whole number, like 12"})
    number = int(text)
    if number > 10_000_000:
        raise ValidationError({field: f"The {label} is too large"})
    return number


def _lock_return(return_made: Return) -> Return:
    row = Return.objects.select_for_update().get(pk=return_made.pk)
    row.agreement = Agreement.objects.select_related("partnership").get(pk=row.agreement_id)
    return row


@transaction.atomic
def return_save(
    *,
    actor: User,
    return_made: Return,
    spend: Mapping[int, Any] | None = None,
    outputs: Mapping[int, Any] | None = None,
    milestones: Mapping[int, str] | None = None,
    narrative: str | None = None,
    variance_explanation: str | None = None,
) -> Return:
    """Save what the return says so far (spend by budget line id, outputs by target id,
    milestone states by milestone id, the narrative): refused whole if any value is wrong."""
    row = _lock_return(return_made)
    require_may_make(actor, row)
    agreement = row.agreement
    lines = {line.pk: line for line in agreement.lines.all()}
    targets = {t.pk: t for t in agreement.targets.all()}
    stones = {m.pk: m for m in agreement.milestones.all()}
    spent: dict[int, Decimal] = {}
    for line_id, value in (spend or {}).items():
        if int(line_id) not in lines:
            raise ValidationError(
                {"spend": f"Budget line {line_id} is not one of this agreement's"}
            )
        spent[int(line_id)] = money(value, f"spend_{line_id}", label="spend")
    achieved: dict[int, int] = {}
    for target_id, value in (outputs or {}).items():
        if int(target_id) not in targets:
            raise ValidationError({"outputs": f"Target {target_id} is not one of this agreement's"})
        achieved[int(target_id)] = _count(value, f"output_{target_id}", label="number achieved")
    states: dict[int, str] = {}
    for milestone_id, state in (milestones or {}).items():
        if int(milestone_id) not in stones:
            raise ValidationError(
                {"milestones": f"Milestone {milestone_id} is not one of this agreement's"}
            )
        if state not in MilestoneState.values:
            raise ValidationError({f"milestone_{milestone_id}": "Choose the milestone's state"})
        states[int(milestone_id)] = state
    for line_id, amount in spent.items():
        ReturnSpend.objects.update_or_create(
            return_made=row, line_id=line_id, defaults={"amount": amount}
        )
    for target_id, number in achieved.items():
        ReturnOutput.objects.update_or_create(
            return_made=row, target_id=target_id, defaults={"achieved": number}
        )
    for milestone_id, state in states.items():
        ReturnMilestone.objects.update_or_create(
            return_made=row, milestone_id=milestone_id, defaults={"state": state}
        )
    fields = ["updated_at"]
    if narrative is not None:
        row.narrative = narrative
        fields.append("narrative")
    if variance_explanation is not None:
        row.variance_explanation = variance_explanation
        fields.append("variance_explanation")
    row.full_clean(exclude=["agreement", "submitted_by"])
    row.save(update_fields=fields)
    _audit(actor, "RETURN_SAVED", row, agreement.partnership_id, agreement=agreement.pk)
    return row


def return_findings(return_made: Return) -> list[Finding]:
    """What the personal-data guard finds in the return's text: listed before submitting."""
    return guard_findings(
        [
            (return_made.narrative, "narrative"),
            (return_made.variance_explanation, "variance explanation"),
        ]
    )


@dataclass(frozen=True)
class Overspend:
    heading: str
    line_amount: Decimal
    spent: Decimal
    tolerance: Decimal

    @property
    def over(self) -> Decimal:
        return self.spent - self.line_amount

    @property
    def percent(self) -> Decimal:
        if self.line_amount == 0:
            return Decimal("100")
        return (self.over * 100 / self.line_amount).quantize(Decimal("0.1"))

    @property
    def beyond_tolerance(self) -> bool:
        return self.spent > self.line_amount * (1 + self.tolerance / 100)

    @property
    def words(self) -> str:
        tolerance = f"{self.tolerance.normalize():f}"
        return (
            f"{self.heading} {pounds(self.over)} over a {pounds(self.line_amount)} line "
            f"({self.percent.normalize():f}%, tolerance {tolerance}%)"
        )


def overspends(
    *,
    lines: list[BudgetLine],
    spent_to_date: Mapping[int, Decimal],
    tolerance: Decimal,
) -> list[Overspend]:
    """Every line whose spend to date is beyond its amount."""
    return [
        Overspend(line.heading, line.amount, spent_to_date[line.pk], tolerance)
        for line in lines
        if spent_to_date.get(line.pk, Decimal("0")) > line.amount
    ]


def spent_to_date(return_made: Return) -> dict[int, Decimal]:
    """Spend by budget line over this return and the agreement's earlier ones that were made
    (submitted, accepted or sent back)."""
    totals = (
        ReturnSpend.objects.filter(
            return_made__agreement_id=return_made.agreement_id,
            return_made__period_start__lte=return_made.period_start,
        )
        .filter(~Q(return_made__status=ReturnStatus.DUE) | Q(return_made_id=return_made.pk))
        .values("line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["line_id"]: row["total"] for row in totals}


def _move_return(actor: User, row: Return, to_status: str, *, reason: str = "") -> None:
    transition(
        obj=row,
        to_status=to_status,
        transitions=RETURN_TRANSITIONS,
        history_model=ReturnTransition,
        subject_field="return_made",
        actor=actor,
        error=lambda: (
            f"A return that is {row.get_status_display().lower()} cannot become "
            f"{ReturnStatus(to_status).label.lower()}"
        ),
        reason=reason,
        update_fields=("status", "submitted_at", "submitted_by", "review_reasons", "updated_at"),
    )


@transaction.atomic
def return_submit(*, actor: User, return_made: Return) -> Return:
    row = _lock_return(return_made)
    require_may_make(actor, row)
    _guard(
        [(row.narrative, "narrative"), (row.variance_explanation, "variance explanation")],
        "narrative",
        "return",
    )
    rules = rules_for(row.agreement.partnership_id)
    # Only lines this return adds spend to: a line overspent earlier was explained then.
    adds_to = set(row.spend.filter(amount__gt=0).values_list("line_id", flat=True))
    over = [
        o
        for o in overspends(
            lines=[x for x in row.agreement.lines.all() if x.pk in adds_to],
            spent_to_date=spent_to_date(row),
            tolerance=rules.tolerance_percent,
        )
        if o.beyond_tolerance
    ]
    if over and not row.variance_explanation.strip():
        raise ValidationError(
            {
                "variance_explanation": "Spend is beyond a budget line by more than the "
                "partnership's tolerance: explain the variance before submitting ("
                + "; ".join(o.words for o in over)
                + ")"
            }
        )
    row.submitted_at = timezone.now()
    row.submitted_by = actor
    _move_return(actor, row, ReturnStatus.SUBMITTED)
    _audit(actor, "RETURN_SUBMITTED", row, row.agreement.partnership_id, overspent=len(over))
    return row


@transaction.atomic
def return_review(*, actor: User, return_made: Return, accept: bool, reasons: str = "") -> Return:
    """Accept a submitted return, or send it back with the reasons (required)."""
    row = _lock_return(return_made)
    return_policy.require(actor, "review", row)
    if not accept and not reasons.strip():
        raise ValidationError({"reasons": "Say why the return is sent back"})
    _guard([(reasons, "reasons")], "reasons", "review")
    row.review_reasons = reasons
    _move_return(
        actor, row, ReturnStatus.ACCEPTED if accept else ReturnStatus.SENT_BACK, reason=reasons
    )
    if accept:
        _audit(actor, "RETURN_ACCEPTED", row, row.agreement.partnership_id)
    else:
        _audit(actor, "RETURN_SENT_BACK", row, row.agreement.partnership_id)
    return row


def evidence_dir() -> Path:
    folder = Path(settings.PRIVATE_FILES_ROOT) / "monitoring"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_add(
    *, actor: User, return_made: Return, title: str, upload: UploadedFile
) -> ReturnEvidence:
    """A file backing the return, judged by its content (`lde.core.uploads`), stored outside
    the web root under a random name with a hash of its content, all or nothing."""
    row = Return.objects.select_related("agreement").get(pk=return_made.pk)
    require_may_make(actor, row)
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "The file must be smaller than 20 MB"})
    data = b"".join(upload.chunks())
    file_name = safe_file_name(upload.name, default="evidence")
    kind = upload_check(data, name=file_name, accepted=DOCUMENTS)
    _guard([(title, "title")], "title", "evidence")
    with files_kept_only_on_success() as files, transaction.atomic():
        stored_name = files.write(evidence_dir(), data)
        evidence = ReturnEvidence(
            return_made=row,
            title=title,
            file_name=file_name,
            stored_name=stored_name,
            content_hash=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=kind.content_type,
            uploaded_by=actor,
        )
        evidence.full_clean(exclude=["return_made", "uploaded_by"])
        evidence.save()
        _audit(
            actor,
            "RETURN_EVIDENCE_ADDED",
            row,
            row.agreement.partnership_id,
            content_hash=evidence.content_hash,
        )
    return evidence


@transaction.atomic
def evidence_downloaded(*, actor: User, evidence: ReturnEvidence, return_made: Return) -> None:
    """Every download of a return's evidence is in the audit trail."""
    _audit(
        actor,
        "RETURN_EVIDENCE_DOWNLOADED",
        return_made,
        return_made.agreement.partnership_id,
        evidence=evidence.pk,
    )
