"""The partnership's navigation asks whether a user reaches its similar areas."""

from __future__ import annotations

from django import template

from lde.accounts.models import RequestUser
from lde.rollups.policies import area_neighbour_policy

register = template.Library()


@register.filter
def similar_areas_readable(partnership_id: int, user: RequestUser) -> bool:
    """Whether `user` may see this partnership's similar areas (from their facts)."""
    return area_neighbour_policy.user_can_in(user, "view", partnership_id)
