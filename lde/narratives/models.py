"""The local narrative (¶27–32, ¶95, ¶174): a partnership's living, versioned story of its place.

Each version holds one `Section` per part of `sections.GUIDES`, the register of the plans that
carry Prevent into mainstream services (`MainstreamPlan`), the organisations named to sign it
off (`Signatory`), comments from partners and community reviewers, and a plain-language public
summary. A version moves only along `services.TRANSITIONS` (draft → shared for consultation →
approved → superseded), leaving a `NarrativeTransition` for each move. Whether it is due for
review is never stored: it is read from its review date on the day it is asked.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition
from lde.narratives.sections import SectionKey


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SHARED = "shared", "Shared for consultation"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


# A version still being written or consulted on: a partnership has at most one.
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.SHARED)
# A version that was signed off, whether or not a later one has replaced it.
SIGNED_OFF_STATUSES = (VersionStatus.APPROVED, VersionStatus.SUPERSEDED)


class NarrativeVersion(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="narrative_versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    review_on = models.DateField(
        "review date", null=True, blank=True, help_text="When the partnership will review it."
    )
    influences_reviewed_on = models.DateField(
        "influences last reviewed",
        null=True,
        blank=True,
        help_text="When the international and national influences were last brought up to date "
        "(¶174).",
    )
    standalone_reason = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        verbose_name="why Prevent stands alone",
        help_text="Where Prevent is not carried by a mainstream plan, why (¶106).",
    )
    public_summary = limited_text(limits.TEXT, blank=True, verbose_name="public summary")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["partnership_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "number"], name="narrative_version_number_unique"
            ),
            # Only a signed-off version is ever published.
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status__in=["approved", "superseded"]),
                name="narrative_published_only_when_signed_off",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def state(self) -> str:
        """The status, with "published" for an approved version whose summary is public."""
        if self.status == VersionStatus.APPROVED and self.is_published:
            return "published"
        return str(self.status)

    def is_due(self, day: date) -> bool:
        return self.review_on is not None and self.review_on < day


class Section(models.Model):
    version = models.ForeignKey(NarrativeVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=24, choices=SectionKey.choices)
    text = limited_text(limits.LONG_TEXT, blank=True)
    # Briefing products the section refers to: shown to signed-in readers through the gateway
    # rule only (lde.sharing), never in the public summary.
    products = models.ManyToManyField("sharing.BriefingProduct", related_name="+", blank=True)

    class Meta:
        ordering = ["version_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="narrative_section_unique")
        ]

    def __str__(self) -> str:
        return self.get_key_display()


class PlanKind(models.TextChoices):
    COMMUNITY_COHESION = "community_cohesion", "Community cohesion strategy"
    COMMUNITY_SAFETY = "community_safety", "Community safety plan"
    CHILDREN_YOUNG_PEOPLE = "children_young_people", "Children and young people's plan"
    SUSTAINABLE_COMMUNITY = "sustainable_community", "Sustainable community strategy"
    REGENERATION = "regeneration", "Regeneration and economic development plan"
    POLICING = "policing", "Policing plan"
    OTHER = "other", "Other plan"


class MainstreamPlan(models.Model):
    """A plan that carries Prevent into a mainstream service (¶30, ¶34, ¶103–107, ¶185)."""

    version = models.ForeignKey(
        NarrativeVersion, on_delete=models.CASCADE, related_name="mainstream_plans"
    )
    kind = models.CharField(max_length=24, choices=PlanKind.choices)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="owning organisation",
    )
    how_carried = limited_text(limits.SHORT_TEXT, verbose_name="how Prevent is carried")

    class Meta:
        ordering = ["version_id", "kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Signatory(models.Model):
    """A partner organisation the coordinator named to sign the version off, and its signature
    once a coordinator or board member of that organisation has given it."""

    version = models.ForeignKey(
        NarrativeVersion, on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version_id", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="narrative_signatory_unique"
            ),
            models.CheckConstraint(
                condition=Q(signed_by__isnull=True, signed_at__isnull=True)
                | Q(signed_by__isnull=False, signed_at__isnull=False),
                name="narrative_signature_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} for version {self.version_id}"


class CommentFrom(models.TextChoices):
    PARTNER = "partner", "Partner"
    COMMUNITY = "community", "Community consultative group"


class Comment(models.Model):
    """A comment on a version from a partner or a community reviewer (¶175)."""

    version = models.ForeignKey(NarrativeVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_as = models.CharField(max_length=12, choices=CommentFrom.choices)
    section = models.CharField(max_length=24, choices=SectionKey.choices, blank=True)
    text = limited_text(limits.SHORT_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class NarrativeTransition(StatusTransition):
    version = models.ForeignKey(
        NarrativeVersion, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12, choices=VersionStatus.choices)
    to_status = models.CharField(max_length=12, choices=VersionStatus.choices)
