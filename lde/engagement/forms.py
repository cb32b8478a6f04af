"""Engagement forms. Each asks only for what the person types; the services decide the rest
and refuse, field by field, what the personal-data guard finds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lde.accounts.models import Organisation, Post
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.engagement.models import (
    Audience,
    Channel,
    ChannelKind,
    Forum,
    ForumKind,
    ForumMeeting,
    Initiative,
    KeyMessage,
    MediaBriefing,
    SchoolActivity,
    Spokesperson,
    SupportRequest,
    SupportStatus,
)

NO_PEOPLE = "Organisations and roles only: do not name anyone, or record anyone's views."


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


class PostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Post) -> str:
        return f"{obj.title}, {obj.organisation.name}"


class ForumForm(GovukForm):
    name = _line("Name", Forum, "name", hint="For example “Faith Communities Forum”.")
    kind = forms.ChoiceField(label="Kind", choices=ForumKind.choices, widget=widgets.RadioSelect())
    purpose = _text("Purpose", Forum, "purpose", hint="What the forum is for. " + NO_PEOPLE)
    communities_reached = _text(
        "Communities and kinds of organisation it reaches",
        Forum,
        "communities_reached",
        required=False,
        hint="In the forum's own words. Never a rating of a community or a place.",
    )
    # The partners and every community organisation of the register: hundreds.
    members = forms.ModelMultipleChoiceField(
        label="Organisations taking part (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=widgets.AutocompleteMultiple(),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = organisations  # type: ignore[attr-defined]


class MeetingForm(GovukForm):
    held_on = DateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    topics = _line("Topics", ForumMeeting, "topics")
    summary = _text("Summary", ForumMeeting, "summary", required=False, hint=NO_PEOPLE)


class InitiativeForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Organisation that leads it",
        queryset=Organisation.objects.none(),
        widget=widgets.Autocomplete(),
    )
    title = _line("Title", Initiative, "title")
    what_it_does = _text(
        "What the community does for itself", Initiative, "what_it_does", hint=NO_PEOPLE
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SupportRequestForm(GovukForm):
    asked_for = _text("Support asked for", SupportRequest, "asked_for", hint=NO_PEOPLE)
    asked_on = DateField(label="Date asked for")


class SupportDecisionForm(GovukForm):
    status = forms.ChoiceField(label="Decision", choices=(), widget=widgets.RadioSelect())
    response = _text(
        "What the initiative got",
        SupportRequest,
        "response",
        hint="What was agreed or given, or why it was declined. " + NO_PEOPLE,
    )
    decided_on = DateField(label="Date decided")

    def __init__(self, *args: Any, allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, SupportStatus(s).label) for s in allowed
        ]


class AudienceForm(GovukForm):
    name = _line("Audience", Audience, "name", hint="For example “front-line council staff”.")
    internal = forms.BooleanField(
        label="An internal audience (staff of the partners)",
        required=False,
        widget=widgets.CheckboxInput(),
    )
    what_they_need = _text("What they need to know", Audience, "what_they_need", required=False)


class ChannelForm(GovukForm):
    name = _line("Name", Channel, "name")
    kind = forms.ChoiceField(label="Kind", choices=ChannelKind.choices, widget=widgets.Select())
    community = _line("Community it reaches", Channel, "community")
    languages = _line("Languages", Channel, "languages", required=False)
    reach = _line("Reach", Channel, "reach", required=False, hint="For example “weekly listeners”.")


class KeyMessageForm(GovukForm):
    title = _line("Title", KeyMessage, "title")
    message = _text("Key message", KeyMessage, "message")
    words_to_use = _text("Words to use", KeyMessage, "words_to_use", required=False)
    words_to_avoid = _text("Words to avoid", KeyMessage, "words_to_avoid", required=False)
    why = _text("Why", KeyMessage, "why", required=False, hint="Why these words, and not others.")


class MediaBriefingForm(GovukForm):
    held_on = DateField(label="Date of the briefing")
    outlet = _line("Outlet", MediaBriefing, "outlet")
    topic = _line("Topic", MediaBriefing, "topic")
    spoke = PostChoice(
        label="Who spoke, by post",
        queryset=Post.objects.none(),
        widget=widgets.Select(),
        help_text="A post of one of the partnership's organisations, never a member of the public.",
    )
    notes = _text("Notes", MediaBriefing, "notes", required=False, hint=NO_PEOPLE)

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spoke"].queryset = posts  # type: ignore[attr-defined]


class SpokespersonForm(GovukForm):
    post = PostChoice(label="Post", queryset=Post.objects.none(), widget=widgets.Select())
    speaks_for = _line("Speaks for", Spokesperson, "speaks_for")
    topics = _line("Topics", Spokesperson, "topics")

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]


class SchoolForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="School or college",
        queryset=Organisation.objects.none(),
        # Every school and college of the register.
        widget=widgets.Autocomplete(),
    )
    safer_schools_partnership = forms.BooleanField(
        label="A Safer Schools Partnership is in place",
        required=False,
        widget=widgets.CheckboxInput(),
    )
    ssp_started_on = DateField(label="Date the Safer Schools Partnership started", required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SchoolActivityForm(GovukForm):
    activity = _line("Activity", SchoolActivity, "activity")
    held_on = DateField(label="Date of the activity")
