"""Widgets that carry the GOV.UK classes, so forms declare intent and not markup."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


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


def _options_html(choices: Any, selected: set[str]) -> SafeString:
    """The options of a national list, written in Python: Django's per-option templates (and
    format_html's per-call work) take the best part of a second for the thousands of
    organisations in the national register. Every value and label is escaped here."""

    def option(value: Any, label: Any) -> str:
        text = "" if value is None else str(value)
        chosen = " selected" if text in selected else ""
        return f'<option value="{escape(text)}"{chosen}>{escape(str(label))}</option>'

    def group(value: Any, label: Any) -> str:
        if isinstance(label, list | tuple):
            inner = "".join(option(v, lab) for v, lab in label)
            return f'<optgroup label="{escape(str(value))}">{inner}</optgroup>'
        return option(value, label)

    # Safe: built only of the escaped values and labels above.
    return mark_safe("\n".join(group(value, label) for value, label in choices))  # noqa: S308


class _NationalList:
    """What the two choosers share: the select's attributes and its options, rendered at once."""

    allow_multiple_selected: bool
    choices: Any

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context, not ChoiceWidget's: its optgroups build a dictionary per option.
        context = forms.Widget.get_context(self, name, value, attrs)  # type: ignore[arg-type]
        widget = context["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        widget["options_html"] = _options_html(self.choices, set(widget["value"]))
        return context


class Autocomplete(_NationalList, forms.Select):
    """One choice from a national list (an organisation, a partnership, a post): hundreds to
    thousands of options, too many to scroll through or to show as radios.

    It renders a plain GOV.UK select, which is the whole of it without JavaScript, and
    `lde/static/js/autocomplete.mjs` enhances it with GOV.UK's accessible autocomplete
    (`enhanceSelectElement`): type a few letters, pick with the arrow keys and Enter. The input it
    makes takes the select's id, so the label and the error summary's link reach the input.
    What is submitted is still the select's value, checked by the form as before."""

    template_name = "govuk/widgets/autocomplete.html"

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(
            _merge({"data-module": "lde-autocomplete", **(attrs or {})}, "govuk-select"), choices
        )


class AutocompleteMultiple(_NationalList, forms.SelectMultiple):
    """Several choices from a national list, where a checkbox for each of thousands would make
    the page long and heavy.

    Without JavaScript it is a plain multiple select with its own label. With it,
    `lde/static/js/autocomplete.mjs` hides the select and shows, in its place, the items chosen so
    far (each with a "Remove" button naming it) and an accessible autocomplete that adds the item
    picked to them; a live region says what was added or removed. This follows the GOV.UK way for
    choosing several from a long list (an autocomplete feeding an "add to a list"), as the
    autocomplete itself chooses only one. The selected options are what is submitted."""

    template_name = "govuk/widgets/autocomplete_multiple.html"

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(
            _merge(
                {"data-module": "lde-autocomplete-multiple", "size": 8, **(attrs or {})},
                "govuk-select lde-select-multiple",
            ),
            choices,
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        if attrs.get("id"):
            # How to choose several in a plain select, said only where there is no script.
            described = f"{attrs.get('aria-describedby', '')} {attrs['id']}-how".strip()
            attrs["aria-describedby"] = described
        return context
