"""Capacity for the home page: for the partnerships a user coordinates, the teams under-trained
and the relationships held by one post, so that the coordinator sees them without looking."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.capacity import selectors
from lde.core.access.facts import facts_for
from lde.partnerships.models import Partnership, Role


def capacity_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    coordinated = sorted(facts.partnerships_with(Role.COORDINATOR))
    if not coordinated:
        return None
    rows = []
    for partnership in Partnership.objects.filter(pk__in=coordinated).order_by("name"):
        # The teams' shares trained are enough here: not every course with its sessions.
        training = selectors.training(
            user=request.user, partnership=partnership, with_courses=False
        )
        relationships = selectors.relationships(user=request.user, partnership=partnership)
        under = len(training.under_trained)
        single = len(relationships.single_points_of_failure)
        if under or single:
            rows.append({"partnership": partnership, "under": under, "single": single})
    if not rows:
        return None
    return {"template": "capacity/panels/home.html", "rows": rows}
