"""What the survey data sets' confirmation pages say (`lde.core.confirm`) before a data set or a
saved estimate is removed: what happens, who will see it, and what cannot be undone.

A data set is read by the partnership's coordinators, board members, contributors and viewers,
and by its live inspectors (`policies.py`).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as date_format

from lde.core.confirm import Confirmation
from lde.surveys.models import SavedEstimate, SurveyDataSet

READERS = (
    "its coordinators, board members, contributors and viewers, and its live inspectors. The "
    "removal is recorded in the audit trail, with your name."
)


def data_set_remove(data_set: SurveyDataSet, estimates: int) -> Confirmation:
    return Confirmation(
        title="Remove this survey data set",
        caption=data_set.title,
        button="Remove this data set",
        cancel_url=reverse("survey_data:data-set-detail", args=[data_set.pk]),
        facts=(
            ("Data set", data_set.title),
            ("Responses", f"{data_set.row_count:,}"),
            (
                "Fieldwork",
                f"{date_format(data_set.period_start, 'j F Y')} to "
                f"{date_format(data_set.period_end, 'j F Y')}",
            ),
            ("Saved estimates", f"{estimates:,}"),
        ),
        happens=[
            "The responses, the design and every saved estimate of this data set are removed.",
            "Evidence already attached to an assessment stays there, with its figure in its "
            "title, but its link no longer opens an estimate.",
        ],
        seen_by=f"Everyone who reads {data_set.partnership.name}'s survey data sets: {READERS}",
        cannot_undo="The responses cannot be brought back: you would have to upload the file "
        "again, with its design.",
        destructive=True,
    )


def estimate_remove(estimate: SavedEstimate) -> Confirmation:
    data_set = estimate.data_set
    return Confirmation(
        title="Remove this saved estimate",
        caption=data_set.title,
        button="Remove this estimate",
        cancel_url=reverse("survey_data:estimate-detail", args=[estimate.pk]),
        facts=(
            ("Estimate", estimate.describe()),
            ("Computed", date_format(estimate.computed_at, "j F Y")),
        ),
        happens=[
            "The saved figures are removed from the data set's page.",
            "Evidence already attached to an assessment stays there, with its figure in its "
            "title, but its link no longer opens the estimate.",
        ],
        seen_by=f"Everyone who reads {data_set.partnership.name}'s survey data sets: {READERS}",
        cannot_undo="The figures as they were computed cannot be brought back; computing the "
        "estimate again gives the engine's answer of that day.",
        destructive=True,
    )
