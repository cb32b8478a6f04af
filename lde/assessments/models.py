"""Assessments: a partnership rated against one pinned framework version, jointly and with
evidence, and moderated against a peer's or an inspector's view (¶162–177, Figure 5).

A self-assessment belongs to the partnership that makes it. A peer review or an inspection is an
assessment of the same partnership's self-assessment (`reviews`), rated by the peer reviewers or
inspectors assigned to it. Each criterion of the framework has one `CriterionResponse` per
assessment (the agreed rating, target, commentary and evidence); several people may rate it
independently first (`RaterRating`), and the coordinator records the consensus.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition


class AssessmentKind(models.TextChoices):
    SELF = "self", "Self-assessment"
    PEER_REVIEW = "peer_review", "Peer review"
    INSPECTION = "inspection", "Inspection"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MODERATED = "moderated", "Moderated"
    PUBLISHED = "published", "Published"
    # A draft the coordinator gave up, with a reason: kept, with its history, but no longer
    # anyone's work, and never carried forward.
    ABANDONED = "abandoned", "Abandoned"


# The cycles still being worked on: one of these may not be overlapped by another cycle of the
# same partnership and framework.
OPEN_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED)
# Work that has been submitted and not given up: the reviews that moderation counts.
SUBMITTED_OR_LATER = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.MODERATED,
    AssessmentStatus.PUBLISHED,
)


class Assessment(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    reviews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_by",
        help_text="For a peer review or inspection: the self-assessment it reviews.",
    )
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_into",
        help_text="The previous cycle whose ratings and evidence were copied forward.",
    )
    board_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    board_signed_off_at = models.DateTimeField(null=True, blank=True)
    published_without_review = models.BooleanField(default=False)
    personal_data_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    personal_data_declared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="assessment_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind="self", reviews__isnull=True) | ~Q(kind="self"),
                name="self_assessment_reviews_nothing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_reference(self) -> str:
        """How a peer reviewer's assignment names this assessment."""
        return f"assessment:{self.pk}"


class AssessmentTransition(StatusTransition):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)
    to_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)


class CriterionResponse(models.Model):
    """The assessment's answer for one criterion. `revision` rises on every change, so that a
    second person saving over a version they did not see is told rather than overwriting it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    rating = models.IntegerField(null=True, blank=True, help_text="Empty means not rated.")
    target = models.IntegerField(null=True, blank=True)
    commentary = limited_text(limits.TEXT, blank=True)
    consensus_reason = limited_text(limits.TEXT, blank=True)
    carried_forward = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_response_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.rating}"


class RaterRating(models.Model):
    """One person's independent rating of a criterion, before the consensus."""

    response = models.ForeignKey(
        CriterionResponse, on_delete=models.CASCADE, related_name="rater_ratings"
    )
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.IntegerField(null=True, blank=True)
    note = limited_text(limits.SHORT_TEXT, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["response", "rater__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["response", "rater"], name="one_rating_per_rater")
        ]

    def __str__(self) -> str:
        return f"{self.rater_id}: {self.rating}"


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"


class Evidence(models.Model):
    """A file (stored outside the web root, served only through the policy-checked view, kept
    with a hash of its content) or a link, with the date it speaks for."""

    response = models.ForeignKey(
        CriterionResponse, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True, max_length=500)
    file_name = models.CharField(max_length=200, blank=True)
    stored_name = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    effective_on = models.DateField(help_text="The date the evidence speaks for.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    carried_forward = models.BooleanField(default=False)
    # What the personal-data guard found in a file's text when it was uploaded: kind, place and
    # a masked excerpt, never the identifier itself. Null when its text could not be read
    # (an image), so the author is told it was not checked.
    guard_findings = models.JSONField(null=True, blank=True, default=list)

    class Meta:
        ordering = ["response", "-effective_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Contribution(models.Model):
    """A criterion assigned to a contributing organisation, or to a person."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="contributions"
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(user__isnull=False),
                name="contribution_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} → {self.organisation_id or self.user_id}"


class OrganisationSignOff(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sign_offs")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "organisation"], name="one_sign_off_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} signed {self.assessment_id}"


class ModerationDecision(models.Model):
    """Where a self rating and the review's rating differ: the agreed rating and why."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    self_rating = models.IntegerField(null=True, blank=True)
    review_rating = models.IntegerField(null=True, blank=True)
    agreed_rating = models.IntegerField(null=True, blank=True)
    reason = limited_text(limits.SHORT_TEXT, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_decision_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.agreed_rating}"


class FactualAccuracyComment(models.Model):
    """The partnership's check of a peer review or inspection draft, kept with it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="factual_accuracy_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = limited_text(limits.TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:40]
