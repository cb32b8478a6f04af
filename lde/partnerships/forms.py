from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import Organisation, PostKind, User
from lde.core.access.markings import VettingLevel
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.partnerships.models import Role


class MembershipInviteForm(GovukForm):
    email = forms.EmailField(label="Email address", widget=widgets.EmailInput())
    full_name = forms.CharField(label="Full name", max_length=150, widget=widgets.TextInput())
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=widgets.RadioSelect())
    organisation = forms.ModelChoiceField(
        label="Organisation they represent",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        widget=widgets.Select(),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MembershipRoleForm(GovukForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=widgets.RadioSelect())


class PartnerOrganisationForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        widget=widgets.Select(),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PostForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        widget=widgets.Select(),
    )
    kind = forms.ChoiceField(
        label="Kind of post", choices=PostKind.choices, widget=widgets.RadioSelect()
    )
    title = forms.CharField(
        label="Title",
        max_length=150,
        widget=widgets.TextInput(),
        help_text="For example, Head of Community Safety.",
    )
    is_strategic = forms.BooleanField(
        label="A strategic post (counts towards briefing coverage)",
        required=False,
        widget=widgets.CheckboxInput(),
    )
    required_vetting = forms.TypedChoiceField(
        label="Vetting the post needs",
        coerce=int,
        choices=VettingLevel.choices,
        initial=VettingLevel.NONE,
        widget=widgets.Select(),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PostHolderForm(GovukForm):
    holder = forms.ModelChoiceField(
        label="New holder",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody (the post is vacant)",
        widget=widgets.Select(),
    )
    on = forms.DateField(
        label="From", help_text="For example, 2026-12-01.", widget=widgets.DateInput()
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["holder"].queryset = people  # type: ignore[attr-defined]
