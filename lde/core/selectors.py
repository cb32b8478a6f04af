"""Reads of the site's own settings, scoped by their policies: site administrators only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lde.core.access.markings import Marking, SiteSettings
from lde.core.policies import marking_policy, site_settings_policy


def marking_list(*, user: Any) -> QuerySet[Marking]:
    """The scheme in order: today's markings by rank, then the older ones by what they map onto."""
    return (
        marking_policy.visible_to(user, "view")
        .select_related("maps_to")
        .order_by("scheme", "rank", "code")
    )


def marking_get(*, user: Any, marking_id: Any) -> Marking:
    return marking_policy.get_or_404(user, marking_id, Marking.objects.select_related("maps_to"))


def site_settings_get(*, user: Any) -> SiteSettings:
    return site_settings_policy.get_or_404(
        user,
        SiteSettings.objects.values_list("pk", flat=True).get(),
        SiteSettings.objects.select_related("ceiling"),
    )
