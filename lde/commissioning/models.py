"""Commissioning (¶43–54, Appendix 1 (f), Q3): calls for proposals, bids by community
organisations, their assessment by a panel that declares its conflicts first, and the decisions,
published in a register anyone may read and in a 360Giving feed.

A call belongs to the partnership that runs it and to any others it runs across (two-tier areas,
alliances, ¶49): `CallPartnership` holds one row for each, the lead included. It moves only along
`services.CALL_TRANSITIONS` (draft → consultation → open → closed → decided), leaving a
`CallTransition` for each move. Bids come from applicant organisations (`Applicant`), never from
a person: grants to individuals are refused at entry, and nothing about an individual is
published.
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


class CallStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    OPEN = "open", "Open for bids"
    CLOSED = "closed", "Closed, being assessed"
    DECIDED = "decided", "Decided"


# A call the public may read: once it is open it stays published.
PUBLISHED_STATUSES = (CallStatus.OPEN, CallStatus.CLOSED, CallStatus.DECIDED)


class Call(BaseModel):
    """A call for proposals run by `partnership` (the lead), perhaps across others too."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(max_length=limits.TITLE)
    purpose = limited_text(limits.TEXT, help_text="What the money is for, in plain words.")
    eligibility = limited_text(limits.SHORT_TEXT, help_text="Who may bid.")
    maximum_amount = models.DecimalField(
        "maximum amount",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on")
    scale_max = models.PositiveSmallIntegerField(
        "top of the scoring scale",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Panellists score each criterion from 0 to this.",
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        "disagreement threshold",
        default=2,
        help_text="Flag a criterion where panellists' scores differ by more than this.",
    )
    status = models.CharField(max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gt=models.F("opens_on")), name="call_closes_after_it_opens"
            ),
            models.CheckConstraint(condition=Q(maximum_amount__gt=0), name="call_maximum_positive"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES


class CallPartnership(models.Model):
    """A partnership the call runs across; the lead has a row too."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="call_partnerships")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "partnership"], name="call_partnership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.call_id} across {self.partnership_id}"


class CallTransition(StatusTransition):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=CallStatus.choices)
    to_status = models.CharField(max_length=12, choices=CallStatus.choices)


class Criterion(models.Model):
    """What bids are scored against; the weights of a call's criteria sum to 100."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=limits.TITLE)
    guidance = limited_text(limits.SHORT_TEXT, blank=True)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["call_id", "pk"]

    def __str__(self) -> str:
        return self.title


class ConsultationComment(BaseModel):
    """A comment on a draft call from the partnership's community reviewers or members
    (Appendix 1 (f)): a view on the call, never on a person."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["call_id", "created_at", "pk"]


class Applicant(BaseModel):
    """A person acting for a community, voluntary or faith organisation that bids: a kind of
    access of its own, not a partnership role. It sees its own organisation's bids and nothing
    else of the platform."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="applicants"
    )

    class Meta:
        ordering = ["organisation_id", "pk"]


class Registration(BaseModel):
    """A registration waiting for its email to be confirmed through a signed, expiring link."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    organisation_name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=24)
    org_id = models.CharField(max_length=60, blank=True)
    password_hash = models.CharField(max_length=255)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"


class Bid(BaseModel):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="bids")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="bids"
    )
    title = models.CharField(max_length=limits.TITLE)
    summary = limited_text(limits.TEXT, help_text="What the money would do, and for whom.")
    amount = models.DecimalField("amount asked for", max_digits=12, decimal_places=2)
    status = models.CharField(max_length=12, choices=BidStatus.choices, default=BidStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="bid_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.title


class PanelMember(BaseModel):
    """A board member named to the call's panel by a coordinator."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the panellist declares their interests for the call (none, or some bids): until
    # then no bid detail and no score is shown to them.
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="panel_member_unique")]


class ConflictOfInterest(BaseModel):
    """A declared interest in one bid: the panellist is recused from it."""

    panellist = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="conflicts")
    nature = limited_text(limits.SHORT_TEXT, help_text="The interest, by role: never a person.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["panellist", "bid"], name="conflict_unique")]


class Score(BaseModel):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    panellist = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    reason = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["bid_id", "criterion_id", "panellist_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion", "panellist"], name="score_unique")
        ]


class Outcome(models.TextChoices):
    AWARD = "award", "Award"
    DECLINE = "decline", "Decline"


class Decision(BaseModel):
    """The moderated decision on a bid, with its reasons: an award is published in the
    register and the 360Giving feed."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reasons = limited_text(limits.SHORT_TEXT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()

    class Meta:
        ordering = ["-decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="award", amount__gt=0) | Q(outcome="decline", amount=None)),
                name="decision_award_has_amount",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "decided_on"])]


class DevolvedPot(BaseModel):
    """Money delegated to a named front-line team (¶46): the team is an organisation and the post
    in it that holds the pot, so the delegation survives people moving on; each grant from it is
    at most `per_grant_limit`, and together they are at most `amount`."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="devolved_pots"
    )
    name = models.CharField(max_length=limits.TITLE)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    per_grant_limit = models.DecimalField("per-grant limit", max_digits=12, decimal_places=2)
    team = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="devolved_pots"
    )
    holder_post = models.ForeignKey(
        "accounts.Post", on_delete=models.PROTECT, related_name="devolved_pots"
    )
    starts_on = models.DateField("period starts")
    ends_on = models.DateField("period ends")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["partnership_id", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="devolved_pot_amount_positive"),
            models.CheckConstraint(
                condition=Q(per_grant_limit__gt=0) & Q(per_grant_limit__lte=models.F("amount")),
                name="devolved_pot_limit_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="devolved_pot_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SmallGrant(BaseModel):
    """A light record of one grant from a devolved pot: to an organisation (never an
    individual), how much, what for, when, and what came of it."""

    pot = models.ForeignKey(DevolvedPot, on_delete=models.PROTECT, related_name="grants")
    recipient = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="small_grants"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    purpose = limited_text(limits.SHORT_TEXT, help_text="What the money is for: never a person.")
    awarded_on = models.DateField("date of the grant")
    outcome = limited_text(limits.SHORT_TEXT, blank=True, help_text="What came of it.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pot_id", "-awarded_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="small_grant_amount_positive"),
        ]
        indexes = [models.Index(fields=["awarded_on"])]

    def __str__(self) -> str:
        return f"£{self.amount} to {self.recipient_id}"
