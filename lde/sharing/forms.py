"""Forms of the information sharing gateway. Each asks only for what the person types or
chooses; the services decide the rest and refuse what the rules do not allow."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lde.accounts.models import Caveat, Organisation, Post
from lde.core import limits
from lde.core.access.markings import Marking
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.partnerships.models import Partnership, Role
from lde.sharing.models import (
    BriefingProduct,
    DisseminationKind,
    Granularity,
    InformationSource,
    PersonKind,
    ProtectedCharacteristic,
    Protocol,
    ProtocolStatus,
    RefreshFrequency,
)

# A comment, a reason or an answer; the longer texts take their limit from their model field.
COMMENT_LIMIT = limits.TEXT


def _text(
    label: str,
    *,
    limit: int = limits.LONG_TEXT,
    required: bool = True,
    help_text: str = "",
    rows: int = 5,
) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=widgets.Textarea(attrs={"rows": rows}),
    )


def _date(label: str, help_text: str = "For example, 31 3 2026.") -> DateField:
    return DateField(label=label, help_text=help_text)


class ProtocolForm(GovukForm):
    # The revision the page showed, so a save over someone else's is refused (concurrency.py).
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
    title = forms.CharField(label="Title", max_length=200, widget=widgets.TextInput())
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=60,
        required=False,
        widget=widgets.TextInput(width="20"),
    )
    # Parties and controllers come from the national register of organisations: thousands.
    parties = forms.ModelMultipleChoiceField(
        label="Parties",
        queryset=Organisation.objects.none(),
        help_text="The organisations that agree to share under it. Include one of your "
        "partnership's partner organisations.",
        widget=widgets.AutocompleteMultiple(),
        error_messages={"required": "Choose the organisations that are parties"},
    )
    controllers = forms.ModelMultipleChoiceField(
        label="Data controllers (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="The parties that are data controllers.",
        widget=widgets.AutocompleteMultiple(),
    )
    purpose = _text("Purpose", help_text="Why the information is shared.")
    legal_basis = _text(
        "Legal basis", help_text="The powers and the lawful basis the sharing rests on.", rows=3
    )
    dpia_reference = forms.CharField(
        label="Data protection impact assessment reference",
        max_length=120,
        widget=widgets.TextInput(width="20"),
    )
    information_shared = _text(
        "What information is shared",
        help_text="About areas, organisations and trends: never about identifiable members of "
        "the public.",
    )
    who_may_see = _text("Who may see it", rows=3)
    handling = _text("Handling and security", rows=3)
    retention_days = forms.IntegerField(
        label="Retention period in days",
        min_value=1,
        max_value=36_500,
        help_text="Products released under it are withdrawn, and their files deleted, this many "
        "days after release.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "invalid": "Enter the retention period as a whole number of days",
            "min_value": "The retention period must be at least 1 day",
            "max_value": "The retention period must be 36,500 days or fewer",
        },
    )
    review_on = _date("Review date")
    external_url = forms.URLField(
        label="Where else it is registered (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="A link to the same agreement in another register, if it is kept there too.",
        widget=widgets.TextInput(attrs={"spellcheck": "false", "inputmode": "url"}),
        error_messages={"invalid": "Enter a web address like https://example.org/protocols/12"},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["controllers"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parties = set(data.get("parties") or [])
        if data.get("controllers") and not set(data["controllers"]) <= parties:
            self.add_error("controllers", "Every controller must also be a party")
        return data


class SignatoryForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Party",
        queryset=Organisation.objects.none(),
        empty_label="Choose a party",
        widget=widgets.Select(),
    )
    name = forms.CharField(
        label="Name of the person who signed", max_length=150, widget=widgets.TextInput()
    )
    post_title = forms.CharField(
        label="Their post",
        max_length=150,
        help_text="For example, Chief Executive.",
        widget=widgets.TextInput(),
    )
    signed_on = _date("Date signed")

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = parties  # type: ignore[attr-defined]


class ProtocolStatusForm(GovukForm):
    reason = forms.CharField(
        label="Why (needed to suspend or end it)",
        required=False,
        max_length=COMMENT_LIMIT,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ProtocolStatus.choices)
        self.fields["to_status"] = forms.ChoiceField(
            label="New status",
            choices=[(s, labels[s]) for s in statuses],
            widget=widgets.RadioSelect(),
            error_messages={"required": "Choose the new status"},
        )
        self.order_fields(["to_status", "reason"])


class GssCodesField(forms.CharField):
    """GSS codes typed as a list, separated by commas, spaces or new lines."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code.upper() for code in re.split(r"[\s,;]+", text) if code]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class ProductForm(GovukForm):
    # The revision the page showed, so a save over someone else's is refused (concurrency.py).
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Readers see the title only if they may see the product.",
        widget=widgets.TextInput(),
    )
    marking = forms.ModelChoiceField(
        label="Protective marking",
        queryset=Marking.objects.none(),
        help_text="Only the markings your own clearance covers. Above this platform's ceiling, "
        "only a record that the material exists is kept here.",
        widget=widgets.RadioSelect(),
        empty_label=None,
        error_messages={"required": "Choose the protective marking"},
    )
    summary = _text("Summary", limit=limit_of(BriefingProduct, "summary"), required=False, rows=3)
    body = _text(
        "Body",
        required=False,
        help_text="About areas, organisations and trends. Do not name or describe any member of "
        "the public. Leave it, and the summary, empty for material above the ceiling.",
        rows=12,
    )
    caveats = forms.ModelMultipleChoiceField(
        label="Caveats (optional)",
        queryset=Caveat.objects.none(),
        required=False,
        help_text="Only people holding every caveat chosen can see it. You can choose only "
        "caveats you hold.",
        widget=widgets.CheckboxSelectMultiple(),
    )
    area_gss_codes = GssCodesField(
        label="Areas covered (optional)",
        required=False,
        max_length=2_000,
        help_text="GSS codes, separated by commas, for example E08000025, E05011111.",
        widget=widgets.TextInput(attrs={"spellcheck": "false"}),
    )
    contributing_organisations = forms.ModelMultipleChoiceField(
        label="Contributing organisations (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Each contributing organisation's gateway approver must approve it, as must "
        "your own organisation's.",
        widget=widgets.AutocompleteMultiple(),
    )
    recipients = forms.ModelMultipleChoiceField(
        label="Recipient partnerships",
        queryset=Partnership.objects.none(),
        required=False,
        widget=widgets.AutocompleteMultiple(),
    )
    protocol = forms.ModelChoiceField(
        label="Information sharing protocol",
        queryset=Protocol.objects.none(),
        required=False,
        empty_label="Choose later",
        help_text="Protocols your organisation is a party to. It must be in force to release.",
        widget=widgets.Select(),
    )
    holder_post = forms.ModelChoiceField(
        label="Post that holds the material (above the ceiling only)",
        queryset=Post.objects.none(),
        required=False,
        empty_label="Not held elsewhere",
        help_text="Put this post on the dissemination list, so that its holder can answer "
        "requests.",
        # The posts of every organisation the product reaches: hundreds for a wide product.
        widget=widgets.Autocomplete(),
    )
    how_to_ask = _text(
        "How to ask for it (above the ceiling only)",
        limit=limit_of(BriefingProduct, "how_to_ask"),
        required=False,
        rows=3,
    )
    # Checked by the service, which names the ceiling: only required above it.
    title_releasable_declared = forms.BooleanField(
        label="Above the ceiling only: as the holder, I declare that the title itself may be "
        "released at this platform's ceiling",
        required=False,
        help_text="A record of material above the ceiling holds only a short title (up to 120 "
        "characters), the post that holds it and how to ask: no summary, body or attachments.",
        widget=widgets.CheckboxInput(),
    )

    def __init__(
        self,
        *args: Any,
        markings: Any,
        caveats: Any,
        organisations: Any,
        partnerships: Any,
        protocols: Any,
        posts: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("marking", markings),
            ("caveats", caveats),
            ("contributing_organisations", organisations),
            ("recipients", partnerships),
            ("protocol", protocols),
            ("holder_post", posts),
        ):
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        if not caveats.exists():
            del self.fields["caveats"]


class PersonForm(GovukForm):
    email = forms.EmailField(
        label="Email address of the person",
        max_length=254,
        widget=widgets.EmailInput(),
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    kind = forms.ChoiceField(
        label="Named as",
        choices=PersonKind.choices,
        help_text="Authors draft it; gateway approvers approve it for their organisation; "
        "critical readers comment on the version they are given.",
        widget=widgets.RadioSelect(),
        error_messages={"required": "Choose what they are named as"},
    )


class DisseminationForm(GovukForm):
    kind = forms.ChoiceField(
        label="Add to the list by",
        choices=DisseminationKind.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Choose how to add to the list"},
    )
    # The posts of every organisation the product reaches, and the national register.
    post = forms.ModelChoiceField(
        label="Post",
        queryset=Post.objects.none(),
        required=False,
        empty_label="Choose a post",
        widget=widgets.Autocomplete(),
    )
    role = forms.ChoiceField(
        label="Role in a recipient partnership",
        choices=[("", "Choose a role"), *Role.choices],
        required=False,
        widget=widgets.Select(),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        widget=widgets.Autocomplete(),
    )
    email = forms.EmailField(
        label="Email address of a named person",
        max_length=254,
        required=False,
        widget=widgets.EmailInput(),
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )

    def __init__(self, *args: Any, posts: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed: dict[str, tuple[str, str]] = {
            DisseminationKind.POST: ("post", "Choose the post"),
            DisseminationKind.ROLE: ("role", "Choose the role"),
            DisseminationKind.ORGANISATION: ("organisation", "Choose the organisation"),
            DisseminationKind.USER: ("email", "Enter the person's email address"),
        }
        kind = data.get("kind")
        if kind in needed:
            name, message = needed[kind]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data


class AttachmentForm(GovukForm):
    file = forms.FileField(
        label="File",
        help_text="A PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file smaller than 20 MB, "
        "marked no higher than the product. It must hold nothing about identifiable members of "
        "the public.",
        widget=widgets.FileInput(),
        error_messages={"required": "Choose a file", "empty": "The file is empty"},
    )


class SubmitForm(GovukForm):
    no_personal_data_declared = forms.BooleanField(
        label="I confirm that this version of the product, its attachments and its lists hold "
        "no information about identifiable members of the public",
        required=False,
        widget=widgets.CheckboxInput(),
    )


class VersionForm(GovukForm):
    """Carries the hash of the version the person was shown."""

    version_hash = forms.CharField(max_length=64, widget=forms.HiddenInput())


class CommentForm(VersionForm):
    body = forms.CharField(
        label="Your comment on this version",
        max_length=COMMENT_LIMIT,
        widget=widgets.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your comment"},
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why",
        max_length=COMMENT_LIMIT,
        widget=widgets.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why"},
    )


class FeedbackForm(GovukForm):
    body = forms.CharField(
        label="Your feedback to the contributors",
        max_length=COMMENT_LIMIT,
        help_text="Was it useful? What was missing? Do not use this to report a concern about a "
        "person: that goes to your local safeguarding or Prevent referral route, not here.",
        widget=widgets.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your feedback"},
    )


class AccessRequestForm(GovukForm):
    reason = forms.CharField(
        label="Why you need it",
        max_length=COMMENT_LIMIT,
        help_text="The holder decides, and shares it outside this platform if they agree.",
        widget=widgets.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you need it"},
    )


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label="Your answer",
        max_length=COMMENT_LIMIT,
        help_text="Say whether and how you will share it. Do not put the material here.",
        widget=widgets.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your answer"},
    )


class ActionForm(GovukForm):
    """A button with no fields, whose refusal is shown in the error summary."""


class InformationSourceForm(GovukForm):
    """One entry of a partnership's catalogue of information sources (¶60–61)."""

    title = forms.CharField(
        label="Title of the data set", max_length=200, widget=widgets.TextInput()
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner",
        queryset=Organisation.objects.none(),
        help_text="The organisation that owns the data set.",
        widget=widgets.Autocomplete(),
        error_messages={"required": "Choose the organisation that owns the data set"},
    )
    description = _text(
        "Description (optional)",
        limit=limit_of(InformationSource, "description"),
        required=False,
        rows=3,
    )
    coverage_gss_codes = GssCodesField(
        label="Areas covered (optional)",
        required=False,
        max_length=2_000,
        help_text="GSS codes, separated by commas, for example E08000025, E05011111.",
        widget=widgets.TextInput(attrs={"spellcheck": "false"}),
    )
    coverage_description = forms.CharField(
        label="Coverage (optional)",
        max_length=500,
        required=False,
        help_text="The areas covered in words, for example “the whole borough”.",
        widget=widgets.TextInput(),
    )
    granularity = forms.ChoiceField(
        label="Granularity",
        choices=Granularity.choices,
        help_text="The smallest area its figures are given for.",
        widget=widgets.Select(),
        error_messages={"required": "Choose the granularity"},
    )
    refresh = forms.ChoiceField(
        label="How often it is refreshed",
        choices=RefreshFrequency.choices,
        widget=widgets.Select(),
        error_messages={"required": "Choose how often it is refreshed"},
    )
    marking = forms.ModelChoiceField(
        label="Protective marking of the data set",
        queryset=Marking.objects.none(),
        help_text="The catalogue describes the data set; the data itself is never stored here.",
        widget=widgets.RadioSelect(),
        empty_label=None,
        error_messages={"required": "Choose the protective marking of the data set"},
    )
    how_to_get = _text(
        "How to get it",
        limit=limit_of(InformationSource, "how_to_get"),
        help_text="Who to ask, and on what terms.",
        rows=3,
    )
    protected_characteristics = forms.MultipleChoiceField(
        label="Protected characteristics it holds (optional)",
        choices=ProtectedCharacteristic.choices,
        required=False,
        help_text="The Equality Act 2010 characteristics the data set holds, such as religion or "
        "ethnicity. An entry holding any is flagged, and must say why it is needed.",
        widget=widgets.CheckboxSelectMultiple(),
    )
    protected_characteristics_reason = _text(
        "Why the protected characteristics are needed",
        limit=limit_of(InformationSource, "protected_characteristics_reason"),
        required=False,
        help_text="Required when it holds any. Never use them to score, rank or map areas.",
        rows=3,
    )
    last_reviewed_on = DateField(
        label="Last reviewed (optional)",
        subject="Date last reviewed",
        required=False,
        help_text="For example, 31 3 2026.",
    )

    def __init__(self, *args: Any, organisations: Any, markings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["marking"].queryset = markings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("protected_characteristics")
            and not str(data.get("protected_characteristics_reason") or "").strip()
        ):
            self.add_error(
                "protected_characteristics_reason",
                "Say why the partnership needs a data set that holds protected characteristics",
            )
        return data
