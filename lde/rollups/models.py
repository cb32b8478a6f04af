"""Similar areas: open area data by GSS code, each area's nearest neighbours, and the requests
for a peer review that partnerships send their neighbours (¶175).

The area data describes places (density, deprivation, the share of young people in education
and so on), never a person, and never a place by the religion or ethnicity of its people: a
variable that describes any protected characteristic of the Equality Act 2010 is refused at
import, whatever the CSV calls it. Nothing here scores or ranks a place; the distance between
two areas says only how alike their figures are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

# How many neighbours each area keeps (CIPFA's nearest-neighbour model keeps 15).
NEIGHBOURS = 15


class AreaDataSet(BaseModel):
    """One import of area data: the variables as declared (name, label, source, licence,
    weight), and the areas' figures. The newest is the one in use; earlier ones are kept, with
    their neighbours, so that what a partnership was shown can be traced."""

    file_name = models.CharField(max_length=limits.TITLE)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # [{"name", "label", "source", "licence", "weight"}], in the order of the CSV's columns.
    variables = models.JSONField(default=list)
    # {gss_code: [value, ...]} in the variables' order: the figures as imported.
    values = models.JSONField(default=dict)
    areas = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Area data {self.pk} ({self.file_name})"


class AreaNeighbour(models.Model):
    """One of an area's nearest neighbours in one data set: its rank (1 is nearest), the
    Euclidean distance over the standardised variables, and each variable's share of the
    squared distance (in the variables' order), which is the "why close" of a pair.

    The partnerships are those whose areas the codes are, found at import (an unknown code is
    refused then), so that who may see a row is a question about partnerships."""

    data_set = models.ForeignKey(AreaDataSet, on_delete=models.CASCADE, related_name="neighbours")
    area_code = models.CharField(max_length=9)
    neighbour_code = models.CharField(max_length=9)
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    neighbour = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField()
    contributions = models.JSONField(default=list)

    class Meta:
        ordering = ["data_set", "area_code", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "area_code", "rank"], name="area_neighbour_rank_unique"
            ),
            models.CheckConstraint(
                condition=~Q(area_code=models.F("neighbour_code")),
                name="area_neighbour_not_itself",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "data_set"])]

    def __str__(self) -> str:
        return f"{self.neighbour_code} near {self.area_code} ({self.rank})"


class PeerReviewRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class PeerReviewRequest(BaseModel):
    """A partnership asks a similar one to review its work (¶175). The asked partnership's
    coordinators accept or decline it; a site administrator then assigns the reviewers, since
    only they make assignments (permissions.md), and sees the accepted requests to do so."""

    requester = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    asked = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    message = limited_text(limits.SHORT_TEXT, blank=True)
    status = models.CharField(
        max_length=10,
        choices=PeerReviewRequestStatus.choices,
        default=PeerReviewRequestStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reply = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("asked")), name="peer_review_request_not_itself"
            ),
            # One open request between the same two partnerships at a time.
            models.UniqueConstraint(
                fields=["requester", "asked"],
                condition=Q(status="requested"),
                name="peer_review_request_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Peer review request {self.pk}"


# --- Open data releases ------------------------------------------------------------------------
# Chosen aggregate figures published as CSV and JSON under a licence, with their metadata and
# the record of who approved them (issue 17). Only figures the platform computes itself, through
# the one small-number rule, are ever released, and they are frozen at approval: what was
# approved is what leaves, byte for byte (the hash says so).

OPEN_GOVERNMENT_LICENCE = "Open Government Licence v3.0"
OPEN_GOVERNMENT_LICENCE_URL = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)


class OpenDataScope(models.TextChoices):
    PARTNERSHIP = "partnership", "A partnership's own figures"
    NATIONAL = "national", "National figures"


class OpenDataStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    RELEASED = "released", "Released"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OpenDataFigures(models.TextChoices):
    """The closed list of aggregate figures a release may hold: each is computed by a selector
    that already applies the small-number rule (`lde.rollups.opendata`)."""

    NATIONAL_BRIEFING_COVERAGE = "national_briefing_coverage", "National briefing coverage"
    INDICATOR_OBSERVATIONS = (
        "indicator_observations",
        "Observations of a published indicator",
    )


class OpenDataRelease(BaseModel):
    """A set of aggregate figures to publish: a partnership's own, approved by its coordinator,
    or national, proposed by one national analyst and approved by another. Approval freezes the
    figures (already suppressed) and their hash; release, on approval's heels or on the embargo
    date, puts them on the open pages."""

    scope = models.CharField(max_length=12, choices=OpenDataScope.choices)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(max_length=limits.TITLE)
    description = limited_text(limits.SHORT_TEXT, blank=True)
    licence = models.CharField(max_length=limits.TITLE, default=OPEN_GOVERNMENT_LICENCE)
    licence_url = models.URLField(max_length=limits.TITLE, default=OPEN_GOVERNMENT_LICENCE_URL)
    publisher = models.CharField(max_length=limits.TITLE)
    figures_kind = models.CharField(max_length=40, choices=OpenDataFigures.choices)
    # The kind's parameters, checked by `lde.rollups.opendata.parameters_check`.
    parameters = models.JSONField(default=dict, blank=True)
    # {"columns": [...], "rows": [{column: value or None (withheld)}]}, set at approval.
    figures = models.JSONField(null=True, blank=True)
    figures_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=OpenDataStatus.choices, default=OpenDataStatus.DRAFT
    )
    embargo_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="partnership") & Q(partnership__isnull=False))
                | (Q(scope="national") & Q(partnership__isnull=True)),
                name="open_data_release_scope_partnership",
            ),
            # National figures need two national analysts: one proposes, another approves.
            models.CheckConstraint(
                condition=Q(scope="partnership")
                | Q(approved_by__isnull=True)
                | ~Q(approved_by=models.F("proposed_by")),
                name="open_data_release_second_approver",
            ),
            # What is approved or released was approved by someone, and its figures frozen.
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "released"])
                | (Q(approved_by__isnull=False) & Q(figures__isnull=False)),
                name="open_data_release_approved_frozen",
            ),
        ]
        indexes = [models.Index(fields=["status", "embargo_until"])]

    def __str__(self) -> str:
        return self.title
