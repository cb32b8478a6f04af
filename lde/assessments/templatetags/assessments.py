"""Ratings as people read them ("2 – Developing", "Not rated") and status tags."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

STATUS_TAG_COLOURS = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "moderated": "govuk-tag--purple",
    "published": "govuk-tag--green",
}


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
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"
