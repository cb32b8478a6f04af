"""The partnership's navigation asks whether a user reaches its agreements and returns;
pages show money in pounds as people write it."""

from __future__ import annotations

from typing import Any

from django import template

from lde.accounts.models import RequestUser
from lde.core import money
from lde.monitoring.models import Agreement
from lde.monitoring.policies import agreement_policy, applicant_agreement_policy

register = template.Library()
# Amounts as people write them, £12,500 or £12,500.50: the platform's one way (lde.core.money).
register.filter("pounds", money.pounds)


@register.filter
def monitoring_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read this partnership's agreements (from their facts)."""
    return agreement_policy.user_can_in(user, "view", partnership_id)


@register.simple_tag
def agreement_for(decision: Any, user: RequestUser) -> Agreement | None:
    """The agreement made for an award, when `user` may read it (a coordinator, a reader of the
    partnership, or the delivering organisation's applicant): the bid's page links to it. One
    query, on a page about one bid."""
    agreement = Agreement.objects.filter(decision=decision).first() if decision else None
    if agreement is None:
        return None
    if agreement_policy.user_can(user, "view", agreement) or applicant_agreement_policy.user_can(
        user, "view", agreement
    ):
        return agreement
    return None
