"""The consequence-management demo, for Harrowfield, with every state the pages show:

- two readiness plans, one past its review date (it shows on the coordinator's home page) and
  one within it;
- a key-individual directory: the council's strategic, tactical and delivery leads by post, the
  faith forum's chair with a deputy, its caretaker reachable by phone only (the "fewer than two
  channels" warning) and the youth trust's lead not verified for 120 days (the 90-day warning);
- a finished exercise ("Exercise Harbour", closed) that called a closed exercise cascade, with
  participants, a timeline, observations and two lessons, each an action in the action plan (one
  in progress); a running exercise and a planned one;
- a running exercise cascade ("Exercise Beacon"), so that acknowledging from the local mail
  outbox and watching the roll-call can be tried;
- a readiness self-assessment against the `consequence-management-readiness` framework, through
  the ordinary assessment cycle to its end: every criterion rated with short evidence,
  submitted, signed off by the board and published.

Every name is invented. Everything is written through the audited services by the coordinator;
running it again finds the exercise it made and makes nothing twice. Sending goes through the
provider chosen in settings (the local fake of Notify by default) and the local mail outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone

from lde.accounts import services as account_services
from lde.accounts.models import Organisation, Post, PostKind, PostLevel, User
from lde.action_plans import services as action_services
from lde.action_plans.models import ActionStatus
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind
from lde.consequence_management import selectors, services
from lde.consequence_management.models import (
    Cascade,
    CascadeRecipient,
    Exercise,
    KeyContact,
    OutboxMessage,
)
from lde.frameworks.models import FrameworkVersion
from lde.partnerships.models import Membership, Partnership, Role

TEMPLATE = (
    "{partnership}: this is an EXERCISE call-out for {role}, {organisation}. "
    "Please acknowledge: {ack_link}"
)


def _post(organisation: Organisation, title: str, level: str) -> Post:
    post = Post.objects.filter(organisation=organisation, title=title).first()
    if post is None:
        post = account_services.post_create(
            actor=None, organisation=organisation, kind=PostKind.OTHER, title=title, level=level
        )
    return post


def _contact(
    coordinator: User,
    partnership: Partnership,
    organisation: Organisation,
    role: str,
    *,
    post: Post | None = None,
    deputy: KeyContact | None = None,
    email: str = "",
    mobile: str = "",
    phone: str = "",
    verified_days_ago: int = 20,
) -> KeyContact:
    day = timezone.localdate()
    return services.contact_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.ContactFields(
            kind="staff" if post else "community",
            organisation=organisation,
            post=post,
            role=role,
            email=email,
            mobile=mobile,
            phone=phone,
            deputy=deputy,
            consented_on=day - timedelta(days=300),
            verified_on=day - timedelta(days=verified_days_ago),
        ),
    )


def _plan(coordinator: User, partnership: Partnership, title: str, review_on: date) -> None:
    services.plan_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.PlanFields(
            title=title,
            before="Brief the key individuals where disclosure allows (¶84–85).",
            during="The consequence-management group meets within the hour; the agreed "
            "spokesperson gives the agreed messages.",
            after="Reassurance visits, the advisory group consulted, a debrief within a week.",
            communications_strategy="One agreed voice; key messages in the community languages.",
            release_contingency="If people are released without charge, brief the forums the "
            "same day.",
            everyday_policing="Neighbourhood teams keep their patrols and surgeries.",
            review_on=review_on,
            criteria=list(selectors.readiness_criteria()[:3]),
        ),
    )


def _cascade(
    coordinator: User, partnership: Partnership, title: str, contacts: list[KeyContact]
) -> Cascade:
    cascade = services.cascade_start(
        actor=coordinator,
        partnership=partnership,
        fields=services.CascadeFields(
            title=title,
            kind="exercise",
            mode="broadcast",
            template=TEMPLATE,
            start_key=f"demo-{partnership.pk}-{title.lower().replace(' ', '-')}"[:64],
            contacts=contacts,
        ),
    )
    services.send_due(cascade_id=cascade.pk)
    return cascade


def _as_if_started_at(cascade: Cascade, when: datetime) -> None:
    """Move a finished cascade's every time (its own, its recipients' and its messages') to
    when its exercise called it, so that the demo's past reads in order; the intervals, and so
    the after-action figures, stay as they were."""
    shift = Cascade.objects.get(pk=cascade.pk).started_at - when
    for model, rows in (
        (Cascade, Cascade.objects.filter(pk=cascade.pk)),
        (CascadeRecipient, CascadeRecipient.objects.filter(cascade=cascade)),
        (OutboxMessage, OutboxMessage.objects.filter(recipient__cascade=cascade)),
    ):
        times = [f.name for f in model._meta.fields if isinstance(f, models.DateTimeField)]
        rows.update(**{name: models.F(name) - shift for name in times})


def demo_build() -> None:
    partnership = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if partnership is None or Exercise.objects.filter(partnership=partnership).exists():
        return
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    council = partnership.lead_council
    if membership is None or council is None:
        return
    coordinator = membership.user
    day = timezone.localdate()
    forum = Organisation.objects.filter(name="Harrowfield Faith Forum").first() or council
    youth = Organisation.objects.filter(name="Harrowfield Youth Trust").first() or council

    _plan(coordinator, partnership, "Operation readiness plan", day - timedelta(days=20))
    _plan(coordinator, partnership, "Town centre events readiness plan", day + timedelta(days=150))

    strategic = _contact(
        coordinator,
        partnership,
        council,
        "Strategic lead",
        post=_post(council, "Chief Executive", PostLevel.STRATEGIC),
        email="strategic.lead@harrowfield.example.test",
        mobile="07700 900201",
    )
    tactical = _contact(
        coordinator,
        partnership,
        council,
        "Tactical lead",
        post=_post(council, "Head of Community Safety", PostLevel.TACTICAL),
        email="tactical.lead@harrowfield.example.test",
        mobile="07700 900202",
        phone="020 7946 0202",
    )
    delivery = _contact(
        coordinator,
        partnership,
        council,
        "Delivery lead",
        post=_post(council, "Community Cohesion Officer", PostLevel.DELIVERY),
        email="delivery.lead@harrowfield.example.test",
        mobile="07700 900203",
    )
    vice = _contact(
        coordinator,
        partnership,
        forum,
        "Vice-chair",
        email="vice-chair@faith-forum.example.test",
        mobile="07700 900204",
    )
    chair = _contact(
        coordinator,
        partnership,
        forum,
        "Chair",
        deputy=vice,
        email="chair@faith-forum.example.test",
        mobile="07700 900205",
    )
    caretaker = _contact(coordinator, partnership, forum, "Caretaker", phone="020 7946 0206")
    youth_lead = _contact(
        coordinator,
        partnership,
        youth,
        "Youth work lead",
        email="lead@youth-trust.example.test",
        mobile="07700 900207",
        verified_days_ago=120,
    )

    # The finished exercise: its cascade acknowledged in part, closed; the exercise closed with
    # two lessons, each an action in the action plan.
    harbour = _cascade(
        coordinator,
        partnership,
        "Exercise Harbour call-out",
        [strategic, tactical, chair, caretaker, youth_lead],
    )
    for contact in (strategic, tactical):
        recipient = CascadeRecipient.objects.get(cascade=harbour, contact=contact)
        services.call_record(
            actor=coordinator, cascade=harbour, recipient=recipient, outcome="acknowledged"
        )
    services.call_record(
        actor=coordinator,
        cascade=harbour,
        recipient=CascadeRecipient.objects.get(cascade=harbour, contact=caretaker),
        outcome="no_answer",
    )
    services.cascade_close(actor=coordinator, cascade=harbour)
    exercise = services.exercise_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.ExerciseFields(
            title="Exercise Harbour",
            scenario="Arrests at dawn in two streets near the town centre; by nine a rumour "
            "online says a place of worship is to be closed.",
            held_on=day - timedelta(days=14),
            cascade=harbour,
            criteria=list(selectors.readiness_criteria()[:2]),
        ),
    )
    for organisation, role in (
        (council, "Tactical lead"),
        (council, "Communications officer"),
        (forum, "Chair of the faith forum"),
        (youth, "Youth work lead"),
    ):
        services.participant_add(
            actor=coordinator, exercise=exercise, organisation=organisation, role=role
        )
    services.exercise_start(actor=coordinator, exercise=exercise)
    start = timezone.now() - timedelta(days=14)
    _as_if_started_at(harbour, start + timedelta(minutes=12))
    # Closed when the group stood down, as the timeline says, not the moment the demo ran.
    Cascade.objects.filter(pk=harbour.pk).update(closed_at=start + timedelta(minutes=90))
    for minutes, kind, text in (
        (0, "timeline", "The police brief the strategic lead: an operation is under way."),
        (12, "timeline", "The call-out cascade starts."),
        (40, "timeline", "The consequence-management group meets."),
        (75, "timeline", "The rumour is heard; the agreed response is given."),
        (45, "observation", "The press called before the holding line was agreed."),
        (80, "observation", "The ring-round had no out-of-hours number for the faith centres."),
    ):
        services.entry_add(
            actor=coordinator,
            exercise=exercise,
            kind=kind,
            at=start + timedelta(minutes=minutes),
            text=text,
        )
    services.exercise_close(actor=coordinator, exercise=exercise)
    first = services.lesson_record(
        actor=coordinator,
        exercise=exercise,
        lesson="The press called before the holding line was agreed.",
        title="Agree a holding line for the press in advance",
        description="The communications officer drafts it with the police and the forum.",
        owner=coordinator,
        owner_organisation=council,
        due_on=day + timedelta(days=30),
    )
    services.lesson_record(
        actor=coordinator,
        exercise=exercise,
        lesson="The ring-round had no out-of-hours numbers for the faith centres.",
        title="Collect out-of-hours numbers for every faith centre",
        description="Ask each centre for a second channel and verify it in the directory.",
        owner=coordinator,
        owner_organisation=council,
        due_on=day + timedelta(days=45),
    )
    action_services.progress_record(
        actor=coordinator,
        action=first.action,
        text="A first draft is with the police press office.",
        status=ActionStatus.IN_PROGRESS,
    )

    # A running exercise and a planned one; a running cascade to try acknowledging.
    running = services.exercise_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.ExerciseFields(
            title="Exercise Beacon",
            scenario="A warrant executed overnight; families ask the council for help.",
            held_on=day,
        ),
    )
    services.exercise_start(actor=coordinator, exercise=running)
    services.exercise_create(
        actor=coordinator,
        partnership=partnership,
        fields=services.ExerciseFields(
            title="Exercise Lantern",
            scenario="Release without charge of people arrested the week before.",
            held_on=day + timedelta(days=60),
        ),
    )
    beacon = _cascade(
        coordinator,
        partnership,
        "Exercise Beacon call-out",
        [strategic, tactical, delivery, chair, caretaker],
    )
    services.exercise_update(
        actor=coordinator,
        exercise=running,
        fields=services.ExerciseFields(
            title=running.title, scenario=running.scenario, held_on=day, cascade=beacon
        ),
    )

    _readiness_assessment(coordinator, partnership, day)


# The demo partnership's own readiness picture, criterion by criterion (the framework's
# `readiness` scale: 1 not in place, 2 partly in place, 3 in place and understood, 4 tested and
# improving), with the short evidence a coordinator would write. Invented, as the rest of the
# demo is; it is consistent with what the demo holds (the directory's warnings, Exercise
# Harbour's lessons, the plan past its review date).
READINESS_RATINGS: dict[str, tuple[int, str]] = {
    "before-agreed-arrangements": (
        3,
        "The operation readiness plan names the police, the council and the faith forum's "
        "roles; it is past its review date and is being reviewed.",
    ),
    "before-key-individual-directory": (
        2,
        "The directory holds the council's leads by post and the forum's contacts, but one "
        "entry has a single channel and one has not been verified for 120 days.",
    ),
    "before-disclosure-decisions": (
        2,
        "Disclosure is decided by the police lead case by case; the partners have not yet "
        "agreed the steps in writing.",
    ),
    "before-communications-plan": (
        3,
        "The communications strategy in the readiness plan sets one agreed voice and key "
        "messages in the community languages.",
    ),
    "before-contingency-plans": (
        3,
        "The plan covers the release of arrested people without charge and keeping "
        "neighbourhood patrols and surgeries going.",
    ),
    "before-advisory-group": (
        2,
        "The independent advisory group meets, but its membership does not yet reach the "
        "town's younger residents.",
    ),
    "before-councillors-prepared": (
        2,
        "Cabinet members were briefed this year; ward councillors have not yet had the briefing.",
    ),
    "during-cascade": (
        4,
        "Exercise Harbour called the directory by email, text and ring-round, with "
        "escalation to deputies; its after-action report gives the times.",
    ),
    "during-key-messages-spokesperson": (
        3,
        "A spokesperson is agreed and key messages are pre-agreed; Exercise Harbour found "
        "the press called before the holding line was agreed (an action is open).",
    ),
    "during-shared-briefing": (
        3,
        "Police and council staff share one briefing pack, agreed by the strategic leads.",
    ),
    "during-reassurance": (
        3,
        "Reassurance visits are planned with neighbourhood teams and the faith forum.",
    ),
    "during-media": (
        2,
        "Media handling is coordinated by the council's press office; local media have not "
        "been briefed on the arrangements.",
    ),
    "after-community-confidence": (
        3,
        "The plan sets reassurance visits and the advisory group's consultation after an "
        "operation.",
    ),
    "after-debrief": (
        4,
        "Exercise Harbour was debriefed within a week; its two lessons are actions in the "
        "action plan, one in progress.",
    ),
    "keeping-ready-reassessment": (
        3,
        "Readiness is assessed each year through this cycle; this is the first published "
        "assessment.",
    ),
    "keeping-ready-exercises": (
        3,
        "One table-top exercise was held this year and two more are planned.",
    ),
    "keeping-ready-resilience": (
        2,
        "The arrangements are not yet joined to the local resilience forum's plans.",
    ),
    "keeping-ready-learning-elsewhere": (
        2,
        "The partnership has read other areas' debriefs but has not yet changed its plan "
        "from them.",
    ),
}


def _readiness_assessment(coordinator: User, partnership: Partnership, day: date) -> None:
    """A self-assessment of readiness, through the ordinary assessment cycle to its end: every
    criterion rated with its evidence, submitted, signed off by the board and published, so a
    coordinator sees a real readiness picture."""
    version = (
        FrameworkVersion.objects.filter(framework__identifier=services.READINESS_FRAMEWORK)
        .order_by("-pk")
        .first()
    )
    title = f"Consequence-management readiness {day.year}"
    if version is None or Assessment.objects.filter(partnership=partnership, title=title).exists():
        return
    assessment = assessment_services.assessment_start(
        actor=coordinator,
        partnership=partnership,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title=title,
        period_start=day.replace(month=4, day=1) if day.month >= 4 else date(day.year - 1, 4, 1),
        period_end=date(day.year + (1 if day.month >= 4 else 0), 3, 31),
    )
    for response in assessment.responses.select_related("criterion", "assessment"):
        rating, evidence = READINESS_RATINGS.get(
            response.criterion.identifier,
            (2, "Partly in place: the partnership has not yet looked at this in depth."),
        )
        assessment_services.response_update(
            actor=coordinator,
            response=response,
            seen_revision=response.revision,
            rating=rating,
            target=min(4, rating + 1),
            commentary=evidence,
        )
    assessment = assessment_services.assessment_submit(
        actor=coordinator, assessment=assessment, no_personal_data_declared=True
    )
    board = (
        Membership.objects.filter(partnership=partnership, role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if board is None:
        return
    assessment = assessment_services.board_sign_off(actor=board.user, assessment=assessment)
    assessment_services.assessment_publish(actor=coordinator, assessment=assessment)
