"""Forms of an inspection programme's fieldwork pages. Each asks only for what the person types or
chooses; the services check the rest (the programme's framework, the site's step, the
personal-data guard) and their refusals are shown against the field they name."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import User
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.inspections.models import (
    ActivityKind,
    InterviewNote,
    NoteKind,
    PreVisitAnalysis,
    Programme,
    ScheduleItem,
)
from lde.inspections.services import MAX_DOCUMENT_ITEMS
from lde.partnerships.models import Partnership

ROLES_NOT_NAMES = "Name roles, such as youth workers or school governors, never people."


class ProgrammeForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=limit_of(Programme, "title"),
        widget=widgets.TextInput(),
        error_messages={"required": "Enter the programme's title"},
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=limit_of(Programme, "purpose"),
        widget=widgets.Textarea(),
        help_text="What the programme sets out to learn, and from which partnerships.",
        error_messages={"required": "Enter the programme's purpose"},
    )
    starts_on = DateField(
        label="Starts on", subject="Start date", help_text="For example, 12 1 2027."
    )
    ends_on = DateField(label="Ends on", subject="End date", help_text="For example, 30 6 2027.")


class SiteAddForm(GovukForm):
    # Any partnership in England the programme does not visit yet: hundreds of them.
    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=Partnership.objects.none(),
        empty_label="Choose a partnership",
        widget=widgets.Autocomplete(),
        error_messages={"required": "Select the partnership to visit"},
    )

    def __init__(self, *args: Any, partnerships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]


class InspectorAssignForm(GovukForm):
    # Inspectors come from any organisation: everyone with an account but the lead.
    inspector = forms.ModelChoiceField(
        label="Inspector",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        widget=widgets.Autocomplete(),
        help_text="Someone with an account on the platform, other than you.",
        error_messages={"required": "Select the inspector"},
    )
    ends_on = DateField(
        label="Assignment ends on (optional)",
        subject="End date",
        required=False,
        help_text="Their access to the site ends on this day by itself. Leave it empty for the "
        "programme's end, or 180 days from today if that is later. For example, 30 6 2027.",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = people  # type: ignore[attr-defined]


class DocumentRequestForm(GovukForm):
    items = forms.CharField(
        label="Documents asked for",
        # One line per document: at most 30 lines of 200 characters, with their line breaks.
        max_length=MAX_DOCUMENT_ITEMS * 202,
        widget=widgets.Textarea(attrs={"rows": 8}),
        help_text=f"One document a line, up to {MAX_DOCUMENT_ITEMS}, such as the partnership's "
        "Prevent action plan or its board minutes.",
        error_messages={"required": "Enter the documents you are asking for, one a line"},
    )
    due_on = DateField(
        label="Due on",
        subject="Date the documents are due",
        help_text="For example, 27 1 2027.",
    )


class DocumentsReceivedForm(GovukForm):
    received = forms.MultipleChoiceField(
        label="Documents received",
        required=False,
        widget=widgets.CheckboxSelectMultiple(),
        help_text="Tick each document that has arrived; untick one that has not.",
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["received"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(d.pk), d.description) for d in documents]


class AnalysisForm(GovukForm):
    theme = forms.ChoiceField(
        label="Theme",
        widget=widgets.Select(),
        help_text="A theme of the key-themes framework (Appendix 1).",
        error_messages={"required": "Select the theme"},
    )
    text = forms.CharField(
        label="Analysis",
        max_length=limit_of(PreVisitAnalysis, "text"),
        widget=widgets.Textarea(attrs={"rows": 10}),
        help_text="What the documents show against this theme. " + ROLES_NOT_NAMES,
        error_messages={"required": "Enter the analysis"},
    )

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose the theme")] + [
            (t.identifier, f"{t.identifier}: {t.title}"[:160]) for t in themes
        ]


class VisitForm(GovukForm):
    visited_on = DateField(
        label="Date of the visit", subject="Date of the visit", help_text="For example, 3 2 2027."
    )


class ScheduleItemForm(GovukForm):
    starts_at = forms.TimeField(
        label="Starts at",
        input_formats=["%H:%M", "%H.%M"],
        widget=widgets.TextInput(width="5"),
        help_text="In 24-hour time, for example 14:30.",
        error_messages={
            "required": "Enter the time it starts",
            "invalid": "Enter the time it starts in 24-hour time, like 14:30",
        },
    )
    kind = forms.ChoiceField(
        label="What it is",
        choices=ActivityKind.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select interview, focus group or observation"},
    )
    roles_met = forms.CharField(
        label="Roles met",
        max_length=limit_of(ScheduleItem, "roles_met"),
        widget=widgets.TextInput(),
        help_text=ROLES_NOT_NAMES,
        error_messages={"required": "Enter the roles met, such as youth workers"},
    )


class NoteForm(GovukForm):
    kind = forms.ChoiceField(
        label="What the notes are of",
        choices=NoteKind.choices,
        widget=widgets.RadioSelect(),
        error_messages={"required": "Select interview or focus group"},
    )
    roles_present = forms.CharField(
        label="Roles present",
        max_length=limit_of(InterviewNote, "roles_present"),
        widget=widgets.TextInput(),
        help_text=ROLES_NOT_NAMES,
        error_messages={"required": "Enter the roles present, such as school governors"},
    )
    text = forms.CharField(
        label="Notes",
        max_length=limit_of(InterviewNote, "text"),
        widget=widgets.Textarea(attrs={"rows": 12}),
        help_text="No email addresses, telephone numbers, people named by title or one "
        "person's views: the notes are refused if they hold any.",
        error_messages={"required": "Enter the notes"},
    )
    themes = forms.MultipleChoiceField(
        label="Themes and criteria the notes are coded to",
        widget=widgets.CheckboxSelectMultiple(),
        help_text="Select at least one: the notes are read across sites by theme.",
        error_messages={"required": "Select at least one theme or criterion"},
    )

    def __init__(self, *args: Any, codes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["themes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c.identifier, f"{c.identifier}: {c.title}"[:160]) for c in codes]


class SendForCheckForm(GovukForm):
    no_personal_data_declared = forms.BooleanField(
        label="I confirm that this report, its commentary and its evidence hold no information "
        "about identifiable members of the public",
        required=False,
        widget=widgets.CheckboxInput(),
    )
