"""Narrative forms. Each asks only for what the person types; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import Organisation
from lde.core import limits
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.narratives.models import Comment, MainstreamPlan, NarrativeVersion, PlanKind, Section
from lde.narratives.sections import GUIDES
from lde.sharing.models import BriefingProduct

NO_SECTION = ""


class SectionForm(GovukForm):
    text = forms.CharField(
        label="Text",
        max_length=limit_of(Section, "text"),
        required=False,
        widget=widgets.Textarea(attrs={"rows": 12}),
        help_text="Describe places, institutions and organisations; never name or describe a "
        "member of the public.",
    )
    products = forms.ModelMultipleChoiceField(
        label="Briefing products this section refers to",
        queryset=BriefingProduct.objects.none(),
        required=False,
        widget=widgets.CheckboxSelectMultiple(),
        help_text="Signed-in readers see each only if the gateway rule lets them. They are never "
        "shown in the public summary.",
    )

    def __init__(self, *args: Any, products: Any = None, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        if products is not None:
            self.fields["products"].queryset = products  # type: ignore[attr-defined]
        self.fields["products"].label_from_instance = lambda p: p.title  # type: ignore[attr-defined]


class VersionForm(GovukForm):
    review_on = DateField(
        label="Review date",
        required=False,
        help_text="When the partnership will next review the narrative. For example, 31 3 2027.",
    )
    influences_reviewed_on = DateField(
        label="International and national influences last reviewed",
        required=False,
        subject="The date influences were reviewed",
        help_text="¶174: the narrative should reflect the most recent influences.",
    )
    standalone_reason = forms.CharField(
        label="Where Prevent stands alone, why",
        max_length=limit_of(NarrativeVersion, "standalone_reason"),
        required=False,
        widget=widgets.Textarea(attrs={"rows": 3}),
        help_text="Leave empty if mainstream plans carry Prevent (¶106: a stand-alone programme "
        "needs explaining to local people with care).",
    )
    public_summary = forms.CharField(
        label="Public summary",
        max_length=limit_of(NarrativeVersion, "public_summary"),
        required=False,
        widget=widgets.Textarea(attrs={"rows": 8}),
        help_text="In plain language, for anyone to read once the version is approved and "
        "published: what is happening in the area and why (¶31). It links to nothing marked.",
    )
    signatories = forms.ModelMultipleChoiceField(
        label="Partner organisations that sign it off",
        queryset=Organisation.objects.none(),
        required=False,
        widget=widgets.CheckboxSelectMultiple(),
        help_text="The version is approved when each has signed, by a coordinator or board "
        "member who works for it.",
        error_messages={"invalid_choice": "Choose partner organisations of the partnership"},
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["signatories"].queryset = organisations  # type: ignore[attr-defined]


class PlanForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=PlanKind.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select the kind of plan"},
    )
    name = forms.CharField(
        label="Name of the plan",
        max_length=limit_of(MainstreamPlan, "name"),
        widget=widgets.TextInput(),
        error_messages={"required": "Enter the name of the plan"},
    )
    organisation = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose the organisation that owns the plan",
        widget=widgets.Select(),
        error_messages={
            "required": "Select the organisation that owns the plan",
            "invalid_choice": "The owning organisation must be a partner organisation",
        },
    )
    how_carried = forms.CharField(
        label="How the plan carries Prevent",
        max_length=limit_of(MainstreamPlan, "how_carried"),
        widget=widgets.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how the plan carries Prevent"},
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class CommentForm(GovukForm):
    section = forms.ChoiceField(
        label="Which section is it about?",
        choices=[(NO_SECTION, "The version as a whole"), *[(g.key, g.label) for g in GUIDES]],
        required=False,
        widget=widgets.Select(),
    )
    text = forms.CharField(
        label="Your comment",
        max_length=limit_of(Comment, "text"),
        widget=widgets.Textarea(attrs={"rows": 5}),
        help_text="Comment on the narrative, never on a person: the guard refuses names' "
        "identifiers such as phone numbers, email addresses and dates of birth.",
        error_messages={"required": "Enter your comment"},
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why does the version go back to draft?",
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(attrs={"rows": 3}),
        help_text="It is kept in the version's history.",
        error_messages={"required": "Say why the version goes back to draft"},
    )
