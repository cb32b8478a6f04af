"""Status and movement tags, and the action plan's links on an assessment's page."""

from __future__ import annotations

from typing import Any

from django import template

from lde.accounts.models import RequestUser
from lde.action_plans.models import Action, ActionStatus
from lde.action_plans.policies import action_policy
from lde.action_plans.selectors import assessment_action_count
from lde.assessments.models import AssessmentStatus
from lde.assessments.policies import assessment_policy

register = template.Library()

STATUS_TAG_COLOURS: dict[str, str] = {
    ActionStatus.PLANNED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.CANCELLED: "govuk-tag--purple",
}

MOVEMENT_TAG_COLOURS = {
    "up": "govuk-tag--green",
    "down": "govuk-tag--red",
    "same": "govuk-tag--grey",
}


@register.filter
def action_status_tag_class(status: str) -> str:
    return STATUS_TAG_COLOURS.get(str(status), "govuk-tag--grey")


@register.filter
def movement_tag_class(movement: str) -> str:
    return MOVEMENT_TAG_COLOURS.get(str(movement), "govuk-tag--yellow")


@register.inclusion_tag("action_plans/_assessment_links.html", takes_context=True)
def assessment_action_links(context: dict[str, Any], assessment: Any) -> dict[str, Any]:
    """On an assessment's page: the actions raised from it, and raising one on its gaps, for
    those the action plan policy allows (one query, or none for those who may not read it)."""
    user = context["request"].user
    may_view = action_policy.user_can_in(user, "view", assessment.partnership_id)
    return {
        "assessment": assessment,
        "may_view": may_view,
        "may_raise": assessment.status != AssessmentStatus.ABANDONED
        and action_policy.user_can_in(user, "raise", assessment.partnership_id)
        and assessment_policy.user_can(user, "view_in_full", assessment),
        "count": assessment_action_count(user=user, assessment=assessment) if may_view else 0,
    }


@register.filter
def is_overdue_on(action: Action, day: Any) -> bool:
    return bool(day) and action.is_overdue(day)


@register.filter
def action_plan_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may read the action plan of this partnership (from their facts alone)."""
    return action_policy.user_can_in(user, "view", partnership_id)
