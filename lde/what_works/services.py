"""Writes to the library of what works: each asks the entry policy, refuses bad input with a
field error (a page shows it in the error summary, the API as a 400, the command line naming the
row and field), keeps the search in step and records an audit event, all in one transaction.

Every free text passes the personal-data guard: an entry describes work with groups and
organisations, never a person, and a finding is refused with what was found named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import User
from lde.core import limits, personal_data
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.limits import limit_of
from lde.partnerships.models import Partnership
from lde.programme.models import Project
from lde.what_works.models import (
    EMMIE,
    EMMIE_LABELS,
    Audience,
    Design,
    EffectDirection,
    Entry,
    EntryKind,
    EntryStatus,
    Quality,
    Setting,
    Strand,
    Tier,
)
from lde.what_works.policies import ADD_LOCAL, ADD_NATIONAL, entry_policy
from lde.what_works.search import entry_index

# The fields that describe an entry, and their labels in the words of an error message.
DESCRIPTION = {
    "kind": "Kind",
    "title": "Title",
    "summary": "Summary",
    "strands": "Strands",
    "tier": "Tier",
    "audiences": "Audiences",
    "setting": "Setting",
    "source": "Source",
    "paragraphs": "Paragraphs",
}
# The fields of a rating: the design (from which the Maryland level follows) and EMMIE.
RATING = (
    "design",
    "effect_direction",
    *EMMIE,
    *(f"{name}_quality" for name in EMMIE),
)
TEXTS = {
    "title": "Title",
    "summary": "Summary",
    "source": "Source",
    "paragraphs": "Paragraphs",
    **EMMIE_LABELS,
}


def _today() -> date:
    return timezone.localdate()


def _choice(errors: dict[str, str], field: str, label: str, value: Any, choices: Any) -> Any:
    if value in (None, ""):
        errors[field] = f"Select the {label.lower()}"
        return None
    if str(value) not in {str(v) for v in choices.values}:
        errors[field] = f"{label} must be one of: {', '.join(str(c) for c in choices.labels)}"
        return None
    return value


def _joined(
    errors: dict[str, str], field: str, label: str, values: Any, choices: Any, required: bool
) -> str:
    """A list of choices as ",a,b,", in the order of the choices; an unknown one refused."""
    if isinstance(values, str):
        values = [v for v in values.split(",") if v]
    values = list(values or [])
    unknown = [str(v) for v in values if str(v) not in choices.values]
    if unknown:
        errors[field] = f"{label} has an unknown value: {', '.join(unknown)}"
        return ""
    if required and not values:
        errors[field] = f"Select at least one of the {label.lower()}"
        return ""
    chosen = [c for c in choices.values if c in {str(v) for v in values}]
    return f",{','.join(chosen)}," if chosen else ""


def _guard(errors: dict[str, str], fields: Mapping[str, Any]) -> None:
    """The personal-data guard on each text, and each text's limit."""
    for field, label in TEXTS.items():
        if field not in fields or field in errors:
            continue
        text = str(fields[field] or "")
        limit = limit_of(Entry, field)
        if len(text) > limit:
            errors[field] = limits.too_long(label, limit)
            continue
        findings = personal_data.scan_text(text)
        if findings:
            kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
            errors[field] = (
                f"{label} must not hold a person's details: the guard found {kinds}. "
                "Describe groups and organisations only"
            )


def _description(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(DESCRIPTION)
    if unknown:
        raise TypeError(f"entry fields unknown: {sorted(unknown)}")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    clean["kind"] = _choice(errors, "kind", "Kind", fields.get("kind"), EntryKind)
    clean["setting"] = _choice(errors, "setting", "Setting", fields.get("setting"), Setting)
    for field in ("title", "summary", "source"):
        text = str(fields.get(field) or "").strip()
        if not text:
            errors[field] = f"Enter the {DESCRIPTION[field].lower()}"
        clean[field] = text
    clean["paragraphs"] = str(fields.get("paragraphs") or "").strip()
    clean["strands"] = _joined(
        errors, "strands", "Strands", fields.get("strands"), Strand, required=True
    )
    clean["audiences"] = _joined(
        errors, "audiences", "Audiences", fields.get("audiences"), Audience, required=False
    )
    tier = fields.get("tier")
    if tier in (None, ""):
        clean["tier"] = None
    else:
        try:
            clean["tier"] = int(tier)
        except (TypeError, ValueError):
            clean["tier"] = None
        if clean["tier"] not in Tier.values:
            errors["tier"] = "Tier must be a tier of intervention from 1 to 4"
    _guard(errors, clean)
    if errors:
        raise ValidationError(errors)
    return clean


def _rating(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(RATING)
    if unknown:
        raise TypeError(f"rating fields unknown: {sorted(unknown)}")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    clean["design"] = _choice(errors, "design", "Design", fields.get("design"), Design)
    clean["effect_direction"] = _choice(
        errors,
        "effect_direction",
        "Effect",
        fields.get("effect_direction") or EffectDirection.NOT_MEASURED,
        EffectDirection,
    )
    for name in EMMIE:
        clean[name] = str(fields.get(name) or "").strip()
        field = f"{name}_quality"
        value = fields.get(field, 0)
        try:
            quality = int(value if value not in (None, "") else 0)
        except (TypeError, ValueError):
            quality = -1
        if quality not in Quality.values:
            errors[field] = f"{EMMIE_LABELS[name]} quality must be a whole number from 0 to 4"
        clean[field] = quality
    if (
        clean.get("effect_direction") == EffectDirection.NOT_MEASURED
        and clean.get("effect_quality", 0) > 0
    ):
        errors["effect_quality"] = (
            "Effect quality must be 0 when the effect was not measured: there is no evidence "
            "of an effect to rate"
        )
    _guard(errors, clean)
    if errors:
        raise ValidationError(errors)
    return clean


def _audit(actor: User | None, verb: str, entry: Entry, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=entry,
        scope=AuditScope.PARTNERSHIP if entry.partnership_id else AuditScope.SITE,
        partnership_id=entry.partnership_id,
        changes=changes,
        detail={"entry": entry.pk, "status": entry.status},
    )


def _save(entry: Entry) -> Entry:
    entry.full_clean(exclude=["partnership", "project", "rated_by", "published_by"])
    entry.save()
    entry_index(entry)
    return entry


@transaction.atomic
def entry_add(
    *,
    actor: User,
    partnership: Partnership | None = None,
    project: Project | None = None,
    **fields: Any,
) -> Entry:
    """A draft entry: the library's own (no partnership), or a partnership's local evaluation
    of one of its projects."""
    if partnership is None:
        entry_policy.require_in(actor, "add", None, message=ADD_NATIONAL)
        if project is not None:
            raise ValidationError({"project": "Only a local evaluation names a project"})
    else:
        entry_policy.require_in(actor, "add", partnership.pk, message=ADD_LOCAL)
        if project is None or project.partnership_id != partnership.pk:
            raise ValidationError({"project": "Select one of the partnership's projects"})
    clean = _description(fields)
    entry = _save(Entry(partnership=partnership, project=project, **clean))
    _audit(actor, "WHAT_WORKS_ENTRY_ADDED", entry, **clean)
    return entry


@transaction.atomic
def entry_edit(*, actor: User, entry: Entry, **fields: Any) -> Entry:
    entry_policy.require(actor, "edit", entry)
    merged = {name: getattr(entry, name) for name in DESCRIPTION} | fields
    clean = _description(merged)
    for name, value in clean.items():
        setattr(entry, name, value)
    _save(entry)
    _audit(actor, "WHAT_WORKS_ENTRY_EDITED", entry, **clean)
    return entry


@transaction.atomic
def entry_rate(*, actor: User, entry: Entry, **fields: Any) -> Entry:
    """The design and the EMMIE ratings, with who rated it and when. The Maryland level is not
    among them: it follows from the design (scales.maryland_level)."""
    entry_policy.require(actor, "edit", entry)
    merged = {name: getattr(entry, name) for name in RATING} | fields
    clean = _rating(merged)
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.rated_by = actor
    entry.rated_on = _today()
    _save(entry)
    _audit(actor, "WHAT_WORKS_ENTRY_RATED", entry, **clean)
    return entry


@transaction.atomic
def entry_submit(*, actor: User, entry: Entry) -> Entry:
    """A rated draft goes for review."""
    entry_policy.require(actor, "submit", entry)
    if entry.rated_by_id is None:
        raise ValidationError({"rating": "Rate the entry before sending it for review"})
    entry.status = EntryStatus.IN_REVIEW
    entry.save(update_fields=["status", "updated_at"])
    _audit(actor, "WHAT_WORKS_ENTRY_SUBMITTED", entry, status=entry.status)
    return entry


@transaction.atomic
def entry_publish(*, actor: User, entry: Entry) -> Entry:
    """The review passed: the entry joins the published library, for everyone signed in."""
    entry_policy.require(actor, "publish", entry)
    entry.status = EntryStatus.PUBLISHED
    entry.published_by = actor
    entry.published_on = _today()
    entry.save(update_fields=["status", "published_by", "published_on", "updated_at"])
    _audit(actor, "WHAT_WORKS_ENTRY_PUBLISHED", entry, status=entry.status)
    return entry


@transaction.atomic
def entry_return(*, actor: User, entry: Entry) -> Entry:
    """The review did not pass: the entry goes back to its draft, to be changed and rated."""
    entry_policy.require(actor, "publish", entry)
    entry.status = EntryStatus.DRAFT
    entry.save(update_fields=["status", "updated_at"])
    _audit(actor, "WHAT_WORKS_ENTRY_RETURNED", entry, status=entry.status)
    return entry
