"""Who may read and manage a partnership's survey data sets and their saved estimates
(`permissions.md`, "indicators, surveys, evidence": coordinator R W, board member, contributor
and viewer R, inspector R, national analyst aggregates only).

| action | who                                                                                  |
|--------|--------------------------------------------------------------------------------------|
| view   | the partnership's coordinators, board members, contributors and viewers, and its     |
|        | live inspectors                                                                      |
| manage | the partnership's coordinators: upload a data set, save or remove an estimate,       |
|        | attach one as evidence (which the assessment's own rule must allow too)              |

A contributor's "own project data" is a project's, not a public survey's, so contributors read
data sets only. Community reviewers read what is shared with them for consultation, which a
data set never is, and national analysts will see aggregates across partnerships only, so
neither reads a data set. Inspectors are not of the partnership: a figure resting on fewer than
10 responses is withheld from them (`sees_small_numbers`), as from anyone outside it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import AnyUser, UserFacts, facts_for
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached
from lde.surveys.models import SavedEstimate, SurveyDataSet

MANAGERS = (Role.COORDINATOR,)

WHO_CAN: dict[str, str] = {
    "view": "The partnership's coordinators, board members, contributors, viewers and assigned "
    "inspectors read its survey data sets and their estimates.",
    "manage": "The partnership's coordinators upload survey data sets and save, remove and "
    "attach their estimates.",
}


def _allows_in(facts: UserFacts, action: str, scope: int | None) -> bool:
    if action == "view":
        return scope in reached(facts, READER_ROLES, inspectors=True)
    if action == "manage":
        return scope in facts.partnerships_with(*MANAGERS)
    raise ValueError(f"No survey data set action {action!r}")


def _filter_for(facts: UserFacts, action: str, ref: OuterRef) -> Q:
    if action == "view":
        return reach_q(facts, READER_ROLES, ref, inspectors=True)
    if action == "manage":
        return reach_q(facts, MANAGERS, ref)
    raise ValueError(f"No survey data set action {action!r}")


class SurveyDataSetPolicy(Policy[SurveyDataSet]):
    model = SurveyDataSet
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = WHO_CAN
    # Asked of a partnership before it has a data set: may I see its list, may I upload one.
    scope_actions = ("view", "manage")

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        return _allows_in(facts, action, scope)

    def allows(self, facts: UserFacts, action: str, obj: SurveyDataSet) -> bool:
        return _allows_in(facts, action, obj.partnership_id)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return _filter_for(facts, action, OuterRef("partnership_id"))


class SavedEstimatePolicy(Policy[SavedEstimate]):
    """A saved estimate follows its data set's partnership, with the same rule."""

    model = SavedEstimate
    actions = ("view", "manage")
    who_can: ClassVar[dict[str, str]] = WHO_CAN

    def allows(self, facts: UserFacts, action: str, obj: SavedEstimate) -> bool:
        return _allows_in(facts, action, obj.data_set.partnership_id)

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        return _filter_for(facts, action, OuterRef("data_set__partnership_id"))


def sees_small_numbers(user: AnyUser, partnership_id: int) -> bool:
    """Whether the user is of the partnership (a member who reads its work), and so is shown
    figures resting on fewer than 10 responses with a warning rather than withheld: anyone
    else who may read them (an inspector) is outside it."""
    return partnership_id in facts_for(user).partnerships_with(*READER_ROLES)


survey_data_set_policy = SurveyDataSetPolicy()
saved_estimate_policy = SavedEstimatePolicy()
