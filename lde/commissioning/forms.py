"""Commissioning forms: each asks only for what the person types or chooses; the services check
the rest (the call's maximum, the scale, the guard) and refuse field by field. Amounts are taken
as text so that the service names a non-numeric or negative amount in its own words."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.commissioning.models import (
    Bid,
    Call,
    ConflictOfInterest,
    ConsultationComment,
    Criterion,
    Decision,
    DevolvedPot,
    Outcome,
    Score,
    SmallGrant,
)
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of

NO_PEOPLE = "Organisations and roles only: do not name anyone or give anyone's details."


def _line(label: str, model: Any, name: str, *, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label,
        max_length=limit_of(model, name),
        required=required,
        help_text=hint,
        widget=widgets.TextInput(),
    )


def _text(label: str, model: Any, name: str, *, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=limit_of(model, name),
        required=required,
        help_text=hint,
        widget=widgets.Textarea(attrs={"rows": 5}),
    )


def _money(label: str, hint: str = "In pounds, for example 2500 or 2500.50.") -> Any:
    return forms.CharField(
        label=label, max_length=20, help_text=hint, widget=widgets.TextInput(width="10")
    )


class CallForm(GovukForm):
    title = _line("Title", Call, "title")
    purpose = _text("What the money is for", Call, "purpose", hint=NO_PEOPLE)
    eligibility = _text("Who may bid", Call, "eligibility")
    maximum_amount = _money("Maximum amount of one award")
    opens_on = DateField(label="Opens on")
    closes_on = DateField(label="Closes on")
    scale_max = forms.IntegerField(
        label="Top of the scoring scale",
        initial=5,
        min_value=1,
        max_value=10,
        help_text="Panellists score each criterion from 0 to this.",
        widget=widgets.TextInput(width="2"),
    )
    disagreement_threshold = forms.IntegerField(
        label="Disagreement threshold",
        initial=2,
        min_value=0,
        max_value=10,
        help_text="Flag a criterion where panellists' scores differ by more than this.",
        widget=widgets.TextInput(width="2"),
    )


class CallEditForm(GovukForm):
    """A draft call's own words, maximum and dates; its scale and threshold are the panel's."""

    title = _line("Title", Call, "title")
    purpose = _text("What the money is for", Call, "purpose", hint=NO_PEOPLE)
    eligibility = _text("Who may bid", Call, "eligibility")
    maximum_amount = _money("Maximum amount of one award")
    opens_on = DateField(label="Opens on")
    closes_on = DateField(label="Closes on")


class CriterionForm(GovukForm):
    title = _line("Criterion", Criterion, "title")
    weight = forms.IntegerField(
        label="Weight",
        min_value=1,
        max_value=100,
        help_text="The weights of the call's criteria sum to 100.",
        widget=widgets.TextInput(width="3"),
    )
    guidance = _text("Guidance for panellists", Criterion, "guidance", required=False)


class CommentForm(GovukForm):
    text = _text("Your comment on the draft call", ConsultationComment, "text", hint=NO_PEOPLE)


class PanelForm(GovukForm):
    user: Any = forms.ModelChoiceField(
        label="Board member to name to the panel", queryset=None, empty_label="Choose"
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]


class ThresholdForm(GovukForm):
    disagreement_threshold = forms.IntegerField(
        label="Disagreement threshold",
        min_value=0,
        max_value=10,
        widget=widgets.TextInput(width="2"),
    )


class DeclarationForm(GovukForm):
    """A checkbox per bid (organisation and title only), and the nature of each interest."""

    bids = forms.MultipleChoiceField(
        label="Bids in which you have an interest",
        required=False,
        help_text="Leave all unticked to declare no interest. You will not see, or score, a bid "
        "you tick.",
        widget=widgets.CheckboxSelectMultiple(),
    )
    nature = _text(
        "The nature of each interest",
        ConflictOfInterest,
        "nature",
        required=False,
        hint="By role, for example “I am a trustee of the applicant”.",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bids"].choices = [  # type: ignore[attr-defined]
            (str(pk), f"{organisation}: {title}") for pk, organisation, title in choices
        ]


class ScoreForm(GovukForm):
    criterion: Any = forms.ModelChoiceField(label="Criterion", queryset=None, empty_label="Choose")
    score = forms.CharField(label="Score", max_length=4, widget=widgets.TextInput(width="2"))
    reason = _text("Reason for the score", Score, "reason", hint=NO_PEOPLE)

    def __init__(self, *args: Any, criteria: Any, scale_max: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria  # type: ignore[attr-defined]
        self.fields["score"].help_text = f"A whole number from 0 to {scale_max}."


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision", choices=Outcome.choices, widget=widgets.RadioSelect()
    )
    amount = forms.CharField(
        label="Amount awarded (for an award)",
        max_length=20,
        required=False,
        widget=widgets.TextInput(width="10"),
    )
    reasons = _text("Reasons", Decision, "reasons", hint="Published with an award. " + NO_PEOPLE)


class BidForm(GovukForm):
    title = _line("Title of the work", Bid, "title")
    summary = _text("What the money would do, and for whom", Bid, "summary", hint=NO_PEOPLE)
    amount = _money("Amount asked for")
    to_individuals = forms.BooleanField(
        label="Some of the money would be given as grants to individuals",
        required=False,
        widget=widgets.CheckboxInput(),
    )


class RegistrationForm(GovukForm):
    organisation_name = forms.CharField(
        label="Organisation's name", max_length=200, widget=widgets.TextInput()
    )
    organisation_type = forms.ChoiceField(
        label="Kind of organisation",
        choices=[
            ("voluntary", "Voluntary or community group"),
            ("faith", "Faith institution"),
        ],
        widget=widgets.RadioSelect(),
    )
    org_id = forms.CharField(
        label="Org-id (optional)",
        max_length=60,
        required=False,
        help_text="Your charity or company number as an org-id, for example GB-CHC-1234567. "
        "Leave it empty if you have neither: we give your organisation one for open data.",
        widget=widgets.TextInput(width="20"),
    )
    full_name = forms.CharField(label="Your name", max_length=150, widget=widgets.TextInput())
    email = forms.EmailField(label="Your work email address", widget=widgets.TextInput())
    password = forms.CharField(
        label="Choose a password",
        min_length=12,
        max_length=128,
        help_text="At least 12 characters.",
        widget=widgets.PasswordInput(),
    )


class DevolvedPotForm(GovukForm):
    name = _line("Name of the pot", DevolvedPot, "name")
    amount = _money("Amount delegated")
    per_grant_limit = _money("Most one grant may give")
    team: Any = forms.ModelChoiceField(
        label="Front-line team (organisation)", queryset=None, empty_label="Choose"
    )
    holder_post: Any = forms.ModelChoiceField(
        label="Post that holds the pot",
        queryset=None,
        empty_label="Choose",
        help_text="Whoever holds this post records the pot's grants: a post, so the delegation "
        "survives people moving on.",
    )
    starts_on = DateField(label="Period starts")
    ends_on = DateField(label="Period ends")

    def __init__(self, *args: Any, teams: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["holder_post"].queryset = posts  # type: ignore[attr-defined]


class SmallGrantForm(GovukForm):
    recipient: Any = forms.ModelChoiceField(
        label="Organisation the grant is made to",
        queryset=None,
        required=False,
        empty_label="Choose",
        help_text="Organisations only: grants to individuals are not recorded here.",
        # Every community, voluntary and faith organisation of the register: hundreds.
        widget=widgets.Autocomplete(),
    )
    amount = _money("Amount")
    purpose = _text("What the grant is for", SmallGrant, "purpose", hint=NO_PEOPLE)
    awarded_on = DateField(label="Date of the grant")
    outcome = _text("What came of it", SmallGrant, "outcome", required=False, hint=NO_PEOPLE)
    to_individual = forms.BooleanField(
        label="The money would go to an individual, not an organisation",
        required=False,
        widget=widgets.CheckboxInput(),
    )

    def __init__(self, *args: Any, recipients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]


class OutcomeForm(GovukForm):
    outcome = _text("What came of the grant", SmallGrant, "outcome", hint=NO_PEOPLE)
