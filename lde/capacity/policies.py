"""Who may read and change a partnership's capacity records. `permissions.md` has no row for
them; ADR 0013 decides, by analogy with its row for the partnership's profile, members and posts
(coordinators R W; board members, contributors and viewers R; live inspectors R):

| action                         | who                                                          |
|--------------------------------|--------------------------------------------------------------|
| overview, view (every record)  | the partnership's coordinators, board members, contributors  |
|                                | and viewers, and its live inspectors                         |
| add, edit                      | the partnership's coordinators                               |

Board members read and do not write: the coordinator keeps the board's record (members, terms of
reference, meetings, the decisions taken there), as they keep the partnership's profile, so that
one person answers for the minutes. Community reviewers, peer reviewers, security contacts,
national analysts and site administrators have no reach into it; another partnership's people
get the same 404 as for something that does not exist.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import OuterRef, Q

from lde.capacity.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    CommunityRelationship,
    Course,
    ScrutinySession,
    Team,
    TermsOfReference,
    TrainingAttendance,
    TrainingSession,
)
from lde.core.access.facts import UserFacts
from lde.core.access.policy import Policy
from lde.partnerships.models import Role
from lde.partnerships.reach import READER_ROLES, reach_q, reached

KEEPERS = (Role.COORDINATOR,)

R = TypeVar("R", bound=Any)

READ = (
    "The partnership's coordinators, board members, contributors, viewers and assigned "
    "inspectors read its capacity records."
)
KEEP = "The partnership's coordinators keep its capacity records."


def readers_of(facts: UserFacts) -> frozenset[int]:
    return reached(facts, READER_ROLES, inspectors=True)


def keepers_of(facts: UserFacts) -> frozenset[int]:
    return frozenset(facts.partnerships_with(*KEEPERS))


class CapacityRecordPolicy(Policy[R], Generic[R]):
    """A capacity record: read by the partnership's readers and live inspectors, kept by its
    coordinators. `partnership` is the path from the record to its partnership's id."""

    partnership: ClassVar[str] = "partnership_id"
    actions: ClassVar[tuple[str, ...]] = ("view", "edit")
    scope_actions: ClassVar[tuple[str, ...]] = ("view", "add")
    who_can: ClassVar[dict[str, str]] = {"view": READ, "edit": KEEP, "add": KEEP}

    def partnership_of(self, obj: R) -> int:
        value: Any = obj
        for step in self.partnership.split("__"):
            value = getattr(value, step)
        return int(value)

    def allows_in(self, facts: UserFacts, action: str, scope: int | None) -> bool:
        if action == "view":
            return scope in readers_of(facts)
        if action == "add":
            return scope in keepers_of(facts)
        raise ValueError(f"{type(self).__name__} asks only 'view' and 'add' of a partnership")

    def allows(self, facts: UserFacts, action: str, obj: R) -> bool:
        return self.allows_in(
            facts, "view" if action == "view" else "add", self.partnership_of(obj)
        )

    def filter_for(self, facts: UserFacts, action: str) -> Q:
        ref = OuterRef(self.partnership)
        if action == "view":
            return reach_q(facts, READER_ROLES, ref, inspectors=True)
        if action == "edit":
            return reach_q(facts, KEEPERS, ref)
        raise ValueError(f"{type(self).__name__} has no action {action!r}")


class BoardMemberPolicy(CapacityRecordPolicy[BoardMember]):
    model = BoardMember


class TermsOfReferencePolicy(CapacityRecordPolicy[TermsOfReference]):
    model = TermsOfReference


class BoardMeetingPolicy(CapacityRecordPolicy[BoardMeeting]):
    model = BoardMeeting


class BoardDecisionPolicy(CapacityRecordPolicy[BoardDecision]):
    model = BoardDecision
    partnership = "meeting__partnership_id"


class ScrutinySessionPolicy(CapacityRecordPolicy[ScrutinySession]):
    model = ScrutinySession


class CoursePolicy(CapacityRecordPolicy[Course]):
    model = Course


class TrainingSessionPolicy(CapacityRecordPolicy[TrainingSession]):
    model = TrainingSession
    partnership = "course__partnership_id"


class TeamPolicy(CapacityRecordPolicy[Team]):
    model = Team


class TrainingAttendancePolicy(CapacityRecordPolicy[TrainingAttendance]):
    model = TrainingAttendance
    partnership = "session__course__partnership_id"


class CommunityRelationshipPolicy(CapacityRecordPolicy[CommunityRelationship]):
    model = CommunityRelationship


board_member_policy = BoardMemberPolicy()
terms_of_reference_policy = TermsOfReferencePolicy()
board_meeting_policy = BoardMeetingPolicy()
board_decision_policy = BoardDecisionPolicy()
scrutiny_session_policy = ScrutinySessionPolicy()
course_policy = CoursePolicy()
training_session_policy = TrainingSessionPolicy()
team_policy = TeamPolicy()
training_attendance_policy = TrainingAttendancePolicy()
community_relationship_policy = CommunityRelationshipPolicy()

ALL_POLICIES: tuple[CapacityRecordPolicy[Any], ...] = (
    board_member_policy,
    terms_of_reference_policy,
    board_meeting_policy,
    board_decision_policy,
    scrutiny_session_policy,
    course_policy,
    training_session_policy,
    team_policy,
    training_attendance_policy,
    community_relationship_policy,
)
