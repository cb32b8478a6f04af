"""Survey data set forms. Each asks only for what the person types or chooses; the services
(and the statistics engine, for the design) decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.surveys.models import (
    Calibration,
    CiMethod,
    LonelyPsu,
    SavedEstimate,
    Statistic,
    SurveyDataSet,
)
from lde.surveys.models.datasets import COLUMN_NAME, MAX_BYTES

COLUMN_HELP = "The column's name exactly as the file's first row has it. Leave empty for none."


class MultipleFileInput(widgets.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the totals files for raking); none is allowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _column(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=COLUMN_NAME,
        help_text=COLUMN_HELP,
        widget=widgets.TextInput(attrs={"class": "govuk-input--width-20"}),
    )


class DataSetUploadForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=limit_of(SurveyDataSet, "title"),
        widget=widgets.TextInput(),
        error_messages={"required": "Enter the survey's title"},
    )
    source = forms.CharField(
        label="Source",
        max_length=limit_of(SurveyDataSet, "source"),
        help_text="Who ran the survey and how it was sampled.",
        widget=widgets.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who ran the survey and how it was sampled"},
    )
    period_start = DateField(
        label="Fieldwork started",
        help_text="For example, 1 9 2025.",
        subject="Date the fieldwork started",
    )
    period_end = DateField(
        label="Fieldwork ended",
        help_text="For example, 30 11 2025.",
        subject="Date the fieldwork ended",
    )
    file = forms.FileField(
        label="Survey responses",
        help_text=f"A CSV file or an Excel workbook (its first sheet), smaller than "
        f"{MAX_BYTES // (1024 * 1024)} MB: one row per response, the first row naming the "
        "columns. Responses must be anonymous.",
        widget=widgets.FileInput(),
        error_messages={"required": "Select the survey's file", "empty": "The file is empty"},
    )
    weights_column = _column("Weights column")
    strata_column = _column("Strata column")
    cluster_column = _column("Cluster column (first stage)")
    cluster2_column = _column("Cluster column (second stage)")
    fpc_column = _column("Finite-population correction column (first stage)")
    fpc2_column = _column("Finite-population correction column (second stage)")
    lonely_psu = forms.ChoiceField(
        label="A stratum with a single cluster",
        choices=LonelyPsu.choices,
        initial=LonelyPsu.FAIL,
        widget=widgets.RadioSelect(),
    )
    calibration = forms.ChoiceField(
        label="Weight to known totals",
        choices=Calibration.choices,
        initial=Calibration.NONE,
        widget=widgets.RadioSelect(),
    )
    totals = MultipleFileField(
        label="Totals files",
        help_text="For post-stratification one CSV file, for raking one for each column: two "
        "columns, the survey column's values (headed with its name) and Freq, the population "
        "total of each value.",
    )


class EstimateForm(GovukForm):
    """Which estimate to compute: asked by GET, so the page's address says what it shows."""

    statistic = forms.ChoiceField(
        label="Statistic", choices=Statistic.choices, widget=widgets.Select()
    )
    outcome = forms.ChoiceField(label="Outcome column", widget=widgets.Select())
    value = forms.CharField(
        label="Answer counted (for a proportion)",
        required=False,
        max_length=limit_of(SavedEstimate, "value"),
        help_text="The answer whose proportion to estimate, exactly as the file has it.",
        widget=widgets.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    domain_column = forms.ChoiceField(label="By (domain)", required=False, widget=widgets.Select())
    ci_method = forms.ChoiceField(
        label="Interval for a proportion",
        required=False,
        choices=[("", "Logit (the default)"), *CiMethod.choices],
        widget=widgets.Select(),
    )

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]
        self.fields["domain_column"].choices = [  # type: ignore[attr-defined]
            ("", "The whole sample"),
            *choices,
        ]


class EstimateSaveForm(EstimateForm):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=limit_of(SavedEstimate, "note"),
        help_text="What the estimate is for. No one's personal details.",
        widget=widgets.Textarea(attrs={"rows": 2}),
    )


class AttachForm(GovukForm):
    response = forms.ChoiceField(
        label="Criterion",
        help_text="A criterion of a draft progress-measures or desirable-characteristics "
        "assessment of the partnership.",
        widget=widgets.Select(),
        error_messages={"required": "Choose the criterion the estimate informs"},
    )
    domain = forms.ChoiceField(
        label="Figure to put in the evidence's title",
        required=False,
        widget=widgets.Select(),
    )

    def __init__(
        self,
        *args: Any,
        responses: list[tuple[str, str]],
        domains: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = [("", "Choose a criterion"), *responses]  # type: ignore[attr-defined]
        self.fields["domain"].choices = domains  # type: ignore[attr-defined]
