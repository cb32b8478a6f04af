"""The home panel of inspection programmes: a programme lead's programmes, an inspector's sites
and, for site administrators, the case studies waiting to be taken into the library.

Everyone else's home page does not change, and pays nothing for it: whether a user leads
programmes, inspects a site or administers the site is read from the access facts the request
has already loaded, before any query is made."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from lde.core.access.facts import facts_for
from lde.inspections import learning_selectors, selectors
from lde.inspections.models import Programme, ProgrammeStatus, SiteStatus

# What the inspectors of a site do next, by its step.
NEXT_STEP: dict[str, str] = {
    SiteStatus.PLANNED: "Send the document request",
    SiteStatus.DOCUMENTS_REQUESTED: "Write the pre-visit analysis and record the visit",
    SiteStatus.VISITED: "Write the notes and start the draft report",
    SiteStatus.DRAFT_REPORT: "Rate the report and send it for the factual-accuracy check",
    SiteStatus.FACTUAL_ACCURACY: "Publish the report after the partnership's comments",
    SiteStatus.PUBLISHED: "Nothing: the report is published",
}


def _led_programmes(user_id: int) -> list[dict[str, Any]]:
    """The lead's programmes with the count of sites at each step: one query."""
    steps = {
        f"at_{status}": Count("sites", filter=Q(sites__status=status))
        for status in SiteStatus.values
    }
    programmes = (
        Programme.objects.filter(lead_id=user_id).annotate(**steps).order_by("-starts_on", "title")
    )
    return [
        {
            "programme": programme,
            "published": programme.status == ProgrammeStatus.PUBLISHED,
            "steps": [
                (label, getattr(programme, f"at_{status}"))
                for status, label in SiteStatus.choices
                if getattr(programme, f"at_{status}")
            ],
        }
        for programme in programmes
    ]


def inspections_panel(request: HttpRequest) -> dict[str, Any] | None:
    facts = facts_for(request.user)
    # An inspector reaches a site only through a live inspector assignment, which the facts
    # already list by partnership: without one there is no site to show and nothing to ask.
    leads, inspects, administers = (
        facts.is_programme_lead,
        bool(facts.inspected),
        facts.is_site_administrator,
    )
    if not (leads or inspects or administers) or facts.user_id is None:
        return None
    programmes = _led_programmes(facts.user_id) if leads else []
    sites = (
        [
            {"site": site, "next": NEXT_STEP[site.status]}
            for site in selectors.my_inspection_sites(user=request.user)
        ]
        if inspects
        else []
    )
    waiting = learning_selectors.case_studies_sent(user=request.user).count() if administers else 0
    if not (leads or sites or waiting):
        return None
    return {
        "template": "inspections/panels/inspections.html",
        "leads": leads,
        "programmes": programmes,
        "sites": sites,
        "waiting": waiting,
    }
