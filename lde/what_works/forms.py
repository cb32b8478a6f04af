"""The library's forms. Choices and limits come from the models; the services judge every value
again (so a page, the API and the command line refuse the same input in the same words)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.core.limits import limit_of
from lde.programme.models import Project
from lde.what_works.models import (
    EMMIE,
    EMMIE_LABELS,
    Audience,
    Design,
    EffectDirection,
    Entry,
    EntryKind,
    Quality,
    Setting,
    Strand,
    Tier,
)

NO_PEOPLE = "Groups and organisations only: do not name anyone or give anyone's details."


def _text(label: str, name: str, *, required: bool = True, rows: int = 4, hint: str = "") -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=limit_of(Entry, name),
        required=required,
        help_text=hint,
        widget=widgets.Textarea(attrs={"rows": rows}),
    )


def _line(label: str, name: str, *, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=limit_of(Entry, name),
        required=required,
        help_text=hint,
        widget=widgets.TextInput(),
    )


class EntryForm(GovukForm):
    kind = forms.ChoiceField(label="Kind", choices=EntryKind.choices, widget=widgets.RadioSelect)
    title = _line("Title", "title")
    summary = _text("Summary", "summary", rows=6, hint=NO_PEOPLE)
    strands = forms.MultipleChoiceField(
        label="Strands of the Prevent Strategy",
        choices=Strand.choices,
        widget=widgets.CheckboxSelectMultiple,
    )
    tier = forms.TypedChoiceField(
        label="Tier of intervention (optional)",
        choices=[("", "Not one tier"), *Tier.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=widgets.Select,
    )
    audiences = forms.MultipleChoiceField(
        label="Audiences (optional)",
        choices=Audience.choices,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    setting = forms.ChoiceField(
        label="Setting", choices=[("", "Choose a setting"), *Setting.choices], widget=widgets.Select
    )
    source = _line("Source", "source", hint="The report or evaluation the entry comes from.")
    paragraphs = _line("Paragraphs", "paragraphs", required=False, hint="For example, ¶42–44")


class LocalEvaluationForm(EntryForm):
    project = forms.ModelChoiceField(
        label="Project evaluated", queryset=Project.objects.none(), widget=widgets.Select
    )
    field_order = ["project"]

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects


def initial_of(entry: Entry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "strands": entry.strand_list,
        "tier": entry.tier,
        "audiences": entry.audience_list,
        "setting": entry.setting,
        "source": entry.source,
        "paragraphs": entry.paragraphs,
    }


class RatingForm(GovukForm):
    design = forms.ChoiceField(
        label="Design of the evaluation",
        help_text="The Maryland level follows from the design: it is never chosen.",
        choices=Design.choices,
        widget=widgets.RadioSelect,
    )
    effect_direction = forms.ChoiceField(
        label="What the evidence says of the effect",
        choices=EffectDirection.choices,
        widget=widgets.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in EMMIE:
            label = EMMIE_LABELS[name]
            self.fields[name] = _text(label, name, required=False, rows=3, hint=NO_PEOPLE)
            self.fields[f"{name}_quality"] = forms.TypedChoiceField(
                label=f"{label}: quality of the evidence",
                choices=Quality.choices,
                coerce=int,
                widget=widgets.Select,
            )


def rating_initial(entry: Entry) -> dict[str, Any]:
    found: dict[str, Any] = {
        "design": entry.design,
        "effect_direction": entry.effect_direction,
    }
    for name in EMMIE:
        found[name] = getattr(entry, name)
        found[f"{name}_quality"] = getattr(entry, f"{name}_quality")
    return found
