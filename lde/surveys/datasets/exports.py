"""Saved estimates as CSV and as an Excel workbook, with the design written out: in the CSV as
`#` header lines before the table, in the workbook as a "design" sheet beside the "estimates"
sheet. Figures are given in full (as the engine computed them), not rounded for reading; a
domain resting on fewer than 10 responses is withheld when the reader is outside the
partnership (lde.core.suppression's rule), and marked otherwise.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lde.core.suppression import MIN_COUNT
from lde.surveys.datasets.presentation import design_words, small, t_interval
from lde.surveys.models import SavedEstimate, SurveyDataSet

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = (
    "estimate_id",
    "statistic",
    "outcome",
    "value",
    "ci_method",
    "domain_column",
    "domain",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t_ci_low",
    "t_ci_high",
    "df",
    "deff",
    "n",
    "weighted_n",
    "cv",
    "cv_over_30_percent",
    "small_n",
    "withheld",
    "engine_version",
    "computed_at",
)
FIGURES = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t_ci_low",
    "t_ci_high",
    "deff",
    "weighted_n",
    "cv",
)


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def design_lines(data_set: SurveyDataSet) -> list[str]:
    return [
        f"Survey: {data_set.title}",
        f"Source: {data_set.source}",
        f"Fieldwork: {data_set.period_start.isoformat()} to {data_set.period_end.isoformat()}",
        f"Responses: {data_set.row_count}; file {data_set.file_name}, SHA-256 "
        f"{data_set.content_hash}",
        *design_words(data_set),
        f"Domains with fewer than {MIN_COUNT} responses are marked small_n, and withheld "
        "outside the partnership.",
    ]


def rows(estimates: list[SavedEstimate], *, inside: bool) -> list[list[Any]]:
    table = []
    for estimate in estimates:
        for result in estimate.results:
            withheld = small(result) and not inside
            t_low, t_high = t_interval(result)
            figures: dict[str, Any] = {**result, "t_ci_low": t_low, "t_ci_high": t_high}
            cv = result.get("cv")
            table.append(
                [
                    estimate.pk,
                    estimate.statistic,
                    _safe(estimate.outcome),
                    _safe(estimate.value),
                    estimate.ci_method,
                    _safe(estimate.domain_column),
                    "" if result.get("domain") is None else _safe(str(result["domain"])),
                    *(["" if withheld else figures.get(name) for name in FIGURES[:6]]),
                    "" if withheld else result.get("df"),
                    "" if withheld else result.get("deff"),
                    "" if withheld else result.get("n"),
                    "" if withheld else result.get("weighted_n"),
                    "" if withheld else cv,
                    "" if withheld else ("yes" if cv is not None and cv > 0.30 else "no"),
                    "yes" if small(result) else "no",
                    "yes" if withheld else "no",
                    estimate.engine_version,
                    estimate.computed_at.isoformat(),
                ]
            )
    return table


def export(
    data_set: SurveyDataSet, estimates: list[SavedEstimate], *, fmt: str, inside: bool
) -> tuple[bytes, str, str]:
    """The file's bytes, content type and name."""
    stem = f"survey-estimates-{data_set.pk}"
    if len(estimates) == 1:
        stem += f"-{estimates[0].pk}"
    lines = design_lines(data_set)
    body = rows(estimates, inside=inside)
    if fmt == "csv":
        out = io.StringIO()
        for line in lines:
            out.write("# " + line.replace("\n", " ") + "\n")
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(body)
        return out.getvalue().encode("utf-8"), FORMATS["csv"], f"{stem}.csv"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "estimates"
    sheet.append(list(HEADER))
    for row in body:
        sheet.append(row)
    design = book.create_sheet("design")
    for line in lines:
        design.append([ILLEGAL_CHARACTERS_RE.sub("", _safe(line))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), FORMATS["xlsx"], f"{stem}.xlsx"
