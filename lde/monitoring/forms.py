"""Monitoring forms: each asks only for what the person types or chooses; the services check
the rest (amounts in pounds and pence, never negative; the tolerance; the guard) and refuse
field by field. Amounts and counts are taken as text so that the service names a non-numeric or
negative value in its own words."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import Organisation
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.monitoring.models import (
    Agreement,
    BudgetKind,
    BudgetLine,
    Milestone,
    MilestoneState,
    OutcomeIndicator,
    OutputKind,
    Return,
    ReturnEvidence,
)
from lde.programme.models import Project

NO_PEOPLE = "Counts, groups and organisations only: do not name anyone or give anyone's details."


def _line(label: str, model: Any, name: str) -> Any:
    return forms.CharField(
        label=label, max_length=limit_of(model, name), widget=widgets.TextInput()
    )


def _text(label: str, model: Any, name: str, *, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=limit_of(model, name),
        required=required,
        help_text=hint,
        widget=widgets.Textarea(attrs={"rows": 5}),
    )


def _money(label: str, *, required: bool = True) -> Any:
    return forms.CharField(
        label=label,
        max_length=20,
        required=required,
        help_text="In pounds, for example 2500 or 2500.50.",
        widget=widgets.TextInput(width="10"),
    )


class RulesForm(GovukForm):
    quarterly_from = _money("Quarterly returns from")
    tolerance_percent = forms.CharField(
        label="Overspend tolerance (%)",
        max_length=8,
        help_text="How far spend may go beyond a budget line before it must be explained.",
        widget=widgets.TextInput(width="4"),
    )


class AgreementForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Delivering organisation",
        queryset=Organisation.objects.none(),
        # Any organisation of the national register may deliver: thousands.
        widget=widgets.Autocomplete(),
    )
    project = forms.ModelChoiceField(
        label="Programme project (optional)",
        queryset=Project.objects.none(),
        required=False,
        widget=widgets.Select(),
    )
    title = _line("Title", Agreement, "title")
    amount = _money("Amount")
    starts_on = DateField(label="Starts on")
    ends_on = DateField(label="Ends on")
    conditions = _text("Conditions", Agreement, "conditions", required=False)

    def __init__(self, *args: Any, organisations: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class FromAwardForm(GovukForm):
    project = forms.ModelChoiceField(
        label="Programme project (optional)",
        queryset=Project.objects.none(),
        required=False,
        widget=widgets.Select(),
    )
    starts_on = DateField(label="Starts on")
    ends_on = DateField(label="Ends on")
    conditions = _text("Conditions", Agreement, "conditions", required=False)

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class MilestoneForm(GovukForm):
    title = _line("Milestone", Milestone, "title")
    due_on = DateField(label="Due on")


class TargetForm(GovukForm):
    kind = forms.ChoiceField(label="Output", choices=OutputKind.choices, widget=widgets.Select())
    target = forms.CharField(label="Target", max_length=12, widget=widgets.TextInput(width="5"))


class IndicatorForm(GovukForm):
    text = _text("Outcome indicator", OutcomeIndicator, "text", hint=NO_PEOPLE)


class LineForm(GovukForm):
    heading = _line("Heading", BudgetLine, "heading")
    kind = forms.ChoiceField(label="Kind", choices=BudgetKind.choices, widget=widgets.Select())
    amount = _money("Amount")


class InstalmentForm(GovukForm):
    due_on = DateField(label="Due on")
    amount = _money("Amount")
    in_advance = forms.BooleanField(
        label="Paid in advance of the work",
        required=False,
        widget=widgets.CheckboxInput(),
    )


class ReturnForm(GovukForm):
    """One field per budget line (spend), per target (achieved) and per milestone (state),
    named `spend_<id>`, `output_<id>` and `milestone_<id>` as the service names them."""

    narrative = _text(
        "What happened in the period", Return, "narrative", required=False, hint=NO_PEOPLE
    )
    variance_explanation = _text(
        "Variance explanation",
        Return,
        "variance_explanation",
        required=False,
        hint="Needed where spend goes beyond a budget line by more than the partnership's "
        "tolerance.",
    )

    def __init__(
        self,
        *args: Any,
        lines: Any,
        targets: Any,
        milestones: Any,
        saved: Return | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        spend = {s.line_id: s.amount for s in saved.spend.all()} if saved else {}
        outputs = {o.target_id: o.achieved for o in saved.outputs.all()} if saved else {}
        states = {m.milestone_id: m.state for m in saved.milestones.all()} if saved else {}
        fields: dict[str, forms.Field] = {}
        for line in lines:
            fields[f"spend_{line.pk}"] = forms.CharField(
                label=f"Spent on {line.heading} in the period (line £{line.amount:,})",
                max_length=20,
                required=False,
                initial=spend.get(line.pk, ""),
                widget=widgets.TextInput(width="10"),
            )
        for target in targets:
            fields[f"output_{target.pk}"] = forms.CharField(
                label=f"{target.get_kind_display()} in the period (target {target.target:,})",
                max_length=12,
                required=False,
                initial=outputs.get(target.pk, ""),
                widget=widgets.TextInput(width="5"),
            )
        for milestone in milestones:
            fields[f"milestone_{milestone.pk}"] = forms.ChoiceField(
                label=f"{milestone.title} (due {milestone.due_on:%-d %B %Y})",
                choices=[("", "Not reported"), *MilestoneState.choices],
                required=False,
                initial=states.get(milestone.pk, ""),
                widget=widgets.Select(),
            )
        self.fields = {**fields, **self.fields}
        if not self.is_bound and saved is not None:
            self.initial.update(
                narrative=saved.narrative, variance_explanation=saved.variance_explanation
            )

    def values(self) -> dict[str, Any]:
        """The service's arguments from the cleaned data."""
        data = self.cleaned_data
        pick = lambda prefix: {  # noqa: E731
            int(k.removeprefix(prefix)): v
            for k, v in data.items()
            if k.startswith(prefix) and v not in ("", None)
        }
        return {
            "spend": pick("spend_"),
            "outputs": pick("output_"),
            "milestones": pick("milestone_"),
            "narrative": data.get("narrative", ""),
            "variance_explanation": data.get("variance_explanation", ""),
        }


class SendBackForm(GovukForm):
    reasons = _text("Why is the return sent back?", Return, "review_reasons", hint=NO_PEOPLE)


class EvidenceForm(GovukForm):
    title = _line("Title", ReturnEvidence, "title")
    file = forms.FileField(
        label="File",
        help_text="A PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file, under 20 MB.",
        widget=widgets.FileInput(),
    )


class SpendImportForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file or an Excel workbook",
        help_text="One row per budget line: budget_line (its heading as on the agreement) and "
        "amount (pounds and pence, like 1250.50). Under 5 MB.",
        widget=widgets.FileInput(),
    )
