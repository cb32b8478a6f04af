"""Monitoring for the home page: late returns for the coordinators who review them, and an
applicant's own agreements with the returns they owe."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lde.monitoring.models import AgreementStatus, Return, ReturnStatus
from lde.monitoring.policies import applicant_return_policy, return_policy

SHOWN = 10


def monitoring_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    coordinated = _coordinated(user)
    # Late returns are for the coordinators who review them: no query for anyone else.
    late = list(
        Return.objects.filter(
            pk__in=return_policy.visible_to(user, "view")
            .filter(
                status__in=[ReturnStatus.DUE, ReturnStatus.SENT_BACK],
                due_on__lt=today,
                agreement__status=AgreementStatus.ACTIVE,
            )
            .filter(agreement__partnership_id__in=coordinated)
            .values("pk")
        )
        .select_related("agreement__organisation")
        .order_by("due_on", "pk")[:SHOWN]
        if coordinated
        else []
    )
    owed = list(
        applicant_return_policy.visible_to(user, "make")
        .select_related("agreement")
        .order_by("due_on", "pk")[:SHOWN]
    )
    if not (late or owed):
        return None
    return {
        "template": "monitoring/panels/home.html",
        "late": late,
        "owed": owed,
        "today": today,
    }


def _coordinated(user: Any) -> list[int]:
    from lde.core.access.facts import facts_for
    from lde.partnerships.models import Role

    return sorted(facts_for(user).partnerships_with(Role.COORDINATOR))
