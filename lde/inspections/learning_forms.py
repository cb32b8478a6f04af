"""Forms of the cross-site learning. Each asks only for what the person types; the services
check the rest (themes of the framework, sites of the programme, the personal-data guard)."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.core.limits import limit_of
from lde.inspections.models_learning import (
    AdvisoryComment,
    CaseStudy,
    Finding,
    FindingKind,
    KeyLearning,
    SiteFeedback,
)
from lde.what_works.models import Setting, Strand

NO_PEOPLE = "Name roles and organisations, never people or anyone's details."


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _themes(titles: dict[str, str]) -> list[tuple[str, str]]:
    return [("", "Choose the theme"), *((k, f"{k}: {v}"[:160]) for k, v in titles.items())]


class FindingForm(GovukForm):
    theme = forms.ChoiceField(
        label="Theme",
        widget=widgets.Select(),
        help_text="The criterion of the key-themes framework (Appendix 1) the finding is about.",
        error_messages={"required": "Select the theme"},
    )
    kind = forms.ChoiceField(
        label="What the team found",
        choices=FindingKind.choices,
        widget=widgets.RadioSelect(),
        error_messages={
            "required": "Select whether it works, does not work, looks promising or is a barrier"
        },
    )
    text = forms.CharField(
        label="Finding",
        max_length=limit_of(Finding, "text"),
        widget=widgets.Textarea(),
        help_text=NO_PEOPLE,
        error_messages={"required": "Enter finding"},
    )
    sites = forms.MultipleChoiceField(
        label="Sites it draws on",
        required=False,
        widget=widgets.CheckboxSelectMultiple(),
    )

    def __init__(
        self, *args: Any, titles: dict[str, str], sites: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "theme", _themes(titles))
        _set_choices(self, "sites", [(str(pk), name) for pk, name in sites])


class KeyLearningForm(GovukForm):
    text = forms.CharField(
        label="Key learning",
        max_length=limit_of(KeyLearning, "text"),
        widget=widgets.Textarea(),
        help_text=NO_PEOPLE,
        error_messages={"required": "Enter key learning"},
    )
    findings = forms.MultipleChoiceField(
        label="Findings it draws on", required=False, widget=widgets.CheckboxSelectMultiple()
    )

    def __init__(self, *args: Any, findings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "findings", [(str(pk), text) for pk, text in findings])


class CaseStudyForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=limit_of(CaseStudy, "title"),
        widget=widgets.TextInput(),
        error_messages={"required": "Enter title"},
    )
    site = forms.ChoiceField(
        label="Site", widget=widgets.Select(), error_messages={"required": "Select the site"}
    )
    theme = forms.ChoiceField(
        label="Theme", widget=widgets.Select(), error_messages={"required": "Select the theme"}
    )
    summary = forms.CharField(
        label="Summary",
        max_length=limit_of(CaseStudy, "summary"),
        widget=widgets.Textarea(),
        help_text=NO_PEOPLE,
        error_messages={"required": "Enter summary"},
    )
    what_was_done = forms.CharField(
        label="What was done",
        max_length=limit_of(CaseStudy, "what_was_done"),
        widget=widgets.Textarea(),
        error_messages={"required": "Enter what was done"},
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=limit_of(CaseStudy, "outcome"),
        widget=widgets.Textarea(),
        error_messages={"required": "Enter outcome"},
    )
    strand = forms.ChoiceField(
        label="Strand of the Prevent Strategy",
        choices=[("", "Choose the strand"), *Strand.choices],
        widget=widgets.Select(),
        error_messages={"required": "Select the strand"},
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=[("", "Choose the setting"), *Setting.choices],
        widget=widgets.Select(),
        error_messages={"required": "Select the setting"},
    )

    def __init__(
        self, *args: Any, titles: dict[str, str], sites: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "theme", _themes(titles))
        _set_choices(self, "site", [("", "Choose the site")] + [(str(pk), n) for pk, n in sites])


class SiteFeedbackForm(GovukForm):
    useful = forms.TypedChoiceField(
        label="How useful was the exercise to the partnership?",
        coerce=int,
        choices=[
            (5, "5 – very useful"),
            (4, "4"),
            (3, "3"),
            (2, "2"),
            (1, "1 – not useful"),
        ],
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select how useful the exercise was"},
    )
    what_helped = forms.CharField(
        label="What helped",
        required=False,
        max_length=limit_of(SiteFeedback, "what_helped"),
        widget=widgets.Textarea(),
        help_text=NO_PEOPLE,
    )
    what_to_change = forms.CharField(
        label="What to change",
        required=False,
        max_length=limit_of(SiteFeedback, "what_to_change"),
        widget=widgets.Textarea(),
    )


class AdvisoryMemberForm(GovukForm):
    email = forms.EmailField(
        label="Their email address",
        widget=widgets.EmailInput(),
        help_text="Someone with an account on the platform, other than you.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class AdvisoryCommentForm(GovukForm):
    text = forms.CharField(
        label="Comment",
        max_length=limit_of(AdvisoryComment, "text"),
        widget=widgets.Textarea(),
        help_text=NO_PEOPLE,
        error_messages={"required": "Enter comment"},
    )
