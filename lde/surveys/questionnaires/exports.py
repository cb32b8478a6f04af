"""The answers by pseudonymous code as a CSV file or an Excel workbook: one row per response,
as the export page and `lde surveys export-answers` write them (selectors.answer_rows)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from lde.surveys.models import Questionnaire
from lde.surveys.questionnaires.selectors import answer_rows

__all__ = ["CONTENT_TYPES", "answers_file"]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe(value: str) -> str:
    # A value a spreadsheet would read as a formula is written as text.
    return ("'" + value) if value[:1] in "=+-@" else value


def answers_file(questionnaire: Questionnaire, fmt: str) -> tuple[bytes, int]:
    """The file's bytes and how many responses it holds. `fmt` is "csv" or "xlsx"."""
    header, rows = answer_rows(questionnaire=questionnaire)
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("answers")
        sheet.append(header)
        for row in rows:
            sheet.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), len(rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return text.getvalue().encode("utf-8"), len(rows)
