"""Partnerships (the tenant), alliances, member organisations, memberships and assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits

# Role is the access rule's vocabulary, so it lives in core; it is named here too because a
# membership is where a role is held.
from lde.core.access.roles import Role as Role
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class Region(models.TextChoices):
    NORTH_EAST = "E12000001", "North East"
    NORTH_WEST = "E12000002", "North West"
    YORKSHIRE = "E12000003", "Yorkshire and The Humber"
    EAST_MIDLANDS = "E12000004", "East Midlands"
    WEST_MIDLANDS = "E12000005", "West Midlands"
    EAST = "E12000006", "East of England"
    LONDON = "E12000007", "London"
    SOUTH_EAST = "E12000008", "South East"
    SOUTH_WEST = "E12000009", "South West"


class Partnership(BaseModel):
    """A local partnership: a council area with its police BCU and partners. The tenant."""

    name = models.CharField(max_length=200, unique=True)
    lead_council = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="led_partnerships"
    )
    police_bcus = models.ManyToManyField(
        "accounts.Organisation", related_name="policed_partnerships", blank=True
    )
    area_gss_codes = models.JSONField(
        default=list, blank=True, help_text="ONS GSS codes of the areas the partnership covers."
    )
    region = models.CharField(max_length=9, choices=Region.choices)
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        through="PartnerOrganisation",
        related_name="partnerships",
        blank=True,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerOrganisation(BaseModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="partner_links"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="partnership_links"
    )
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partner_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Alliance(BaseModel):
    """Partnerships that pool money and work (¶55, ¶104)."""

    name = models.CharField(max_length=200, unique=True)
    purpose = limited_text(limits.TEXT, blank=True)
    partnerships = models.ManyToManyField(Partnership, related_name="alliances")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role in a partnership. One row per role held."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=24, choices=Role.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the person represents in this partnership.",
    )

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.partnership}"


class AssignmentKind(models.TextChoices):
    PEER_REVIEWER = "peer_reviewer", "Peer reviewer"
    INSPECTOR = "inspector", "Inspector"


class Assignment(BaseModel):
    """Narrow, time-limited access outside one's own partnership.

    A peer reviewer is assigned to one assessment of another partnership; an inspector to the
    partnerships of one inspection. Access ends on `ends_on` without anyone removing it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(max_length=16, choices=AssignmentKind.choices)
    title = models.CharField(max_length=200, help_text="The inspection or review this is for.")
    partnerships = models.ManyToManyField(Partnership, related_name="assignments")
    # The assessment a peer reviewer is assigned to, once assessments exist; identified loosely
    # here so the foundation does not depend on the assessments app.
    subject_reference = models.CharField(max_length=100, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="assignment_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class StrategicPost(BaseModel):
    """A post the partnership's coordinator names as strategic for briefing coverage (¶59),
    besides the defaults: the chief executive and lead councillor of its lead council, the
    commander of each of its police BCUs, and any partner organisation's post flagged strategic.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="strategic_posts"
    )
    post = models.ForeignKey("accounts.Post", on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["post__title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "post"], name="strategic_post_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.partnership_id}"
