"""Who may see figures across partnerships."""

from __future__ import annotations

from lde.accounts.models import RequestUser
from lde.core.access.facts import facts_for


def national_figures_allowed(user: RequestUser) -> bool:
    """Figures across partnerships are for national analysts only (permissions.md, "briefing
    coverage figures": aggregates); everyone else gets 404, as for a page that does not exist."""
    return facts_for(user).is_national_analyst
