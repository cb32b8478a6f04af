"""Capacity forms. Each asks only for what the coordinator types or chooses; the services check
the rest and refuse, field by field, what cannot be recorded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lde.capacity.models import (
    BoardDecision,
    CommunityRelationship,
    Course,
    CourseKind,
    ScrutinyBody,
    ScrutinySession,
    Team,
    TeamKind,
    TermsOfReference,
    TrainingSession,
)
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of

NO_PEOPLE = "Posts and organisations only: do not name anyone or give anyone's details."


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
        widget=widgets.Textarea(attrs={"rows": 4}),
    )


def _choice(
    label: str, queryset: Any = None, *, empty: str = "Choose", national: bool = False
) -> Any:
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        empty_label=empty,
        # A national list (the register's community organisations) is chosen by typing.
        widget=widgets.Autocomplete() if national else widgets.Select(),
    )


def _number(label: str, *, hint: str = "") -> Any:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=100_000,
        help_text=hint,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "invalid": f"Enter the {label.lower()} as a whole number",
            "min_value": f"{label} must be 1 or more",
            "max_value": f"{label} must be 100,000 or fewer",
        },
    )


class _WithChoices(GovukForm):
    """A form whose choices come from the partnership: `choices` maps field to queryset."""

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        for name, queryset in (choices or {}).items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]


class BoardMemberForm(_WithChoices):
    post = _choice("Post", empty="Choose a post")
    joined_on = DateField(label="Date the post joined the board")


class TermsOfReferenceForm(GovukForm):
    agreed_on = DateField(label="Date agreed")
    text = forms.CharField(
        label="Terms of reference",
        max_length=limit_of(TermsOfReference, "text"),
        widget=widgets.Textarea(attrs={"rows": 12}),
    )


class BoardMeetingForm(_WithChoices):
    held_on = DateField(label="Date of the meeting")
    attended_by: Any = forms.ModelMultipleChoiceField(
        label="Posts that attended",
        queryset=None,
        required=False,
        help_text="Members of the board, by post.",
        widget=widgets.CheckboxSelectMultiple(),
    )


class BoardDecisionForm(_WithChoices):
    decision = _text("Decision", BoardDecision, "decision", hint=NO_PEOPLE)
    action: Any = forms.ModelChoiceField(
        label="Action in the action plan that carries it out (optional)",
        queryset=None,
        required=False,
        empty_label="No action yet",
        widget=widgets.Select(),
    )


class ScrutinySessionForm(GovukForm):
    body = forms.ChoiceField(
        label="Who scrutinised",
        choices=ScrutinyBody.choices,
        widget=widgets.RadioSelect(),
    )
    held_on = DateField(label="Date of the session")
    examined = _text("What was examined", ScrutinySession, "examined", hint=NO_PEOPLE)
    outcome = _text("Outcome", ScrutinySession, "outcome", required=False, hint=NO_PEOPLE)


class CourseForm(GovukForm):
    title = _line("Title", Course, "title")
    provider = _line("Provider", Course, "provider")
    kind = forms.ChoiceField(label="Kind", choices=CourseKind.choices, widget=widgets.RadioSelect())


class TrainingSessionForm(_WithChoices):
    held_on = DateField(label="Date of the session")
    joint_with: Any = forms.ModelMultipleChoiceField(
        label="Organisations trained together (optional)",
        queryset=None,
        required=False,
        help_text="A joint session trains staff of several organisations together.",
        widget=widgets.CheckboxSelectMultiple(),
    )
    feedback_to_staff = _text(
        "Feedback to staff",
        TrainingSession,
        "feedback_to_staff",
        required=False,
        hint="What staff were told about what their Prevent work led to. " + NO_PEOPLE,
    )


class TeamForm(_WithChoices):
    organisation = _choice("Organisation", empty="Choose an organisation")
    name = _line("Name", Team, "name")
    kind = forms.ChoiceField(
        label="Kind of team", choices=TeamKind.choices, widget=widgets.RadioSelect()
    )
    headcount = _number("Headcount", hint="How many staff the team has.")


class TrainingAttendanceForm(_WithChoices):
    post: Any = forms.ModelChoiceField(
        label="Post trained",
        queryset=None,
        required=False,
        empty_label="Not a post: a team",
        widget=widgets.Select(),
    )
    team: Any = forms.ModelChoiceField(
        label="Team trained",
        queryset=None,
        required=False,
        empty_label="Not a team: a post",
        widget=widgets.Select(),
    )
    number_trained = forms.IntegerField(
        label="Number of the team's staff trained",
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="For a team only: a number, never names.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "invalid": "Enter the number trained as a whole number",
            "min_value": "Number trained must be 1 or more",
            "max_value": "Number trained must be 100,000 or fewer",
        },
    )


class CommunityRelationshipForm(_WithChoices):
    organisation = _choice("Community organisation", empty="Choose an organisation", national=True)
    nature = _text("Nature of the relationship", CommunityRelationship, "nature", hint=NO_PEOPLE)
    held_by: Any = forms.ModelMultipleChoiceField(
        label="Posts that hold it",
        queryset=None,
        widget=widgets.CheckboxSelectMultiple(),
    )


class RelationshipHoldersForm(_WithChoices):
    held_by: Any = forms.ModelMultipleChoiceField(
        label="Posts that hold it",
        queryset=None,
        help_text="Name a deputy by choosing a second post.",
        widget=widgets.CheckboxSelectMultiple(),
    )
