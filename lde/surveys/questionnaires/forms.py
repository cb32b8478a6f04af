"""Questionnaire forms for the coordinator's pages. The participant's page builds its own form
from the questions (views.answer and answering.read_answers): its fields are the questionnaire's.
"""

from __future__ import annotations

from typing import Any

from django import forms

from lde.core import limits
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.core.limits import limit_of
from lde.surveys.models import Question, QuestionKind, Questionnaire, Wave

__all__ = [
    "CollectionForm",
    "LinksForm",
    "QuestionForm",
    "QuestionnaireForm",
    "XlsformForm",
]


class _ProtocolField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_status_display().lower()})"


class QuestionnaireForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=limit_of(Questionnaire, "title"), widget=widgets.TextInput()
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=limit_of(Questionnaire, "description"),
        widget=widgets.Textarea(attrs={"rows": 4}),
        help_text="What the questionnaire asks, of whom, and why (¶165).",
    )
    protocol = _ProtocolField(
        label="Information sharing protocol",
        queryset=None,
        required=False,
        widget=widgets.Select(),
        help_text="Answers are collected only while this protocol is in force, naming the "
        "purpose, a data protection impact assessment and a retention period.",
    )

    def __init__(self, *args: Any, protocols: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = protocols  # type: ignore[attr-defined]


class XlsformForm(GovukForm):
    file = forms.FileField(
        label="XLSForm workbook",
        widget=widgets.FileInput(attrs={"accept": ".xlsx"}),
        help_text="An .xlsx file with survey, choices and settings sheets. If a row has a "
        "problem nothing is saved, and each problem names its sheet, row and column.",
    )
    protocol = _ProtocolField(
        label="Information sharing protocol", queryset=None, required=False, widget=widgets.Select()
    )

    def __init__(self, *args: Any, protocols: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = protocols  # type: ignore[attr-defined]


BUILT_KINDS = [
    (value, label)
    for value, label in QuestionKind.choices
    if value not in (QuestionKind.BEGIN_GROUP, QuestionKind.END_GROUP)
]


class QuestionForm(GovukForm):
    kind = forms.ChoiceField(label="Type of answer", choices=BUILT_KINDS, widget=widgets.Select())
    name = forms.RegexField(
        label="Name",
        regex=r"^[A-Za-z_][\w.-]*$",
        max_length=64,
        widget=widgets.TextInput(),
        help_text="A short name without spaces, used in the export and in expressions as "
        "${name}. For example, confidence_police.",
        error_messages={"invalid": "Name must start with a letter and have no spaces"},
    )
    label = forms.CharField(
        label="Question",
        max_length=limit_of(Question, "label"),
        widget=widgets.Textarea(attrs={"rows": 2}),
    )
    hint = forms.CharField(
        label="Hint",
        required=False,
        max_length=limit_of(Question, "hint"),
        widget=widgets.TextInput(),
    )
    required = forms.BooleanField(label="An answer is required", required=False)
    choices = forms.CharField(
        label="Choices",
        required=False,
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(attrs={"rows": 6}),
        help_text="For choose one or choose any: one a line, the value then the label, like "
        "1 Strongly disagree. Number values make a scale the change page can analyse.",
    )
    relevant = forms.CharField(
        label="Shown when",
        required=False,
        max_length=limit_of(Question, "relevant"),
        widget=widgets.TextInput(),
        help_text="An expression, like ${attended} = 'yes'. Leave empty to ask everyone.",
    )
    constraint = forms.CharField(
        label="Constraint",
        required=False,
        max_length=limit_of(Question, "constraint"),
        widget=widgets.TextInput(),
        help_text="An expression the answer must meet, like . >= 0 and . <= 10.",
    )
    constraint_message = forms.CharField(
        label="Message when the constraint is not met",
        required=False,
        max_length=limit_of(Question, "constraint_message"),
        widget=widgets.TextInput(),
    )


class CollectionForm(GovukForm):
    wave = forms.ChoiceField(label="Wave", choices=Wave.choices, widget=widgets.RadioSelect())
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=limits.TITLE,
        widget=widgets.TextInput(),
        help_text="For example, Before the first session. Left empty, it is named by its wave.",
    )
    link_days = forms.IntegerField(
        label="Days a link lasts",
        initial=28,
        min_value=1,
        max_value=366,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
    )


class LinksForm(GovukForm):
    count = forms.IntegerField(
        label="Number of links",
        min_value=1,
        max_value=1000,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
        help_text="One for each participant. The links are shown once, as a CSV file to "
        "download: keep it safe until each link is handed out.",
    )
