"""Links into a partnership's pages from other apps' templates."""

from __future__ import annotations

from typing import Any

from django import template

from lde.accounts.models import RequestUser
from lde.partnerships.selectors import partnerships_with_coverage

register = template.Library()


@register.simple_tag
def coverage_partnerships(user: RequestUser) -> list[Any]:
    """The partnerships whose briefing coverage `user` may see (one query)."""
    return list(partnerships_with_coverage(user=user))
