"""The form that drafts an open data release: what it holds and how it is described."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from lde.core.govuk import widgets
from lde.core.govuk.forms import DateField, GovukForm
from lde.core.limits import SHORT_TEXT, TITLE
from lde.rollups.models import OpenDataFigures


class OpenDataReleaseForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=TITLE,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter a title"},
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="What the figures are and how they are counted. Name roles and "
        "organisations, not people.",
        required=False,
        max_length=SHORT_TEXT,
        widget=widgets.Textarea(),
    )
    publisher = forms.CharField(
        label="Publisher",
        max_length=TITLE,
        widget=widgets.TextInput(),
        error_messages={"required": "Enter the publisher"},
    )
    figures_kind = forms.ChoiceField(
        label="Figures",
        widget=widgets.RadioSelect(),
        error_messages={"required": "Choose the figures to release"},
    )
    indicator = forms.TypedChoiceField(
        label="Indicator",
        help_text="A published indicator of the partnership: its whole area's figures.",
        required=False,
        coerce=int,
        widget=widgets.Select(),
    )
    embargo_until = DateField(
        label="Embargo until (optional)",
        help_text="Once approved, the data set is released at the start of this day, not "
        "before. For example, 27 3 2027.",
        subject="Date the embargo ends",
        required=False,
    )

    def __init__(
        self, *args: Any, kinds: Sequence[str], indicators: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["figures_kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k, OpenDataFigures(k).label) for k in kinds]
        if indicators:
            indicator = self.fields["indicator"]
            assert isinstance(indicator, forms.ChoiceField)
            indicator.choices = [("", "Choose an indicator"), *indicators]
        else:
            del self.fields["indicator"]
