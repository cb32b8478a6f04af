"""Consequence management (¶82–96, ¶139–143, case study 4): being ready for a counter-terrorist
operation in the area, reaching the key individuals fast when one happens, and never sending
anyone anything after they have answered.

- A `ReadinessPlan` says what the partnership does before, during and after an operation (¶88):
  its communications strategy, what it does when arrested people are released, how everyday
  policing and community safety keep going, the consequence-management group's roles (by post),
  the independent advisory group (an engagement `Forum`) and how broad it is (¶86), the agreed
  spokesperson (an engagement `Spokesperson`), the key messages (engagement `KeyMessage`s) with
  the languages they go out in, and a rumour log (case study 4).
- The `KeyContact` directory: staff by post at strategic, tactical and delivery level (¶92), and
  community contacts recorded only as people acting for an organisation — the organisation,
  their role there, their channels, a deputy, the date they consented and when the entry was last
  verified. Nothing else about them: no name field, no notes.
- A `Cascade` reaches the directory's entries (`CascadeRecipient`) by email, text message and a
  ring-round, each message an `OutboxMessage` row with its own idempotency key, written in the
  transaction that starts or advances the cascade and sent by the worker.

Nothing here records intelligence about, or scores, any member of the public: a rumour is what
was heard and where, never who said it, and the personal-data guard reads every free text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class ReadinessPlan(BaseModel):
    """What the partnership does before, during and after an operation and its aftermath."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="readiness_plans"
    )
    title = models.CharField(max_length=limits.TITLE)
    before = limited_text(limits.TEXT, help_text="Before an operation: who is briefed, and how.")
    during = limited_text(limits.TEXT, help_text="During an operation and the arrests.")
    after = limited_text(limits.TEXT, help_text="After: the aftermath and community reassurance.")
    communications_strategy = limited_text(limits.TEXT)
    release_contingency = limited_text(
        limits.TEXT, help_text="What is done if arrested people are released without charge."
    )
    everyday_policing = limited_text(
        limits.TEXT, help_text="How everyday policing and community safety keep going."
    )
    advisory_group = models.ForeignKey(
        "engagement.Forum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The independent advisory group: a forum of the community engagement records.",
    )
    advisory_group_breadth = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="How broad the advisory group is (¶86): the kinds of organisation it draws on.",
    )
    spokesperson = models.ForeignKey(
        "engagement.Spokesperson",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    media_skills = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="The spokespeople's media skills and training (¶141).",
    )
    criteria = models.ManyToManyField(
        "frameworks.Criterion",
        blank=True,
        related_name="+",
        help_text="The readiness framework's criteria this plan answers.",
    )
    review_on = models.DateField()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="consequence_plan_title_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanRole(BaseModel):
    """A role in the consequence-management group, held by a post so that it survives people
    moving on (¶93)."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="roles")
    post = models.ForeignKey("accounts.Post", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=limits.TITLE)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "post", "role"], name="consequence_role_once")
        ]


class PlanMessage(BaseModel):
    """A pre-agreed key message of the plan (¶132–138) and the languages it goes out in."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="messages")
    key_message = models.ForeignKey(
        "engagement.KeyMessage", on_delete=models.PROTECT, related_name="+"
    )
    languages = models.CharField(max_length=limits.NAME)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key_message"], name="consequence_plan_message_once"
            )
        ]


class Rumour(BaseModel):
    """One line of the rumour log (case study 4): what was heard, where, and the response. Never
    who said it, nor anything about a named member of the public."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="rumours")
    heard_on = models.DateField()
    what_was_heard = limited_text(limits.SHORT_TEXT)
    where = models.CharField(max_length=limits.NAME, help_text="A place or a channel.")
    response = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-heard_on", "-pk"]


class ContactKind(models.TextChoices):
    STAFF = "staff", "Staff, by post"
    COMMUNITY = "community", "Community contact, for an organisation"


class KeyContact(BaseModel):
    """An entry of the key-individual directory.

    Staff are held by post: who holds it today is known from the post's holdings. A community
    contact is a person acting for an organisation, recorded by the organisation and their role
    there, never by anything else about them. Either way the entry has its channels (an email,
    a UK mobile for text messages, a phone for the ring-round), a deputy, the date consent was
    given and the date the entry was last verified.
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="key_contacts"
    )
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    post = models.ForeignKey(
        "accounts.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=limits.NAME)
    email = models.EmailField(max_length=254, blank=True)
    mobile = models.CharField(max_length=16, blank=True, help_text="A UK mobile, as +447…")
    phone = models.CharField(max_length=20, blank=True)
    deputy = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="deputising"
    )
    consented_on = models.DateField()
    verified_on = models.DateField()

    class Meta:
        ordering = ["organisation__name", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="staff") & Q(post__isnull=False))
                | (Q(kind="community") & Q(post__isnull=True)),
                name="consequence_contact_staff_by_post",
            ),
            models.CheckConstraint(
                condition=~Q(deputy=models.F("pk")), name="consequence_contact_not_own_deputy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation.name}"

    @property
    def channels(self) -> list[str]:
        return [name for name in ("email", "mobile", "phone") if getattr(self, name)]

    @property
    def level(self) -> str:
        return self.post.level if self.post_id and self.post else ""


class CascadeKind(models.TextChoices):
    EXERCISE = "exercise", "Exercise"
    LIVE = "live", "Live"


class CascadeMode(models.TextChoices):
    BROADCAST = "broadcast", "Broadcast: everyone at once"
    TREE = "tree", "Tree: each level before the next"


class CascadeStatus(models.TextChoices):
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class Cascade(BaseModel):
    """One call-out, an exercise or live, from a template with placeholders."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="cascades"
    )
    plan = models.ForeignKey(
        ReadinessPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="cascades"
    )
    kind = models.CharField(max_length=10, choices=CascadeKind.choices)
    mode = models.CharField(max_length=10, choices=CascadeMode.choices)
    title = models.CharField(max_length=limits.TITLE)
    template = limited_text(limits.SHORT_TEXT)
    briefing_product = models.ForeignKey(
        "sharing.BriefingProduct",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A cascade about marked information links to a released briefing product; "
        "the message itself carries none.",
    )
    quorum_percent = models.PositiveSmallIntegerField(default=60)
    escalate_after_minutes = models.PositiveSmallIntegerField(default=15)
    status = models.CharField(
        max_length=10, choices=CascadeStatus.choices, default=CascadeStatus.RUNNING
    )
    level_reached = models.PositiveSmallIntegerField(default=0)
    # The start form's own key: a double click posts it twice, and makes one cascade.
    start_key = models.CharField(max_length=64, unique=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1) & Q(quorum_percent__lte=100),
                name="consequence_quorum_percent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AckVia(models.TextChoices):
    LINK = "link", "Link in the message"
    TEXT = "text", "Text reply"
    CALLER = "caller", "Recorded by a caller"


class CallOutcome(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Reached and acknowledged"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class CascadeRecipient(BaseModel):
    """A directory entry called by one cascade, at a level of the tree (0 for a broadcast)."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(KeyContact, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(default=0)
    deputy_for = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="deputies"
    )
    first_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_via = models.CharField(max_length=8, choices=AckVia.choices, blank=True)
    call_outcome = models.CharField(max_length=14, choices=CallOutcome.choices, blank=True)

    class Meta:
        ordering = ["level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cascade", "contact"], name="consequence_recipient_once"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(acknowledged_via=""),
                name="consequence_ack_says_how",
            ),
        ]


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being handed to the provider"
    SENT = "sent", "Handed to the provider"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed for good"
    WITHHELD = "withheld", "Not sent: already acknowledged"


class OutboxMessage(BaseModel):
    """One message to one recipient on one channel, written with the write that causes it.

    `key` is its idempotency key (cascade, recipient, channel, step): the unique constraint makes
    a second writing of the same message impossible, and the provider is given it as the
    message's reference, so a receipt finds its row.
    """

    recipient = models.ForeignKey(
        CascadeRecipient, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(max_length=6, choices=Channel.choices)
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    handed_off_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["handed_off_at"]),
        ]


# --- Exercises (¶161) ---------------------------------------------------------------------------


class ExerciseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class Exercise(BaseModel):
    """A table-top role play (¶161): a scenario played through by the partners, by organisation
    and role, with a timeline and observations, testing some of the readiness criteria and
    perhaps calling people out with an exercise cascade. Planned, then running, then closed;
    lessons are learned once it is closed."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="exercises"
    )
    plan = models.ForeignKey(
        ReadinessPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="exercises"
    )
    title = models.CharField(max_length=limits.TITLE)
    scenario = limited_text(limits.TEXT)
    held_on = models.DateField()
    criteria = models.ManyToManyField(
        "frameworks.Criterion",
        blank=True,
        related_name="+",
        help_text="The readiness framework's criteria the exercise tests.",
    )
    cascade = models.ForeignKey(
        Cascade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="An exercise cascade called during the exercise.",
    )
    status = models.CharField(
        max_length=10, choices=ExerciseStatus.choices, default=ExerciseStatus.PLANNED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="consequence_exercise_title_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ExerciseParticipant(BaseModel):
    """Who took part: an organisation and the role played for it. Never a name, and never a
    member of the public."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=limits.NAME)

    class Meta:
        ordering = ["organisation__name", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "organisation", "role"], name="consequence_participant_once"
            )
        ]


class EntryKind(models.TextChoices):
    TIMELINE = "timeline", "Timeline: what happened, when"
    OBSERVATION = "observation", "Observation: what the observers noticed"


class ExerciseEntry(BaseModel):
    """A line of the exercise's timeline (at a time in the exercise) or an observation."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    at = models.DateTimeField()
    text = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["at", "pk"]


class Lesson(BaseModel):
    """A lesson learned in a closed exercise, and the action in the partnership's action plan
    that carries it out (ADR 0017: the action says it came from an exercise's lesson; this is the
    link back, written in the same transaction)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lessons")
    lesson = limited_text(limits.SHORT_TEXT)
    action = models.OneToOneField(
        "action_plans.Action", on_delete=models.PROTECT, related_name="exercise_lesson"
    )

    class Meta:
        ordering = ["pk"]
