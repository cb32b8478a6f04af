"""The form base every page form uses: GOV.UK error classes and descriptions on each field, and
the one field for entering a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

from lde.core.govuk.widgets import DATE_PARTS, DateInput, month_number


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
        if self.errors and self.is_date:
            # The date input marks only the boxes that are wrong, which it works out itself.
            attrs["has_error"] = True
        return attrs

    @property
    def is_grouped(self) -> bool:
        """Radios, checkboxes and the date input's three boxes sit in a fieldset whose legend
        names them."""
        return (
            bool(getattr(self.field.widget, "allow_multiple_selected", False))
            or isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            or self.is_date
        )

    @property
    def is_date(self) -> bool:
        return isinstance(self.field.widget, DateInput)

    @property
    def anchor(self) -> str:
        """Where the error summary's link for this field goes: the first option of a group, the
        first wrong box of a date, or the field itself."""
        if self.is_date:
            return f"{self.auto_id}-{DateInput.error_parts(self.value())[0]}"
        if self.is_grouped:
            return f"{self.auto_id}_0"
        return str(self.id_for_label or self.auto_id)

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


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[1:2].islower() else text


class DateField(forms.Field):
    """A date, entered in the GOV.UK date input (day, month and year), with the GOV.UK error
    messages, each naming the date by its `subject` ("Date the protocol ends"):

    - nothing entered: "Enter the date the protocol ends" (or the field's own "required");
    - a box left empty: "Date the protocol ends must include a month" (or "a day and year");
    - a year of other than 4 numbers: "Year of the date the protocol ends must include 4 numbers";
    - anything else that is not a date: "Date the protocol ends must be a real date".

    The month may be typed as a number or a name ("3", "Mar", "March"). The API keeps ISO dates;
    this is for pages only."""

    widget = DateInput

    def __init__(self, *, subject: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        label = str(self.label or "Date").removesuffix(" (optional)")
        self.subject = subject or label
        if "required" not in (kwargs.get("error_messages") or {}):
            self.error_messages["required"] = f"Enter the {_lower_first(self.subject)}"

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise self._not_real() from None
        typed = [str(part or "").strip() for part in value]
        if not any(typed):
            return None
        missing = [part for part, text in zip(DATE_PARTS, typed, strict=True) if not text]
        if missing:
            raise ValidationError(
                f"{self.subject} must include a {' and '.join(missing)}", code="incomplete"
            )
        day, month, year = typed
        month_value = int(month) if month.isdigit() else month_number(month)
        if not (day.isdigit() and year.isdigit() and month_value):
            raise self._not_real()
        if len(year) != 4:
            raise ValidationError(
                f"Year of the {_lower_first(self.subject)} must include 4 numbers", code="year"
            )
        try:
            return date(int(year), month_value, int(day))
        except ValueError:
            raise self._not_real() from None

    def _not_real(self) -> ValidationError:
        return ValidationError(f"{self.subject} must be a real date", code="invalid")


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
