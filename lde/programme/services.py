"""Writes to a partnership's programme and budget: each asks the record's policy, refuses bad
input with a field error (a page shows it in the error summary, the API as a 400), and records
an audit event in the same transaction. Amounts are pounds as Decimal, never negative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from lde.accounts.models import Organisation, User
from lde.assessments.models import CriterionResponse
from lde.core import personal_data
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403, Policy
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.narratives.sections import SectionKey
from lde.partnerships.models import Alliance, Partnership
from lde.programme.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    AlliancePot,
    Allocation,
    ExtremismForm,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
    Strand,
    StreamKind,
    Tier,
    TierLabel,
    financial_year_label,
)
from lde.programme.policies import (
    KEEP,
    POT_SPEND,
    POT_SPENDERS,
    activity_policy,
    alliance_pot_policy,
    funding_stream_policy,
    pot_contribution_policy,
    project_funding_policy,
    project_policy,
    tier_label_policy,
)

MAX_AMOUNT = Decimal("9999999999.99")


def _require_add(actor: User, policy: Policy[Any], partnership_id: int) -> None:
    policy.require_in(actor, "add", partnership_id, message=KEEP)


def money(value: Any, field: str = "amount", label: str = "Amount") -> Decimal:
    """An amount in pounds from whatever was given (a Decimal, a number or the text of a form or
    a CSV cell): refused, naming `field`, when it is not a number, negative, or has more than
    pence."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({field: f"Enter {label.lower()} in pounds"})
    text = str(value).strip().replace(",", "")
    if text.startswith("£"):
        text = text[1:]
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: f"{label} must be a number of pounds, like 1250 or 1250.50"}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: f"{label} must be a number of pounds, like 1250 or 1250.50"})
    if amount < 0:
        raise ValidationError({field: f"{label} must be £0 or more"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label} must be in pounds and pence, like 1250.50"})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: f"{label} must be £{MAX_AMOUNT:,} or less"})
    return amount.quantize(Decimal("0.01"))


def year_of(value: Any, field: str = "year") -> int:
    try:
        year = int(str(value).strip()[:4]) if value not in (None, "") else None
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {field: f"Financial year must be a year from {FIRST_YEAR} to {LAST_YEAR}, like 2026"}
        )
    return year


def _guard(texts: dict[str, tuple[str, str]]) -> None:
    """The personal-data guard on free text: projects are described by groups and
    organisations, never by a person's identifiers."""
    errors = {}
    for field, (label, text) in texts.items():
        findings = personal_data.scan_text(text or "")
        if findings:
            kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
            errors[field] = (
                f"{label} must not hold a person's details: the guard found {kinds}. "
                "Describe groups and organisations only"
            )
    if errors:
        raise ValidationError(errors)


def _audit(actor: User, verb: str, target: Any, partnership_id: int | None, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        changes={k: str(v) if isinstance(v, Decimal) else v for k, v in changes.items()},
    )


def _save(obj: Any) -> None:
    obj.full_clean()
    obj.save()


# --- Funding streams and the medium-term plan (¶57) ---------------------------------------------


def _check_stream(fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    if fields.get("kind") not in StreamKind.values:
        raise ValidationError({"kind": "Select the kind of funding"})
    fields["amount"] = money(fields.get("amount"))
    if not isinstance(fields.get("source"), Organisation):
        raise ValidationError({"source": "Select the organisation the money comes from"})
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": "The end of the period must be on or after its start"})
    return fields


@transaction.atomic
def stream_add(*, actor: User, partnership: Partnership, **fields: Any) -> FundingStream:
    _require_add(actor, funding_stream_policy, partnership.pk)
    fields = _check_stream(fields)
    if FundingStream.objects.filter(partnership=partnership, name=fields.get("name")).exists():
        raise Conflict({"name": f"The partnership already has a stream called “{fields['name']}”"})
    stream = FundingStream(partnership=partnership, **fields)
    _save(stream)
    _audit(
        actor,
        "FUNDING_STREAM_ADDED",
        stream,
        partnership.pk,
        name=stream.name,
        kind=stream.kind,
        amount=stream.amount,
        source=stream.source_id,
    )
    return stream


@transaction.atomic
def stream_edit(*, actor: User, stream: FundingStream, **fields: Any) -> FundingStream:
    funding_stream_policy.require(actor, "edit", stream)
    current = {
        name: getattr(stream, name)
        for name in ("name", "source", "kind", "amount", "starts_on", "ends_on", "ring_fenced")
    }
    fields = _check_stream({**current, **fields})
    allocated = stream.allocations.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if fields["amount"] < allocated:
        raise ValidationError(
            {"amount": f"Amount must be at least the £{allocated:,} already allocated"}
        )
    for name, value in fields.items():
        setattr(stream, name, value)
    _save(stream)
    _audit(actor, "FUNDING_STREAM_EDITED", stream, stream.partnership_id, **fields)
    return stream


@transaction.atomic
def allocation_set(
    *, actor: User, stream: FundingStream, year: Any, amount: Any, confirmed: bool = False
) -> Allocation:
    """Put part of `stream` into the budget for a financial year (or change what was put):
    the years together may not allocate more than the stream holds."""
    funding_stream_policy.require(actor, "edit", stream)
    year = year_of(year)
    amount = money(amount)
    others = stream.allocations.exclude(year=year).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0")
    if others + amount > stream.amount:
        raise ValidationError(
            {
                "amount": f"Amount is more than the stream has left: £{stream.amount - others:,} "
                f"of £{stream.amount:,} is not yet allocated"
            }
        )
    allocation = Allocation.objects.filter(stream=stream, year=year).first()
    if allocation is not None:
        drawn = allocation.drawn.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if amount < drawn:
            raise ValidationError(
                {"amount": f"Amount must be at least the £{drawn:,} projects already draw on"}
            )
        allocation.amount, allocation.confirmed = amount, confirmed
    else:
        allocation = Allocation(stream=stream, year=year, amount=amount, confirmed=confirmed)
    _save(allocation)
    _audit(
        actor,
        "ALLOCATION_SET",
        allocation,
        stream.partnership_id,
        year=year,
        amount=amount,
        confirmed=confirmed,
    )
    return allocation


# --- Pooled pots of alliances (¶55, ¶104; ADR 0015) ---------------------------------------------


def pot_start_allowed(user: Any, alliance: Alliance) -> bool:
    """Coordinators of a member partnership start a pot for the alliance."""
    facts = facts_for(user)
    members = {p.pk for p in alliance.partnerships.all()}
    return bool(members & facts.partnerships_with(*POT_SPENDERS))


@transaction.atomic
def pot_add(*, actor: User, alliance: Alliance, name: str, purpose: str = "") -> AlliancePot:
    if not pot_start_allowed(actor, alliance):
        raise PermissionDenied403("You cannot start a pot for this alliance.", who_can=POT_SPEND)
    _guard({"purpose": ("Purpose", purpose)})
    if AlliancePot.objects.filter(alliance=alliance, name=name).exists():
        raise Conflict({"name": f"The alliance already has a pot called “{name}”"})
    pot = AlliancePot(alliance=alliance, name=name, purpose=purpose)
    _save(pot)
    audit_record(
        actor=actor,
        verb="ALLIANCE_POT_ADDED",
        target=pot,
        changes={"name": name, "alliance": alliance.pk},
    )
    return pot


@transaction.atomic
def contribution_set(
    *, actor: User, pot: AlliancePot, partnership: Partnership, year: Any, amount: Any
) -> PotContribution:
    """What `partnership` puts into `pot` for a year, recorded by its own coordinators."""
    alliance_pot_policy.require(actor, "view", pot)
    if not pot.alliance.partnerships.filter(pk=partnership.pk).exists():
        raise ValidationError(
            {"partnership": f"{partnership.name} is not a member of {pot.alliance.name}"}
        )
    year = year_of(year)
    amount = money(amount)
    contribution = PotContribution.objects.filter(
        pot=pot, partnership=partnership, year=year
    ).first() or PotContribution(pot=pot, partnership=partnership, year=year)
    contribution.amount = amount
    pot_contribution_policy.require(actor, "edit", contribution)
    drawn = _pot_drawn(pot, year)
    others = PotContribution.objects.filter(pot=pot, year=year).exclude(
        partnership=partnership
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if others + amount < drawn:
        raise ValidationError(
            {"amount": f"Amount would leave the pot short: projects already draw £{drawn:,}"}
        )
    _save(contribution)
    _audit(
        actor,
        "POT_CONTRIBUTION_SET",
        contribution,
        partnership.pk,
        pot=pot.pk,
        year=year,
        amount=amount,
    )
    return contribution


def _pot_contributed(pot: AlliancePot, year: int) -> Decimal:
    total = PotContribution.objects.filter(pot=pot, year=year).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0")


def _pot_drawn(pot: AlliancePot, year: int) -> Decimal:
    total = ProjectFunding.objects.filter(pot=pot, year=year).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0")


# --- Tier labels (Figure 1) ----------------------------------------------------------------------


@transaction.atomic
def tier_label_set(*, actor: User, partnership: Partnership, tier: Any, label: str) -> None:
    """Call a tier by the partnership's own name; an empty label goes back to the default."""
    _require_add(actor, tier_label_policy, partnership.pk)
    try:
        tier = Tier(int(tier))
    except (TypeError, ValueError):
        raise ValidationError({"tier": "Select a tier from 1 to 4"}) from None
    label = (label or "").strip()
    if label:
        row, _ = TierLabel.objects.get_or_create(
            partnership=partnership, tier=tier, defaults={"label": label}
        )
        row.label = label
        _save(row)
    else:
        TierLabel.objects.filter(partnership=partnership, tier=tier).delete()
    audit_record(
        actor=actor,
        verb="TIER_LABEL_SET",
        target=partnership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        changes={"tier": int(tier), "label": label},
    )


# --- Projects and activities ---------------------------------------------------------------------

PROJECT_FIELDS = (
    "title",
    "summary",
    "delivered_by",
    "audiences",
    "strand",
    "tier",
    "forms_of_extremism",
    "answers_gap",
    "narrative_priority",
    "exit_plan",
    "starts_on",
    "ends_on",
)


def _check_project(partnership: Partnership, fields: dict[str, Any], *, funded: bool) -> None:
    errors: dict[str, str] = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = "Enter the project's title"
    if not isinstance(fields.get("delivered_by"), Organisation):
        errors["delivered_by"] = "Select the organisation that delivers the project"
    if not (fields.get("audiences") or "").strip():
        errors["audiences"] = "Enter who the project is for"
    if fields.get("strand") not in Strand.values:
        errors["strand"] = "Select the strand or work stream the project serves"
    if fields.get("tier") not in Tier.values:
        errors["tier"] = "Select the tier of intervention, from 1 to 4"
    forms = fields.get("forms_of_extremism")
    if not isinstance(forms, list) or not forms:
        errors["forms_of_extremism"] = "Select the forms of extremism the project addresses"
    elif any(f not in ExtremismForm.values for f in forms):
        errors["forms_of_extremism"] = "Select forms of extremism from the list"
    gap = fields.get("answers_gap")
    if gap is not None and (
        not isinstance(gap, CriterionResponse) or gap.assessment.partnership_id != partnership.pk
    ):
        errors["answers_gap"] = "Select a criterion of one of the partnership's assessments"
    priority = fields.get("narrative_priority") or ""
    if priority and priority not in SectionKey.values:
        errors["narrative_priority"] = "Select a section of the partnership's narrative"
    if funded and not (fields.get("exit_plan") or "").strip():
        errors["exit_plan"] = (
            "Enter the exit or sustainability plan: a funded project says how the work ends or "
            "carries on when the money stops"
        )
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = "The project's end must be on or after its start"
    if errors:
        raise ValidationError(errors)
    _guard(
        {
            "title": ("Title", fields.get("title") or ""),
            "summary": ("Summary", fields.get("summary") or ""),
            "audiences": ("Audiences", fields.get("audiences") or ""),
            "exit_plan": ("Exit plan", fields.get("exit_plan") or ""),
        }
    )


def _project_changes(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "delivered_by": project.delivered_by_id,
        "strand": project.strand,
        "tier": project.tier,
        "forms_of_extremism": ",".join(project.forms_of_extremism),
        "answers_gap": project.answers_gap_id,
        "narrative_priority": project.narrative_priority,
    }


def _project_write(partnership: Partnership, fields: dict[str, Any]) -> Project:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project fields unknown: {sorted(unknown)}")
    fields.setdefault("summary", "")
    fields.setdefault("exit_plan", "")
    fields.setdefault("narrative_priority", "")
    _check_project(partnership, fields, funded=False)
    if Project.objects.filter(partnership=partnership, title=fields["title"]).exists():
        raise Conflict({"title": f"There is already a project called “{fields['title']}”"})
    project = Project(partnership=partnership, **fields)
    _save(project)
    return project


@transaction.atomic
def project_add(*, actor: User, partnership: Partnership, **fields: Any) -> Project:
    _require_add(actor, project_policy, partnership.pk)
    project = _project_write(partnership, fields)
    _audit(actor, "PROJECT_ADDED", project, partnership.pk, **_project_changes(project))
    return project


@transaction.atomic
def project_edit(*, actor: User, project: Project, **fields: Any) -> Project:
    project_policy.require(actor, "edit", project)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project fields unknown: {sorted(unknown)}")
    merged = {name: getattr(project, name) for name in PROJECT_FIELDS} | fields
    _check_project(project.partnership, merged, funded=project.funding.exists())
    if (
        Project.objects.filter(partnership_id=project.partnership_id, title=merged["title"])
        .exclude(pk=project.pk)
        .exists()
    ):
        raise Conflict({"title": f"There is already a project called “{merged['title']}”"})
    for name, value in fields.items():
        setattr(project, name, value)
    _save(project)
    _audit(actor, "PROJECT_EDITED", project, project.partnership_id, **_project_changes(project))
    return project


@transaction.atomic
def activity_add(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    starts_on: date | None = None,
) -> Activity:
    activity = Activity(project=project, title=title, description=description, starts_on=starts_on)
    activity_policy.require(actor, "edit", activity)
    if not (title or "").strip():
        raise ValidationError({"title": "Enter the activity's title"})
    _guard({"title": ("Title", title), "description": ("Description", description)})
    _save(activity)
    _audit(actor, "ACTIVITY_ADDED", activity, project.partnership_id, title=title)
    return activity


# --- Funding a project ---------------------------------------------------------------------------


def _refuse_over(source: str, available: Decimal, drawn: Decimal, amount: Decimal) -> None:
    if drawn + amount > available:
        raise ValidationError(
            {
                "amount": f"Amount is more than {source} has left: £{max(available - drawn, 0):,} "
                f"of £{available:,}"
            }
        )


@transaction.atomic
def funding_add(
    *,
    actor: User,
    project: Project,
    amount: Any,
    allocation: Allocation | None = None,
    pot: AlliancePot | None = None,
    year: Any = None,
) -> ProjectFunding:
    """A project draws on one allocation of its partnership's budget, or on an alliance's pot
    for a year. A funded project must have its exit plan first (¶45, ¶52)."""
    _require_add(actor, project_funding_policy, project.partnership_id)
    if (allocation is None) == (pot is None):
        raise ValidationError({"allocation": "Select one allocation or one alliance pot"})
    amount = money(amount)
    if not project.exit_plan.strip():
        raise ValidationError(
            {
                "exit_plan": "Write the project's exit or sustainability plan before funding it "
                "(¶45, ¶52)"
            }
        )
    if allocation is not None:
        if allocation.stream.partnership_id != project.partnership_id:
            raise ValidationError(
                {"allocation": "Select an allocation of the project's partnership's budget"}
            )
        drawn = allocation.drawn.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        _refuse_over(
            f"{allocation.stream.name} in {allocation.year_label}", allocation.amount, drawn, amount
        )
        funding = ProjectFunding(
            project=project, allocation=allocation, year=allocation.year, amount=amount
        )
    else:
        assert pot is not None
        if not alliance_pot_policy.user_can(actor, "allocate", pot):
            raise PermissionDenied403("You cannot allocate from this pot.", who_can=POT_SPEND)
        if not pot.alliance.partnerships.filter(pk=project.partnership_id).exists():
            raise ValidationError(
                {"pot": f"The project's partnership is not a member of {pot.alliance.name}"}
            )
        year = year_of(year)
        _refuse_over(
            f"{pot.name} in {financial_year_label(year)}",
            _pot_contributed(pot, year),
            _pot_drawn(pot, year),
            amount,
        )
        funding = ProjectFunding(project=project, pot=pot, year=year, amount=amount)
    _save(funding)
    _audit(
        actor,
        "PROJECT_FUNDED",
        funding,
        project.partnership_id,
        project=project.pk,
        allocation=funding.allocation_id,
        pot=funding.pot_id,
        year=funding.year,
        amount=amount,
    )
    return funding
