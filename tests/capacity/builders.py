"""Capacity records for tests: a partnership with a board that has met and decided, a missing
kind of partner, a team under-trained and one trained, and a relationship held by one post (a
single point of failure, with a deputy to suggest) beside one held by two."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lde.accounts.models import Organisation, Post, PostLevel, User
from lde.capacity import services
from lde.capacity.models import CourseKind, ScrutinyBody, TeamKind
from lde.partnerships.models import PartnerOrganisation, Partnership


def capacity_world(
    *, coordinator: User, partnership: Partnership, member: Organisation
) -> dict[str, Any]:
    """Records of `partnership`, written by its `coordinator`; `member` (a partner) employs the
    posts. Returns the ids by URL keyword and by the API bodies' names."""
    today = timezone.localdate()
    PartnerOrganisation.objects.get_or_create(partnership=partnership, organisation=member)
    community = Organisation.objects.create(name="Capacity Mosque Trust", type="faith")
    second_community = Organisation.objects.create(name="Capacity Youth Club", type="voluntary")
    spare_community = Organisation.objects.create(name="Capacity Gurdwara", type="faith")
    chief = Post.objects.create(
        organisation=member,
        kind="chief_executive",
        title="Capacity Chief Executive",
        level=PostLevel.STRATEGIC,
    )
    prevent = Post.objects.create(
        organisation=member,
        kind="prevent_coordinator",
        title="Capacity Prevent Coordinator",
        level=PostLevel.TACTICAL,
    )
    officer = Post.objects.create(
        organisation=member, kind="other", title="Capacity Community Officer"
    )
    services.board_member_add(
        actor=coordinator, partnership=partnership, post=chief, joined_on=today
    )
    services.board_member_add(
        actor=coordinator, partnership=partnership, post=prevent, joined_on=today
    )
    services.terms_of_reference_agree(
        actor=coordinator,
        partnership=partnership,
        agreed_on=today - timedelta(days=30),
        text="The board steers the partnership's Prevent work.",
    )
    meeting = services.board_meeting_record(
        actor=coordinator, partnership=partnership, held_on=today, attended_by=[chief, prevent]
    )
    decision = services.board_decision_record(
        actor=coordinator, meeting=meeting, decision="Train every neighbourhood team."
    )
    services.scrutiny_session_record(
        actor=coordinator,
        partnership=partnership,
        body=ScrutinyBody.COUNCILLORS,
        held_on=today,
        examined="The Prevent action plan.",
        outcome="Asked for a report on training.",
    )
    course = services.course_add(
        actor=coordinator,
        partnership=partnership,
        title="Capacity awareness briefing",
        provider="The council",
        kind=CourseKind.BRIEFING,
    )
    session = services.training_session_record(
        actor=coordinator, course=course, held_on=today, joint_with=[member]
    )
    under = services.team_add(
        actor=coordinator,
        partnership=partnership,
        organisation=member,
        name="Capacity front-line staff",
        kind=TeamKind.FRONT_LINE_COUNCIL,
        headcount=40,
    )
    trained = services.team_add(
        actor=coordinator,
        partnership=partnership,
        organisation=member,
        name="Capacity neighbourhood team",
        kind=TeamKind.NEIGHBOURHOOD_POLICING,
        headcount=10,
    )
    services.training_attendance_record(
        actor=coordinator, session=session, team=under, number_trained=4
    )
    services.training_attendance_record(
        actor=coordinator, session=session, team=trained, number_trained=8
    )
    services.training_attendance_record(actor=coordinator, session=session, post=prevent)
    sole = services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=community,
        nature="Liaison with the trustees on youth work.",
        held_by=[officer],
    )
    services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=second_community,
        nature="Joint summer programme.",
        held_by=[officer, prevent],
    )
    return {
        "meeting_id": meeting.pk,
        "decision_id": decision.pk,
        "capacity_owner_id": coordinator.pk,
        "course_id": course.pk,
        "session_id": session.pk,
        "relationship_id": sole.pk,
        "capacity_chief_post_id": chief.pk,
        "capacity_prevent_post_id": prevent.pk,
        "capacity_officer_post_id": officer.pk,
        "capacity_member_organisation_id": member.pk,
        "capacity_community_organisation_id": spare_community.pk,
        "capacity_team_id": under.pk,
        "capacity_trained_team_id": trained.pk,
    }
