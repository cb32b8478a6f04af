"""Who may read, define, record and publish indicators (`permissions.md`, "indicators, surveys").

| action   | who                                                                              |
|----------|----------------------------------------------------------------------------------|
| view     | the partnership's coordinators, board members, contributors and viewers, its live |
|          | inspectors, and — once the indicator is published — its community reviewers      |
| define   | coordinators (the definition, baseline, targets and the criteria it informs)      |
| record   | coordinators, and contributors of the organisation the indicator names as        |
|          | reporting it ("own project data")                                                 |
| publish  | coordinators (publishing and withdrawing)                                        |
| attach   | coordinators and board members attach its latest figure as evidence; the         |
|          | assessment's own rule (`rate`, while a draft) is asked as well                    |

Peer reviewers and site administrators read no indicator. A national analyst reads no single
partnership's rows; anyone, signed in or not, reads a *published* indicator on its open page,
with every figure resting on a count under 10 withheld (`selectors.open_indicator`) — that page
asks no policy, because it shows nothing that is not public.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.indicators.models import Indicator
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

COORDINATORS = (Role.COORDINATOR,)
ATTACHERS = (Role.COORDINATOR, Role.BOARD_MEMBER)


class IndicatorPolicy(Policy[Indicator]):
    model = Indicator
    actions = ("view", "define", "record", "publish", "attach")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and "
        "assigned inspectors read its indicators; its community reviewers read those published.",
        "define": "The partnership's coordinators define indicators, their baselines and targets.",
        "record": "The partnership's coordinators record figures, and so do its contributors "
        "from the organisation that reports the indicator.",
        "publish": "The partnership's coordinators publish and withdraw indicators.",
        "attach": "The partnership's coordinators and board members attach an indicator's "
        "figure as evidence to the assessment, while it is a draft.",
    }

    # Asked of a partnership before any indicator exists.
    scope_actions = ("view", "define")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in reached(facts, READER_ROLES, inspectors=True)
        if action == "define":
            return scope in facts.partnerships_with(*COORDINATORS)
        raise ValueError(
            f"IndicatorPolicy asks only 'view' and 'define' of a partnership, not {action!r}"
        )

    def allows(self, facts: UserFacts, action: str, obj: Indicator) -> bool:
        partnership = obj.partnership_id
        coordinator = partnership in facts.partnerships_with(*COORDINATORS)
        if action == "view":
            return partnership in reached(facts, READER_ROLES, inspectors=True) or (
                obj.published and partnership in facts.partnerships_with(Role.COMMUNITY_REVIEWER)
            )
        if action in ("define", "publish"):
            return coordinator
        if action == "record":
            reporter = (
                obj.reported_by_id is not None
                and obj.reported_by_id == facts.organisation_id
                and partnership in facts.partnerships_with(Role.CONTRIBUTOR)
            )
            return coordinator or reporter
        if action == "attach":
            return partnership in facts.partnerships_with(*ATTACHERS)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        coordinator = reach_q(facts, COORDINATORS, ref)
        if action == "view":
            readers = reach_q(facts, READER_ROLES, ref, inspectors=True)
            community = Q(published=True) & reach_q(facts, (Role.COMMUNITY_REVIEWER,), ref)
            return readers | community
        if action in ("define", "publish"):
            return coordinator
        if action == "record":
            reporter = (
                Q(reported_by_id=facts.organisation_id or 0)
                & Q(reported_by__isnull=False)
                & reach_q(facts, (Role.CONTRIBUTOR,), ref)
            )
            return coordinator | reporter
        if action == "attach":
            return reach_q(facts, ATTACHERS, ref)
        raise ValueError(f"IndicatorPolicy has no action {action!r}")


indicator_policy = IndicatorPolicy()
