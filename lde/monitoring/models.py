"""Monitoring what the money bought (¶43–57): funding agreements and the returns made on them.

An **agreement** is made for an award (`commissioning.Decision`) or for a programme project the
partnership funds directly. It holds milestones, typed outputs with targets, outcome indicators
(text for now), budget lines (one kind is administration, so that its share can be counted,
¶49), a payment schedule that may pay in advance (¶51) and its conditions. It moves along
`services.AGREEMENT_TRANSITIONS` (draft → active → closed), leaving an `AgreementTransition`.

Monitoring is proportionate to the award (¶46, ¶163): each partnership sets `MonitoringRules`,
the amount at and above which an agreement makes quarterly returns (below it, one return at the
end) and how far spend may go beyond a budget line. When an agreement is made active its
schedule of **returns** is written from those rules. The delivery organisation makes each return
(spend by budget line, outputs against targets, milestones, narrative, evidence); a coordinator
accepts it or sends it back with reasons. Nothing here is about a member of the public: outputs
are counts, and the narrative passes the personal-data guard.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition

MONEY = {"max_digits": 12, "decimal_places": 2}
# Below this an agreement makes one return at the end; at or above it, one a quarter.
DEFAULT_QUARTERLY_FROM = Decimal("10000")
DEFAULT_TOLERANCE_PERCENT = Decimal("10")


class MonitoringRules(BaseModel):
    """A partnership's rules for proportionate monitoring (¶46, ¶163)."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="monitoring_rules"
    )
    quarterly_from = models.DecimalField(
        "quarterly returns from",
        help_text="Agreements of this amount or more make a return every quarter; smaller ones "
        "make one return at the end.",
        validators=[MinValueValidator(Decimal("0"))],
        default=DEFAULT_QUARTERLY_FROM,
        **MONEY,  # type: ignore[arg-type]
    )
    tolerance_percent = models.DecimalField(
        "overspend tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TOLERANCE_PERCENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="How far spend may go beyond a budget line before it must be explained.",
    )

    class Meta:
        verbose_name_plural = "monitoring rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(quarterly_from__gte=0), name="monitoring_rules_threshold"
            ),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0) & Q(tolerance_percent__lte=100),
                name="monitoring_rules_tolerance",
            ),
        ]


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class ReturnFrequency(models.TextChoices):
    QUARTERLY = "quarterly", "Every quarter"
    END = "end", "One return at the end"


class Agreement(BaseModel):
    """What an organisation agrees to deliver for the money, and how it will be monitored."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="agreements"
    )
    decision = models.OneToOneField(
        "commissioning.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
        help_text="The award the agreement is for.",
    )
    project = models.ForeignKey(
        "programme.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="The programme project the money funds.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="The organisation that delivers the work.",
    )
    title = models.CharField(max_length=limits.TITLE)
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on")
    conditions = limited_text(limits.SHORT_TEXT, blank=True)
    status = models.CharField(
        max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # Written when the agreement is made active, from the partnership's rules then.
    frequency = models.CharField(max_length=12, choices=ReturnFrequency.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="agreement_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return self.title


class AgreementTransition(StatusTransition):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=AgreementStatus.choices)
    to_status = models.CharField(max_length=12, choices=AgreementStatus.choices)


class Milestone(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=limits.TITLE)
    due_on = models.DateField("due on")

    class Meta:
        ordering = ["agreement_id", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class OutputKind(models.TextChoices):
    """What the work produces, counted: never who took part."""

    PARTICIPANTS = "participants", "Participants"
    SESSIONS = "sessions", "Sessions delivered"
    STAFF_TRAINED = "staff_trained", "Staff trained"
    VOLUNTEERS_TRAINED = "volunteers_trained", "Volunteers trained"
    EVENTS = "events", "Community events"
    RESOURCES = "resources", "Resources produced"
    ORGANISATIONS = "organisations", "Organisations engaged"


class OutputTarget(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=24, choices=OutputKind.choices)
    target = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["agreement_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="monitoring_target_once"),
            models.CheckConstraint(condition=Q(target__gte=1), name="monitoring_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"


class OutcomeIndicator(models.Model):
    """A change the work should make, in words (for now): "young people report more
    confidence in challenging extremist messages"."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="indicators")
    text = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["agreement_id", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class BudgetKind(models.TextChoices):
    STAFF = "staff", "Staff"
    DELIVERY = "delivery", "Delivery costs"
    VENUE = "venue", "Venues"
    MATERIALS = "materials", "Materials"
    # Counted apart, so that the administration share of the programme can be shown (¶49).
    ADMINISTRATION = "administration", "Administration"
    OTHER = "other", "Other"


class BudgetLine(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    heading = models.CharField(max_length=limits.TITLE)
    kind = models.CharField(max_length=16, choices=BudgetKind.choices, default=BudgetKind.DELIVERY)
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["agreement_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="monitoring_line_amount"),
        ]

    def __str__(self) -> str:
        return self.heading


class Instalment(models.Model):
    """A payment to the organisation: in advance of the work where the agreement says so
    (¶51: paying only after projects had finished shut small groups out)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField("due on")
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]
    in_advance = models.BooleanField("paid in advance", default=False)

    class Meta:
        ordering = ["agreement_id", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="monitoring_instalment_amount"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} due {self.due_on}"


class ReturnStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"
    SENT_BACK = "sent_back", "Sent back"
    ACCEPTED = "accepted", "Accepted"


class Return(BaseModel):
    """One return on an agreement, for one period of its schedule."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField("due on")
    final = models.BooleanField(default=False, help_text="The agreement's last return.")
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DUE)
    narrative = limited_text(limits.TEXT, blank=True)
    variance_explanation = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="Why spend has gone beyond a budget line by more than the tolerance.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reasons = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["agreement_id", "period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start"], name="monitoring_return_period_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Return for {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class ReturnTransition(StatusTransition):
    return_made = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=12, choices=ReturnStatus.choices)


class ReturnSpend(models.Model):
    """Spend in the return's period against one budget line."""

    return_made = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="spend")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spend")
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["return_made_id", "line_id"]
        constraints = [
            models.UniqueConstraint(fields=["return_made", "line"], name="monitoring_spend_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="monitoring_spend_amount"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} on line {self.line_id}"


class ReturnOutput(models.Model):
    """What was achieved in the return's period against one target."""

    return_made = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="outputs")
    target = models.ForeignKey(OutputTarget, on_delete=models.CASCADE, related_name="achieved")
    achieved = models.PositiveIntegerField()

    class Meta:
        ordering = ["return_made_id", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_made", "target"], name="monitoring_output_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achieved} against target {self.target_id}"


class MilestoneState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"


class ReturnMilestone(models.Model):
    return_made = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reported")
    state = models.CharField(max_length=12, choices=MilestoneState.choices)

    class Meta:
        ordering = ["return_made_id", "milestone_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_made", "milestone"], name="monitoring_milestone_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Milestone {self.milestone_id}: {self.state}"


class ReturnEvidence(BaseModel):
    """A file backing a return (a register of sessions by count, an invoice), stored outside
    the web root under a random name, checked by its content and downloaded through the
    policy."""

    return_made = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=limits.TITLE)
    file_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["return_made_id", "pk"]
