"""Who may draft, propose, approve, release and withdraw open data, and who reads it.

| action   | a partnership's release                          | a national release                 |
|----------|--------------------------------------------------|------------------------------------|
| view     | its coordinators and board members; anyone once | national analysts; anyone once     |
|          | released                                         | released                           |
| create   | its coordinators                                 | national analysts                  |
| propose  | its coordinators, while a draft                  | national analysts, while a draft   |
| approve  | its coordinators, while proposed                 | a national analyst other than the  |
|          |                                                  | one who proposed it, while proposed|
| release  | its coordinators, once approved                  | national analysts, once approved   |
| withdraw | its coordinators, once proposed                  | national analysts, once proposed   |

Anyone, signed in or not, reads a released data set on the open pages (`opendata_selectors`),
which ask no policy because they show nothing that is not public. The embargo is a date, not a
person's right: the service refuses a release before it (`opendata_services.release`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import OuterRef, Q

from lde.core.access.facts import UserFacts
from lde.core.access.policy import NOTHING, Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import reach_q
from lde.rollups.models import OpenDataRelease, OpenDataScope, OpenDataStatus

READERS = (Role.COORDINATOR, Role.BOARD_MEMBER)
COORDINATORS = (Role.COORDINATOR,)

# The status each action needs.
WHEN: dict[str, tuple[str, ...]] = {
    "propose": (OpenDataStatus.DRAFT,),
    "approve": (OpenDataStatus.PROPOSED,),
    "release": (OpenDataStatus.APPROVED,),
    "withdraw": (OpenDataStatus.PROPOSED, OpenDataStatus.APPROVED, OpenDataStatus.RELEASED),
}


class OpenDataReleasePolicy(Policy[OpenDataRelease]):
    model = OpenDataRelease
    actions = ("view", "propose", "approve", "release", "withdraw")
    # "create" is asked of a partnership's id, or of None for national figures.
    scope_actions = ("create",)
    who_can: ClassVar[dict[str, str]] = {
        "view": "Anyone reads a released data set; before release, the partnership's "
        "coordinators and board members, or, for national figures, national analysts.",
        "create": "A partnership's coordinators draft its open data; national analysts draft "
        "national open data.",
        "propose": "The partnership's coordinators, or for national figures a national analyst, "
        "propose a draft for approval.",
        "approve": "The partnership's coordinators approve its open data. National figures are "
        "approved by a second national analyst, never the one who proposed them.",
        "release": "The partnership's coordinators, or for national figures a national analyst, "
        "release approved open data once any embargo has passed.",
        "withdraw": "The partnership's coordinators, or for national figures a national analyst, "
        "withdraw open data once proposed.",
    }

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action != "create":
            raise ValueError(f"OpenDataReleasePolicy asks {action!r} of releases")
        if scope is None:
            return facts.is_national_analyst
        return scope in facts.partnerships_with(*COORDINATORS)

    def _actor(self, facts: UserFacts, obj: OpenDataRelease, roles: tuple[str, ...]) -> bool:
        if obj.scope == OpenDataScope.NATIONAL:
            return facts.is_national_analyst
        return obj.partnership_id in facts.partnerships_with(*roles)

    def allows(self, facts: UserFacts, action: str, obj: OpenDataRelease) -> bool:
        if action == "view":
            return obj.status == OpenDataStatus.RELEASED or self._actor(facts, obj, READERS)
        if obj.status not in WHEN[action] or not self._actor(facts, obj, COORDINATORS):
            return False
        if action == "approve" and obj.scope == OpenDataScope.NATIONAL:
            return obj.proposed_by_id != facts.user_id
        return True

    def _actor_q(self, facts: UserFacts, roles: tuple[str, ...]) -> Q:
        national = Q(scope=OpenDataScope.NATIONAL) if facts.is_national_analyst else NOTHING
        return national | (
            Q(scope=OpenDataScope.PARTNERSHIP) & reach_q(facts, roles, OuterRef("partnership_id"))
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        if action == "view":
            return Q(status=OpenDataStatus.RELEASED) | self._actor_q(facts, READERS)
        allowed = Q(status__in=WHEN[action]) & self._actor_q(facts, COORDINATORS)
        if action == "approve":
            allowed &= Q(scope=OpenDataScope.PARTNERSHIP) | ~Q(proposed_by=facts.user_id)
        return allowed


open_data_release_policy = OpenDataReleasePolicy()
