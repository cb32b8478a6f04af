"""The upload form of offline completion (`views_workbook`)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from lde.assessments.workbook import MAX_WORKBOOK_BYTES, XLSX_CONTENT_TYPE
from lde.core.govuk import widgets
from lde.core.govuk.forms import GovukForm


class WorkbookUploadForm(GovukForm):
    file = forms.FileField(
        label="Completed workbook",
        help_text="The .xlsx file you downloaded from this page and filled in.",
        widget=widgets.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
        error_messages={"required": "Select the completed workbook", "empty": "The file is empty"},
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        # Refused before it is read into memory: the service would refuse it anyway.
        if upload.size is not None and upload.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError("The file must be smaller than 10 MB")
        return upload
