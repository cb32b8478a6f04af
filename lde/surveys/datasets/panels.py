"""Survey data sets for the home page: those of the partnerships the user manages them for,
newest first, with their saved estimates counted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.surveys.datasets.selectors import data_sets_for_home

SHOWN = 5


def survey_data_sets_panel(request: HttpRequest) -> dict[str, Any] | None:
    data_sets = data_sets_for_home(user=request.user)
    if not data_sets:
        return None
    return {
        "template": "surveys/datasets/panels/home.html",
        "data_sets": data_sets[:SHOWN],
        "count": len(data_sets),
    }
