"""Widgets that carry the GOV.UK classes, so forms declare intent and not markup."""

from __future__ import annotations

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


class DateInput(forms.DateInput):
    """A single ISO date box (YYYY-MM-DD), with a hint that says so."""

    template_name = "govuk/widgets/input.html"
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_merge(attrs, "govuk-input govuk-input--width-10"), format="%Y-%m-%d")


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
