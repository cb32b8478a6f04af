"""Widgets that carry the GOV.UK classes, so forms declare intent and not markup."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


def _merge(attrs: dict[str, Any] | None, css: str) -> dict[str, Any]:
    attrs = dict(attrs or {})
    attrs["class"] = f"{css} {attrs.get('class', '')}".strip()
    return attrs


class TextInput(forms.TextInput):
    template_name = "govuk/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, width: str = "") -> None:
        css = "govuk-input" + (f" govuk-input--width-{width}" if width else "")
        super().__init__(_merge(attrs, css))


class EmailInput(forms.EmailInput):
    template_name = "govuk/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge({"spellcheck": "false", **(attrs or {})}, "govuk-input"))


class PasswordInput(forms.PasswordInput):
    template_name = "govuk/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge(attrs, "govuk-input govuk-input--width-20"))


DATE_PARTS = ("day", "month", "year")


class DateInput(forms.Widget):
    """The GOV.UK date input: day, month and year in three boxes of numbers, never the
    browser's own picker (which shows its own order, such as mm/dd/yyyy, whatever the hint says).

    Its value is the three boxes as typed, `(day, month, year)`; `lde.core.govuk.forms.DateField`
    makes a date of them. The boxes are named `<name>-day`, `<name>-month` and `<name>-year`, and
    only the boxes that are wrong are marked as errors (all three when the date as a whole is)."""

    template_name = "govuk/widgets/date_input.html"
    widths = {"day": 2, "month": 2, "year": 4}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str, str]:
        day, month, year = (str(data.get(f"{name}-{part}") or "") for part in DATE_PARTS)
        return (day, month, year)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)

    def format_value(self, value: Any) -> tuple[str, str, str]:
        if isinstance(value, date):
            return (str(value.day), str(value.month), str(value.year))
        if isinstance(value, str) and value:
            try:
                return self.format_value(date.fromisoformat(value))
            except ValueError:
                return ("", "", "")
        if isinstance(value, list | tuple) and len(value) == len(DATE_PARTS):
            return tuple(str(part or "") for part in value)  # type: ignore[return-value]
        return ("", "", "")

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else id_

    @staticmethod
    def error_parts(value: Any) -> tuple[str, ...]:
        """The boxes to mark when the field has an error: those left empty or not a number, or
        a year without 4 numbers; all three when each box is sound but the date is not."""
        given = value if isinstance(value, list | tuple) and len(value) == 3 else ("", "", "")
        typed = tuple(str(part or "").strip() for part in given)
        if any(typed) and not all(typed):
            return tuple(part for part, text in zip(DATE_PARTS, typed, strict=True) if not text)
        wrong = tuple(
            part
            for part, text in zip(DATE_PARTS, typed, strict=True)
            if text and not (text.isdigit() or (part == "month" and month_number(text)))
        )
        if not wrong and typed[2].isdigit() and len(typed[2]) != 4:
            wrong = ("year",)
        return wrong or DATE_PARTS

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        in_error = attrs.pop("has_error", False)
        marked = self.error_parts(value) if in_error else ()
        base_id = attrs.get("id") or name
        context["widget"]["parts"] = [
            {
                "name": f"{name}-{part}",
                "id": f"{base_id}-{part}",
                "label": part.capitalize(),
                "value": typed,
                "width": self.widths[part],
                "error": part in marked,
            }
            for part, typed in zip(DATE_PARTS, self.format_value(value), strict=True)
        ]
        return context


MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def month_number(text: str) -> int | None:
    """A month typed as a name, in full or its first three letters ("jan", "January")."""
    word = text.strip().lower()
    for number, month in enumerate(MONTH_NAMES, start=1):
        if word == month or (len(word) >= 3 and month.startswith(word)):
            return number
    return None


class FileInput(forms.FileInput):
    template_name = "govuk/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge(attrs, "govuk-file-upload"))


class Textarea(forms.Textarea):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge({"rows": 5, **(attrs or {})}, "govuk-textarea"))


class Select(forms.Select):
    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(_merge(attrs, "govuk-select"), choices)


class RadioSelect(forms.RadioSelect):
    template_name = "govuk/widgets/radios.html"


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "govuk/widgets/checkboxes.html"


class CheckboxInput(forms.CheckboxInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge(attrs, "govuk-checkboxes__input"))
