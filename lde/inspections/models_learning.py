"""Cross-site learning of an inspection programme: what the Audit Commission and HMIC did
"across sites" in 2008 (¶19–26, ¶178–183, Appendix 1).

The team coded what it found by theme and by whether it worked, did not, looked promising or
stood in the way (`Finding`), drew key learning from the findings (`KeyLearning`), wrote case
studies of practice worth sharing (`CaseStudy`, which the programme lead sends to the library of
what works), asked the sites what they thought of the exercise (`SiteFeedback`, ¶178) and had
an advisory group comment on its draft findings (`AdvisoryMember`, `AdvisoryComment`, ¶23,
¶179).

Nothing here is about a member of the public: findings name themes and the sites' partnerships,
never a person, and every free text passes the personal-data guard in the services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

# A criterion's identifier in the key-themes framework (lde-key-themes, Appendix 1): a slug.
THEME_LENGTH = 60


class FindingKind(models.TextChoices):
    """The report's four words for what the team found (¶24: "what works, what doesn't and what
    looks promising", and what stands in the way)."""

    WORKS = "works", "Works"
    DOESNT_WORK = "doesnt_work", "Doesn't work"
    LOOKS_PROMISING = "looks_promising", "Looks promising"
    BARRIER = "barrier", "Barrier"


class Finding(BaseModel):
    programme = models.ForeignKey(
        "inspections.Programme", on_delete=models.CASCADE, related_name="findings"
    )
    theme = models.CharField("Theme", max_length=THEME_LENGTH)
    kind = models.CharField("Kind", max_length=20, choices=FindingKind.choices)
    text = limited_text(limits.TEXT, "Finding")
    # The sites the finding draws on: their partnerships, never the people interviewed there.
    sites = models.ManyToManyField("inspections.Site", related_name="findings", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["programme", "theme", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="finding_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.theme}"


class KeyLearning(BaseModel):
    programme = models.ForeignKey(
        "inspections.Programme", on_delete=models.CASCADE, related_name="key_learning"
    )
    text = limited_text(limits.TEXT, "Key learning")
    findings = models.ManyToManyField(Finding, related_name="key_learning", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name_plural = "key learning"

    def __str__(self) -> str:
        return self.text[:60]


class CaseStudyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    # The programme lead has sent it to the library; a site administrator, who keeps the
    # library's own entries (ADR 0020), takes it in.
    SENT = "sent", "Sent to the library"
    IN_LIBRARY = "in_library", "In the library"


class CaseStudy(BaseModel):
    programme = models.ForeignKey(
        "inspections.Programme", on_delete=models.CASCADE, related_name="case_studies"
    )
    site = models.ForeignKey("inspections.Site", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("Title", max_length=limits.TITLE)
    theme = models.CharField("Theme", max_length=THEME_LENGTH)
    summary = limited_text(limits.TEXT, "Summary")
    what_was_done = limited_text(limits.TEXT, "What was done")
    outcome = limited_text(limits.TEXT, "Outcome")
    # What the library asks of every entry (what_works.models.Strand and Setting).
    strand = models.CharField("Strand", max_length=30)
    setting = models.CharField("Setting", max_length=30)
    status = models.CharField(
        max_length=12, choices=CaseStudyStatus.choices, default=CaseStudyStatus.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(null=True, blank=True)
    # The library's entry made from it (what_works.services.entry_add): the link is kept so the
    # report can point to it and it is never taken in twice.
    library_entry = models.OneToOneField(
        "what_works.Entry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_case_study",
    )

    class Meta:
        ordering = ["programme", "title", "pk"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStudyStatus.IN_LIBRARY, library_entry__isnull=False)
                | (~Q(status=CaseStudyStatus.IN_LIBRARY) & Q(library_entry__isnull=True)),
                name="case_study_in_library_has_entry",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SiteFeedback(BaseModel):
    """A site's view of the exercise (¶178), given by one of its partnership's coordinators."""

    site = models.OneToOneField(
        "inspections.Site", on_delete=models.CASCADE, related_name="feedback"
    )
    useful = models.PositiveSmallIntegerField(
        "How useful was the exercise", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    what_helped = limited_text(limits.SHORT_TEXT, "What helped", blank=True)
    what_to_change = limited_text(limits.SHORT_TEXT, "What to change", blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["site", "pk"]
        verbose_name_plural = "site feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(useful__gte=1, useful__lte=5), name="site_feedback_useful_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.site}"


class AdvisoryMember(BaseModel):
    """A member of the programme's advisory group (¶23), named by the programme lead: they read
    the programme's draft findings and comment on them."""

    programme = models.ForeignKey(
        "inspections.Programme", on_delete=models.CASCADE, related_name="advisory_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advisory_seats"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["programme", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="advisory_member_once"),
            # Nobody names themselves (permissions.md, "Authority over the facts").
            models.CheckConstraint(
                condition=~Q(user=models.F("named_by")), name="advisory_member_not_self_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.programme}"


class AdvisoryComment(BaseModel):
    programme = models.ForeignKey(
        "inspections.Programme", on_delete=models.CASCADE, related_name="advisory_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = limited_text(limits.SHORT_TEXT, "Comment")

    class Meta:
        ordering = ["programme", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


__all__ = [
    "AdvisoryComment",
    "AdvisoryMember",
    "CaseStudy",
    "CaseStudyStatus",
    "Finding",
    "FindingKind",
    "KeyLearning",
    "SiteFeedback",
]
