"""Reading an uploaded survey file (CSV or an Excel workbook's first sheet) into its header and
rows of text, and a calibration totals file (the column's values and `Freq`).

The file is judged by its content first, as every upload is (lde.core.uploads), and bounded in
size, rows and columns. Problems name the row as a spreadsheet numbers it (the header is row 1)
and the column.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from lde.core.uploads import CSV, XLSX, UploadRefused, upload_check
from lde.surveys.models.datasets import COLUMN_NAME, MAX_BYTES, MAX_COLUMNS, MAX_ROWS

MAX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _raw_rows(data: bytes, name: str, field: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise _refuse(field, f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        kind = upload_check(data, name=name, accepted=(CSV, XLSX), field=field)
    except UploadRefused as refused:
        raise _refuse(field, refused.reason) from refused
    if kind is XLSX:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                    raise _refuse(field, "The workbook is too large to read")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ValidationError:
            raise
        except Exception as error:
            # openpyxl reports a damaged workbook in many ways; they mean the same to a person.
            raise _refuse(field, "The file is not an Excel workbook that can be read") from error
        try:
            rows: list[list[str]] = []
            for row in book.worksheets[0].iter_rows(values_only=True):
                rows.append([_cell(v) for v in row])
                if len(rows) > MAX_ROWS + 1:
                    break
        finally:
            book.close()
    else:
        text = data.decode("utf-8-sig")
        rows = []
        for line in csv.reader(io.StringIO(text)):
            rows.append([c.strip() for c in line])
            if len(rows) > MAX_ROWS + 1:
                break
    # Blank rows at the end of a sheet are not responses.
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS + 1:
        raise _refuse(field, f"The file has more than {MAX_ROWS:,} responses: it is too large")
    return rows


def read_table(data: bytes, name: str, *, field: str = "file") -> Table:
    """The header and the responses, each as text, every row as long as the header."""
    rows = _raw_rows(data, name, field)
    if not rows:
        raise _refuse(field, "The file has no header row")
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise _refuse(field, "The file's first row must name its columns")
    if len(header) > MAX_COLUMNS:
        raise _refuse(field, f"The file has more than {MAX_COLUMNS} columns")
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            raise _refuse(field, f"Row 1, column {position}: the column has no name")
        if len(column) > COLUMN_NAME:
            raise _refuse(
                field,
                f"Row 1, column {position}: a column's name must be {COLUMN_NAME} "
                "characters or fewer",
            )
        if column in seen:
            raise _refuse(field, f"Row 1: the column {column} is named twice")
        seen.add(column)
    width = len(header)
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width and any(row[width:]):
            raise _refuse(field, f"Row {number} has more values than the header has columns")
        body.append((row + [""] * width)[:width])
    if not body:
        raise _refuse(field, "The file has a header but no responses")
    return Table(columns=header, rows=body)


def read_totals(data: bytes, name: str, *, field: str) -> tuple[str, dict[str, float]]:
    """A totals file: one column named as the survey's column, and `Freq`, the population total
    of each of its values. Returns the column's name and the totals by value."""
    table = read_table(data, name, field=field)
    if len(table.columns) != 2 or "Freq" not in table.columns:
        raise _refuse(field, "A totals file has two columns: the survey column's values, and Freq")
    column = next(c for c in table.columns if c != "Freq")
    at_value, at_freq = table.columns.index(column), table.columns.index("Freq")
    totals: dict[str, float] = {}
    for number, row in enumerate(table.rows, start=2):
        value, text = row[at_value], row[at_freq]
        if not value:
            raise _refuse(field, f"Row {number}, column {column}: enter the value")
        if value in totals:
            raise _refuse(field, f"Row {number}, column {column}: {value} is given twice")
        try:
            freq = float(text)
        except ValueError:
            freq = math.nan
        if not math.isfinite(freq) or freq <= 0:
            raise _refuse(field, f"Row {number}, column Freq: enter a total greater than 0")
        totals[value] = freq
    return column, totals
