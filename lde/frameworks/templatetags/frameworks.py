"""Showing the report's references as people read them: ¶89, ¶89–91, Figure 4."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def reference(value: str) -> str:
    text = str(value)
    if text[:1].isdigit():
        return "¶" + text.replace("-", "–")
    return text


@register.filter
def references(values: list[str]) -> str:
    return ", ".join(reference(v) for v in values or [])
