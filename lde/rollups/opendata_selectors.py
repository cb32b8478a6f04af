"""Reads of open data releases: the open list and pages (anyone, released only, no policy asked
since nothing on them is not public), and the drafts and proposals a signed-in person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lde.core.access.facts import AnyUser
from lde.rollups.models import OpenDataRelease, OpenDataStatus
from lde.rollups.opendata_policies import open_data_release_policy


def released_list() -> QuerySet[OpenDataRelease]:
    """Every released data set, newest first, with what the list shows: one query."""
    return (
        OpenDataRelease.objects.filter(status=OpenDataStatus.RELEASED)
        .select_related("partnership")
        .defer("figures")
        .order_by("-released_at", "-pk")
    )


def released_get(*, release_id: Any) -> OpenDataRelease:
    """A released data set, for anyone; 404 for anything else, released or not, missing or not."""
    try:
        return OpenDataRelease.objects.select_related("partnership").get(
            pk=release_id, status=OpenDataStatus.RELEASED
        )
    except (OpenDataRelease.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def release_get(*, user: AnyUser, release_id: Any) -> OpenDataRelease:
    """Any release the user may see (released ones to anyone signed in); 404 otherwise."""
    return open_data_release_policy.get_or_404(
        user, release_id, OpenDataRelease.objects.select_related("partnership")
    )


def releases_in_progress(*, user: AnyUser) -> list[OpenDataRelease]:
    """The releases not yet out that the user may see: drafts, proposals, approvals awaiting
    release or their embargo, and withdrawn ones. One query."""
    return list(
        open_data_release_policy.visible_to(user)
        .exclude(status=OpenDataStatus.RELEASED)
        .select_related("partnership")
        .defer("figures")
        .order_by("-created_at", "-pk")[:200]
    )
