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
