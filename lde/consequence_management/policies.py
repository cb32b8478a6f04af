"""Who may read and change a partnership's consequence-management records. `permissions.md` has
no row for them; by analogy with its rows for the action plan and for marked material's need to
know, this app decides:

| record, action                         | who                                                  |
|----------------------------------------|------------------------------------------------------|
| readiness plan: overview, view         | the partnership's coordinators, board members,       |
|                                        | contributors and viewers, and its live inspectors    |
| readiness plan: add, edit (and its     | the partnership's coordinators                       |
| roles, messages and rumour log)        |                                                      |
| key contact: list, view                | coordinators, board members and contributors: the    |
|                                        | channels are people's contact details, kept to those |
|                                        | who call out and are called (not viewers, not        |
|                                        | inspectors)                                          |
| key contact: add, edit, review         | the partnership's coordinators                       |
| cascade: view (its roll-call)          | coordinators, board members and contributors         |
| cascade: start                         | the partnership's coordinators                       |
| cascade: record a call                 | coordinators and contributors, while it runs         |
| cascade: close                         | coordinators, while it runs                          |
| cascade: after-action report           | coordinators, board members and contributors         |
| exercise: list, view, after-action     | the partnership's coordinators, board members,       |
| report                                 | contributors and viewers, and its live inspectors    |
| exercise: add; edit (participants,     | the partnership's coordinators, until it is closed   |
| timeline, observations)                |                                                      |
| exercise: start                        | coordinators, while it is planned                    |
| exercise: close                        | coordinators, while it runs                          |
| exercise: record a lesson (its action) | coordinators, once it is closed                      |

Community reviewers, peer reviewers, security contacts, national analysts and site
administrators have no reach here; another partnership's people get the 404 of something that
does not exist. Acknowledging through a signed link or a text reply needs no account: the link's
signature or the provider's token is the authority (see `services`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import OuterRef, Q

from lde.consequence_management.models import (
    Cascade,
    CascadeStatus,
    Exercise,
    ExerciseStatus,
    KeyContact,
    ReadinessPlan,
)
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

R = TypeVar("R", bound=Any)

KEEPERS: tuple[str, ...] = (Role.COORDINATOR,)
CALLERS: tuple[str, ...] = (Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR)
RECORDERS: tuple[str, ...] = (Role.COORDINATOR, Role.CONTRIBUTOR)

READ_PLANS = (
    "The partnership's coordinators, board members, contributors, viewers and assigned "
    "inspectors read its readiness plans."
)
KEEP = "The partnership's coordinators keep its consequence-management records."
READ_CONTACTS = (
    "The partnership's coordinators, board members and contributors see its key-individual "
    "directory and cascades."
)


class PartnershipRecordPolicy(Policy[R], Generic[R]):
    """A record read by `readers` (with live inspectors if `inspectors`) and kept by the
    partnership's coordinators."""

    readers: ClassVar[tuple[str, ...]] = tuple(READER_ROLES)
    inspectors: ClassVar[bool] = True
    actions: ClassVar[tuple[str, ...]] = ("view", "edit")

    def _readers(self, facts: UserFacts) -> frozenset[int]:
        return frozenset(reached(facts, self.readers, inspectors=self.inspectors))

    def _keepers(self, facts: UserFacts) -> frozenset[int]:
        return frozenset(facts.partnerships_with(*KEEPERS))

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action not in self.scope_actions:
            raise ValueError(f"{type(self).__name__} asks {self.scope_actions} of a partnership")
        if action == "add":
            return scope in self._keepers(facts)
        return scope in self._readers(facts)

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        if action == "view":
            return obj.partnership_id in self._readers(facts)
        if action == "edit":
            return obj.partnership_id in self._keepers(facts)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        if action == "view":
            return reach_q(facts, self.readers, ref, inspectors=self.inspectors)
        if action == "edit":
            return reach_q(facts, KEEPERS, ref)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class ReadinessPlanPolicy(PartnershipRecordPolicy[ReadinessPlan]):
    """A plan, with its roles, messages and rumour log, which are changed as part of it."""

    model = ReadinessPlan
    scope_actions: ClassVar[tuple[str, ...]] = ("overview", "add")
    who_can: ClassVar[dict[str, str]] = {
        "overview": READ_PLANS,
        "view": READ_PLANS,
        "add": KEEP,
        "edit": KEEP,
    }


class KeyContactPolicy(PartnershipRecordPolicy[KeyContact]):
    model = KeyContact
    readers = CALLERS
    inspectors = False
    scope_actions: ClassVar[tuple[str, ...]] = ("list", "add")
    who_can: ClassVar[dict[str, str]] = {
        "list": READ_CONTACTS,
        "view": READ_CONTACTS,
        "add": KEEP,
        "edit": KEEP,
    }


class CascadePolicy(PartnershipRecordPolicy[Cascade]):
    """A cascade is started by coordinators, called through by coordinators and contributors
    while it runs, and closed by coordinators."""

    model = Cascade
    readers = CALLERS
    inspectors = False
    actions: ClassVar[tuple[str, ...]] = ("view", "record_call", "close")
    scope_actions: ClassVar[tuple[str, ...]] = ("list", "add")
    who_can: ClassVar[dict[str, str]] = {
        "list": READ_CONTACTS,
        "view": READ_CONTACTS,
        "add": "The partnership's coordinators start a cascade.",
        "record_call": "While a cascade runs, the partnership's coordinators and contributors "
        "record the calls of its ring-round.",
        "close": "The partnership's coordinators close a cascade that is running.",
    }

    def allows(self, facts: UserFacts, action: str, obj: Cascade) -> bool:
        running = obj.status == CascadeStatus.RUNNING
        if action == "view":
            return obj.partnership_id in self._readers(facts)
        if action == "record_call":
            return running and obj.partnership_id in facts.partnerships_with(*RECORDERS)
        if action == "close":
            return running and obj.partnership_id in self._keepers(facts)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        running = Q(status=CascadeStatus.RUNNING)
        if action == "view":
            return reach_q(facts, self.readers, ref, inspectors=False)
        if action == "record_call":
            return reach_q(facts, RECORDERS, ref) & running
        if action == "close":
            return reach_q(facts, KEEPERS, ref) & running
        raise ValueError(f"CascadePolicy has no action {action!r}")


class ExercisePolicy(PartnershipRecordPolicy[Exercise]):
    """An exercise is read as the plans are (members and live inspectors: it is how the
    partnership practises, ¶161, and holds no contact details), and kept by coordinators: changed
    until it is closed, started while planned, closed while running, and its lessons recorded
    once it is closed (each raises an action in the action plan)."""

    model = Exercise
    actions: ClassVar[tuple[str, ...]] = ("view", "edit", "start", "close", "learn")
    scope_actions: ClassVar[tuple[str, ...]] = ("list", "add")
    who_can: ClassVar[dict[str, str]] = {
        "list": READ_PLANS.replace("readiness plans", "exercises"),
        "view": READ_PLANS.replace("readiness plans", "exercises"),
        "add": "The partnership's coordinators plan an exercise.",
        "edit": "Until an exercise is closed, the partnership's coordinators record its "
        "participants, timeline and observations.",
        "start": "The partnership's coordinators start an exercise that is planned.",
        "close": "The partnership's coordinators close an exercise that is running.",
        "learn": "Once an exercise is closed, the partnership's coordinators record its lessons, "
        "each becoming an action in the action plan.",
    }

    STATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "edit": (ExerciseStatus.PLANNED, ExerciseStatus.RUNNING),
        "start": (ExerciseStatus.PLANNED,),
        "close": (ExerciseStatus.RUNNING,),
        "learn": (ExerciseStatus.CLOSED,),
    }

    def allows(self, facts: UserFacts, action: str, obj: Exercise) -> bool:
        if action == "view":
            return obj.partnership_id in self._readers(facts)
        if action in self.STATES:
            return obj.status in self.STATES[action] and obj.partnership_id in self._keepers(facts)
        return False

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef("partnership_id")
        if action == "view":
            return reach_q(facts, self.readers, ref, inspectors=True)
        if action in self.STATES:
            return reach_q(facts, KEEPERS, ref) & Q(status__in=self.STATES[action])
        raise ValueError(f"ExercisePolicy has no action {action!r}")


readiness_plan_policy = ReadinessPlanPolicy()
key_contact_policy = KeyContactPolicy()
cascade_policy = CascadePolicy()
exercise_policy = ExercisePolicy()
