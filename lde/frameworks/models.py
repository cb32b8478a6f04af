"""Frameworks as versioned data: what partnerships are assessed against.

A framework (stable identifier) has versions; each version is loaded whole from a YAML file and
never changed afterwards, so an assessment made against it can pin it. A version holds its rating
scales and a tree of themes, criteria and sub-criteria (one table, `Criterion`, with a `kind`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class FrameworkStatus(models.TextChoices):
    CURRENT = "current", "Current"
    HISTORICAL = "historical", "Historical"


class WrittenBy(models.TextChoices):
    REPORT = "report", "The report's own words"
    OFFICIAL = "official", "Official text"
    PLATFORM = "platform", "Written for this platform"


class Framework(BaseModel):
    identifier = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    # The demo's fictional framework, loaded to show versions and their mapping: readable in the
    # library like any other, but never offered to start a partnership's cycle against.
    demonstration = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class FrameworkVersion(BaseModel):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=FrameworkStatus.choices)
    summary = limited_text(limits.TEXT)
    source_document = limited_text(limits.SHORT_TEXT)
    source_paragraphs = models.JSONField(default=list)
    source_figures = models.JSONField(default=list)
    source_url = models.URLField(blank=True)
    provenance = limited_text(limits.TEXT)
    historical_note = limited_text(limits.TEXT, blank=True)
    replace_with_official_text = models.BooleanField(default=False)
    # The file exactly as loaded, and a hash of its parsed content, so that reloading the same
    # version is a no-op and a changed file under an old version number is refused.
    source_text = limited_text(limits.SOURCE_FILE)
    content_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    # Ordering key: versions compare as tuples of integers ("1.10" after "1.9").
    sort_key = models.JSONField(default=list)
    # When this content was last changed: set (to the second) when a file is loaded, and carried
    # over from `metadata.last-modified` when an OSCAL catalog is imported, so that exporting the
    # version as OSCAL gives the same document every time.
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["framework__title", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="framework_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class RatingScale(BaseModel):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="scales"
    )
    identifier = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    descriptors_written_by = models.CharField(max_length=10, choices=WrittenBy.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "identifier"], name="scale_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ScaleLevel(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.IntegerField()
    label = models.CharField(max_length=100)
    descriptor = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scale_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class CriterionKind(models.TextChoices):
    THEME = "theme", "Theme"
    CRITERION = "criterion", "Criterion"


class Criterion(models.Model):
    """A theme, a criterion or a sub-criterion, in document order (`position`)."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=10, choices=CriterionKind.choices)
    identifier = models.SlugField(max_length=60)
    title = limited_text(limits.SHORT_TEXT)
    guidance = limited_text(limits.TEXT, blank=True)
    evidence = models.JSONField(default=list)
    weight = models.DecimalField(max_digits=8, decimal_places=3, default=1)
    paragraphs = models.JSONField(default=list)
    scale = models.ForeignKey(
        RatingScale, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria"
    )
    rubric_written_by = models.CharField(max_length=10, choices=WrittenBy.choices, blank=True)
    depth = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField()
    path = models.CharField(max_length=400, help_text="Identifiers from the theme down.")

    class Meta:
        ordering = ["framework_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "identifier"], name="criterion_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RubricDescriptor(models.Model):
    """A criterion's own descriptor for one level of its scale."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="rubric")
    value = models.IntegerField()
    descriptor = limited_text(limits.SHORT_TEXT)

    class Meta:
        ordering = ["criterion", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "value"], name="rubric_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.descriptor[:40]}"


class MappingKind(models.TextChoices):
    SAME = "same", "Same"
    RENAMED = "renamed", "Renamed"
    SPLIT = "split", "Split"
    MERGED = "merged", "Merged"
    NEW = "new", "New"
    RETIRED = "retired", "Retired"


class VersionMapping(BaseModel):
    """What became of each criterion from one version to the next, for trends across versions."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="mappings")
    from_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="mappings_out"
    )
    to_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="mappings_in"
    )
    source_text = limited_text(limits.SOURCE_FILE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_version", "to_version"], name="mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.from_version} → {self.to_version}"


class MappingChange(models.Model):
    mapping = models.ForeignKey(VersionMapping, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=MappingKind.choices)
    from_identifiers = models.JSONField(default=list)
    to_identifiers = models.JSONField(default=list)
    note = limited_text(limits.SHORT_TEXT, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["mapping", "position"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_identifiers} → {self.to_identifiers}"
