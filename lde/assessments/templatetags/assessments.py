"""Ratings as people read them ("2 – Developing", "Not rated") and status tags."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

from lde.assessments.selectors import board_sign_off_summary, file_size_label
from lde.frameworks.templatetags.frameworks import references

register = template.Library()

STATUS_TAG_COLOURS = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "moderated": "govuk-tag--purple",
    "published": "govuk-tag--green",
    "abandoned": "govuk-tag--red",
}


@register.filter
def board_sign_off(assessment: Any, named: bool = True) -> str:
    """The board's sign-off, or why a moderated self-assessment did not need one; who signed
    only when `named` (the reader sees the assessment in full)."""
    return board_sign_off_summary(assessment=assessment, named=bool(named))


@register.filter
def level_label(value: int | None, scale: Any) -> str:
    """A rating with its level's name, from a scale whose levels are already loaded."""
    if value is None or value == "":
        return "Not rated"
    if scale is not None:
        for level in scale.levels.all():
            if level.value == value:
                return f"{level.value} – {level.label}"
    return str(value)


@register.filter
def status_tag_class(status: str) -> str:
    return STATUS_TAG_COLOURS.get(str(status), "govuk-tag--grey")


@register.filter
def file_size(size: int) -> str:
    return file_size_label(size)


# The assessment page lists every evidence item and independent rating of up to hundreds of
# criteria. Rendered by the template engine, or even by format_html, those few thousand list
# items were most of the page's time. These tags build one row's list from values escaped with
# the standard library's html.escape (the same five characters Django escapes, without its lazy
# wrappers) and mark only that finished string safe. tests/assessments/test_pages.py checks
# that markup in titles, addresses and names comes out escaped.


def _same_item(e: Any) -> tuple[str, str, str]:
    """What makes two evidence lines one item: the same file content, or the same address,
    under the same title. Carrying a cycle forward copies its evidence, and a file uploaded
    again as it was is still the one item."""
    return (e.kind, e.content_hash if e.is_file else e.url, e.title)


@register.simple_tag
def evidence_items(row: Any, download_base: str) -> str:
    """A row's evidence, one line an item: files through the policy-checked download, links as
    given, then the date it speaks for and a "Carried forward" tag. An item held more than once
    (carried forward and uploaded again) is listed once, as its newest copy, and tagged only if
    every copy came from an earlier cycle."""
    if not row.evidence:
        return "None"
    newest: dict[tuple[str, str, str], Any] = {}
    all_carried: dict[tuple[str, str, str], bool] = {}
    for e in row.evidence:  # newest first (selectors.assessment_rows)
        key = _same_item(e)
        newest.setdefault(key, e)
        all_carried[key] = all_carried.get(key, True) and e.carried_forward
    items = []
    for key, e in newest.items():
        if e.is_file:
            link = (
                f'<a class="govuk-link" href="{escape(download_base)}{e.pk}/">'
                f"{escape(e.title)} ({e.size_label})</a>"
            )
        else:
            link = (
                f'<a class="govuk-link" href="{escape(e.url)}" rel="noreferrer noopener">'
                f"{escape(e.title)} (link)</a>"
            )
        carried = (
            ' <strong class="govuk-tag govuk-tag--grey lde-tag--small">Carried forward</strong>'
            if all_carried[key]
            else ""
        )
        items.append(f"<li>{link}, as at {e.effective_label}{carried}</li>")
    return mark_safe(  # noqa: S308 - every value above is escaped or a number
        f'<ul class="govuk-list govuk-!-font-size-16">{"".join(items)}</ul>'
    )


@register.simple_tag
def rater_items(row: Any) -> str:
    """The spread of a row's independent ratings, then each rater's rating."""
    spread = row.spread
    if spread is None:
        return "None"
    low, high = spread
    summary = (
        f"All {low}"
        if low == high
        else f'{low} to {high} <strong class="govuk-tag govuk-tag--orange">Raters differ</strong>'
    )
    items = "".join(
        f"<li>{escape(r.name)}: {escape(r.rating_label)}</li>" for r in row.rater_ratings
    )
    return mark_safe(  # noqa: S308 - names and labels are escaped, the spread is numbers
        f'{summary}<ul class="govuk-list govuk-body-s">{items}</ul>'
    )


@register.simple_tag
def criterion_rows(
    rows: list[Any],
    *,
    in_full: bool,
    rate_all: bool,
    rateable: frozenset[int],
    response_base: str,
    evidence_base: str,
) -> str:
    """The rows of one theme's table on the assessment page, built in one pass (see above): at
    410 criteria, the template engine's loop over each row's dozen fields was two thirds of the
    page's time. The markup is the table's as the template wrote it."""
    parts: list[str] = []
    add = parts.append
    base = escape(response_base)
    for row in rows:
        criterion, response = row.criterion, row.response
        title = escape(criterion.title)
        add(
            f'<tr class="govuk-table__row" id="criterion-{escape(criterion.identifier)}">\n'
            '    <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">\n      '
        )
        if response is not None and (rate_all or criterion.pk in rateable):
            add(f'<a class="govuk-link" href="{base}{response.pk}/">{title}</a>')
        else:
            add(title)
        add(
            '\n      <span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-1">'
            f"{escape(references(criterion.paragraphs))}</span>\n      "
        )
        if response is not None and response.carried_forward:
            add('<strong class="govuk-tag govuk-tag--yellow">Carried forward</strong>')
        add("\n      ")
        if in_full and response is not None:
            if response.commentary:
                commentary = escape(normalize_newlines(response.commentary)).replace("\n", "<br>")
                add(f'<span class="govuk-!-display-block govuk-!-margin-top-1">{commentary}</span>')
            add("\n      ")
            if response.consensus_reason:
                add(
                    '<span class="govuk-!-display-block govuk-!-margin-top-1">Agreed because: '
                    f"{escape(response.consensus_reason)}</span>"
                )
        rating = escape(row.rating_label)
        target = row.target_label if response is not None and response.target else "None set"
        add(
            "\n    </th>\n"
            f'    <td class="govuk-table__cell" data-label="Rating">{rating}</td>\n'
            f'    <td class="govuk-table__cell" data-label="Target">{escape(target)}</td>\n    '
        )
        if in_full:
            assigned = ", ".join(escape(c.name) for c in row.contributions) or "–"
            add(
                '<td class="govuk-table__cell" data-label="Independent ratings">'
                f"{rater_items(row)}</td>\n"
                '    <td class="govuk-table__cell" data-label="Evidence">'
                f"{evidence_items(row, evidence_base)}</td>\n"
                f'    <td class="govuk-table__cell" data-label="Assigned to">{assigned}</td>'
            )
        add("\n  </tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
