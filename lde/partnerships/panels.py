"""The user's partnerships and assignments, and what needs their attention, for the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.accounts.selectors import acting_user, vetting_gap_count
from lde.core.access.facts import facts_for
from lde.partnerships.models import Role
from lde.partnerships.selectors import assignment_list, assignments_new_into, partnership_list


def partnerships_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    partnerships = list(partnership_list(user=request.user))
    assignments = list(assignment_list(user=acting_user(request)))
    if not partnerships and not assignments:
        return None
    role_labels = dict(Role.choices)
    rows = []
    for partnership in partnerships:
        held = sorted(facts.roles.get(partnership.pk, frozenset()))
        labels = [role_labels[r] for r in held]
        if partnership.pk in facts.inspected:
            labels.append("Inspector")
        rows.append({"partnership": partnership, "roles": labels})
    coordinated = facts.partnerships_with(Role.COORDINATOR)
    attention = []
    if coordinated:
        # The user's facts already hold the partner organisations of their partnerships.
        organisation_ids = facts.organisations_of(coordinated)
        # Only the number is shown: counted from ids and dates, not built as posts and people.
        gaps = vetting_gap_count(organisation_ids=organisation_ids, day=facts.today)
        if gaps:
            attention.append(
                {
                    "text": f"{gaps} post{'s' if gaps != 1 else ''} in your "
                    f"partnerships lack{'s' if gaps == 1 else ''} the vetting they need, "
                    "or it expires within 90 days",
                    "partnerships": [p for p in partnerships if p.pk in coordinated],
                }
            )
    return {
        "template": "partnerships/panels/home.html",
        "rows": rows,
        "assignments": assignments,
        "new_assignments": assignments_new_into(user=acting_user(request)) if coordinated else [],
        "attention": attention,
        "today": facts.today,
    }


def site_administration_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Site administrators run the site; they see no partnership content by that role."""
    if not facts_for(request.user).is_site_administrator:
        return None
    from lde.partnerships.models import Partnership

    return {
        "template": "partnerships/panels/site_administration.html",
        "partnership_count": Partnership.objects.count(),
    }
