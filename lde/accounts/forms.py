from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm

from lde.accounts.models import Caveat, Organisation, OrganisationType, User
from lde.core.access.markings import VettingLevel
from lde.core.govuk import widgets
from lde.core.govuk.forms import (
    DateField,
    GovukBoundField,
    GovukForm,
    GovukModelForm,
    govuk_messages,
)
from lde.core.mail import email_queue


class SignInForm(AuthenticationForm):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"
    username = forms.EmailField(
        label="Email address",
        widget=widgets.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=widgets.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account has been closed.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_messages(self)

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class TokenForm(GovukForm):
    otp_token = forms.RegexField(
        label="Security code",
        regex=r"^\d{6}$",
        help_text="The 6-digit code your authenticator app shows for Prevent LDE.",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=widgets.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
            width="5",
        ),
    )


class EnrolmentCodeForm(GovukForm):
    email_code = forms.RegexField(
        label="Code from the email",
        regex=r"^\d{8}$",
        help_text="The 8-digit code we sent to your email address.",
        error_messages={
            "required": "Enter the 8-digit code from the email",
            "invalid": "Enter the 8-digit code from the email",
        },
        widget=widgets.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
            width="10",
        ),
    )


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="Say what the token is for, so you can tell your tokens apart.",
        widget=widgets.TextInput(width="20"),
        error_messages={"required": "Enter a name for the token"},
    )
    expires_on = DateField(
        label="Expires on (optional)",
        subject="Expiry date",
        required=False,
        help_text="At most 90 days from today, which is what an empty date gives. For example, "
        "31 3 2027.",
    )


class OrganisationForm(GovukModelForm):
    website = forms.URLField(
        label="Website", required=False, assume_scheme="https", widget=widgets.TextInput()
    )

    class Meta:
        model = Organisation
        fields = ["name", "type", "gss_code", "org_id", "website"]
        widgets = {
            "name": widgets.TextInput(),
            "type": widgets.Select(),
            "gss_code": widgets.TextInput(width="10"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a type"),
            *OrganisationType.choices,
        ]

    def clean_gss_code(self) -> str:
        import re

        from lde.accounts.models import GSS_CODE_PATTERN

        code = str(self.cleaned_data.get("gss_code") or "").strip().upper()
        if code and not re.match(GSS_CODE_PATTERN, code):
            raise forms.ValidationError("Enter a GSS code of a letter and 8 digits, like E08000025")
        return code


class ClearanceForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        widget=widgets.Select(),
    )
    level = forms.TypedChoiceField(
        label="Vetting level",
        coerce=int,
        choices=[c for c in VettingLevel.choices if c[0] != VettingLevel.NONE],
        widget=widgets.RadioSelect(),
    )
    granted_on = DateField(
        label="Granted on",
        subject="Date the clearance was granted",
        help_text="For example, 1 4 2026.",
    )
    expires_on = DateField(
        label="Expires on", subject="Expiry date", help_text="For example, 1 4 2031."
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        granted, expires = data.get("granted_on"), data.get("expires_on")
        if granted and expires and expires < granted:
            self.add_error("expires_on", "The expiry date must be on or after the grant date")
        return data


class CaveatGrantForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        widget=widgets.Select(),
    )
    caveat = forms.ModelChoiceField(
        label="Caveat",
        queryset=Caveat.objects.all(),
        empty_label="Choose a caveat",
        widget=widgets.Select(),
    )
    granted_on = DateField(
        label="Granted on",
        subject="Date the caveat was granted",
        help_text="For example, 1 4 2026.",
    )
    expires_on = DateField(
        label="Expires on (optional)",
        subject="Expiry date",
        required=False,
        help_text="For example, 1 4 2027.",
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]


class PasswordResetForm(DjangoPasswordResetForm):
    """Also reaches invited people, whose accounts have no usable password until they set one."""

    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=widgets.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_messages(self)

    def get_users(self, email: str) -> Any:
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the link for the worker (`core.mail`) rather than speak to the mail server
        inside the request, and point it at LDE_SITE_URL, where people reach the service,
        rather than at whatever host name the request came in by."""
        site = urlparse(settings.LDE_SITE_URL)
        context = {**context, "protocol": site.scheme, "domain": site.netloc}
        # The view names `<template>.txt` and `<template>_subject.txt`, as `email_queue` reads.
        template = email_template_name.removesuffix(".txt")
        email_queue(template=template, context=context, to=[to_email])


class PasswordSetForm(SetPasswordForm):
    bound_field_class = GovukBoundField
    template_name = "govuk/forms/form.html"
    error_messages = {"password_mismatch": "The passwords do not match: enter the same one twice"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget = widgets.PasswordInput(
            attrs={"autocomplete": "new-password"}
        )
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].widget = widgets.PasswordInput(
            attrs={"autocomplete": "new-password"}
        )
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        govuk_messages(self)


class PostHolderForm(GovukForm):
    """Who holds a post from a date. For the security contact's post, the organisation's written
    request is recorded too: site administrators act on it, never on their own account."""

    holder = forms.ModelChoiceField(
        label="New holder",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody (the post is vacant)",
        widget=widgets.Select(),
        error_messages={"invalid_choice": "Choose someone who works for the organisation"},
    )
    on = DateField(
        label="From",
        subject="Date the new holder starts",
        help_text="For example, 1 12 2026.",
    )
    request_reference = forms.CharField(
        label="The organisation's written request",
        max_length=200,
        required=False,
        help_text="Who asked, and when: for example, letter from the chief executive, "
        "1 December 2026.",
        widget=widgets.TextInput(),
        error_messages={
            "max_length": "The written request must be 200 characters or fewer",
        },
    )

    def __init__(
        self, *args: Any, people: Any = None, needs_request: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["holder"].queryset = people  # type: ignore[attr-defined]
        if needs_request:
            self.fields["request_reference"].required = True
            self.fields["request_reference"].error_messages["required"] = (
                "Enter the organisation's written request"
            )
        else:
            del self.fields["request_reference"]


class PersonAccessForm(GovukForm):
    """A person's organisation, active flag and site-wide grants, set by a site administrator."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="No organisation",
        help_text="The organisation that employs this person and sponsors their vetting.",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
        # Any organisation of the national register: thousands.
        widget=widgets.Autocomplete(),
    )
    is_active = forms.BooleanField(
        label="Account active (they can sign in)", required=False, widget=widgets.CheckboxInput()
    )
    is_site_administrator = forms.BooleanField(
        label="Site administrator", required=False, widget=widgets.CheckboxInput()
    )
    is_national_analyst = forms.BooleanField(
        label="National analyst", required=False, widget=widgets.CheckboxInput()
    )
    is_programme_lead = forms.BooleanField(
        label="Programme lead (plans inspection programmes and assigns their inspectors)",
        required=False,
        widget=widgets.CheckboxInput(),
    )
