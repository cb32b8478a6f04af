"""Observations from a file (CSV or XLSX), all or nothing, and observations to a CSV file.

The file has a header row and one row per figure: `period` (2025-03, 2025-Q1 or 2025, as the
indicator's period type counts), `value` for a count, or `numerator` and `denominator` for a
rate, and optionally `area_code` (a GSS code) and `area_name` (a ward in words); with neither,
the row is the partnership's whole area. Every row is checked before anything is written; if any
has a problem, nothing is saved and every problem is named by its row (the header being row 1)
and its column. The file is judged by its content first (programme's reader, which also bounds
its size and rows, as every import does). Rows go through the same checks as the form's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from lde.accounts.models import User
from lde.indicators import services
from lde.indicators.models import Indicator, MeasureType, Observation, period_code
from lde.indicators.policies import indicator_policy
from lde.programme.imports import ImportProblem, ImportRefused, read_rows

COLUMNS = ("period", "value", "numerator", "denominator", "area_code", "area_name")


@dataclass(frozen=True)
class ObservationsImported:
    rows: int
    created: int
    replaced: int


def _problems(number: int, error: ValidationError, fallback: str) -> list[ImportProblem]:
    if hasattr(error, "error_dict"):
        return [
            ImportProblem(number, column, message)
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return [ImportProblem(number, fallback, m) for m in error.messages]


@transaction.atomic
def observations_import(
    *, actor: User, indicator: Indicator, data: bytes, name: str
) -> ObservationsImported:
    """Save the file's figures on the indicator, all or nothing. Raises ImportRefused naming
    every problem by row and column; PermissionDenied before the file is read."""
    indicator_policy.require(actor, "record", indicator)
    rows = read_rows(data, name)
    if not rows:
        raise ImportRefused([ImportProblem(None, "file", "The file is empty")])
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    needed = (
        ("period", "numerator", "denominator")
        if indicator.measure_type == MeasureType.RATE
        else ("period", "value")
    )
    problems = [
        ImportProblem(1, column, f"The column “{column}” is missing")
        for column in needed
        if column not in header
    ]
    problems += [
        ImportProblem(1, column or "(blank)", f"“{column}” is not a column this import reads")
        for column in header
        if column not in COLUMNS
    ]
    if problems:
        raise ImportRefused(problems)
    seen: dict[tuple[str, str, str], int] = {}
    checked = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(str(cell).strip() for cell in raw):
            continue
        record = {column: (raw[i] if i < len(raw) else "") for i, column in enumerate(header)}
        row_problems: list[ImportProblem] = []
        try:
            start = services.parse_period(record["period"], indicator.period_type)
        except ValidationError as error:
            row_problems += _problems(number, error, "period")
            start = None
        try:
            code, area = services.area_check(
                record.get("area_code", ""), record.get("area_name", "")
            )
        except ValidationError as error:
            row_problems += _problems(number, error, "area_name")
            code, area = "", ""
        try:
            figure = services.figure(
                indicator,
                value=record.get("value"),
                numerator=record.get("numerator") or None,
                denominator=record.get("denominator") or None,
            )
        except ValidationError as error:
            row_problems += _problems(number, error, "value")
            figure = None
        if start is not None and not row_problems:
            key = (start.isoformat(), code, area.lower())
            if key in seen:
                row_problems.append(
                    ImportProblem(
                        number,
                        "period",
                        f"{period_code(start, indicator.period_type)} for this area is already "
                        f"given on row {seen[key]}",
                    )
                )
            seen[key] = number
        problems += row_problems
        if not row_problems and start is not None and figure is not None:
            checked.append((start, code, area, figure))
    if not checked and not problems:
        problems.append(ImportProblem(None, "file", "The file has no rows under its header"))
    if problems:
        raise ImportRefused(problems)
    existing = {
        (o.period_start, o.area_code, o.area_name)
        for o in indicator.observations.only("period_start", "area_code", "area_name")
    }
    created = 0
    for start, code, area, (number_value, top, bottom) in checked:
        created += (start, code, area) not in existing
        Observation.objects.update_or_create(
            indicator=indicator,
            period_start=start,
            area_code=code,
            area_name=area,
            defaults={
                "value": number_value,
                "numerator": top,
                "denominator": bottom,
                "recorded_by": actor,
            },
        )
    services.audit_import(actor, indicator, rows=len(checked), created=created)
    return ObservationsImported(rows=len(checked), created=created, replaced=len(checked) - created)


def observations_csv(indicator: Indicator, observations: Iterable[Observation]) -> str:
    """The figures as a CSV in the columns the import reads, so that a file exported can be
    corrected and imported again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for o in observations:
        writer.writerow(
            [
                period_code(o.period_start, indicator.period_type),
                f"{o.value.normalize():f}",
                "" if o.numerator is None else o.numerator,
                "" if o.denominator is None else o.denominator,
                o.area_code,
                _safe(o.area_name),
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet reads a cell starting with = + - @ as a formula: prefix it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
