from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import (
    Organisation,
    OrganisationType,
    Post,
    PostKind,
    PostLevel,
    User,
)
from lde.core import limits
from lde.core.access.markings import VettingLevel
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.partnerships.models import AssignmentKind, Partnership, Region, Role


class MembershipInviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        widget=widgets.EmailInput(),
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter their full name"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select the role they will have"},
    )
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
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select a role"},
    )


class PartnerOrganisationForm(GovukForm):
    # Any organisation of the national register that is not yet a partner: thousands.
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        widget=widgets.Autocomplete(),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class StrategicPostForm(GovukForm):
    post = forms.ModelChoiceField(
        label="Post",
        queryset=Post.objects.none(),
        empty_label="Choose a post",
        widget=widgets.Select(),
        help_text="A post of one of the partnership's organisations.",
    )

    def __init__(self, *args: Any, posts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if posts is not None:
            self.fields["post"].queryset = posts  # type: ignore[attr-defined]
            self.fields["post"].label_from_instance = (  # type: ignore[attr-defined]
                lambda post: f"{post.title}, {post.organisation.name}"
            )


class PostForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        widget=widgets.Select(),
    )
    # The security contact's post is set up by site administrators, from the organisation's page.
    kind = forms.ChoiceField(
        label="Kind of post",
        choices=[c for c in PostKind.choices if c[0] != PostKind.SECURITY_CONTACT],
        widget=widgets.RadioSelect(),
        error_messages={
            "required": "Choose the kind of post",
            "invalid_choice": "Choose the kind of post",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=150,
        widget=widgets.TextInput(),
        help_text="For example, Head of Community Safety.",
        error_messages={
            "required": "Enter the post's title",
            "max_length": "Title must be 150 characters or fewer",
        },
    )
    level = forms.ChoiceField(
        label="Level the post leads at",
        choices=PostLevel.choices,
        initial=PostLevel.DELIVERY,
        help_text="Strategic posts of a partner organisation count towards briefing coverage.",
        widget=widgets.RadioSelect(),
        error_messages={
            "required": "Choose the level the post leads at",
            "invalid_choice": "Choose the level the post leads at",
        },
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


class PartnershipCreateForm(GovukForm):
    """Site administrators create a partnership and name its first coordinator."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        widget=widgets.TextInput(),
        help_text="For example, Harrowfield Prevent Partnership.",
    )
    lead_council = forms.ModelChoiceField(
        label="Lead council",
        queryset=Organisation.objects.none(),
        empty_label="Choose a council",
        widget=widgets.Autocomplete(),
    )
    # Every council and every BCU in England: hundreds of each.
    police_bcus = forms.ModelMultipleChoiceField(
        label="Police basic command units",
        queryset=Organisation.objects.none(),
        required=False,
        widget=widgets.AutocompleteMultiple(),
    )
    region = forms.ChoiceField(label="Region", choices=Region.choices, widget=widgets.Select())
    area_gss_codes = forms.CharField(
        label="Area GSS codes",
        required=False,
        widget=widgets.TextInput(width="20"),
        help_text="The ONS codes of the areas it covers, separated by commas, "
        "for example E08000025.",
    )
    coordinator_email = forms.EmailField(
        label="First coordinator's email address", widget=widgets.EmailInput()
    )
    coordinator_name = forms.CharField(
        label="First coordinator's full name", max_length=150, widget=widgets.TextInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_council"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            type=OrganisationType.COUNCIL
        ).order_by("name")
        self.fields["police_bcus"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            type=OrganisationType.POLICE_BCU
        ).order_by("name")

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if Partnership.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A partnership with this name already exists")
        return name

    def clean_area_gss_codes(self) -> list[str]:
        import re

        from lde.accounts.models import GSS_CODE_PATTERN

        raw = str(self.cleaned_data.get("area_gss_codes") or "")
        codes = [c.strip().upper() for c in raw.split(",") if c.strip()]
        bad = [c for c in codes if not re.match(GSS_CODE_PATTERN, c)]
        if bad:
            raise forms.ValidationError(
                f"Enter GSS codes of a letter and 8 digits, like E08000025 (not {', '.join(bad)})"
            )
        return codes

    def clean_coordinator_email(self) -> str:
        return str(self.cleaned_data["coordinator_email"]).strip().lower()


class AssignmentForm(GovukForm):
    """Site administrators assign inspectors and peer reviewers, with an end date."""

    email = forms.EmailField(
        label="Email address of the person",
        help_text="They must already have an account.",
        widget=widgets.EmailInput(),
    )
    kind = forms.ChoiceField(
        label="Assigned as", choices=AssignmentKind.choices, widget=widgets.RadioSelect()
    )
    title = forms.CharField(
        label="Inspection or review",
        max_length=200,
        widget=widgets.TextInput(),
        help_text="For example, Learning and development exercise 2027.",
    )
    # Every partnership in the country (hundreds).
    partnerships = forms.ModelMultipleChoiceField(
        label="Partnerships",
        queryset=Partnership.objects.order_by("name"),
        widget=widgets.AutocompleteMultiple(),
    )
    subject_reference = forms.CharField(
        label="Assessment reviewed (peer reviewers only)",
        required=False,
        max_length=100,
        widget=widgets.TextInput(width="20"),
        help_text="The assessment's number, as shown on its page, like assessment:12.",
    )
    starts_on = DateField(label="Start date", help_text="For example, 4 1 2027.")
    ends_on = DateField(
        label="End date", help_text="Access ends after this day. For example, 31 3 2027."
    )

    def clean_email(self) -> User:
        email = str(self.cleaned_data["email"]).strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("There is no active account with this email address")
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        subject = str(data.get("subject_reference") or "").strip()
        if data.get("kind") == AssignmentKind.PEER_REVIEWER and not subject.startswith(
            "assessment:"
        ):
            self.add_error(
                "subject_reference",
                "Enter the assessment a peer reviewer reviews, like assessment:12",
            )
        return data


class PartnershipEditForm(PartnershipCreateForm):
    """Site administrators change a partnership's own facts: the creation form without its first
    coordinator, so that the two ask the same questions with the same fields (the police BCUs
    included)."""

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        del self.fields["coordinator_email"]
        del self.fields["coordinator_name"]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = Partnership.objects.filter(name__iexact=name).exclude(pk=self.partnership.pk)
        if taken.exists():
            raise forms.ValidationError("A partnership with this name already exists")
        return name


class AllianceForm(GovukForm):
    """Site administrators create an alliance of two or more partnerships (¶55, ¶104)."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        widget=widgets.TextInput(),
        help_text="For example, Harrowfield and Kestlebury Prevent Alliance.",
        error_messages={"required": "Enter the alliance's name"},
    )
    purpose = forms.CharField(
        label="What the partnerships pool",
        required=False,
        max_length=limits.TEXT,
        widget=widgets.Textarea(),
        help_text="Money, work or both, and what for.",
    )
    partnerships = forms.ModelMultipleChoiceField(
        label="Partnerships",
        queryset=Partnership.objects.order_by("name"),
        widget=widgets.AutocompleteMultiple(),
        help_text="Choose two or more.",
        error_messages={"required": "Choose two or more partnerships"},
    )

    def clean_partnerships(self) -> Any:
        chosen = self.cleaned_data["partnerships"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choose two or more partnerships")
        return chosen


class AlliancePartnershipForm(GovukForm):
    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=Partnership.objects.none(),
        # Chosen by its name, which is unique, as people know it.
        to_field_name="name",
        empty_label="Choose a partnership",
        widget=widgets.Autocomplete(),
        error_messages={
            "required": "Choose a partnership",
            "invalid_choice": "Choose a partnership that is not in the alliance",
        },
    )

    def __init__(self, *args: Any, partnerships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
