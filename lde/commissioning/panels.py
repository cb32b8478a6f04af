"""Commissioning for the home page: a panellist's declarations still owed, the calls a
coordinator has to moderate, and an applicant's own bids."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lde.commissioning import selectors
from lde.commissioning.models import CallStatus, PanelMember
from lde.commissioning.policies import call_policy


def commissioning_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated:
        return None
    to_declare = list(
        PanelMember.objects.filter(
            user_id=user.pk, declared_at__isnull=True, call__status__in=["open", "closed"]
        )
        .select_related("call")
        .order_by("call__closes_on", "pk")
    )
    to_moderate = list(
        call_policy.visible_to(user, "moderate")
        .filter(status=CallStatus.CLOSED)
        .order_by("closes_on", "pk")
    )
    applicant = selectors.applicant_of(user)
    if not (to_declare or to_moderate or applicant):
        return None
    return {
        "template": "commissioning/panels/home.html",
        "to_declare": [m.call for m in to_declare],
        "to_moderate": to_moderate,
        "applicant": applicant,
    }
