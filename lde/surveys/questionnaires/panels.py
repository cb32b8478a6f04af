"""Questionnaires for the home page: those of the partnerships the user reads them in, with the
collections open now (and the answers each has had), linking to each questionnaire, its open
collections and its change between before and after."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.surveys.questionnaires.selectors import questionnaires_for_home

SHOWN = 5


def questionnaires_panel(request: HttpRequest) -> dict[str, Any] | None:
    shown, count = questionnaires_for_home(user=request.user, shown=SHOWN)
    if not shown:
        return None
    partnerships = {h.questionnaire.partnership_id: h.questionnaire.partnership for h in shown}
    return {
        "template": "surveys/questionnaires/panels/home.html",
        "questionnaires": shown,
        "count": count,
        "partnerships": sorted(partnerships.values(), key=lambda p: p.name),
    }
