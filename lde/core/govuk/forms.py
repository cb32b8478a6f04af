"""The form base every page form uses: GOV.UK error classes and descriptions on each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
            # The widget's own classes, which the attrs given here would otherwise replace.
            own = (widget or self.field.widget).attrs.get("class", "")
            css = str(attrs.get("class") or own or "")
            for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                if base in css.split():
                    css = f"{css} {base}--error"
            attrs["class"] = css
        if described and not self.is_grouped:
            attrs["aria-describedby"] = " ".join(described)
        else:
            attrs.pop("aria-describedby", None)
        return attrs

    @property
    def is_grouped(self) -> bool:
        """Radios and checkboxes sit in a fieldset whose legend names them."""
        return bool(getattr(self.field.widget, "allow_multiple_selected", False)) or isinstance(
            self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
        )

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)


DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


def specific_required_messages(form: forms.BaseForm) -> None:
    """GOV.UK asks for errors that say what to do ("Enter the expiry date"), not Django's
    "This field is required."; a field that sets its own message keeps it."""
    for field in form.fields.values():
        if str(field.error_messages.get("required")) != DJANGO_REQUIRED:
            continue
        label = str(field.label or "an answer")
        label = label[0].lower() + label[1:] if label[1:2].islower() else label
        choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
            field.widget, forms.CheckboxInput
        )
        field.error_messages["required"] = f"{'Select' if choosing else 'Enter'} the {label}"


class GovukForm(forms.Form):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specific_required_messages(self)


class GovukModelForm(forms.ModelForm):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specific_required_messages(self)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal, shown against the field it names, or above the form (in the error
    summary) when it names no field of this form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
