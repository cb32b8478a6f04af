"""Who may do what with questionnaires (permissions.md, "indicators, surveys, evidence").

The partnership's coordinators build questionnaires, open and close their collections, issue
participant links and export the answers by pseudonymous code. Board members, contributors,
viewers and live inspectors read the questionnaires and their analysis (the change page), with
small figures shown and labelled as small. Community reviewers, peer reviewers, national
analysts and site administrators see nothing of a partnership's questionnaires. A participant
needs no account: the link is the authority, and it reaches one wave once (services).

One policy for the questionnaire; its questions, collections, links and responses are read and
changed through it (each belongs to one questionnaire, and nobody has rights over a part that
they do not have over the whole).
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.core.access.roles import READER_ROLES, Role
from lde.partnerships.reach import reach_q, reached
from lde.surveys.models import Questionnaire

__all__ = ["QuestionnairePolicy", "questionnaire_policy"]

MANAGERS = (Role.COORDINATOR,)


class QuestionnairePolicy(Policy[Questionnaire]):
    model = Questionnaire
    actions = ("view", "analyse", "manage", "export")
    scope_actions = ("create", "read")
    who_can: ClassVar[dict[str, str]] = {
        "view": "The partnership's coordinators, board members, contributors, viewers and "
        "inspectors read its questionnaires.",
        "analyse": "The partnership's coordinators, board members, contributors, viewers and "
        "inspectors read the change between before and after.",
        "manage": "The partnership's coordinators build questionnaires, open and close their "
        "collections and issue participant links.",
        "export": "The partnership's coordinators export the answers by pseudonymous code.",
        "create": "The partnership's coordinators add questionnaires.",
        "read": "The partnership's coordinators, board members, contributors, viewers and "
        "inspectors read its questionnaires.",
    }
    _rules: ClassVar[dict[str, tuple[tuple[str, ...], bool]]] = {
        "view": (READER_ROLES, True),
        "analyse": (READER_ROLES, True),
        "manage": (MANAGERS, False),
        "export": (MANAGERS, False),
        "create": (MANAGERS, False),
        "read": (READER_ROLES, True),
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        roles, inspectors = self._rules[action]
        return scope is not None and scope in reached(facts, roles, inspectors=inspectors)

    def allows(self, facts: UserFacts, action: str, obj: Questionnaire) -> bool:
        return self.allows_in(facts, action, obj.partnership_id)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        roles, inspectors = self._rules[action]
        return reach_q(facts, roles, OuterRef("partnership_id"), inspectors=inspectors)


questionnaire_policy = QuestionnairePolicy()
