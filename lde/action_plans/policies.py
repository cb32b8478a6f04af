"""Who may read, raise, change and report on actions (`permissions.md`, "action plans").

| action          | who                                                                     |
|-----------------|-------------------------------------------------------------------------|
| view            | the partnership's coordinators, board members, contributors and viewers, |
|                 | and its live inspectors                                                 |
| raise           | coordinators and board members                                          |
| edit, cancel    | coordinators and board members, while the action is open                |
| reopen          | coordinators and board members, once it is done or cancelled           |
| record_progress | while it is open: coordinators, and the action's owner                  |

Community reviewers read only what is shared with them for consultation, and a peer reviewer's
assignment reaches one assessment, not the partnership's plan, so neither reads actions. The
readers are those who read the partnership's assessments in full. National analysts will see
aggregates only, once roll-ups exist.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.action_plans.models import OPEN_STATUSES, Action
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

PLANNERS = (Role.COORDINATOR, Role.BOARD_MEMBER)


class ActionPolicy(Policy[Action]):
    model = Action
    actions = ("view", "raise", "edit", "cancel", "reopen", "record_progress")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and "
        "assigned inspectors read its action plan.",
        "raise": "The partnership's coordinators and board members raise actions.",
        "edit": "While an action is open, the partnership's coordinators and board members "
        "change it.",
        "cancel": "While an action is open, the partnership's coordinators and board members "
        "cancel it, with a reason.",
        "reopen": "The partnership's coordinators and board members reopen a done or cancelled "
        "action, with a reason.",
        "record_progress": "While an action is open, its owner and the partnership's "
        "coordinators record its progress.",
    }

    # Asked of a partnership before any action exists: may I see its plan, may I raise one.
    scope_actions = ("view", "raise")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in reached(facts, READER_ROLES, inspectors=True)
        if action == "raise":
            return scope in facts.partnerships_with(*PLANNERS)
        raise ValueError(
            f"ActionPolicy asks only 'view' and 'raise' of a partnership, not {action!r}"
        )

    def allows(self, facts: UserFacts, action: str, obj: Action) -> bool:
        partnership = obj.partnership_id
        readers = reached(facts, READER_ROLES, inspectors=True)
        planners = facts.partnerships_with(*PLANNERS)
        is_open = obj.status in OPEN_STATUSES
        if action in self.scope_actions:
            return self.allows_in(facts, action, partnership)
        if action in ("edit", "cancel"):
            return is_open and partnership in planners
        if action == "reopen":
            return not is_open and partnership in planners
        if action == "record_progress":
            coordinator = partnership in facts.partnerships_with(Role.COORDINATOR)
            owner = obj.owner_id is not None and obj.owner_id == facts.user_id
            return is_open and (coordinator or (owner and partnership in readers))
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        readers = reach_q(facts, READER_ROLES, ref, inspectors=True)
        planners = reach_q(facts, PLANNERS, ref)
        is_open = Q(status__in=OPEN_STATUSES)
        if action == "view":
            return readers
        if action == "raise":
            return planners
        if action in ("edit", "cancel"):
            return is_open & planners
        if action == "reopen":
            return ~is_open & planners
        if action == "record_progress":
            coordinator = reach_q(facts, (Role.COORDINATOR,), ref)
            owner = Q(owner_id=facts.user_id or 0) & readers
            return is_open & (coordinator | owner)
        raise ValueError(f"ActionPolicy has no action {action!r}")


action_policy = ActionPolicy()
