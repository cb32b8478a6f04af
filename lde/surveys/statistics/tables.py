"""A survey's responses as columns of text, read from CSV or XLSX, parsed to numbers on demand.

The table keeps every cell as the text a person typed, so that an error can quote it and name
its row (the header is row 1, as in a spreadsheet).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lde.surveys.statistics.errors import DesignError

# Cells R's read.csv reads as missing (na.strings = "NA", and blank numeric cells).
MISSING = frozenset({"", "NA"})


@dataclass
class Table:
    """Named columns of equal length, each a list of the cells' text."""

    columns: dict[str, list[str]]
    name: str = "data"
    _numeric: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _not_numeric: dict[str, DesignError] = field(default_factory=dict, repr=False)
    _text: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def column(self, name: str) -> list[str]:
        try:
            return self.columns[name]
        except KeyError:
            raise DesignError(
                f"there is no column {name!r} in {self.name} (it has {', '.join(self.columns)})",
                column=name,
            ) from None

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column as floats and a mask of missing cells; any other text is refused."""
        if name in self._not_numeric:
            raise self._not_numeric[name]
        if name not in self._numeric:
            cells = self.column(name)
            try:
                # The common case, every cell a finite number, parsed in one pass.
                values = np.fromiter(map(float, cells), dtype=float, count=len(cells))
                if not np.isfinite(values).all():
                    raise ValueError
                missing = np.zeros(len(cells), dtype=bool)
            except ValueError:
                try:
                    values, missing = self._parse(name, cells)
                except DesignError as error:
                    self._not_numeric[name] = error
                    raise
            self._numeric[name] = (values, missing)
        return self._numeric[name]

    @staticmethod
    def _parse(name: str, cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
        values = np.empty(len(cells))
        missing = np.zeros(len(cells), dtype=bool)
        for i, cell in enumerate(cells):
            text = cell.strip()
            if text in MISSING:
                missing[i] = True
                values[i] = 0.0
                continue
            try:
                number = float(text)
            except ValueError:
                raise DesignError(f"{cell!r} is not a number", row=i + 2, column=name) from None
            if not math.isfinite(number):
                raise DesignError(f"{cell!r} is not a finite number", row=i + 2, column=name)
            values[i] = number
        return values, missing

    def is_numeric(self, name: str) -> bool:
        try:
            self.numbers(name)
        except DesignError:
            return False
        return True

    def text(self, name: str) -> np.ndarray:
        """The column's cells, stripped of surrounding spaces, as a numpy string array."""
        if name not in self._text:
            self._text[name] = np.strings.strip(np.asarray(self.column(name), dtype=str))
        return self._text[name]

    def missing_text(self, name: str) -> np.ndarray:
        """Which cells are empty (or NA, as R reads a CSV)."""
        text = self.text(name)
        return (text == "") | (text == "NA")


def _from_rows(rows: list[list[str]], name: str) -> Table:
    if not rows:
        raise DesignError(f"{name} is empty: it needs a header row and at least one response")
    header = [h.strip() for h in rows[0]]
    seen: set[str] = set()
    for h in header:
        if not h:
            raise DesignError(f"{name}'s header row has a blank column name", row=1)
        if h in seen:
            raise DesignError(f"{name}'s header names {h!r} twice", row=1, column=h)
        seen.add(h)
    body = rows[1:]
    if not body:
        raise DesignError(f"{name} has a header but no responses", row=2)
    columns: dict[str, list[str]] = {h: [] for h in header}
    for i, row in enumerate(body):
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise DesignError(
                f"the row has {len(row)} cells but the header names {len(header)} columns",
                row=i + 2,
            )
        for j, h in enumerate(header):
            columns[h].append(row[j] if j < len(row) else "")
    return Table(columns=columns, name=name)


def _trim(rows: list[list[str]]) -> list[list[str]]:
    # Only blank rows at the end go: one in the middle stays, so that row numbers in messages
    # are the ones a person sees in the file.
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else (repr(v) if isinstance(v, float) else str(v)) for v in values]
        rows.append(cells)
    book.close()
    return _trim(rows)


def read_table(source: str | Path | bytes, name: str | None = None) -> Table:
    """Read a CSV or XLSX file (a path, or its bytes) into a Table of text columns.

    ``name`` is what messages call the file; it also decides the format when ``source`` is
    bytes (a name ending ``.xlsx`` is read as a workbook's first sheet, anything else as CSV).
    """
    if isinstance(source, bytes):
        data = source
        label = name or "data"
    else:
        path = Path(source)
        label = name or path.name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DesignError(f"cannot read {path}: {error.strerror}") from error
    if label.lower().endswith(".xlsx") or data[:2] == b"PK":
        try:
            rows = _xlsx_rows(data)
        except DesignError:
            raise
        except Exception as error:  # openpyxl raises many types for a file that is not a workbook
            raise DesignError(f"{label} is not a readable XLSX workbook ({error})") from error
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DesignError(f"{label} is not UTF-8 text") from error
        rows = _trim(list(csv.reader(io.StringIO(text))))
    return _from_rows(rows, label)
