"""Inspection programmes: the fieldwork of a learning and development exercise across many sites
(¶19–26, Appendix 1).

A programme lead (a site-wide grant that site administrators give) plans a `Programme` against
the Appendix 1 key-themes framework, adds the partnerships it visits as `Site`s and assigns
inspectors to each through the partnerships app's own `Assignment` (kind inspector), so that an
inspector reaches a site exactly as any inspector reaches a partnership. For each site: a
document request, the pre-visit analysis of the documents, the visit and its schedule, and the
notes of interviews and focus groups coded to the framework's criteria. The ratings, the draft
report, the partnership's factual-accuracy check and publication are the site's inspection
`Assessment`, started and moved through the assessments app's own services.

Nothing here records a member of the public: a visit's schedule and its notes name the roles
met ("community safety manager", "youth workers"), never people, and every free text passes the
personal-data guard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition

# The framework a programme codes its fieldwork to: the report's own Appendix 1 themes.
KEY_THEMES_FRAMEWORK = "lde-key-themes"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FIELDWORK = "fieldwork", "Fieldwork"
    REPORTING = "reporting", "Reporting"
    PUBLISHED = "published", "Published"


class Programme(BaseModel):
    """One inspection programme: a learning and development exercise over many sites."""

    title = models.CharField(max_length=limits.TITLE)
    purpose = limited_text(limits.TEXT)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programmes_led",
        help_text="The programme lead who plans it and assigns its inspectors.",
    )
    status = models.CharField(
        max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgrammeTransition(StatusTransition):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ProgrammeStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProgrammeStatus.choices)


class SiteStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DOCUMENTS_REQUESTED = "documents", "Document request sent"
    VISITED = "visited", "Visited"
    DRAFT_REPORT = "draft", "Draft report"
    FACTUAL_ACCURACY = "accuracy", "Factual-accuracy check"
    PUBLISHED = "published", "Published"


class Site(BaseModel):
    """A partnership the programme visits. Its report is its inspection `Assessment`."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sites")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="inspection_sites"
    )
    status = models.CharField(max_length=12, choices=SiteStatus.choices, default=SiteStatus.PLANNED)
    assessment = models.OneToOneField(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_site",
        help_text="The inspection assessment that holds the ratings and the report.",
    )

    class Meta:
        ordering = ["programme", "partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "partnership"], name="inspection_site_once_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} ({self.programme})"


class SiteTransition(StatusTransition):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=SiteStatus.choices)
    to_status = models.CharField(max_length=12, choices=SiteStatus.choices)


class DocumentRequest(BaseModel):
    """What the inspectors ask the site to send before the visit (¶20: pre-site documents)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="document_request")
    due_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Document request for {self.site}"


class RequestedDocument(BaseModel):
    """One item of a document request, and whether it has arrived."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(max_length=limits.TITLE)
    received = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["request", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class PreVisitAnalysis(BaseModel):
    """The inspectors' reading of the site's documents against one theme of the framework."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="analyses")
    theme = models.SlugField(
        max_length=60, help_text="A theme identifier of the programme's framework version."
    )
    text = limited_text(limits.TEXT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["site", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["site", "theme"], name="analysis_once_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.site}: {self.theme}"


class Visit(BaseModel):
    """The inspectors' visit to a site (¶20: interviews, focus groups, observation)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()

    class Meta:
        ordering = ["site", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.site} on {self.visited_on}"


class ActivityKind(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    FOCUS_GROUP = "focus_group", "Focus group"
    OBSERVATION = "observation", "Observation"


class ScheduleItem(BaseModel):
    """One slot of a visit's schedule: when, what kind, and the roles met — never names."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="schedule")
    starts_at = models.TimeField()
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    roles_met = models.CharField(
        max_length=limits.TITLE, help_text="The roles met, such as 'youth workers'; never names."
    )

    class Meta:
        ordering = ["visit", "starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.get_kind_display()}"


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    FOCUS_GROUP = "focus_group", "Focus group"


class InterviewNote(BaseModel):
    """The notes of one interview or focus group, coded to criteria of the framework. Visible
    only to the programme's inspectors on the site and its lead."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    roles_present = models.CharField(
        max_length=limits.TITLE, help_text="The roles present, never names."
    )
    text = limited_text(limits.LONG_TEXT)
    themes = models.JSONField(
        default=list, help_text="Criterion identifiers of the programme's framework version."
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["visit", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.roles_present}"


# The cross-site learning (findings, key learning, case studies, feedback, the advisory group).
from lde.inspections.models_learning import *  # noqa: E402, F403
