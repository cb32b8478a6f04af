"""Reads of consequence management, scoped by the policies: a record another partnership's
person asks for is the same 404 as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from lde.accounts.models import Organisation, Post, PostHolding
from lde.consequence_management.models import (
    Cascade,
    CascadeKind,
    CascadeRecipient,
    EntryKind,
    Exercise,
    ExerciseEntry,
    ExerciseParticipant,
    KeyContact,
    Lesson,
    MessageStatus,
    OutboxMessage,
    PlanMessage,
    PlanRole,
    ReadinessPlan,
)
from lde.consequence_management.policies import (
    cascade_policy,
    exercise_policy,
    key_contact_policy,
    readiness_plan_policy,
)
from lde.consequence_management.services import READINESS_FRAMEWORK, contact_warnings
from lde.core.access.facts import AnyUser
from lde.engagement.models import Forum, ForumKind, KeyMessage, Spokesperson
from lde.engagement.models import MessageStatus as KeyStatus
from lde.frameworks.models import Criterion
from lde.partnerships.models import Partnership
from lde.sharing.models import BriefingProduct, ProductStatus


def plan_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[ReadinessPlan]:
    return readiness_plan_policy.visible_to(user, "view").filter(partnership=partnership)


def plan_get(*, user: AnyUser, plan_id: Any) -> ReadinessPlan:
    return readiness_plan_policy.get_or_404(
        user,
        plan_id,
        ReadinessPlan.objects.select_related(
            "partnership", "advisory_group", "spokesperson__post__organisation"
        ),
    )


def plan_roles(*, plan: ReadinessPlan) -> QuerySet[PlanRole]:
    return plan.roles.select_related("post__organisation").prefetch_related(
        Prefetch(
            "post__holdings",
            queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
            to_attr="current",
        )
    )


def plan_messages(*, plan: ReadinessPlan) -> QuerySet[PlanMessage]:
    return plan.messages.select_related("key_message")


def plan_criteria(*, plan: ReadinessPlan) -> QuerySet[Criterion]:
    return plan.criteria.order_by("position")


def plans_past_review(*, user: AnyUser, partnership_ids: Any, today: date) -> list[ReadinessPlan]:
    """Plans past their review date, in the partnerships whose coordinator asks."""
    return list(
        readiness_plan_policy.visible_to(user, "edit")
        .filter(partnership_id__in=partnership_ids, review_on__lt=today)
        .select_related("partnership")
        .order_by("review_on")
    )


def readiness_criteria() -> QuerySet[Criterion]:
    """The readiness framework's criteria, newest version (the plan links to them)."""
    criteria = Criterion.objects.filter(
        framework_version__framework__identifier=READINESS_FRAMEWORK
    ).select_related("framework_version", "framework_version__framework")
    newest = criteria.order_by("-framework_version__pk").values_list(
        "framework_version_id", flat=True
    )
    first = newest.first()
    return criteria.filter(framework_version_id=first).order_by("position")


def advisory_groups(*, user: AnyUser, partnership: Partnership) -> QuerySet[Forum]:
    return Forum.objects.filter(
        partnership=partnership, kind=ForumKind.INDEPENDENT_ADVISORY_GROUP
    ).order_by("name")


def spokespeople(*, partnership: Partnership) -> QuerySet[Spokesperson]:
    return Spokesperson.objects.filter(partnership=partnership).select_related("post__organisation")


def agreed_key_messages(*, partnership: Partnership) -> QuerySet[KeyMessage]:
    return KeyMessage.objects.filter(partnership=partnership, status=KeyStatus.AGREED)


def released_products() -> QuerySet[BriefingProduct]:
    return BriefingProduct.objects.filter(status=ProductStatus.RELEASED).order_by("-released_at")


def partnership_posts(*, partnership: Partnership) -> QuerySet[Post]:
    return (
        Post.objects.filter(organisation__partnership_links__partnership=partnership)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "title")
    )


def partnership_organisations(*, partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


# --- The directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryRow:
    contact: KeyContact
    holder: str
    warnings: list[str]


def contact_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[KeyContact]:
    return (
        key_contact_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("organisation", "post", "deputy__organisation")
        .prefetch_related(
            Prefetch(
                "post__holdings",
                queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
                to_attr="current",
            )
        )
    )


def directory(*, user: AnyUser, partnership: Partnership, today: date) -> list[DirectoryRow]:
    rows = []
    for contact in contact_list(user=user, partnership=partnership):
        holders = getattr(contact.post, "current", []) if contact.post else []
        rows.append(
            DirectoryRow(
                contact=contact,
                holder=holders[0].user.get_full_name() if holders else "",
                warnings=contact_warnings(contact, today),
            )
        )
    return rows


def contact_get(*, user: AnyUser, contact_id: Any) -> KeyContact:
    return key_contact_policy.get_or_404(
        user, contact_id, KeyContact.objects.select_related("partnership", "organisation", "post")
    )


def contacts_needing_attention(*, partnership: Partnership, today: date) -> int:
    stale = today - timedelta(days=90)
    return (
        KeyContact.objects.filter(partnership=partnership).filter(Q(verified_on__lt=stale)).count()
    )


# --- Cascades ---------------------------------------------------------------------------------


def cascade_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Cascade]:
    return (
        cascade_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .annotate(
            called=Count("recipients", distinct=True),
            answered=Count(
                "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
            ),
        )
    )


def cascade_get(*, user: AnyUser, cascade_id: Any) -> Cascade:
    return cascade_policy.get_or_404(
        user,
        cascade_id,
        Cascade.objects.select_related("partnership", "plan", "briefing_product", "started_by"),
    )


@dataclass(frozen=True)
class RollCallRow:
    recipient: CascadeRecipient
    reached: bool
    messages: list[OutboxMessage]
    holder: str


@dataclass(frozen=True)
class RollCall:
    rows: list[RollCallRow]
    called: int
    reached: int
    acknowledged: int
    escalated: int
    ring_round: list[CascadeRecipient]


REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED)


def _roll_call_rows(recipients: list[CascadeRecipient]) -> list[RollCallRow]:
    """Each recipient's row: its messages and its post's holder today, fetched for all of them
    in two queries, whether they are the whole cascade or one page of it."""
    prefetch_related_objects(
        recipients,
        Prefetch("messages", queryset=OutboxMessage.objects.order_by("channel")),
        Prefetch(
            "contact__post__holdings",
            queryset=PostHolding.objects.filter(ended_on__isnull=True).select_related("user"),
            to_attr="current",
        ),
    )
    rows = []
    for r in recipients:
        messages = list(r.messages.all())
        holders = getattr(r.contact.post, "current", []) if r.contact.post else []
        rows.append(
            RollCallRow(
                recipient=r,
                reached=any(m.status in REACHED for m in messages),
                messages=messages,
                holder=holders[0].user.get_full_name() if holders else "",
            )
        )
    return rows


def roll_call(*, cascade: Cascade) -> RollCall:
    """Who has been reached and who has acknowledged, in a constant number of queries."""
    recipients = list(
        CascadeRecipient.objects.filter(cascade=cascade).select_related(
            "contact__organisation", "contact__post", "deputy_for__contact"
        )
    )
    rows = _roll_call_rows(recipients)
    return RollCall(
        rows=rows,
        called=len(rows),
        reached=sum(1 for row in rows if row.reached),
        acknowledged=sum(1 for r in recipients if r.acknowledged_at),
        escalated=sum(1 for r in recipients if r.escalated_at),
        ring_round=[
            r
            for r in recipients
            if r.contact.phone and r.acknowledged_at is None and r.level <= cascade.level_reached
        ],
    )


ROLL_CALL_PAGE_SIZE = 100


class RollCallShow:
    """Which recipients the roll-call page lists: those not yet acknowledged first, because
    they are who a coordinator chases; the acknowledged on their own tab."""

    NOT_YET = "not-yet"
    ACKNOWLEDGED = "acknowledged"
    CHOICES = (NOT_YET, ACKNOWLEDGED)


@dataclass(frozen=True)
class RollCallCounts:
    called: int
    reached: int
    acknowledged: int
    not_yet: int
    escalated: int
    failed: int


@dataclass(frozen=True)
class RollCallPage:
    """The roll-call as the page shows it at any size: the counts, worked out in the database,
    and one page of rows (a page of 100 whether the cascade called ten people or 10,000)."""

    counts: RollCallCounts
    show: str
    page: Page[CascadeRecipient]
    rows: list[RollCallRow]
    level_reached: int


def roll_call_counts(*, cascade: Cascade) -> RollCallCounts:
    """Called, reached, acknowledged, not yet, escalated and failed, in one aggregate query."""
    messages = OutboxMessage.objects.filter(recipient=OuterRef("pk"))
    totals = (
        CascadeRecipient.objects.filter(cascade=cascade)
        .annotate(
            is_reached=Exists(messages.filter(status__in=REACHED)),
            has_failed=Exists(messages.filter(status=MessageStatus.FAILED)),
        )
        .aggregate(
            called=Count("pk"),
            reached=Count("pk", filter=Q(is_reached=True)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            failed=Count("pk", filter=Q(has_failed=True)),
        )
    )
    return RollCallCounts(
        called=totals["called"],
        reached=totals["reached"],
        acknowledged=totals["acknowledged"],
        not_yet=totals["called"] - totals["acknowledged"],
        escalated=totals["escalated"],
        failed=totals["failed"],
    )


def roll_call_page(*, cascade: Cascade, show: str | None, page: Any) -> RollCallPage:
    """The counts and one page of the recipients `show` names (not yet acknowledged unless it
    says "acknowledged"), in a number of queries that does not grow with the cascade."""
    if show not in RollCallShow.CHOICES:
        show = RollCallShow.NOT_YET
    recipients = (
        CascadeRecipient.objects.filter(
            cascade=cascade, acknowledged_at__isnull=(show == RollCallShow.NOT_YET)
        )
        .select_related("contact__organisation", "contact__post", "deputy_for__contact")
        .order_by("level", "pk")
    )
    one_page = Paginator(recipients, ROLL_CALL_PAGE_SIZE).get_page(page)
    rows = _roll_call_rows(list(one_page.object_list))
    return RollCallPage(
        counts=roll_call_counts(cascade=cascade),
        show=show,
        page=one_page,
        rows=rows,
        level_reached=cascade.level_reached,
    )


# --- Exercises and the after-action report ------------------------------------------------------


def exercise_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Exercise]:
    return (
        exercise_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("cascade")
        .annotate(lesson_count=Count("lessons", distinct=True))
    )


def exercise_get(*, user: AnyUser, exercise_id: Any) -> Exercise:
    return exercise_policy.get_or_404(
        user,
        exercise_id,
        Exercise.objects.select_related("partnership", "plan", "cascade"),
    )


def exercise_participants(*, exercise: Exercise) -> QuerySet[ExerciseParticipant]:
    return exercise.participants.select_related("organisation")


def exercise_entries(*, exercise: Exercise) -> QuerySet[ExerciseEntry]:
    return exercise.entries.all()


def exercise_criteria(*, exercise: Exercise) -> QuerySet[Criterion]:
    return exercise.criteria.order_by("position")


def exercise_lessons(*, exercise: Exercise) -> QuerySet[Lesson]:
    """Each lesson with its action, whose status tracks it to closure."""
    return exercise.lessons.select_related("action__owner", "action__owner_organisation")


def exercise_cascades(*, user: AnyUser, partnership: Partnership) -> QuerySet[Cascade]:
    """The partnership's exercise cascades, for an exercise to name the one it called."""
    return cascade_policy.visible_to(user, "view").filter(
        partnership=partnership, kind=CascadeKind.EXERCISE
    )


ACK_WITHIN_MINUTES = 15


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    what: str


@dataclass(frozen=True)
class Unanswered:
    role: str
    organisation: str
    level: str
    escalated: bool


@dataclass(frozen=True)
class CascadeReview:
    """What the after-action review reads of a cascade. People appear by role and organisation,
    never by name."""

    cascade: Cascade
    called: int
    key_roles: int
    key_roles_acknowledged_in_time: int
    first_message_seconds: float | None
    acknowledged: int
    escalations: int
    unanswered: list[Unanswered]
    timeline: list[TimelineLine]

    @property
    def share_in_time(self) -> float | None:
        if not self.key_roles:
            return None
        return self.key_roles_acknowledged_in_time / self.key_roles


def _who(recipient: CascadeRecipient) -> str:
    return f"{recipient.contact.role}, {recipient.contact.organisation.name}"


def cascade_review(*, cascade: Cascade) -> CascadeReview:
    """Time to the first message, the share of key roles (the people first called, not their
    deputies) who acknowledged within 15 minutes of the start, who never answered (by role),
    and the timeline: in a constant number of queries."""
    recipients = list(
        CascadeRecipient.objects.filter(cascade=cascade).select_related(
            "contact__organisation", "contact__post", "deputy_for__contact__organisation"
        )
    )
    first_handoff = (
        OutboxMessage.objects.filter(recipient__cascade=cascade, handed_off_at__isnull=False)
        .order_by("handed_off_at")
        .values_list("handed_off_at", flat=True)
        .first()
    )
    started = cascade.started_at
    limit = started + timedelta(minutes=ACK_WITHIN_MINUTES)
    key = [r for r in recipients if r.deputy_for_id is None]
    in_time = [
        r
        for r in key
        if (r.acknowledged_at and r.acknowledged_at <= limit)
        or any(
            d.acknowledged_at and d.acknowledged_at <= limit
            for d in recipients
            if d.deputy_for_id == r.pk
        )
    ]
    lines = [TimelineLine(started, "The cascade started")]
    if first_handoff is not None:
        lines.append(TimelineLine(first_handoff, "The first message was handed to the provider"))
    for r in recipients:
        if r.deputy_for_id and r.deputy_for is not None:
            lines.append(
                TimelineLine(
                    r.created_at, f"Escalated from {_who(r.deputy_for)} to their deputy, {_who(r)}"
                )
            )
        if r.acknowledged_at:
            lines.append(
                TimelineLine(
                    r.acknowledged_at,
                    f"{_who(r)} acknowledged ({r.get_acknowledged_via_display().lower()})",
                )
            )
    if cascade.closed_at:
        lines.append(TimelineLine(cascade.closed_at, "The cascade was closed"))
    lines.sort(key=lambda line: line.at)
    return CascadeReview(
        cascade=cascade,
        called=len(recipients),
        key_roles=len(key),
        key_roles_acknowledged_in_time=len(in_time),
        first_message_seconds=(first_handoff - started).total_seconds()
        if first_handoff is not None
        else None,
        acknowledged=sum(1 for r in recipients if r.acknowledged_at),
        escalations=sum(1 for r in recipients if r.escalated_at),
        unanswered=[
            Unanswered(
                role=r.contact.role,
                organisation=r.contact.organisation.name,
                level=r.contact.level,
                escalated=r.escalated_at is not None,
            )
            for r in recipients
            if r.acknowledged_at is None
        ],
        timeline=lines,
    )


@dataclass(frozen=True)
class ExerciseReview:
    exercise: Exercise
    participants: list[ExerciseParticipant]
    timeline: list[ExerciseEntry]
    observations: list[ExerciseEntry]
    criteria: list[Criterion]
    lessons: list[Lesson]
    cascade: CascadeReview | None


def exercise_review(*, user: AnyUser, exercise: Exercise) -> ExerciseReview:
    """The after-action report of an exercise; its cascade's figures when the reader may see the
    cascade (the directory's callers), and none otherwise."""
    entries = list(exercise_entries(exercise=exercise))
    cascade = exercise.cascade
    return ExerciseReview(
        exercise=exercise,
        participants=list(exercise_participants(exercise=exercise)),
        timeline=[e for e in entries if e.kind == EntryKind.TIMELINE],
        observations=[e for e in entries if e.kind == EntryKind.OBSERVATION],
        criteria=list(exercise_criteria(exercise=exercise)),
        lessons=list(exercise_lessons(exercise=exercise)),
        cascade=cascade_review(cascade=cascade)
        if cascade is not None and cascade_policy.user_can(user, "view", cascade)
        else None,
    )
