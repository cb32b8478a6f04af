"""Template questions about survey data sets, answered from the user's facts."""

from __future__ import annotations

from django import template

from lde.core.access.facts import AnyUser
from lde.surveys.datasets.policies import survey_data_set_policy

register = template.Library()


@register.filter
def survey_data_sets_readable(partnership_id: int, user: AnyUser) -> bool:
    """Whether `user` reads this partnership's survey data sets (for its navigation): without
    the link a partnership with no data set yet had no way to its upload page."""
    return survey_data_set_policy.user_can_in(user, "view", partnership_id)
