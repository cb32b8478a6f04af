"""The programme for the home page: for the partnerships a user coordinates, the strands with no
targeted Tier 3 work (the gap the report found, ¶36) and whether the three-year plan is
complete, so that the coordinator sees them without looking."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.core.access.facts import facts_for
from lde.partnerships.models import Partnership, Role
from lde.programme import selectors


def programme_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    coordinated = sorted(facts.partnerships_with(Role.COORDINATOR))
    if not coordinated:
        return None
    rows = []
    # Only the partnerships with a project at all: a programme not yet begun has no row, and
    # its portfolio (four queries, each through the projects' rule) need not be worked out.
    started = Partnership.objects.filter(pk__in=coordinated, projects__isnull=False).distinct()
    for partnership in started.order_by("name"):
        portfolio = selectors.portfolio(user=request.user, partnership=partnership)
        if not portfolio.projects:
            continue
        profile = selectors.spend_profile(
            user=request.user, partnership=partnership, today=facts.today
        )
        rows.append(
            {
                "partnership": partnership,
                "no_targeted": len(portfolio.empty_targeted),
                "strands": len(portfolio.rows),
                "plan_complete": profile.plan_complete,
                "unfunded": portfolio.unfunded_projects,
            }
        )
    if not rows:
        return None
    return {"template": "programme/panels/home.html", "rows": rows}
