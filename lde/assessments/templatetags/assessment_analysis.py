"""Scores, gaps and changes as people read them: "62.5%", "+12.5 points", "2 levels below"."""

from __future__ import annotations

from django import template

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
