"""The form base every page form uses: GOV.UK error classes and descriptions on each field, and
the one field for entering a date."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, URLValidator
from django.forms.boundfield import BoundField

from lde.core import limits
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
        names them. A file input taking several files, and a multiple select (the national lists'
        chooser), are each one control with its own label."""
        return (
            (
                bool(getattr(self.field.widget, "allow_multiple_selected", False))
                and not isinstance(self.field.widget, forms.FileInput | forms.SelectMultiple)
            )
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


def _django_default(field_class: type[forms.Field], code: str) -> str:
    messages: dict[str, Any] = {}
    for cls in reversed(field_class.__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return str(messages.get(code, ""))


DJANGO_REQUIRED = _django_default(forms.Field, "required")
# The messages of Django's that a page would otherwise show, in Django's voice rather than the
# service's ("Ensure this value has at most 200 characters", "Select a valid choice. That choice
# is not one of the available choices."). A field that sets its own message keeps it.
DJANGO_DEFAULTS = {
    str(message)
    for field_class in (
        forms.Field,
        forms.CharField,
        forms.ChoiceField,
        forms.MultipleChoiceField,
        forms.ModelChoiceField,
        forms.ModelMultipleChoiceField,
        forms.IntegerField,
        forms.DecimalField,
        forms.EmailField,
        forms.URLField,
        forms.FileField,
        forms.BooleanField,
    )
    for message in [
        _django_default(field_class, code)
        for code in (
            "required",
            "invalid",
            "invalid_choice",
            "invalid_list",
            "invalid_pk_value",
            "max_value",
            "min_value",
            "missing",
            "empty",
            "contradiction",
        )
    ]
    if message
} - {""}
# Messages of Django's validators, which a field's message for the code replaces.
DJANGO_DEFAULTS |= {
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value is less than or equal to %(limit_value)s.",
    "Ensure this value is greater than or equal to %(limit_value)s.",
    "Enter a valid value.",
    str(EmailValidator.message),
    str(URLValidator.message),
}


def _name(field: forms.Field) -> str:
    """The field's label as a message's subject: "Note (optional)" is "Note"."""
    return str(field.label or "Answer").removesuffix(" (optional)").strip() or "Answer"


def _is_default(field: forms.Field, code: str) -> bool:
    message = field.error_messages.get(code)
    return message is None or str(message) in DJANGO_DEFAULTS


def govuk_messages(form: forms.BaseForm) -> None:
    """Every field's errors in the service's own voice, from its label, as the GOV.UK Design
    System asks: say what to do ("Enter the title", "Select the owner") or what is wrong ("Title
    must be 200 characters or fewer"), never Django's defaults. A field that sets its own message
    keeps it. Text without a stated limit gets one, so that no page takes text without end."""
    for field in form.fields.values():
        name = _name(field)
        label = _lower_first(name)
        the_label = _the(label)
        choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
            field.widget, forms.CheckboxInput | forms.FileInput
        )
        set_default = field.error_messages
        if _is_default(field, "required"):
            if isinstance(field, forms.FileField):
                set_default["required"] = f"Select {the_label}"
            else:
                set_default["required"] = f"{'Select' if choosing else 'Enter'} {the_label}"
        if isinstance(field, forms.CharField) and not field.widget.is_hidden:
            if field.max_length is None:
                field.max_length = (
                    limits.TEXT if isinstance(field.widget, forms.Textarea) else limits.TITLE
                )
                field.validators.append(MaxLengthValidator(field.max_length))
            # A browser's maxlength cuts pasted text off without a word; the error says instead.
            field.widget.attrs.pop("maxlength", None)
            if _is_default(field, "max_length"):
                set_default["max_length"] = limits.too_long(name, int(field.max_length))
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            for code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
                if _is_default(field, code):
                    set_default[code] = f"Select one of the options given for the {label}"
        if _is_default(field, "invalid"):
            if isinstance(field, forms.EmailField):
                message = "Enter an email address in the correct format, like name@example.com"
            elif isinstance(field, forms.URLField):
                message = f"Enter the {label} as a full web address, like https://www.example.org"
            elif isinstance(field, forms.IntegerField):
                message = f"{name} must be a whole number"
            elif isinstance(field, forms.FileField):
                message = f"The {label} must be a file"
            else:
                message = f"Enter {the_label} in the right format"
            set_default["invalid"] = message
        if isinstance(field, forms.IntegerField):
            for code in ("max_value", "min_value"):
                if _is_default(field, code):
                    set_default[code] = f"Enter {the_label} again: it is out of range"
        if isinstance(field, forms.FileField):
            defaults = {
                "empty": f"The {label} is empty",
                "missing": f"Select the {label}",
                "contradiction": f"Either select the {label} or remove it, not both",
                "max_length": f"The name of the {label} is too long: rename it and try again",
            }
            for code, message in defaults.items():
                if _is_default(field, code):
                    set_default[code] = message


# The name it had when it set only the "required" message.
specific_required_messages = govuk_messages


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[1:2].islower() else text


# A label put as a clause ("What the grant is for") takes no article: "Enter what the grant is
# for", not "Enter the what the grant is for".
CLAUSE_WORDS = frozenset({"what", "how", "why", "when", "where", "who", "whom", "which", "whether"})


def _the(label: str) -> str:
    """`label` as the object of "Enter" or "Select": with "the" unless it is a clause."""
    first = label.split(" ", 1)[0].lower()
    return label if first in CLAUSE_WORDS else f"the {label}"


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
            self.error_messages["required"] = f"Enter {_the(_lower_first(self.subject))}"

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


class GovukMessages:
    """Runs govuk_messages once a form is made, after its own __init__ (which may add fields or
    set their labels), so that every field of every form has the service's words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_messages(self)  # type: ignore[arg-type]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__init__")
        if own is None:
            return

        @functools.wraps(own)
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            own(self, *args, **kwargs)
            govuk_messages(self)

        cls.__init__ = init  # type: ignore[method-assign]


class GovukForm(GovukMessages, forms.Form):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"


class GovukModelForm(GovukMessages, forms.ModelForm):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal, shown against the field it names, or above the form (in the error
    summary) when it names no field of this form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
