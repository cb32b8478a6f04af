"""API: partnership capacity. The same selectors, policies and services as the pages: reads 404
when the partnership is not visible and 403 when its capacity is not; writes 403 when visible
but not allowed (saying who can), and a service's refusal is a 400 naming the field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lde.accounts.models import Organisation, Post
from lde.accounts.selectors import acting_user
from lde.action_plans.models import Action
from lde.action_plans.policies import action_policy
from lde.action_plans.selectors import action_list, organisation_choices, owner_choices
from lde.capacity import selectors, services
from lde.capacity.exports import overview_data
from lde.capacity.models import (
    BoardDecision,
    CommunityRelationship,
    Course,
    CourseKind,
    ScrutinyBody,
    ScrutinySession,
    Team,
    TeamKind,
    TermsOfReference,
    TrainingSession,
)
from lde.capacity.policies import KEEP, board_decision_policy, board_member_policy
from lde.core.api_schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    ObjectId,
    api_field_names,
    chosen,
    chosen_many,
)
from lde.core.limits import limit_of
from lde.partnerships.models import Partnership

router = Router(tags=["capacity"])

FREE_TEXT = r"^[^\x00]*$"
BIGINT = 9_223_372_036_854_775_807
Id = Annotated[int, Field(ge=1, le=BIGINT)]
ERRORS: dict[int, type[Schema]] = {s: shape for s, shape in WRITE_ERRORS.items() if s != 409}
FIELD_NAMES = {
    "post": "post_id",
    "team": "team_id",
    "organisation": "organisation_id",
    "action": "action_id",
    "owner": "owner_id",
    "owner_organisation": "owner_organisation_id",
    "attended_by": "attended_by_post_ids",
    "held_by": "held_by_post_ids",
    "joint_with": "joint_with_organisation_ids",
}


def text(model: Any, name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(model, name),
        pattern=FREE_TEXT,
    )


# --- Shapes ---------------------------------------------------------------------------------


class CapacityPostOut(Schema):
    id: int
    title: str
    organisation: str
    level: str
    holder: str | None
    held_since: date | None


class BoardMeetingOut(Schema):
    id: int
    held_on: date
    attended_by: list[int]
    decisions: list[dict[str, Any]]


class BoardOut(Schema):
    members: list[dict[str, Any]]
    terms_of_reference: list[dict[str, Any]]
    meetings: list[BoardMeetingOut]


class KindOut(Schema):
    kind: str
    paragraphs: str
    missing: bool
    organisations: list[str]


class PartnerCoverageOut(Schema):
    kinds: list[KindOut]
    other_partners: list[str]
    scrutiny: list[dict[str, Any]]


class LeadershipOut(Schema):
    levels: dict[str, list[CapacityPostOut]]
    turnover: list[dict[str, int]]


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str
    headcount: int
    trained: int
    percent_trained: int
    under_trained: bool


class TrainingOut(Schema):
    threshold_percent: int
    teams: list[TeamOut]
    courses: list[dict[str, Any]]


class RelationshipOut(Schema):
    id: int
    organisation: str
    nature: str
    held_by: list[int]
    single_point_of_failure: bool
    suggested_deputy: int | None


class CapacityOverviewOut(Schema):
    partnership_id: int
    board: BoardOut
    coverage: PartnerCoverageOut
    leadership: LeadershipOut
    training: TrainingOut
    relationships: list[RelationshipOut]


class CapacityCreatedOut(Schema):
    id: int


class BoardMemberIn(Schema):
    post_id: Id
    joined_on: date


class TermsIn(Schema):
    agreed_on: date
    text: str = text(TermsOfReference, "text")


class BoardMeetingIn(Schema):
    held_on: date
    attended_by_post_ids: list[Id] = Field(default_factory=list, max_length=200)


class BoardDecisionIn(Schema):
    decision: str = text(BoardDecision, "decision")
    action_id: Id | None = None


class BoardDecisionActionIn(Schema):
    title: str = text(Action, "title")
    description: str = text(Action, "description")
    owner_id: Id = Field(description="A member of the partnership who reads its action plan.")
    owner_organisation_id: Id = Field(description="A partner organisation of the partnership.")
    due_on: date = Field(description="Today or later.")


class BoardDecisionActionOut(Schema):
    action_id: int = Field(
        description="The action raised in the action plan (GET /api/v1/"
        "actions/{action_id} reads it)."
    )
    origin_reference: str


class ScrutinyIn(Schema):
    body: ScrutinyBody
    held_on: date
    examined: str = text(ScrutinySession, "examined")
    outcome: str = text(ScrutinySession, "outcome", required=False)


class CourseIn(Schema):
    title: str = text(Course, "title")
    provider: str = text(Course, "provider")
    kind: CourseKind


class SessionIn(Schema):
    held_on: date
    joint_with_organisation_ids: list[Id] = Field(default_factory=list, max_length=200)
    feedback_to_staff: str = text(TrainingSession, "feedback_to_staff", required=False)


class TeamIn(Schema):
    organisation_id: Id
    name: str = text(Team, "name")
    kind: TeamKind
    headcount: int = Field(ge=1, le=100_000)


class AttendanceIn(Schema):
    post_id: Id | None = None
    team_id: Id | None = None
    number_trained: int = Field(1, ge=1, le=100_000)


class RelationshipIn(Schema):
    organisation_id: Id
    nature: str = text(CommunityRelationship, "nature")
    held_by_post_ids: list[Id] = Field(min_length=1, max_length=200)


class HoldersIn(Schema):
    held_by_post_ids: list[Id] = Field(min_length=1, max_length=200)


# --- Reading --------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}",
    response={200: CapacityOverviewOut, **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's capacity: board, partner coverage, leadership, training and single "
    "points of failure",
)
def overview_get(request: HttpRequest, partnership_id: ObjectId) -> dict[str, Any]:
    partnership = selectors.capacity_partnership(user=request.user, partnership_id=partnership_id)
    return overview_data(
        partnership,
        selectors.overview(user=request.user, partnership=partnership, with_courses=True),
    )


# --- Writing --------------------------------------------------------------------------------

Answer = Status[Any]


def _keeper(request: HttpRequest, partnership_id: int) -> Partnership:
    partnership = selectors.capacity_partnership(user=request.user, partnership_id=partnership_id)
    board_member_policy.require_in(request.user, "add", partnership.pk, message=KEEP)
    return partnership


def _posts(partnership: Partnership, ids: list[int], field: str) -> list[Post]:
    return chosen_many(
        selectors.board_member_post_choices(partnership=partnership), ids, field, what="a post"
    )


def _partners(partnership: Partnership) -> Any:
    return Organisation.objects.filter(partnership_links__partnership=partnership)


@router.post(
    "/partnerships/{partnership_id}/board-members",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Add a post to the programme board (coordinators)",
)
def board_member_add(
    request: HttpRequest, partnership_id: ObjectId, payload: BoardMemberIn
) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        post = _posts(partnership, [payload.post_id], "post_id")[0]
        member = services.board_member_add(
            actor=acting_user(request),
            partnership=partnership,
            post=post,
            joined_on=payload.joined_on,
        )
    return Status(201, CapacityCreatedOut(id=member.pk))


@router.post(
    "/partnerships/{partnership_id}/terms-of-reference",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record terms of reference agreed on a date (coordinators)",
)
def terms_agree(request: HttpRequest, partnership_id: ObjectId, payload: TermsIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    terms = services.terms_of_reference_agree(
        actor=acting_user(request), partnership=partnership, **payload.dict()
    )
    return Status(201, CapacityCreatedOut(id=terms.pk))


@router.post(
    "/partnerships/{partnership_id}/board-meetings",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record a board meeting and the posts that attended (coordinators)",
)
def meeting_add(request: HttpRequest, partnership_id: ObjectId, payload: BoardMeetingIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        meeting = services.board_meeting_record(
            actor=acting_user(request),
            partnership=partnership,
            held_on=payload.held_on,
            attended_by=_posts(partnership, payload.attended_by_post_ids, "attended_by_post_ids"),
        )
    return Status(201, CapacityCreatedOut(id=meeting.pk))


@router.post(
    "/board-meetings/{meeting_id}/decisions",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record a decision of a board meeting, linked to an action of the plan (coordinators)",
)
def decision_add(request: HttpRequest, meeting_id: ObjectId, payload: BoardDecisionIn) -> Answer:
    meeting = selectors.board_meeting_get(user=request.user, meeting_id=meeting_id)
    partnership = _keeper(request, meeting.partnership_id)
    with api_field_names(FIELD_NAMES):
        action = chosen(
            action_list(user=request.user, partnership=partnership),
            payload.action_id,
            "action_id",
            what="an action of this partnership's plan",
        )
        decision = services.board_decision_record(
            actor=acting_user(request), meeting=meeting, decision=payload.decision, action=action
        )
    return Status(201, CapacityCreatedOut(id=decision.pk))


@router.post(
    "/board-decisions/{decision_id}/action",
    response={201: BoardDecisionActionOut, **WRITE_ERRORS},
    summary="Raise the action that carries out a board decision, in the action plan, and link "
    "the decision to it (coordinators); 409 when the decision already has its action",
)
def decision_action_raise(
    request: HttpRequest, decision_id: ObjectId, payload: BoardDecisionActionIn
) -> Answer:
    decision = selectors.board_decision_get(user=request.user, decision_id=decision_id)
    partnership = decision.meeting.partnership
    board_decision_policy.require(request.user, "edit", decision)
    action_policy.require_in(request.user, "raise", partnership.pk)
    with api_field_names(FIELD_NAMES):
        action = services.board_decision_action_raise(
            actor=acting_user(request),
            decision=decision,
            title=payload.title,
            description=payload.description,
            owner=chosen(
                owner_choices(partnership=partnership),
                payload.owner_id,
                "owner_id",
                what="a member of the partnership",
            ),
            owner_organisation=chosen(
                organisation_choices(partnership=partnership),
                payload.owner_organisation_id,
                "owner_organisation_id",
                what="a partner organisation of the partnership",
            ),
            due_on=payload.due_on,
        )
    return Status(
        201, BoardDecisionActionOut(action_id=action.pk, origin_reference=action.origin_reference)
    )


@router.post(
    "/partnerships/{partnership_id}/scrutiny-sessions",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record scrutiny by councillors or the police authority (coordinators)",
)
def scrutiny_add(request: HttpRequest, partnership_id: ObjectId, payload: ScrutinyIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    session = services.scrutiny_session_record(
        actor=acting_user(request),
        partnership=partnership,
        **(payload.dict() | {"body": payload.body.value}),
    )
    return Status(201, CapacityCreatedOut(id=session.pk))


@router.post(
    "/partnerships/{partnership_id}/courses",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Add a course or briefing (coordinators)",
)
def course_add(request: HttpRequest, partnership_id: ObjectId, payload: CourseIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    course = services.course_add(
        actor=acting_user(request),
        partnership=partnership,
        **(payload.dict() | {"kind": payload.kind.value}),
    )
    return Status(201, CapacityCreatedOut(id=course.pk))


@router.post(
    "/courses/{course_id}/sessions",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record a session of a course, joint with other organisations or not (coordinators)",
)
def session_add(request: HttpRequest, course_id: ObjectId, payload: SessionIn) -> Answer:
    course = selectors.course_get(user=request.user, course_id=course_id)
    partnership = _keeper(request, course.partnership_id)
    with api_field_names(FIELD_NAMES):
        joint = chosen_many(
            _partners(partnership),
            payload.joint_with_organisation_ids,
            "joint_with_organisation_ids",
            what="a partner organisation",
        )
        session = services.training_session_record(
            actor=acting_user(request),
            course=course,
            held_on=payload.held_on,
            joint_with=joint,
            feedback_to_staff=payload.feedback_to_staff,
        )
    return Status(201, CapacityCreatedOut(id=session.pk))


@router.post(
    "/partnerships/{partnership_id}/teams",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Add a team whose training is followed (coordinators)",
)
def team_add(request: HttpRequest, partnership_id: ObjectId, payload: TeamIn) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        organisation = chosen(
            _partners(partnership),
            payload.organisation_id,
            "organisation_id",
            what="a partner organisation",
        )
        team = services.team_add(
            actor=acting_user(request),
            partnership=partnership,
            organisation=organisation,
            name=payload.name,
            kind=payload.kind.value,
            headcount=payload.headcount,
        )
    return Status(201, CapacityCreatedOut(id=team.pk))


@router.post(
    "/training-sessions/{session_id}/attendance",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record who a session trained: one post, or a number of a team's staff (coordinators)",
)
def attendance_add(request: HttpRequest, session_id: ObjectId, payload: AttendanceIn) -> Answer:
    session = selectors.training_session_get(user=request.user, session_id=session_id)
    partnership = _keeper(request, session.course.partnership_id)
    with api_field_names(FIELD_NAMES):
        post = chosen(
            selectors.board_member_post_choices(partnership=partnership),
            payload.post_id,
            "post_id",
            what="a post",
        )
        team = chosen(
            selectors.team_choices(partnership=partnership),
            payload.team_id,
            "team_id",
            what="a team",
        )
        record = services.training_attendance_record(
            actor=acting_user(request),
            session=session,
            post=post,
            team=team,
            number_trained=payload.number_trained,
        )
    return Status(201, CapacityCreatedOut(id=record.pk))


@router.post(
    "/partnerships/{partnership_id}/relationships",
    response={201: CapacityCreatedOut, **ERRORS},
    summary="Record a relationship with a community organisation and the posts holding it "
    "(coordinators)",
)
def relationship_add(
    request: HttpRequest, partnership_id: ObjectId, payload: RelationshipIn
) -> Answer:
    partnership = _keeper(request, partnership_id)
    with api_field_names(FIELD_NAMES):
        organisation = chosen(
            selectors.community_organisation_choices(partnership=partnership),
            payload.organisation_id,
            "organisation_id",
            what="a community organisation",
        )
        relationship = services.community_relationship_record(
            actor=acting_user(request),
            partnership=partnership,
            organisation=organisation,
            nature=payload.nature,
            held_by=_posts(partnership, payload.held_by_post_ids, "held_by_post_ids"),
        )
    return Status(201, CapacityCreatedOut(id=relationship.pk))


@router.put(
    "/relationships/{relationship_id}/holders",
    response={200: CapacityCreatedOut, **ERRORS},
    summary="Change the posts holding a relationship: name a deputy (coordinators)",
)
def relationship_holders(
    request: HttpRequest, relationship_id: ObjectId, payload: HoldersIn
) -> Answer:
    relationship = selectors.relationship_get(user=request.user, relationship_id=relationship_id)
    partnership = _keeper(request, relationship.partnership_id)
    with api_field_names(FIELD_NAMES):
        services.community_relationship_holders_change(
            actor=acting_user(request),
            relationship=relationship,
            held_by=_posts(partnership, payload.held_by_post_ids, "held_by_post_ids"),
        )
    return Status(200, CapacityCreatedOut(id=relationship.pk))
