"""Forms: importing area data, asking a similar area for a peer review, and answering."""

from __future__ import annotations

from django import forms

from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm
from lde.core.limits import SHORT_TEXT


class AreaDataImportForm(GovukForm):
    file = forms.FileField(
        label="Area data (CSV)",
        help_text="A header row with gss_code and one column per variable, then one row per "
        "area. Under 5 MB.",
        widget=widgets.FileInput(),
        error_messages={"required": "Select the area data as a CSV file"},
    )
    variables = forms.FileField(
        label="Variables (CSV)",
        help_text="One row per variable, with the columns name, label, source, licence, "
        "protected (yes or no) and, if you wish, weight (1 if empty).",
        widget=widgets.FileInput(),
        error_messages={"required": "Select the variables' declaration as a CSV file"},
    )


class PeerReviewRequestForm(GovukForm):
    message = forms.CharField(
        label="Message (optional)",
        help_text="What you would like them to look at. Name roles and organisations, not people.",
        required=False,
        max_length=SHORT_TEXT,
        widget=widgets.Textarea(),
    )


class PeerReviewDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Will your partnership review their work?",
        choices=[("accept", "Yes, accept the request"), ("decline", "No, decline it")],
        widget=widgets.RadioSelect(),
        error_messages={"required": "Choose whether to accept or decline the request"},
    )
    reply = forms.CharField(
        label="Reply (optional)",
        required=False,
        max_length=SHORT_TEXT,
        widget=widgets.Textarea(),
    )
