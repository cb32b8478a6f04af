"""Writes to a partnership's capacity records: each checks the actor through the record's
policy, refuses bad input with a field error (a page shows it in the error summary, the API as a
400), and records an audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import Organisation, Post, User
from lde.action_plans import services as action_services
from lde.action_plans.models import Action, ActionOrigin
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
from lde.capacity.policies import (
    KEEP,
    board_decision_policy,
    board_meeting_policy,
    board_member_policy,
    community_relationship_policy,
    course_policy,
    scrutiny_session_policy,
    team_policy,
    terms_of_reference_policy,
    training_attendance_policy,
    training_session_policy,
)
from lde.core import personal_data
from lde.core.access.policy import Policy
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.partnerships.models import PartnerOrganisation, Partnership


def _require_add(actor: User, policy: Policy[Any], partnership_id: int) -> None:
    policy.require_in(actor, "add", partnership_id, message=KEEP)


def _guard(texts: dict[str, tuple[str, str]]) -> None:
    """The personal-data guard on free text: staff, councillors and community organisations are
    recorded by post and organisation, never by a person's identifiers."""
    errors = {}
    for field, (label, text) in texts.items():
        findings = personal_data.scan_text(text or "")
        if findings:
            kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
            errors[field] = (
                f"{label} must not hold a person's details: the guard found {kinds}. "
                "Record posts and organisations only"
            )
    if errors:
        raise ValidationError(errors)


def _partner_ids(partnership: Partnership) -> set[int]:
    return set(
        PartnerOrganisation.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )


def _require_partner_posts(partnership: Partnership, posts: Iterable[Post], field: str) -> None:
    partners = _partner_ids(partnership)
    for post in posts:
        if post.organisation_id not in partners:
            raise ValidationError(
                {field: f"“{post.title}” is not a post of one of the partnership's organisations"}
            )


def _audit(actor: User, verb: str, target: Any, partnership_id: int, **changes: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership_id,
        changes=changes,
    )


def _save(obj: Any) -> None:
    obj.full_clean()
    obj.save()


# --- The programme board (¶108–109) -----------------------------------------------------------


@transaction.atomic
def board_member_add(
    *, actor: User, partnership: Partnership, post: Post, joined_on: date
) -> BoardMember:

    _require_add(actor, board_member_policy, partnership.pk)
    _require_partner_posts(partnership, [post], "post")
    if BoardMember.objects.filter(partnership=partnership, post=post).exists():
        raise ValidationError({"post": f"“{post.title}” already sits on the board"})
    member = BoardMember(partnership=partnership, post=post, joined_on=joined_on)
    _save(member)
    _audit(actor, "BOARD_MEMBER_ADDED", member, partnership.pk, post=post.pk, joined_on=joined_on)
    return member


@transaction.atomic
def terms_of_reference_agree(
    *, actor: User, partnership: Partnership, agreed_on: date, text: str
) -> TermsOfReference:

    _require_add(actor, terms_of_reference_policy, partnership.pk)
    _guard({"text": ("The terms of reference", text)})
    if TermsOfReference.objects.filter(partnership=partnership, agreed_on=agreed_on).exists():
        raise ValidationError({"agreed_on": "Terms of reference were already agreed on that date"})
    terms = TermsOfReference(partnership=partnership, agreed_on=agreed_on, text=text)
    _save(terms)
    _audit(actor, "TERMS_OF_REFERENCE_AGREED", terms, partnership.pk, agreed_on=agreed_on)
    return terms


@transaction.atomic
def board_meeting_record(
    *, actor: User, partnership: Partnership, held_on: date, attended_by: Iterable[Post]
) -> BoardMeeting:
    """A meeting of the board and the posts that attended: only members' posts attend."""

    _require_add(actor, board_meeting_policy, partnership.pk)
    posts = list(attended_by)
    members = set(
        BoardMember.objects.filter(partnership=partnership).values_list("post_id", flat=True)
    )
    for post in posts:
        if post.pk not in members:
            raise ValidationError({"attended_by": f"“{post.title}” does not sit on the board"})
    if BoardMeeting.objects.filter(partnership=partnership, held_on=held_on).exists():
        raise ValidationError({"held_on": "A board meeting is already recorded on that date"})
    meeting = BoardMeeting(partnership=partnership, held_on=held_on)
    _save(meeting)
    meeting.attended_by.set(posts)
    _audit(
        actor,
        "BOARD_MEETING_RECORDED",
        meeting,
        partnership.pk,
        held_on=held_on,
        attended_by=sorted(p.pk for p in posts),
    )
    return meeting


@transaction.atomic
def board_decision_record(
    *, actor: User, meeting: BoardMeeting, decision: str, action: Any = None
) -> BoardDecision:
    """A decision of the board, linked to the action in the partnership's action plan that
    carries it out (the action is raised there, and named here)."""

    _require_add(actor, board_decision_policy, meeting.partnership_id)
    _guard({"decision": ("The decision", decision)})
    if action is not None and action.partnership_id != meeting.partnership_id:
        raise ValidationError({"action": "Choose an action of this partnership's action plan"})
    record = BoardDecision(meeting=meeting, decision=decision, action=action)
    _save(record)
    _audit(
        actor,
        "BOARD_DECISION_RECORDED",
        record,
        meeting.partnership_id,
        decision=decision,
        action=action.pk if action is not None else None,
    )
    return record


def decision_reference(decision: BoardDecision) -> str:
    """How the action plan names the decision, without knowing the board exists (ADR 0017):
    "Programme board, 12 March 2026: decision 3", numbered in the order of the meeting's
    decisions."""
    number = BoardDecision.objects.filter(meeting_id=decision.meeting_id, pk__lte=decision.pk)
    return f"Programme board, {decision.meeting.held_on:%-d %B %Y}: decision {number.count()}"


@transaction.atomic
def board_decision_action_raise(
    *,
    actor: User,
    decision: BoardDecision,
    title: str,
    description: str,
    owner: User | None,
    owner_organisation: Organisation | None,
    due_on: date | None,
    raised_on: date | None = None,
) -> Action:
    """Raise, in the action plan, the action that carries out a decision of the board, and link
    the decision to it: both or neither. The coordinator who keeps the board's record does it
    (the action plan's own rule, coordinators and board members, is asked too); a decision that
    already has its action is refused as a conflict."""
    decision = (
        BoardDecision.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=decision.pk)
    )
    board_decision_policy.require(actor, "edit", decision)
    if decision.action_id is not None:
        raise Conflict(
            {"decision": "This decision already has its action in the action plan"},
            code="conflict",
        )
    partnership = Partnership.objects.get(pk=decision.meeting.partnership_id)
    action = action_services.action_raise_from(
        actor=actor,
        partnership=partnership,
        origin=ActionOrigin.BOARD_DECISION,
        origin_reference=decision_reference(decision),
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        raised_on=raised_on,
    )
    decision.action = action
    decision.save(update_fields=["action", "updated_at"])
    _audit(
        actor,
        "BOARD_DECISION_ACTION_RAISED",
        decision,
        partnership.pk,
        action=action.pk,
    )
    return action


# --- Partner coverage and scrutiny (¶94–98, ¶110–113) -----------------------------------------


@transaction.atomic
def scrutiny_session_record(
    *,
    actor: User,
    partnership: Partnership,
    body: str,
    held_on: date,
    examined: str,
    outcome: str = "",
) -> ScrutinySession:

    _require_add(actor, scrutiny_session_policy, partnership.pk)
    _guard({"examined": ("What was examined", examined), "outcome": ("The outcome", outcome)})
    session = ScrutinySession(
        partnership=partnership, body=body, held_on=held_on, examined=examined, outcome=outcome
    )
    _save(session)
    _audit(actor, "SCRUTINY_SESSION_RECORDED", session, partnership.pk, body=body, held_on=held_on)
    return session


# --- Training (¶114–120, ¶148, ¶157–160) -----------------------------------------------------


@transaction.atomic
def course_add(
    *, actor: User, partnership: Partnership, title: str, provider: str, kind: str
) -> Course:
    _require_add(actor, course_policy, partnership.pk)
    if Course.objects.filter(partnership=partnership, title=title).exists():
        raise ValidationError({"title": "The partnership already has a course with that title"})
    course = Course(partnership=partnership, title=title, provider=provider, kind=kind)
    _save(course)
    _audit(actor, "COURSE_ADDED", course, partnership.pk, title=title, kind=kind)
    return course


@transaction.atomic
def training_session_record(
    *,
    actor: User,
    course: Course,
    held_on: date,
    joint_with: Iterable[Organisation] = (),
    feedback_to_staff: str = "",
) -> TrainingSession:

    _require_add(actor, training_session_policy, course.partnership_id)
    _guard({"feedback_to_staff": ("The feedback to staff", feedback_to_staff)})
    session = TrainingSession(course=course, held_on=held_on, feedback_to_staff=feedback_to_staff)
    _save(session)
    organisations = list(joint_with)
    session.joint_with.set(organisations)
    _audit(
        actor,
        "TRAINING_SESSION_RECORDED",
        session,
        course.partnership_id,
        held_on=held_on,
        joint_with=sorted(o.pk for o in organisations),
    )
    return session


@transaction.atomic
def team_add(
    *,
    actor: User,
    partnership: Partnership,
    organisation: Organisation,
    name: str,
    kind: str,
    headcount: int,
) -> Team:

    _require_add(actor, team_policy, partnership.pk)
    if organisation.pk not in _partner_ids(partnership):
        raise ValidationError({"organisation": "Choose one of the partnership's organisations"})
    if headcount < 1:
        raise ValidationError({"headcount": "Headcount must be 1 or more"})
    if Team.objects.filter(partnership=partnership, name=name).exists():
        raise ValidationError({"name": "The partnership already has a team with that name"})
    team = Team(
        partnership=partnership,
        organisation=organisation,
        name=name,
        kind=kind,
        headcount=headcount,
    )
    _save(team)
    _audit(actor, "TEAM_ADDED", team, partnership.pk, name=name, kind=kind, headcount=headcount)
    return team


def post_existed_on(post: Post, day: date) -> bool:
    """A post existed on a day if it was set up by then, or someone held it by then (a post
    entered later with its history)."""
    if timezone.localdate(post.created_at) <= day:
        return True
    return post.holdings.filter(started_on__lte=day).exists()


@transaction.atomic
def training_attendance_record(
    *,
    actor: User,
    session: TrainingSession,
    post: Post | None = None,
    team: Team | None = None,
    number_trained: int = 1,
) -> TrainingAttendance:
    """Who a session trained: one post, or a number of one team's staff. Attendance is counted
    by post or team, never by the names of the people trained."""

    partnership = session.course.partnership
    _require_add(actor, training_attendance_policy, partnership.pk)
    if (post is None) == (team is None):
        raise ValidationError({"post": "Choose a post or a team, not both"})
    if post is not None:
        _require_partner_posts(partnership, [post], "post")
        if not post_existed_on(post, session.held_on):
            raise ValidationError(
                {
                    "post": f"“{post.title}” did not exist on "
                    f"{session.held_on:%-d %B %Y}, the day of the session"
                }
            )
        number_trained = 1
    if team is not None:
        if team.partnership_id != partnership.pk:
            raise ValidationError({"team": "Choose one of the partnership's teams"})
        if not 1 <= number_trained <= team.headcount:
            raise ValidationError(
                {
                    "number_trained": f"Number trained must be between 1 and {team.headcount}, the "
                    "team's headcount"
                }
            )
    record = TrainingAttendance(
        session=session, post=post, team=team, number_trained=number_trained
    )
    _save(record)
    _audit(
        actor,
        "TRAINING_ATTENDANCE_RECORDED",
        record,
        partnership.pk,
        post=post.pk if post else None,
        team=team.pk if team else None,
        number_trained=number_trained,
    )
    return record


# --- Key-person dependency (¶155–156) --------------------------------------------------------


@transaction.atomic
def community_relationship_record(
    *,
    actor: User,
    partnership: Partnership,
    organisation: Organisation,
    nature: str,
    held_by: Iterable[Post],
) -> CommunityRelationship:
    _require_add(actor, community_relationship_policy, partnership.pk)
    _guard({"nature": ("The nature of the relationship", nature)})
    posts = list(held_by)
    if not posts:
        raise ValidationError({"held_by": "Choose the posts that hold the relationship"})
    _require_partner_posts(partnership, posts, "held_by")
    if CommunityRelationship.objects.filter(
        partnership=partnership, organisation=organisation
    ).exists():
        raise ValidationError(
            {"organisation": "A relationship with that organisation is already recorded"}
        )
    relationship = CommunityRelationship(
        partnership=partnership, organisation=organisation, nature=nature
    )
    _save(relationship)
    relationship.held_by.set(posts)
    _audit(
        actor,
        "COMMUNITY_RELATIONSHIP_RECORDED",
        relationship,
        partnership.pk,
        organisation=organisation.pk,
        held_by=sorted(p.pk for p in posts),
    )
    return relationship


@transaction.atomic
def community_relationship_holders_change(
    *, actor: User, relationship: CommunityRelationship, held_by: Iterable[Post]
) -> CommunityRelationship:
    """Change the posts that hold a relationship: how a deputy is named."""
    community_relationship_policy.require(actor, "edit", relationship)
    posts = list(held_by)
    if not posts:
        raise ValidationError({"held_by": "Choose the posts that hold the relationship"})
    _require_partner_posts(relationship.partnership, posts, "held_by")
    relationship.held_by.set(posts)
    relationship.save(update_fields=["updated_at"])
    _audit(
        actor,
        "COMMUNITY_RELATIONSHIP_HOLDERS_CHANGED",
        relationship,
        relationship.partnership_id,
        held_by=sorted(p.pk for p in posts),
    )
    return relationship
