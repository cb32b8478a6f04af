"""Assessment forms. Each asks only for what the person types; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import Organisation, User
from lde.assessments.models import (
    CriterionResponse,
    FactualAccuracyComment,
    ModerationDecision,
    RaterRating,
)
from lde.core import limits
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.frameworks.models import Criterion, FrameworkVersion, RatingScale

NOT_RATED = "Not rated"


class RatingRadioSelect(widgets.RadioSelect):
    """Radios for the levels of a scale, each with what that level looks like under it, so the
    rubric is read where the rating is chosen."""

    template_name = "assessments/widgets/rating_radios.html"

    def __init__(self, *args: Any, hints: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints or {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["hint"] = self.hints.get(str(option["value"]), "")
        return option


def level_choices(scale: RatingScale | None) -> list[tuple[str, str]]:
    if scale is None:
        return []
    return [(str(level.value), f"{level.value} – {level.label}") for level in scale.levels.all()]


def rating_field(
    label: str,
    scale: RatingScale | None,
    descriptors: dict[int, str] | None = None,
    help_text: str = "",
) -> forms.TypedChoiceField:
    """A level of the scale, or "Not rated" (kept as missing, never as zero)."""
    hints = {str(value): text for value, text in (descriptors or {}).items()}
    hints[""] = "Treated as missing in any analysis, never as zero."
    return forms.TypedChoiceField(
        label=label,
        choices=[*level_choices(scale), ("", NOT_RATED)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
        widget=RatingRadioSelect(hints=hints),
    )


class AssessmentStartForm(GovukForm):
    framework_version = forms.ModelChoiceField(
        label="Framework",
        queryset=FrameworkVersion.objects.none(),
        empty_label="Choose a framework",
        widget=widgets.Select(),
        error_messages={
            "required": "Select the framework to assess against",
            "invalid_choice": "Select one of the frameworks in the list",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        widget=widgets.TextInput(),
        help_text="For example, Self-assessment 2026 to 2027.",
        error_messages={"required": "Enter a title for the assessment"},
    )
    period_start = DateField(
        label="Start of the period it covers",
        subject="Start of the period",
        help_text="For example, 1 4 2026.",
    )
    period_end = DateField(
        label="End of the period it covers",
        subject="End of the period",
        help_text="For example, 31 3 2027.",
    )
    carry_forward = forms.BooleanField(
        label="Copy the latest published cycle's ratings and evidence forward",
        required=False,
        initial=True,
        help_text="Each copied rating is marked “carried forward” until someone confirms or "
        "changes it.",
        widget=widgets.CheckboxInput(),
    )

    def __init__(self, *args: Any, versions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if versions is not None:
            self.fields["framework_version"].queryset = versions  # type: ignore[attr-defined]
            self.fields["framework_version"].label_from_instance = (  # type: ignore[attr-defined]
                lambda v: f"{v.title} {v.version}"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be after its start")
        return data


class ResponseForm(GovukForm):
    """A criterion's agreed rating, target and commentary, with the revision the person saw."""

    target = forms.TypedChoiceField(
        label="Target level",
        choices=[],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The level the partnership aims to reach by the next cycle.",
        widget=widgets.Select(),
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=limit_of(CriterionResponse, "commentary"),
        help_text="What the rating rests on. Do not name or describe any member of the public.",
        widget=widgets.Textarea(),
    )
    consensus_reason = forms.CharField(
        label="Why this is the agreed rating",
        required=False,
        max_length=limit_of(CriterionResponse, "consensus_reason"),
        help_text="Needed when the independent ratings differ.",
        widget=widgets.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(
        self,
        *args: Any,
        scale: RatingScale | None = None,
        descriptors: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"] = rating_field("Rating", scale, descriptors)
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            ("", "No target"),
            *level_choices(scale),
        ]
        self.order_fields(["rating", "target", "commentary", "consensus_reason", "revision"])


class RaterRatingForm(GovukForm):
    def __init__(self, *args: Any, scale: RatingScale | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "own")
        super().__init__(*args, **kwargs)
        self.fields["rating"] = rating_field(
            "Your own rating",
            scale,
            help_text="Rate it yourself, before the agreed rating. The spread of everyone's "
            "ratings is shown beside the agreed one.",
        )
        self.fields["note"] = forms.CharField(
            label="Note (optional)",
            required=False,
            max_length=limit_of(RaterRating, "note"),
            widget=widgets.Textarea(attrs={"rows": 2}),
        )


class EvidenceFileForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter a title for the evidence"},
    )
    file = forms.FileField(
        label="File",
        help_text="A PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file smaller than "
        "20 MB. It must hold nothing about identifiable members of the public.",
        widget=widgets.FileInput(),
        error_messages={"required": "Select a file", "empty": "The file is empty"},
    )
    effective_on = DateField(
        label="Date the evidence speaks for",
        help_text="The date of the meeting or report. For example, 31 1 2026.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "file")
        super().__init__(*args, **kwargs)


class EvidenceLinkForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter a title for the link"},
    )
    url = forms.URLField(
        label="Web address",
        max_length=500,
        assume_scheme="https",
        help_text="For example, https://example.org/board-minutes.",
        widget=widgets.TextInput(attrs={"spellcheck": "false", "inputmode": "url"}),
        error_messages={
            "required": "Enter the web address",
            "invalid": "Enter a web address in the correct format, like https://example.org",
        },
    )
    effective_on = DateField(
        label="Date the evidence speaks for", help_text="For example, 31 1 2026."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)


class ContributionAssignForm(GovukForm):
    criterion = forms.ModelChoiceField(
        label="Criterion",
        queryset=Criterion.objects.none(),
        empty_label="Choose a criterion",
        widget=widgets.Select(),
        error_messages={"required": "Select the criterion to assign"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation",
        widget=widgets.Select(),
    )
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        required=False,
        empty_label="No one person",
        widget=widgets.Select(),
    )

    def __init__(
        self,
        *args: Any,
        criteria: Any = None,
        organisations: Any = None,
        people: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if criteria is not None:
            self.fields["criterion"].queryset = criteria  # type: ignore[attr-defined]
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organisation") and not data.get("user") and not self.errors:
            self.add_error("organisation", "Select an organisation or a person")
        return data


class SubmitForm(GovukForm):
    no_personal_data_declared = forms.BooleanField(
        label="I confirm that this assessment, its commentary and its evidence hold no "
        "information about identifiable members of the public",
        required=False,
        widget=widgets.CheckboxInput(),
    )


class ModerationDecisionForm(GovukForm):
    def __init__(self, *args: Any, scale: RatingScale | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_rating"] = forms.TypedChoiceField(
            label="Agreed rating",
            choices=[("", NOT_RATED), *level_choices(scale)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=widgets.Select(),
        )
        self.fields["reason"] = forms.CharField(
            label="Why this is the agreed rating",
            required=False,
            max_length=limit_of(ModerationDecision, "reason"),
            widget=widgets.Textarea(attrs={"rows": 3}),
        )


class FactualAccuracyForm(GovukForm):
    body = forms.CharField(
        label="Your comment on the draft's factual accuracy",
        required=False,
        max_length=limit_of(FactualAccuracyComment, "body"),
        help_text="Say which statement is inaccurate and what is correct. The comment is kept "
        "with the review.",
        widget=widgets.Textarea(),
    )


class ReturnToDraftForm(GovukForm):
    reason = forms.CharField(
        label="Why it goes back to draft",
        required=False,
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )


class AbandonForm(GovukForm):
    """Why a draft is abandoned: kept in its history for everyone who reads it."""

    reason = forms.CharField(
        label="Why are you abandoning this draft?",
        help_text="For example, it was started by mistake, or against the wrong framework. "
        "Everyone who can see the assessment will see this.",
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the draft is being abandoned",
            "max_length": limits.too_long("The reason", limits.SHORT_TEXT),
        },
    )


class ActionForm(GovukForm):
    """A button with no fields, whose refusal is shown in the error summary."""


class CompareForm(GovukForm):
    """Which of the partnership's other assessments to compare with (sent by GET, `?with=`)."""

    def __init__(self, *args: Any, others: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "with" is a Python keyword, so the field is added by name rather than declared.
        self.fields["with"] = forms.TypedChoiceField(
            label="Compare with",
            choices=[(str(a.pk), f"{a.title} ({a.get_status_display().lower()})") for a in others],
            coerce=int,
            help_text="The partnership's other assessments against the same framework that you "
            "can see.",
            widget=widgets.Select(),
            error_messages={
                "required": "Select an assessment to compare with",
                "invalid_choice": "Select one of the assessments in the list to compare with",
            },
        )


class TrendsForm(GovukForm):
    """Which framework's cycles to follow, and whether to add the current, unpublished one."""

    def __init__(self, *args: Any, frameworks: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"] = forms.ChoiceField(
            label="Framework",
            choices=[(f.identifier, f.title) for f in frameworks],
            widget=widgets.Select(),
            error_messages={
                "required": "Select a framework",
                "invalid_choice": "Select one of the frameworks in the list",
            },
        )
        self.fields["current"] = forms.BooleanField(
            label="Include the current cycle, which is not yet published",
            required=False,
            widget=widgets.CheckboxInput(),
        )
