"""Commissioning for the home page: a panellist's declarations still owed, the calls a
coordinator has to moderate, an applicant's own bids, and the devolved small-grant pots a
front-line post holder holds (what is left, grants without an outcome yet)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest

from lde.commissioning import selectors
from lde.commissioning.models import CallStatus, DevolvedPot, PanelMember
from lde.commissioning.policies import call_policy
from lde.core.access.facts import facts_for, today


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
    pots = _held_pots(user)
    if not (to_declare or to_moderate or applicant or pots):
        return None
    return {
        "template": "commissioning/panels/home.html",
        "to_declare": [m.call for m in to_declare],
        "to_moderate": to_moderate,
        "applicant": applicant,
        "pots": pots,
    }


def _held_pots(user: Any) -> list[Any]:
    """The pots delegated to a post the user holds today, still in their period, each with what
    has been given and how many grants await their outcome: one query, and none at all for the
    many who hold no post (the facts already know)."""
    posts = facts_for(user).post_ids
    if not posts:
        return []
    pots = list(
        DevolvedPot.objects.filter(holder_post_id__in=posts, ends_on__gte=today())
        .annotate(
            given_total=Sum("grants__amount"),
            without_outcome=Count("grants", filter=Q(grants__outcome="")),
        )
        .order_by("ends_on", "pk")
    )
    for pot in pots:
        pot.left = pot.amount - (pot.given_total or 0)  # type: ignore[attr-defined]
    return pots
