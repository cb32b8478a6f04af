"""Ratings as people read them ("2 – Developing", "Not rated") and status tags."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from lde.assessments.selectors import board_sign_off_summary, file_size_label

register = template.Library()

STATUS_TAG_COLOURS = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "moderated": "govuk-tag--purple",
    "published": "govuk-tag--green",
    "abandoned": "govuk-tag--red",
}


@register.filter
def board_sign_off(assessment: Any) -> str:
    """The board's sign-off, or why a moderated self-assessment did not need one."""
    return board_sign_off_summary(assessment=assessment)


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


@register.simple_tag
def evidence_items(row: Any, download_base: str) -> str:
    """A row's evidence as a list: files through the policy-checked download, links as given."""
    if not row.evidence:
        return "None"
    items = []
    for e in row.evidence:
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
        carried = ", carried forward" if e.carried_forward else ""
        items.append(
            f'<li>{link}<span class="govuk-!-display-block">as at {e.effective_label}{carried}'
            "</span></li>"
        )
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
