"""The capacity demo: Harrowfield's programme board, partners, leadership, training and community
relationships, with every state the pages show.

- partner kinds missing: Harrowfield has no police authority, UK Border Agency, youth service,
  culture and leisure service, school or prison among its partners;
- leadership at each level: the chief executive (strategic), the head of community safety
  (tactical) and a community cohesion officer (delivery, vacant);
- the board: four member posts, terms of reference in two versions, a meeting with its
  attendance and three decisions: one linked to an action raised on the self-assessment (when the
  action plans demo has run), one that raised its own action in the action plan (ADR 0017: the
  action says "A decision of the programme board: Programme board, …: decision 2"), and one with
  no action yet, so that "Raise an action" can be tried;
- scrutiny by the council's overview and scrutiny committee;
- training: a joint WRAP session with feedback to staff, a team trained above the threshold and
  front-line council staff under it (under-trained);
- key-person dependency: the relationship with the faith forum held by one post (a single point
  of failure, with the Prevent coordinator suggested as deputy) and one held by two.

Kestlebury and Marden Vale each have a board of two of their council's posts and one meeting,
and nothing else: their other pages show the empty states. Every name is invented. Everything is
written through the audited services by each partnership's coordinator; running it again finds
the boards it made and makes nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from lde.accounts import services as account_services
from lde.accounts.models import Organisation, Post, PostHolding, PostKind, PostLevel, User
from lde.action_plans.models import Action
from lde.capacity import services
from lde.capacity.models import BoardMember, CourseKind, ScrutinyBody, TeamKind
from lde.core.access.facts import today
from lde.partnerships.models import Membership, PartnerOrganisation, Partnership, Role


def _post(organisation: Organisation, kind: str, title: str, level: str) -> Post:
    post = Post.objects.filter(organisation=organisation, title=title).first()
    if post is None:
        post = account_services.post_create(
            actor=None, organisation=organisation, kind=kind, title=title, level=level
        )
    return post


def _coordinator(partnership: Partnership) -> User | None:
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _small_board(partnership: Partnership) -> None:
    """Two of the council's posts on the board, and one meeting they both attended."""
    coordinator = _coordinator(partnership)
    council = partnership.lead_council
    if coordinator is None or council is None:
        return
    if not PartnerOrganisation.objects.filter(
        partnership=partnership, organisation=council
    ).exists():
        return
    day = today()
    chief = _post(council, PostKind.CHIEF_EXECUTIVE, "Chief Executive", PostLevel.STRATEGIC)
    prevent = _post(
        council, PostKind.PREVENT_COORDINATOR, "Prevent Coordinator", PostLevel.TACTICAL
    )
    for post in (chief, prevent):
        services.board_member_add(
            actor=coordinator,
            partnership=partnership,
            post=post,
            joined_on=day - timedelta(days=400),
        )
    meeting = services.board_meeting_record(
        actor=coordinator,
        partnership=partnership,
        held_on=day - timedelta(days=45),
        attended_by=[chief, prevent],
    )
    services.board_decision_record(
        actor=coordinator,
        meeting=meeting,
        decision="Agree the terms of reference at the next meeting.",
    )


@transaction.atomic
def demo_build() -> None:
    for name in ("Kestlebury Prevent Partnership", "Marden Vale Prevent Partnership"):
        other = Partnership.objects.filter(name=name).first()
        if other is not None and not BoardMember.objects.filter(partnership=other).exists():
            _small_board(other)
    partnership = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if partnership is None or BoardMember.objects.filter(partnership=partnership).exists():
        return
    found = _coordinator(partnership)
    if found is None:
        return
    coordinator: User = found
    day = today()
    council = partnership.lead_council
    bcu = Organisation.objects.get(name="Harrowfield Basic Command Unit")
    college = Organisation.objects.get(name="Harrowfield College")
    faith_forum = Organisation.objects.get(name="Harrowfield Faith Forum")
    youth_trust = Organisation.objects.get(name="Harrowfield Youth Trust")

    chief = _post(council, PostKind.CHIEF_EXECUTIVE, "Chief Executive", PostLevel.STRATEGIC)
    commander = _post(bcu, PostKind.BCU_COMMANDER, "BCU Commander", PostLevel.STRATEGIC)
    prevent = _post(
        council, PostKind.PREVENT_COORDINATOR, "Prevent Coordinator", PostLevel.TACTICAL
    )
    safety = _post(council, PostKind.OTHER, "Head of Community Safety", PostLevel.TACTICAL)
    cohesion = _post(council, PostKind.OTHER, "Community Cohesion Officer", PostLevel.DELIVERY)
    _post(bcu, PostKind.OTHER, "Neighbourhood Inspector", PostLevel.TACTICAL)
    head = User.objects.filter(full_name="Daniel Hughes", organisation=council).first()
    if head is not None and not PostHolding.objects.filter(post=safety).exists():
        account_services.post_holder_change(
            actor=None, post=safety, holder=head, on=day - timedelta(days=300)
        )

    for post in (chief, commander, prevent, safety):
        services.board_member_add(
            actor=coordinator,
            partnership=partnership,
            post=post,
            joined_on=day - timedelta(days=700),
        )
    services.terms_of_reference_agree(
        actor=coordinator,
        partnership=partnership,
        agreed_on=day - timedelta(days=700),
        text="The programme board steers Harrowfield's Prevent work. It meets each quarter, "
        "agrees the action plan and reports to the community safety partnership.",
    )
    services.terms_of_reference_agree(
        actor=coordinator,
        partnership=partnership,
        agreed_on=day - timedelta(days=180),
        text="The programme board steers Harrowfield's Prevent work and is answerable to the "
        "community safety partnership. It meets each quarter, agrees the action plan, follows "
        "the training of front-line staff, and reports each year to the council's overview and "
        "scrutiny committee and to the police authority.",
    )
    meeting = services.board_meeting_record(
        actor=coordinator,
        partnership=partnership,
        held_on=day - timedelta(days=60),
        attended_by=[chief, prevent, safety],
    )
    action = Action.objects.filter(partnership=partnership).order_by("pk").first()
    services.board_decision_record(
        actor=coordinator,
        meeting=meeting,
        decision="Carry the partnership's self-assessment gaps into the action plan.",
        action=action,
    )
    training_decision = services.board_decision_record(
        actor=coordinator,
        meeting=meeting,
        decision="Train every front-line council team in the awareness briefing this year.",
    )
    # The decision raises its own action in the action plan, and is linked to it.
    services.board_decision_action_raise(
        actor=coordinator,
        decision=training_decision,
        title="Brief every front-line council team",
        description="Book the Prevent awareness briefing for each front-line council team and "
        "record each session's attendance, so the board can see the share trained rise.",
        owner=coordinator,
        owner_organisation=council,
        due_on=day + timedelta(days=120),
    )
    services.board_decision_record(
        actor=coordinator,
        meeting=meeting,
        decision="Invite the police authority to send a member to the board.",
    )
    services.scrutiny_session_record(
        actor=coordinator,
        partnership=partnership,
        body=ScrutinyBody.COUNCILLORS,
        held_on=day - timedelta(days=90),
        examined="The Prevent action plan and the training of front-line staff.",
        outcome="Asked for a report on training coverage at the next session.",
    )

    wrap = services.course_add(
        actor=coordinator,
        partnership=partnership,
        title="Workshop to Raise Awareness of Prevent (WRAP)",
        provider="Home Office accredited facilitators",
        kind=CourseKind.WORKSHOP,
    )
    briefing = services.course_add(
        actor=coordinator,
        partnership=partnership,
        title="Prevent awareness briefing",
        provider="Harrowfield Borough Council",
        kind=CourseKind.BRIEFING,
    )
    joint = services.training_session_record(
        actor=coordinator,
        course=wrap,
        held_on=day - timedelta(days=100),
        joint_with=[council, bcu, college],
        feedback_to_staff="Staff heard how the concerns they raised last year were handled and "
        "what support was put in place.",
    )
    session = services.training_session_record(
        actor=coordinator, course=briefing, held_on=day - timedelta(days=30)
    )
    neighbourhood = services.team_add(
        actor=coordinator,
        partnership=partnership,
        organisation=bcu,
        name="Harrowfield neighbourhood policing teams",
        kind=TeamKind.NEIGHBOURHOOD_POLICING,
        headcount=24,
    )
    front_line = services.team_add(
        actor=coordinator,
        partnership=partnership,
        organisation=council,
        name="Front-line council staff",
        kind=TeamKind.FRONT_LINE_COUNCIL,
        headcount=120,
    )
    teaching = services.team_add(
        actor=coordinator,
        partnership=partnership,
        organisation=college,
        name="Harrowfield College teaching staff",
        kind=TeamKind.SCHOOL_STAFF,
        headcount=60,
    )
    for team, session_of, number in (
        (neighbourhood, joint, 20),
        (teaching, joint, 35),
        (front_line, session, 18),
    ):
        services.training_attendance_record(
            actor=coordinator, session=session_of, team=team, number_trained=number
        )
    services.training_attendance_record(actor=coordinator, session=joint, post=prevent)

    services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=faith_forum,
        nature="Liaison with the forum's committee on the programme of events.",
        held_by=[cohesion],
    )
    services.community_relationship_record(
        actor=coordinator,
        partnership=partnership,
        organisation=youth_trust,
        nature="Joint summer activities for young people.",
        held_by=[prevent, safety],
    )
