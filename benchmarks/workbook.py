"""Filling in a self-assessment's workbook as a person would, and the round trip `lde bench
assessments` times: export, change ratings in the spreadsheet, import. Not the platform's own
code: the tests use it too, to complete a workbook offline."""

from __future__ import annotations

import io
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from lde.accounts.models import User
from lde.assessments import selectors
from lde.assessments.models import Assessment
from lde.assessments.workbook import (
    COLUMNS,
    CRITERIA_SHEET,
    WorkbookImport,
    level_label,
    workbook_export,
    workbook_import,
    workbook_lines,
)


def workbook_fill(data: bytes, changes: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Set cells of the Criteria sheet, by criterion identifier and column key, and save the
    workbook again, as someone completing it in a spreadsheet would."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[CRITERIA_SHEET]
    keys = {c.header: c.key for c in COLUMNS}
    columns = {keys[cell.value]: cell.column for cell in sheet[1] if cell.value in keys}
    for row in range(2, sheet.max_row + 1):
        identifier = sheet.cell(row=row, column=columns["identifier"]).value
        for key, value in changes.get(str(identifier), {}).items():
            sheet.cell(row=row, column=columns[key]).value = value
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class RoundTrip:
    """One offline completion, timed in its three steps."""

    criteria: int
    rows_changed: int
    workbook_bytes: int
    export_ms: float
    fill_ms: float
    import_ms: float
    result: WorkbookImport

    @property
    def total_ms(self) -> float:
        return self.export_ms + self.fill_ms + self.import_ms


def workbook_round_trip(
    *, actor: User, assessment: Assessment, rows: int | None = None
) -> RoundTrip:
    """Export the workbook, move the rating of `rows` of the criteria the actor may change (all
    of them when None) to another level with a reason, and import it: what
    `lde bench assessments` times."""
    rateable = selectors.rateable_criterion_ids(user=actor, assessment=assessment)
    lines = workbook_lines(assessment=assessment, rateable=rateable)
    lines = [line for line in lines if line.editable]
    lines = [line for line in lines if line.levels][: len(lines) if rows is None else rows]
    changes: dict[str, dict[str, Any]] = {}
    for line in lines:
        values = list(line.levels)
        current = line.response.rating
        moved = (
            values[(values.index(current) + 1) % len(values)] if current in values else values[0]
        )
        changes[line.criterion.identifier] = {
            "rating": level_label(line.levels[moved]),
            "consensus_reason": "Agreed at the partnership's assessment workshop.",
        }
    started = time.perf_counter()
    exported = workbook_export(actor=actor, assessment=assessment)
    exported_at = time.perf_counter()
    filled = workbook_fill(exported, changes)
    filled_at = time.perf_counter()
    result = workbook_import(actor=actor, assessment=assessment, data=filled)
    finished = time.perf_counter()
    return RoundTrip(
        criteria=len(changes),
        rows_changed=len(result.changed),
        workbook_bytes=len(exported),
        export_ms=(exported_at - started) * 1000,
        fill_ms=(filled_at - exported_at) * 1000,
        import_ms=(finished - filled_at) * 1000,
        result=result,
    )
