"""Action plan forms. Each asks only for what the person types; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.accounts.models import Organisation, User
from lde.action_plans.models import Action, ActionStatus, ProgressUpdate
from lde.core import limits
from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import limit_of
from lde.frameworks.models import Criterion

NO_CHANGE = ""


class CriteriaCheckboxes(widgets.CheckboxSelectMultiple):
    """Checkboxes for criteria, each with its rating and target under it, so the gap is read
    where the criterion is chosen."""

    template_name = "action_plans/widgets/criteria_checkboxes.html"

    def __init__(self, *args: Any, hints: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints or {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["hint"] = self.hints.get(str(option["value"]), "")
        return option


class ActionForm(GovukForm):
    criteria = forms.ModelMultipleChoiceField(
        label="Criteria whose gap the action addresses",
        queryset=Criterion.objects.none(),
        help_text="Select at least one. The largest gaps are listed first.",
        widget=CriteriaCheckboxes(),
        error_messages={
            "required": "Select at least one criterion whose gap the action addresses",
            "invalid_choice": "Select criteria of the framework the assessment uses",
            "invalid_pk_value": "Select criteria of the framework the assessment uses",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=limit_of(Action, "title"),
        widget=widgets.TextInput(),
        help_text="A short name for the action, for example “Refresh the local narrative with "
        "partners”.",
        error_messages={"required": "Enter a title for the action"},
    )
    description = forms.CharField(
        label="Description",
        max_length=limit_of(Action, "description"),
        widget=widgets.Textarea(),
        help_text="What will be done, and how the partnership will know it has worked. Do not "
        "name or describe any member of the public.",
        error_messages={"required": "Enter a description of the action"},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Choose the person who owns it",
        widget=widgets.Select(),
        help_text="A member of the partnership. They record its progress and are reminded "
        "before it is due.",
        error_messages={
            "required": "Select the person who owns the action",
            "invalid_choice": "The owner must be a member of the partnership",
        },
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose the organisation that owns it",
        widget=widgets.Select(),
        error_messages={
            "required": "Select the organisation that owns the action",
            "invalid_choice": "The organisation must be a partner organisation of the partnership",
        },
    )
    due_on = DateField(label="Due date", help_text="For example, 31 3 2027.")

    def __init__(
        self,
        *args: Any,
        criteria: Any = None,
        shown: list[Criterion] | None = None,
        hints: dict[str, str] | None = None,
        owners: Any = None,
        organisations: Any = None,
        with_criteria: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_criteria:
            # An action that did not come from an assessment's gaps has no criteria (ADR 0017).
            del self.fields["criteria"]
        self._owner_choices(owners, organisations)
        if not with_criteria:
            return
        field = self.fields["criteria"]
        if criteria is not None:
            field.queryset = criteria  # type: ignore[attr-defined]
        if shown is not None:
            # Shown in the order given (largest gap first); still checked against the queryset.
            field.choices = [(c.pk, c.title) for c in shown]  # type: ignore[attr-defined]
        field.widget.hints = hints or {}

    def _owner_choices(self, owners: Any, organisations: Any) -> None:
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.full_name} ({u.organisation.name})" if u.organisation_id else u.full_name
        )
        if organisations is not None:
            self.fields["owner_organisation"].queryset = organisations  # type: ignore[attr-defined]


class ProgressForm(GovukForm):
    text = forms.CharField(
        label="What has happened since the last update",
        max_length=limit_of(ProgressUpdate, "text"),
        widget=widgets.Textarea(),
        help_text="Do not name or describe any member of the public.",
        error_messages={"required": "Enter what has happened since the last update"},
    )

    def __init__(self, *args: Any, statuses: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ActionStatus.choices)
        self.fields["status"] = forms.ChoiceField(
            label="Status",
            choices=[
                (NO_CHANGE, "Leave the status as it is"),
                *[(s, f"Mark it {labels[s].lower()}") for s in statuses or []],
            ],
            required=False,
            initial=NO_CHANGE,
            widget=widgets.RadioSelect(),
            error_messages={"invalid_choice": "Select a status this action can move to"},
        )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(attrs={"rows": 3}),
        help_text="It is kept in the action's history.",
    )

    def __init__(
        self, *args: Any, label: str = "Reason", required_message: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        if required_message:
            self.fields["reason"].error_messages["required"] = required_message


class ActionChangeForm(ActionForm):
    """Changing an action: the form, with the revision the page showed, so that a save over
    someone else's is refused (lde/core/concurrency.py). Raising one has no revision to carry,
    and the forms that raise actions elsewhere (a board decision, an exercise's lesson) build on
    `ActionForm`."""

    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
