"""Programme forms. Amounts are taken as typed and judged by the services (so that a page, the
API, the import and the command line refuse "ten pounds" or "-5" in the same words); choices come
from the partnership."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.narratives.sections import SectionKey
from lde.programme.models import (
    Activity,
    AlliancePot,
    ExtremismForm,
    FundingStream,
    Project,
    Strand,
    StreamKind,
    Tier,
    TierLabel,
)

NO_PEOPLE = "Groups and organisations only: do not name anyone or give anyone's details."


def _line(label: str, model: Any, name: str, *, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
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
        widget=widgets.Textarea(attrs={"rows": 4}),
    )


def _amount(label: str = "Amount in pounds") -> Any:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text="For example, 12500 or 12500.50",
        widget=widgets.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )


def _year(label: str = "Financial year") -> Any:
    return forms.CharField(
        label=label,
        max_length=7,
        help_text="The year its April falls in: 2026 for 2026–27",
        widget=widgets.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )


def _choice(
    label: str, *, required: bool = True, empty: str = "Choose", national: bool = False
) -> Any:
    # A national list (any organisation of the register: thousands) is chosen by typing.
    widget = widgets.Autocomplete() if national else widgets.Select()
    return forms.ModelChoiceField(
        label=label, queryset=None, empty_label=empty, required=required, widget=widget
    )


class _WithChoices(GovukForm):
    """A form whose choices come from the partnership: `choices` maps field to queryset."""

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        for name, queryset in (choices or {}).items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]


class StreamForm(_WithChoices):
    name = _line("Name", FundingStream, "name")
    source = _choice("Where the money comes from", empty="Choose an organisation", national=True)
    kind = forms.ChoiceField(
        label="Kind of funding", choices=StreamKind.choices, widget=widgets.RadioSelect()
    )
    amount = _amount("Amount for the whole period, in pounds")
    starts_on = DateField(label="Period starts", subject="The start of the period")
    ends_on = DateField(label="Period ends", subject="The end of the period")
    ring_fenced = forms.BooleanField(
        label="Ring-fenced: it may be spent only on Prevent",
        required=False,
        widget=widgets.CheckboxInput(),
    )


class AllocationForm(GovukForm):
    year = _year()
    amount = _amount()
    confirmed = forms.BooleanField(
        label="Confirmed (not only planned)", required=False, widget=widgets.CheckboxInput()
    )


class ProjectForm(_WithChoices):
    title = _line("Title", Project, "title")
    summary = _text("Summary", Project, "summary", required=False, hint=NO_PEOPLE)
    delivered_by = _choice("Delivered by", empty="Choose an organisation", national=True)
    audiences = _line(
        "Audiences", Project, "audiences", hint="Who it is for, as groups: " + NO_PEOPLE
    )
    strand = forms.ChoiceField(
        label="Strand or work stream (¶15–16)",
        choices=Strand.choices,
        widget=widgets.RadioSelect(),
    )
    tier = forms.TypedChoiceField(
        label="Tier of intervention (Figure 1)",
        choices=Tier.choices,
        coerce=int,
        widget=widgets.RadioSelect(),
    )
    forms_of_extremism = forms.MultipleChoiceField(
        label="Forms of extremism addressed (¶17)",
        choices=ExtremismForm.choices,
        widget=widgets.CheckboxSelectMultiple(),
    )
    answers_gap = _choice(
        "The assessment criterion whose gap it answers (optional)",
        required=False,
        empty="None",
    )
    narrative_priority = forms.ChoiceField(
        label="The narrative priority it answers (optional)",
        choices=[("", "None"), *SectionKey.choices],
        required=False,
        widget=widgets.Select(),
    )
    exit_plan = _text(
        "Exit or sustainability plan",
        Project,
        "exit_plan",
        required=False,
        hint="How the work ends or carries on when the money stops (¶45, ¶52). Required before "
        "the project is funded.",
    )
    starts_on = DateField(label="Starts (optional)", required=False, subject="The start")
    ends_on = DateField(label="Ends (optional)", required=False, subject="The end")

    def __init__(self, *args: Any, tier_labels: dict[int, str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if tier_labels:
            self.fields["tier"].choices = list(tier_labels.items())  # type: ignore[attr-defined]


class ActivityForm(GovukForm):
    title = _line("Title", Activity, "title")
    description = _text("Description", Activity, "description", required=False, hint=NO_PEOPLE)
    starts_on = DateField(label="Starts (optional)", required=False, subject="The start")


class FundingForm(_WithChoices):
    allocation = _choice("From the budget", required=False, empty="Not from the budget")
    pot = _choice("Or from an alliance's pot", required=False, empty="Not from a pot")
    year = _year("Financial year (for a pot)")
    amount = _amount()

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["year"].required = False


class TierLabelsForm(GovukForm):
    def __init__(self, *args: Any, labels: dict[int, str] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        for tier in Tier:
            self.fields[f"tier_{tier.value}"] = forms.CharField(
                label=f"Tier {tier.value}",
                max_length=limit_of(TierLabel, "label"),
                required=False,
                initial=(labels or {}).get(tier.value, ""),
                help_text=f"Leave empty for the report's: “{tier.label}”",
                widget=widgets.TextInput(),
            )


class PotForm(_WithChoices):
    alliance = _choice("Alliance", empty="Choose an alliance")
    name = _line("Name", AlliancePot, "name")
    purpose = _text("Purpose", AlliancePot, "purpose", required=False)


class ContributionForm(_WithChoices):
    partnership = _choice("Contributing partnership", empty="Choose a partnership")
    year = _year()
    amount = _amount()


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file or an Excel workbook",
        help_text="Projects: title, delivered_by, audiences, strand, tier, forms_of_extremism "
        "(and optionally summary, exit_plan, narrative_priority, starts_on, ends_on, stream, "
        "year, amount). Allocations: stream, year, amount, confirmed.",
        widget=widgets.FileInput(),
    )
