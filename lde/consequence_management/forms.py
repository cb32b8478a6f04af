"""Consequence-management forms. Each asks only for what the person types; the services refuse,
field by field, what is wrong (a mobile that is not a UK mobile, a template's unknown
placeholder, what the personal-data guard finds)."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.action_plans.forms import ActionForm
from lde.consequence_management.models import (
    CallOutcome,
    CascadeKind,
    CascadeMode,
    ContactKind,
    EntryKind,
    Exercise,
    ExerciseEntry,
    ExerciseParticipant,
    KeyContact,
    Lesson,
    ReadinessPlan,
    Rumour,
)
from lde.consequence_management.services import PLACEHOLDERS
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of

_NONE: Any = KeyContact.objects.none()


def _choose(form: forms.Form, name: str, queryset: Any) -> None:
    field: Any = form.fields[name]
    field.queryset = queryset


def _label(form: forms.Form, name: str, labeller: Any) -> None:
    field: Any = form.fields[name]
    field.label_from_instance = labeller


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


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        post = getattr(obj, "post", None)
        if post is not None and hasattr(obj, "speaks_for"):
            return f"{post.title}, {post.organisation.name} (for {obj.speaks_for})"
        if hasattr(obj, "organisation") and hasattr(obj, "title"):
            return f"{obj.title}, {obj.organisation.name}"
        return str(obj)


class PlanForm(GovukForm):
    title = _line("Title", ReadinessPlan, "title")
    before = _text("Before an operation", ReadinessPlan, "before")
    during = _text("During an operation", ReadinessPlan, "during")
    after = _text("After an operation", ReadinessPlan, "after")
    communications_strategy = _text(
        "Communications strategy", ReadinessPlan, "communications_strategy"
    )
    release_contingency = _text(
        "If arrested people are released", ReadinessPlan, "release_contingency"
    )
    everyday_policing = _text(
        "Keeping everyday policing and community safety going",
        ReadinessPlan,
        "everyday_policing",
    )
    advisory_group = NamedChoice(
        queryset=_NONE,
        required=False,
        label="Independent advisory group (optional)",
        help_text="A forum of the kind “independent advisory group” in community engagement.",
        widget=widgets.Select(),
    )
    advisory_group_breadth = _text(
        "How broad the advisory group is",
        ReadinessPlan,
        "advisory_group_breadth",
        required=False,
        hint="The kinds of organisation and community it draws on (¶86).",
    )
    spokesperson = NamedChoice(
        queryset=_NONE,
        required=False,
        label="Agreed spokesperson (optional)",
        widget=widgets.Select(),
    )
    media_skills = _text(
        "Media skills of the spokespeople", ReadinessPlan, "media_skills", required=False
    )
    criteria = forms.ModelMultipleChoiceField(
        queryset=_NONE,
        required=False,
        label="Readiness criteria this plan answers (optional)",
        widget=widgets.CheckboxSelectMultiple(),
    )
    review_on = DateField(label="Review by", subject="The review date")

    def __init__(self, *args: Any, groups: Any, spokespeople: Any, criteria: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "advisory_group", groups)
        _choose(self, "spokesperson", spokespeople)
        _choose(self, "criteria", criteria)
        _label(self, "criteria", lambda c: f"{c.identifier} {c.title}")


class RoleForm(GovukForm):
    post = NamedChoice(queryset=_NONE, label="Post", widget=widgets.Select())
    role = forms.CharField(
        label="Role in the consequence-management group",
        max_length=200,
        widget=widgets.TextInput(),
    )

    def __init__(self, *args: Any, posts: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "post", posts)


class PlanMessageForm(GovukForm):
    key_message = forms.ModelChoiceField(
        queryset=_NONE, label="Agreed key message", widget=widgets.Select()
    )
    languages = forms.CharField(
        label="Languages it goes out in",
        max_length=200,
        help_text="For example “English, Urdu, Somali”.",
        widget=widgets.TextInput(),
    )

    def __init__(self, *args: Any, messages: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "key_message", messages)
        _label(self, "key_message", lambda m: m.title)


class RumourForm(GovukForm):
    heard_on = DateField(label="When it was heard", subject="The date it was heard")
    what_was_heard = _text(
        "What was heard",
        Rumour,
        "what_was_heard",
        hint="The rumour, never who said it or who it is about.",
    )
    where = _line("Where", Rumour, "where", hint="A place or a channel.")
    response = _text("The response", Rumour, "response", required=False)


class ContactForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of entry", choices=ContactKind.choices, widget=widgets.RadioSelect()
    )
    # Any organisation of the national register: thousands.
    organisation = forms.ModelChoiceField(
        queryset=_NONE, label="Organisation they act for", widget=widgets.Autocomplete()
    )
    post = NamedChoice(
        queryset=_NONE,
        required=False,
        label="Post (staff only)",
        help_text="Staff are held by post: whoever holds it today is called.",
        widget=widgets.Select(),
    )
    role = _line("Their role for the organisation", KeyContact, "role")
    email = forms.EmailField(
        label="Email (optional)", required=False, max_length=254, widget=widgets.EmailInput()
    )
    mobile = forms.CharField(
        label="UK mobile for text messages (optional)",
        required=False,
        max_length=20,
        help_text="For example 07700 900123.",
        widget=widgets.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    phone = forms.CharField(
        label="Phone for the ring-round (optional)",
        required=False,
        max_length=20,
        widget=widgets.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    deputy = forms.ModelChoiceField(
        queryset=_NONE, required=False, label="Deputy (optional)", widget=widgets.Select()
    )
    consented_on = DateField(label="Consent given on", subject="The date consent was given")
    verified_on = DateField(label="Last verified on", subject="The date last verified")

    def __init__(self, *args: Any, organisations: Any, posts: Any, deputies: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "organisation", organisations)
        _choose(self, "post", posts)
        _choose(self, "deputy", deputies)


class CascadeForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, widget=widgets.TextInput())
    kind = forms.ChoiceField(
        label="Exercise or live", choices=CascadeKind.choices, widget=widgets.RadioSelect()
    )
    mode = forms.ChoiceField(
        label="How it reaches people", choices=CascadeMode.choices, widget=widgets.RadioSelect()
    )
    template = forms.CharField(
        label="Message",
        max_length=2000,
        help_text="Placeholders: "
        + ", ".join("{" + k + "} (" + v + ")" for k, v in PLACEHOLDERS.items())
        + ". No marked material: link to a released briefing product instead.",
        widget=widgets.Textarea(attrs={"rows": 5}),
    )
    plan = forms.ModelChoiceField(
        queryset=_NONE, required=False, label="Readiness plan (optional)", widget=widgets.Select()
    )
    briefing_product = forms.ModelChoiceField(
        queryset=_NONE,
        required=False,
        label="Released briefing product (optional)",
        widget=widgets.Select(),
    )
    quorum_percent = forms.IntegerField(
        label="Quorum for a tree's level, per cent",
        min_value=1,
        max_value=100,
        initial=60,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
    )
    escalate_after_minutes = forms.IntegerField(
        label="Minutes before escalating to a deputy",
        min_value=1,
        max_value=1440,
        initial=15,
        widget=widgets.TextInput(attrs={"inputmode": "numeric"}),
    )
    deputies_on_escalation = forms.BooleanField(
        label="Call deputies only when escalating",
        required=False,
        help_text="A directory entry named as someone's deputy is not called at first; it is "
        "called if the person it stands in for has not acknowledged in time.",
        widget=widgets.CheckboxInput(),
    )
    start_key = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args: Any, plans: Any, products: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "plan", plans)
        _choose(self, "briefing_product", products)
        _label(self, "briefing_product", lambda p: f"Product {p.pk}")


class CallForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What came of the call", choices=CallOutcome.choices, widget=widgets.RadioSelect()
    )


# --- Exercises --------------------------------------------------------------------------------


class ExerciseForm(GovukForm):
    title = _line("Title", Exercise, "title", hint="For example “Exercise Harbour”.")
    scenario = _text(
        "Scenario",
        Exercise,
        "scenario",
        hint="What the role play supposes is happening (¶161). Invent it: no real member of "
        "the public, operation or place's people.",
    )
    held_on = DateField(label="Held on", subject="The day of the exercise")
    plan = forms.ModelChoiceField(
        queryset=_NONE,
        required=False,
        label="Readiness plan it tests (optional)",
        widget=widgets.Select(),
    )
    cascade = forms.ModelChoiceField(
        queryset=_NONE,
        required=False,
        label="Exercise cascade it called (optional)",
        help_text="Its roll-call goes into the after-action report.",
        widget=widgets.Select(),
    )
    criteria = forms.ModelMultipleChoiceField(
        queryset=_NONE,
        required=False,
        label="Readiness criteria it tests (optional)",
        widget=widgets.CheckboxSelectMultiple(),
    )

    def __init__(self, *args: Any, plans: Any, cascades: Any, criteria: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "plan", plans)
        _choose(self, "cascade", cascades)
        _choose(self, "criteria", criteria)
        _label(self, "criteria", lambda c: f"{c.identifier} {c.title}")


class ParticipantForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=_NONE, label="Organisation", widget=widgets.Autocomplete()
    )
    role = _line(
        "Role played for it",
        ExerciseParticipant,
        "role",
        hint="For example “Gold commander” or “Chair of the mosque committee”: a role, never a "
        "name.",
    )

    def __init__(self, *args: Any, organisations: Any, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "organisation", organisations)


class EntryForm(GovukForm):
    kind = forms.ChoiceField(
        choices=EntryKind.choices, label="Timeline or observation", widget=widgets.RadioSelect()
    )
    time = forms.TimeField(
        label="Time in the exercise",
        input_formats=["%H:%M"],
        help_text="On the day of the exercise, as 24-hour HH:MM, for example 09:45.",
        error_messages={"invalid": "Enter the time as HH:MM, for example 09:45"},
        widget=widgets.TextInput(),
    )
    text = _text(
        "What happened, or what was observed",
        ExerciseEntry,
        "text",
        hint="About how the partners did; never about a member of the public.",
    )


class LessonForm(ActionForm):
    """A lesson, and the action in the action plan that carries it out."""

    lesson = _text(
        "The lesson learned",
        Lesson,
        "lesson",
        hint="What the exercise showed the partnership must do differently.",
    )
    field_order = ["lesson", "title", "description", "owner", "owner_organisation", "due_on"]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, with_criteria=False, **kw)
