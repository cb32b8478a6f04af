"""Indicator forms. Each asks only for what the person types; the services check the figures
against the indicator's measure and period, so the page, the API and the file import refuse the
same things in the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lde.accounts.models import Organisation
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.core.limits import limit_of
from lde.frameworks.models import Criterion
from lde.indicators import services
from lde.indicators.models import (
    DEFAULT_SMALL_NUMBER_RULE,
    Indicator,
    IndicatorKind,
    MeasureType,
    Observation,
    PeriodType,
    Polarity,
    ReferralOutcome,
    ReferralSource,
)
from lde.partnerships.models import Partnership


def informed_criteria() -> Any:
    """Criteria of the progress measures and the desirable characteristics, the latest version
    of each framework's criteria first."""
    return (
        Criterion.objects.filter(
            framework_version__framework__identifier__in=services.INFORMED_FRAMEWORKS,
            kind="criterion",
        )
        .select_related("framework_version__framework")
        .order_by("framework_version__framework__identifier", "-framework_version__pk", "position")
    )


class CriterionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.framework_version.framework.title} {obj.framework_version.version}: {obj.title}"
        )


class IndicatorForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=limit_of(Indicator, "title"),
        widget=widgets.TextInput(),
        help_text="For example “Hate crimes reported”.",
        error_messages={"required": "Enter a title for the indicator"},
    )
    measures = forms.CharField(
        label="What it measures",
        max_length=limit_of(Indicator, "measures"),
        widget=widgets.Textarea(),
        error_messages={"required": "Enter what the indicator measures"},
    )
    unit = forms.CharField(
        label="Unit",
        max_length=limit_of(Indicator, "unit"),
        widget=widgets.TextInput(),
        help_text="What one is: “reports”, “sessions”, “%”.",
        error_messages={"required": "Enter the indicator's unit"},
    )
    kind = forms.ChoiceField(
        label="Input or outcome",
        choices=IndicatorKind.choices,
        widget=widgets.RadioSelect(),
        help_text="An input counts what was done; an outcome shows what changed (¶164).",
        error_messages={"required": "Select whether the indicator is an input or an outcome"},
    )
    polarity = forms.ChoiceField(
        label="Which way is better",
        choices=Polarity.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select which way is better"},
    )
    period_type = forms.ChoiceField(
        label="Period counted over",
        choices=PeriodType.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select the period the indicator is counted over"},
    )
    measure_type = forms.ChoiceField(
        label="Measure",
        choices=MeasureType.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select whether the indicator is a count or a rate"},
    )
    rate_per = forms.IntegerField(
        label="A rate is per",
        initial=100,
        min_value=1,
        max_value=1_000_000,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
        help_text="100 for a percentage, 1000 for a rate per thousand. Ignored for a count.",
        error_messages={"required": "Enter what a rate is per, like 100"},
    )
    source = forms.CharField(
        label="Source",
        max_length=limit_of(Indicator, "source"),
        widget=widgets.Textarea(),
        help_text="Where the figures come from.",
        error_messages={"required": "Enter where the figures come from"},
    )
    method = forms.CharField(
        label="Method",
        max_length=limit_of(Indicator, "method"),
        widget=widgets.Textarea(),
        help_text="How each figure is worked out.",
        error_messages={"required": "Enter how each figure is worked out"},
    )
    small_number_rule = forms.CharField(
        label="Small-number rule",
        max_length=limit_of(Indicator, "small_number_rule"),
        initial=DEFAULT_SMALL_NUMBER_RULE,
        widget=widgets.Textarea(),
        error_messages={"required": "Enter the small-number rule"},
    )
    reported_by = forms.ModelChoiceField(
        label="Organisation that reports the figures (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=widgets.Select(),
        help_text="Its contributors may record the figures.",
        error_messages={"invalid_choice": "Select one of the partnership's organisations"},
    )
    criteria = CriterionChoice(
        label="Criteria it informs (optional)",
        queryset=Criterion.objects.none(),
        required=False,
        widget=widgets.CheckboxSelectMultiple(),
        error_messages={
            "invalid_choice": "Select criteria of the progress measures or the desirable "
            "characteristics",
            "invalid_pk_value": "Select criteria of the progress measures or the desirable "
            "characteristics",
        },
    )

    def __init__(self, *args: Any, partnership: Partnership | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partnership is not None:
            self.fields["reported_by"].queryset = partnership.organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = informed_criteria()  # type: ignore[attr-defined]


class _PeriodMixin(GovukForm):
    period = forms.CharField(
        label="Period",
        max_length=10,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter the period"},
    )

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Made without an indicator only by the platform's form checks.
        self.indicator = indicator if isinstance(indicator, Indicator) else None
        self.period_type = self.indicator.period_type if self.indicator else PeriodType.QUARTER
        example = {"month": "2025-03", "quarter": "2025-Q1", "year": "2025"}[self.period_type]
        self.fields["period"].help_text = f"For example {example}."

    def clean_period(self) -> Any:
        try:
            return services.parse_period(self.cleaned_data["period"], self.period_type)
        except ValidationError as error:
            raise ValidationError(error.message_dict["period"]) from None


class FigureForm(_PeriodMixin):
    value = forms.CharField(
        label="Value", required=False, max_length=20, widget=widgets.TextInput()
    )
    numerator = forms.CharField(
        label="Numerator", required=False, max_length=20, widget=widgets.TextInput()
    )
    denominator = forms.CharField(
        label="Denominator", required=False, max_length=20, widget=widgets.TextInput()
    )

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, indicator=indicator, **kwargs)
        if self.indicator is None:
            return
        if self.indicator.is_rate:
            del self.fields["value"]
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["value"].help_text = f"A whole number of {self.indicator.unit}."


class ObservationForm(FigureForm):
    area_code = forms.CharField(
        label="Area's GSS code (optional)",
        required=False,
        max_length=9,
        widget=widgets.TextInput(),
        help_text="Leave both area fields empty for the partnership's whole area.",
    )
    area_name = forms.CharField(
        label="Ward or neighbourhood (optional)",
        required=False,
        max_length=limit_of(Observation, "area_name"),
        widget=widgets.TextInput(),
    )


class TargetForm(_PeriodMixin):
    value = forms.CharField(
        label="Target",
        max_length=20,
        widget=widgets.TextInput(),
        help_text="It holds from this period until a later target replaces it.",
        error_messages={"required": "Enter the target"},
    )


class ReferralCountsForm(_PeriodMixin):
    """One number per source and outcome: a count, never a person."""

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, indicator=indicator, **kwargs)
        for source in ReferralSource:
            for outcome in ReferralOutcome:
                self.fields[f"{source.value}__{outcome.value}"] = forms.CharField(
                    label=f"{source.label}: {outcome.label.lower()}",
                    required=False,
                    max_length=12,
                    widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
                )

    def counts(self) -> dict[tuple[str, str], Any]:
        return {
            (source.value, outcome.value): self.cleaned_data.get(
                f"{source.value}__{outcome.value}", ""
            )
            for source in ReferralSource
            for outcome in ReferralOutcome
        }


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file or an Excel workbook",
        help_text="A header row, then one row per figure: period, value (or numerator and "
        "denominator for a rate), and optionally area_code and area_name. Under 5 MB.",
        widget=widgets.FileInput(),
        error_messages={"required": "Select a CSV file or an Excel workbook"},
    )


class AttachForm(GovukForm):
    criterion = forms.ModelChoiceField(
        label="Criterion",
        queryset=Criterion.objects.none(),
        widget=widgets.RadioSelect(),
        error_messages={
            "required": "Select the criterion to attach the figure to",
            "invalid_choice": "Select a criterion the indicator informs",
        },
    )

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["criterion"]
        if isinstance(indicator, Indicator):
            field.queryset = indicator.criteria.select_related("framework_version__framework")  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: f"{c.framework_version.framework.title}: {c.title}"  # type: ignore[attr-defined]
