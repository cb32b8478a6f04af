"""The capacity demo: Harrowfield's programme board, partners, leadership, training and community
relationships, with every state the pages show.

- partner kinds missing: Harrowfield has no police authority, UK Border Agency, youth service,
  culture and leisure service, school or prison among its partners;
- leadership at each level: the chief executive (strategic), the head of community safety
  (tactical) and a community cohesion officer (delivery, vacant);
- the board: four member posts, terms of reference in two versions, a meeting with its
  attendance and decisions, one linked to an action of the action plan;
- scrutiny by the council's overview and scrutiny committee;
- training: a joint WRAP session with feedback to staff, a team trained above the threshold and
  front-line council staff under it (under-trained);
- key-person dependency: the relationship with the faith forum held by one post (a single point
  of failure, with the Prevent coordinator suggested as deputy) and one held by two.

Kestlebury and Marden Vale have no capacity records: their pages show the empty states. Every
name is invented. Everything is written through the audited services by Harrowfield's
coordinator; running it again finds the board it made and makes nothing twice.
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
from lde.partnerships.models import Membership, Partnership, Role


def _post(organisation: Organisation, kind: str, title: str, level: str) -> Post:
    post = Post.objects.filter(organisation=organisation, title=title).first()
    if post is None:
        post = account_services.post_create(
            actor=None, organisation=organisation, kind=kind, title=title, level=level
        )
    return post


@transaction.atomic
def demo_build() -> None:
    partnership = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if partnership is None or BoardMember.objects.filter(partnership=partnership).exists():
        return
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return
    coordinator: User = membership.user
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
    services.board_decision_record(
        actor=coordinator,
        meeting=meeting,
        decision="Train every front-line council team in the awareness briefing this year.",
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
