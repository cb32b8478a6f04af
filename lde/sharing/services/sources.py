"""The catalogue of information sources (¶60–61): the data sets a partnership knows of."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lde.accounts.models import GSS_CODE_PATTERN, User
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.partnerships.models import Partnership
from lde.sharing.models import InformationSource, ProtectedCharacteristic
from lde.sharing.policies import information_source_policy

INFORMATION_SOURCE_FIELDS = (
    "title",
    "owner_organisation",
    "description",
    "coverage_gss_codes",
    "coverage_description",
    "granularity",
    "refresh",
    "marking",
    "how_to_get",
    "protected_characteristics",
    "protected_characteristics_reason",
    "last_reviewed_on",
)


def _information_source_clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(INFORMATION_SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown information source fields: {sorted(unknown)}")
    problems: dict[str, list[str]] = {}
    if not str(fields.get("title", "")).strip():
        problems["title"] = ["Enter the title of the data set"]
    if not str(fields.get("how_to_get", "")).strip():
        problems["how_to_get"] = ["Say how a partner gets the data set"]
    codes = [str(code).upper() for code in fields.get("coverage_gss_codes") or []]
    wrong = [code for code in codes if not re.fullmatch(GSS_CODE_PATTERN, code)]
    if wrong:
        problems["coverage_gss_codes"] = [
            f"These are not GSS codes (a letter and eight digits): {', '.join(wrong[:5])}"
        ]
    held = list(dict.fromkeys(fields.get("protected_characteristics") or []))
    if any(code not in ProtectedCharacteristic.values for code in held):
        problems["protected_characteristics"] = ["Choose protected characteristics from the list"]
    reason = str(fields.get("protected_characteristics_reason") or "").strip()
    if held and not reason:
        problems["protected_characteristics_reason"] = [
            "Say why the partnership needs a data set that holds protected characteristics"
        ]
    if problems:
        raise ValidationError(problems)
    # Keep the characteristics in the Act's order, and no reason where none is held.
    ordered = [code for code in ProtectedCharacteristic.values if code in held]
    return {
        **fields,
        "coverage_gss_codes": list(dict.fromkeys(codes)),
        "protected_characteristics": ordered,
        "protected_characteristics_reason": reason if ordered else "",
    }


def _audit_information_source(
    actor: User | None, verb: str, source: InformationSource, changed: Iterable[str]
) -> None:
    # Field names only: the catalogue is not marked, but the trail is no copy of it either.
    audit_record(
        actor=actor,
        verb=verb,
        target=source,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=source.partnership_id,
        changes=sorted(changed),
        detail={"holds_protected_characteristics": source.holds_protected_characteristics},
    )


@transaction.atomic
def information_source_create(
    *, actor: User, partnership: Partnership, **fields: Any
) -> InformationSource:
    """Add a data set to a partnership's catalogue (its coordinators)."""
    information_source_policy.require_in(
        actor, "manage", partnership.pk, message="You cannot add to this catalogue."
    )
    fields = _information_source_clean(fields)
    source = InformationSource(
        partnership=partnership, created_by=actor, updated_by=actor, **fields
    )
    source.full_clean(exclude=["created_by", "updated_by"])
    source.save()
    _audit_information_source(
        actor, "INFORMATION_SOURCE_CREATED", source, [name for name in fields if fields[name]]
    )
    return source


@transaction.atomic
def information_source_update(
    *, actor: User, source: InformationSource, **fields: Any
) -> InformationSource:
    """Change a catalogue entry (the partnership's coordinators)."""
    source = InformationSource.objects.select_for_update().get(pk=source.pk)
    information_source_policy.require(actor, "manage", source)
    fields = _information_source_clean(fields)
    changed = [name for name, value in fields.items() if getattr(source, name) != value]
    for name, value in fields.items():
        setattr(source, name, value)
    source.updated_by = actor
    source.full_clean(exclude=["created_by", "updated_by"])
    source.save()
    _audit_information_source(actor, "INFORMATION_SOURCE_UPDATED", source, changed)
    return source
