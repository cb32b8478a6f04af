"""The site's own settings, as site administrators change them: the ceiling and one marking."""

from __future__ import annotations

from typing import Any

from django import forms

from lde.core import limits
from lde.core.access.markings import Marking, MarkingScheme, VettingLevel
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm


def current_markings() -> Any:
    return Marking.objects.filter(scheme=MarkingScheme.CURRENT, maps_to__isnull=True).order_by(
        "rank"
    )


class CeilingForm(GovukForm):
    ceiling = forms.ModelChoiceField(
        label="Highest marking this site may store",
        queryset=Marking.objects.none(),
        # Chosen by code ("secret"), the scheme's own name for it, rather than a row number.
        to_field_name="code",
        empty_label=None,
        widget=widgets.RadioSelect(),
        help_text="Material above it is recorded only as existing, who holds it and how to ask.",
        error_messages={
            "required": "Choose the highest marking this site may store",
            "invalid_choice": "Choose a marking of the Government Security Classifications",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ceiling"].queryset = current_markings()  # type: ignore[attr-defined]


class MarkingForm(GovukForm):
    """An older marking's place in today's scheme, or a current marking's vetting; and the
    description either way. Only the fields that apply to the marking are asked."""

    maps_to = forms.ModelChoiceField(
        label="Handled as",
        queryset=Marking.objects.none(),
        # Chosen by code ("secret"), the scheme's own name for it, rather than a row number.
        to_field_name="code",
        empty_label=None,
        widget=widgets.RadioSelect(),
        help_text="The marking of today's scheme that material with this older marking is "
        "handled as: its vetting and the ceiling follow from it.",
        error_messages={
            "required": "Choose the marking it is handled as",
            "invalid_choice": "Choose a marking of the Government Security Classifications",
        },
    )
    required_vetting = forms.TypedChoiceField(
        label="Vetting a person needs to see material with this marking",
        coerce=int,
        choices=VettingLevel.choices,
        widget=widgets.RadioSelect(),
        error_messages={
            "required": "Choose the vetting it needs",
            "invalid_choice": "Choose a level of vetting from the list",
        },
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=limits.SHORT_TEXT,
        widget=widgets.Textarea(),
        error_messages={"max_length": limits.too_long("Description", limits.SHORT_TEXT)},
    )

    def __init__(self, *args: Any, marking: Marking, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if marking.scheme == MarkingScheme.LEGACY:
            del self.fields["required_vetting"]
            self.fields["maps_to"].queryset = current_markings()  # type: ignore[attr-defined]
        else:
            del self.fields["maps_to"]
