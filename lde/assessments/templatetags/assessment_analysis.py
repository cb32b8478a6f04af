"""Scores, gaps and changes as people read them: "62.5%", "+12.5 points", "2 levels below"."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from lde.assessments.charts import percent

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score in percent; a missing one says so rather than showing 0%."""
    return percent(value)


@register.filter
def points(value: float | None) -> str:
    """A change or gap in percentage points, with its sign written out."""
    if value is None:
        return "–"
    if abs(value) < 0.05:
        return "No change"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.1f} points"


@register.filter
def levels(value: int | None) -> str:
    """A change in levels of a scale, with its sign written out."""
    if value is None:
        return "–"
    if value == 0:
        return "No change"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value)} level{'s' if abs(value) != 1 else ''}"


@register.filter
def gap_levels(value: int | None) -> str:
    """How far a rating is from its target, in levels."""
    if value is None:
        return "–"
    if value == 0:
        return "At target"
    count = abs(value)
    plural = "s" if count != 1 else ""
    return f"{count} level{plural} {'below' if value > 0 else 'above'}"


@register.filter
def gap(value: float | None) -> str:
    """A gap to target in percentage points: what is still to do, or that the target is met."""
    if value is None:
        return "–"
    if abs(value) < 0.05:
        return "At target"
    if value < 0:
        return f"{abs(value):.1f} points above"
    return f"{value:.1f} points"


# The trends page's table of every criterion in every cycle (300 criteria over ten cycles is
# 3,000 cells) was most of the page's time through the template engine. This tag builds the
# table's rows in one pass from values escaped with the standard library's html.escape (the
# same five characters Django escapes), as the assessment page's evidence and rater lists are
# built, and marks only the finished string safe. tests/assessments/test_analysis_pages.py
# checks that markup in titles and identifiers comes out escaped.


@register.simple_tag
def trend_criterion_rows(criteria: list[Any]) -> SafeString:
    """The rows of the table of each criterion's rating across cycles."""
    parts: list[str] = []
    add = parts.append
    for row in criteria:
        identifier = escape(row.identifier)
        add(
            f'<tr class="govuk-table__row" id="trend-{identifier}">\n    <th scope="row" '
            f'class="govuk-table__header govuk-!-font-weight-regular">{escape(row.title)}'
            '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0">'
            f'<span class="lde-code">{identifier}</span> · {row.theme_number}. '
            f"{escape(row.theme_title)}</span>"
        )
        note = row.note
        if note:
            add(
                '<strong class="govuk-!-display-block govuk-!-margin-top-1 govuk-body-s '
                f'govuk-!-margin-bottom-0">{escape(note)}</strong>'
            )
        add("</th>\n    ")
        for cell in row.cells:
            add(f'<td class="govuk-table__cell">{escape(cell.label)}')
            cell_note = cell.note
            if cell_note:
                add(
                    '<span class="govuk-!-display-block govuk-body-s govuk-!-margin-bottom-0">'
                    f"{escape(cell_note)}</span>"
                )
            add("</td>")
        add("\n  </tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
