"""Who may see distributions of scores across partnerships, and whose score is marked on them.

Kept apart from `policies.py` (which names it, so that every policy of the app is found) because
it asks about partnerships, not about a model of this app.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Partnership, Role
from lde.partnerships.reach import reach_q, reached

# permissions.md, "inspections, roll-ups": coordinators and board members read their own
# partnership's (R own), inspectors read those they inspect, national analysts see aggregates.
MARK_READERS = (Role.COORDINATOR, Role.BOARD_MEMBER)


class DistributionPolicy(Policy[Partnership]):
    """A distribution is an aggregate, so the page is open to national analysts and to anyone
    with a partnership whose place on it they may see ("view", asked of the site). A
    partnership's own score is marked ("mark") only for its coordinators, board members and
    live inspectors; a national analyst with no such role sees aggregates only, no marks."""

    model = Partnership
    actions = ("mark",)
    scope_actions = ("view",)
    inspectors: ClassVar[bool] = True  # whether a live inspector reads as its board does
    who_can: ClassVar[dict[str, str]] = {
        "view": "National analysts, and the coordinators, board members and inspectors of a "
        "partnership, see distributions of scores across partnerships.",
        "mark": "A partnership's coordinators, board members and assigned inspectors see its "
        "score marked on a distribution.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return facts.is_national_analyst or bool(
                reached(facts, MARK_READERS, inspectors=self.inspectors)
            )
        raise ValueError(f"{type(self).__name__} asks {action!r} of partnerships")

    def allows(self, facts: UserFacts, action: str, obj: Partnership) -> bool:
        return obj.pk in reached(facts, MARK_READERS, inspectors=self.inspectors)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return reach_q(facts, MARK_READERS, OuterRef("pk"), inspectors=self.inspectors)


class MoneyDistributionPolicy(DistributionPolicy):
    """Distributions of programme money (ADR 0027): the same aggregate for national analysts,
    but among a partnership's people only its coordinators and board members, who read its
    budget (ADR 0015), see it and their own partnership marked. Inspectors read a partnership's
    budget to inspect it, not to place it among others, and money is more sensitive than a
    self-assessment's score, so the grant is kept to those who answer for the budget."""

    inspectors = False
    who_can: ClassVar[dict[str, str]] = {
        "view": "National analysts, and the coordinators and board members of a partnership, "
        "see distributions of programme money across partnerships.",
        "mark": "A partnership's coordinators and board members see its money marked on a "
        "distribution.",
    }


distribution_policy = DistributionPolicy()
money_distribution_policy = MoneyDistributionPolicy()
