"""The report's own entries (data/report_entries.yaml): its case studies, its research summaries
(¶166–168) and the practice it found promising, loaded into the library as published entries.

Like the shipped frameworks (frameworks.services.frameworks_load_shipped), they are loaded from
the command line (`lde what-works load-report`, which `lde demo` runs) by whoever maintains the
platform, not through a page: there is no actor, and the audit trail records the platform's own
write. Each entry passes the same checks as one typed into a page, and a bad one is refused naming
its place in the file and its field, with nothing loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.what_works import services
from lde.what_works.models import Design, EffectDirection, Entry, EntryStatus
from lde.what_works.search import entry_index

REPORT_ENTRIES = Path(__file__).parent / "data" / "report_entries.yaml"


@dataclass(frozen=True)
class ReportLoad:
    added: int
    changed: int


def _row(number: int, key: str, error: ValidationError) -> ValidationError:
    where = f"entry {number} ({key})"
    if hasattr(error, "error_dict"):
        return ValidationError(
            {field: [f"{where}: {m}" for m in msgs] for field, msgs in error.message_dict.items()}
        )
    return ValidationError([f"{where}: {m}" for m in error.messages])


@transaction.atomic
def report_entries_load(*, path: Path = REPORT_ENTRIES) -> ReportLoad:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = str(document.get("source") or "")
    added = changed = 0
    today = timezone.localdate()
    for number, raw in enumerate(document.get("entries") or [], start=1):
        row: dict[str, Any] = dict(raw or {})
        key = str(row.pop("key", "") or "")
        try:
            if not key:
                raise ValidationError({"key": "Give each entry a key"})
            described = services._description(
                {"source": row.pop("source", source)}
                | {name: row.pop(name) for name in list(row) if name in services.DESCRIPTION}
            )
            rating = services._rating(
                {
                    "design": Design.CASE_STUDY,
                    "effect_direction": EffectDirection.NOT_MEASURED,
                    "effect": "Not measured: the report gives no measured effect.",
                }
                | row
            )
        except ValidationError as error:
            raise _row(number, key, error) from None
        except TypeError as error:
            raise ValidationError({"entries": f"entry {number} ({key}): {error}"}) from None
        entry = Entry.objects.filter(report_key=key).first()
        if entry is None:
            entry = Entry(report_key=key)
            added += 1
        else:
            changed += 1
        for name, value in (described | rating).items():
            setattr(entry, name, value)
        entry.status = EntryStatus.PUBLISHED
        entry.rated_on = entry.rated_on or today
        entry.published_on = entry.published_on or today
        entry.full_clean(exclude=["partnership", "project", "rated_by", "published_by"])
        entry.save()
        entry_index(entry)
    audit_record(
        actor=None,
        verb="WHAT_WORKS_REPORT_LOADED",
        scope=AuditScope.SITE,
        detail={"added": added, "changed": changed},
    )
    return ReportLoad(added=added, changed=changed)
