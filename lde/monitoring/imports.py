"""Filling a return's spend from a spend list kept elsewhere (a finance system's CSV, a workbook).

The file has one row per budget line: `budget_line` (its heading as the agreement names it) and
`amount` (pounds and pence). Every row is checked before anything is written; if any row has a
problem, nothing is saved and every problem is named with its row (as the spreadsheet numbers
it, the header being row 1) and its column. The file is judged by its content first, as every
upload is (`lde.core.uploads`, through programme's reader, which also bounds its size and rows).

The spend is then saved through `services.return_save`, the service behind the return's page, in
the same transaction: who may make the return, a closed agreement, a negative or non-numeric
amount are refused exactly as there. Spend beyond a line's tolerance is saved, as the page saves
it, and named in the result: the return cannot be submitted until the variance is explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from lde.accounts.models import User
from lde.commissioning.services import money
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.monitoring import services
from lde.monitoring.models import Return
from lde.monitoring.policies import require_may_make
from lde.programme.imports import ImportProblem, ImportRefused, read_rows

COLUMNS = ("budget_line", "amount")


@dataclass(frozen=True)
class SpendImported:
    rows: int
    total: Decimal
    # The lines now beyond the partnership's tolerance, in words: explain before submitting.
    beyond_tolerance: list[str] = field(default_factory=list)


def _refused(row: int | None, column: str, message: str) -> ImportRefused:
    return ImportRefused([ImportProblem(row, column, message)])


@transaction.atomic
def spend_import(*, actor: User, return_made: Return, data: bytes, name: str) -> SpendImported:
    """Save the file's spend on the return, all or nothing. Raises ImportRefused naming every
    problem by row and column; PermissionDenied or Conflict (a closed agreement) as the
    return's page would, before the file is read."""
    require_may_make(actor, return_made)
    row = return_made
    rows = read_rows(data, name)
    if not rows:
        raise _refused(None, "file", "The file is empty")
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    problems = [
        ImportProblem(1, column, f"The column “{column}” is missing")
        for column in COLUMNS
        if column not in header
    ]
    problems += [
        ImportProblem(1, column or "(blank)", f"“{column}” is not a column this import reads")
        for column in header
        if column not in COLUMNS
    ]
    if problems:
        raise ImportRefused(problems)
    lines_by_heading: dict[str, list[int]] = {}
    for line in row.agreement.lines.all():
        lines_by_heading.setdefault(line.heading.strip().lower(), []).append(line.pk)
    spend: dict[int, Decimal] = {}
    seen_on: dict[int, int] = {}
    counted = 0
    for number, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        counted += 1
        record = {column: (raw[i] if i < len(raw) else "") for i, column in enumerate(header)}
        heading = record["budget_line"].strip()
        matches = lines_by_heading.get(heading.lower(), [])
        line_id = None
        if not heading:
            problems.append(ImportProblem(number, "budget_line", "Name the budget line"))
        elif not matches:
            problems.append(
                ImportProblem(
                    number,
                    "budget_line",
                    f"“{heading}” is not one of the agreement's budget lines",
                )
            )
        elif len(matches) > 1:
            # Two lines with one heading cannot be told apart by a spreadsheet: the page can.
            problems.append(
                ImportProblem(
                    number,
                    "budget_line",
                    f"The agreement has {len(matches)} lines headed “{heading}”: enter this "
                    "spend on the return's page",
                )
            )
        else:
            line_id = matches[0]
            if line_id in seen_on:
                problems.append(
                    ImportProblem(
                        number,
                        "budget_line",
                        f"“{heading}” is already given on row {seen_on[line_id]}",
                    )
                )
                line_id = None
        try:
            amount = money(record["amount"], "amount", label="spend")
        except ValidationError as error:
            problems.extend(ImportProblem(number, "amount", m) for m in error.messages)
            continue
        if line_id is not None:
            seen_on[line_id] = number
            spend[line_id] = amount
    if not counted:
        problems.append(ImportProblem(None, "file", "The file has no rows under its header"))
    if problems:
        raise ImportRefused(problems)
    services.return_save(actor=actor, return_made=row, spend=spend)
    over = services.overspends(
        lines=[x for x in row.agreement.lines.all() if spend.get(x.pk, Decimal("0")) > 0],
        spent_to_date=services.spent_to_date(row),
        tolerance=services.rules_for(row.agreement.partnership_id).tolerance_percent,
    )
    total = sum(spend.values(), Decimal("0"))
    audit_record(
        actor=actor,
        verb="RETURN_SPEND_IMPORTED",
        target=row,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=row.agreement.partnership_id,
        detail={"rows": counted, "total": str(total)},
    )
    return SpendImported(
        rows=counted,
        total=total,
        beyond_tolerance=[o.words for o in over if o.beyond_tolerance],
    )
