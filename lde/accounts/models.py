"""People, the organisations they work for, the posts they hold, and their vetting.

Personal data is limited to users and their professional roles: the platform holds nothing about
members of the public.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.access.markings import VettingLevel
from lde.core.base import BaseModel
from lde.core.limits import limited_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True, is_site_administrator=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Their roles come from memberships, assignments, posts and grants.

    `is_superuser` only opens the Django admin, which registers site-level models alone; no
    policy reads it, so it grants nothing over partnership content or marked material.
    """

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="The organisation that employs this person and sponsors their vetting.",
    )
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_site_administrator = models.BooleanField(default=False)
    is_national_analyst = models.BooleanField(default=False)
    # Plans inspection programmes and assigns their inspectors (lde.inspections); given by site
    # administrators, like the national analyst's grant.
    is_programme_lead = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationType(models.TextChoices):
    COUNCIL = "council", "Council"
    POLICE_FORCE = "police_force", "Police force"
    POLICE_BCU = "police_bcu", "Police basic command unit (BCU)"
    COUNTER_TERRORISM_UNIT = "ctu", "Counter-terrorism unit (CTU)"
    SCHOOL = "school", "School"
    FURTHER_HIGHER_EDUCATION = "fe_he", "Further or higher education"
    YOUTH_OFFENDING_TEAM = "yot", "Youth offending team (YOT)"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    FIRE_AND_RESCUE = "fire", "Fire and rescue"
    VOLUNTARY_COMMUNITY = "voluntary", "Voluntary or community group"
    FAITH_INSTITUTION = "faith", "Faith institution"
    REGULATOR = "regulator", "Regulator"
    GOVERNMENT_OFFICE = "government_office", "Government office"
    # Kinds the report names that a partnership should reach (¶10, ¶97-98, ¶111, ¶187).
    POLICE_AUTHORITY = "police_authority", "Police authority"
    UK_BORDER_AGENCY = "ukba", "UK Border Agency"
    YOUTH_SERVICE = "youth_service", "Youth service"
    CULTURE_AND_LEISURE = "culture_leisure", "Culture and leisure"
    OTHER = "other", "Other"


# Whoever a request carries (`request.user`): a signed-in person or an anonymous visitor. Reads
# take it and leave the answer to the policies, which refuse anonymous visitors.
RequestUser: TypeAlias = "User | AnonymousUser"

GSS_CODE_PATTERN = r"^[EWSN]\d{8}$"

# The org-id schemes the platform accepts (360Giving's identifier guidance): Companies House, the
# charity registers of England and Wales, Scotland and Northern Ireland, a public body by its GSS
# code, and the 360Giving fallback for an organisation with none of these.
ORG_ID_PATTERN = (
    r"^(GB-COH-[A-Z0-9]{8}|GB-CHC-\d{6,8}|GB-SC-SC\d{6}|GB-NIC-\d{5,6}"
    r"|GB-GSS-[EWSN]\d{8}|360G-[A-Za-z0-9][A-Za-z0-9._-]{0,54})$"
)


def validate_org_id(value: str) -> None:
    if value and not re.fullmatch(ORG_ID_PATTERN, value):
        raise ValidationError(
            "Enter an org-id: GB-COH- and a company number, GB-CHC-, GB-SC- or GB-NIC- and a "
            "charity number, GB-GSS- and a GSS code, or 360G- and your own identifier"
        )


class Organisation(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=24, choices=OrganisationType.choices)
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        blank=True,
        help_text="The ONS code of the area the organisation covers, where it has one, "
        "for example E08000025.",
    )
    website = models.URLField(blank=True)
    # The organisation's identifier in open data (360Giving's org-id), so that a grant published
    # in the commissioning register names its funder and recipient unambiguously (¶50, ¶54).
    org_id = models.CharField(
        "org-id",
        max_length=60,
        blank=True,
        validators=[validate_org_id],
        help_text="For example GB-CHC-1234567 (a charity), GB-COH-01234567 (a company), "
        "GB-GSS-E08000025 (a public body by its GSS code) or 360G-… (the 360Giving fallback).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostKind(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    BCU_COMMANDER = "bcu_commander", "BCU commander"
    LEAD_COUNCILLOR = "lead_councillor", "Lead councillor"
    PREVENT_COORDINATOR = "prevent_coordinator", "Prevent coordinator"
    SECURITY_CONTACT = "security_contact", "Security contact"
    OTHER = "other", "Other"


class PostLevel(models.TextChoices):
    """The level a post leads at (¶92): partnerships need leadership at all three."""

    STRATEGIC = "strategic", "Strategic"
    TACTICAL = "tactical", "Tactical"
    DELIVERY = "delivery", "Delivery"


class Post(BaseModel):
    """A position in an organisation. Dissemination, vetting and coverage are by post, so that
    they survive people moving on (¶93)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=24, choices=PostKind.choices)
    title = models.CharField(max_length=150)
    level = models.CharField(
        max_length=12,
        choices=PostLevel.choices,
        default=PostLevel.DELIVERY,
        help_text="Strategic, tactical or delivery (¶92). Strategic posts of a partner "
        "organisation count towards briefing coverage (¶59).",
    )
    required_vetting = models.PositiveSmallIntegerField(
        choices=VettingLevel.choices, default=VettingLevel.NONE
    )

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="post_title_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}"


class PostHolding(BaseModel):
    """Who held a post and when. An open holding (no end date) is the current holder."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_holdings"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(ended_on__isnull=True), name="post_one_current_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.post}"


class Clearance(BaseModel):
    """A vetting clearance, recorded by the sponsoring organisation's security contact.

    Dates are calendar dates in Europe/London: a clearance that expires today is valid today.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearances"
    )
    level = models.PositiveSmallIntegerField(choices=VettingLevel.choices)
    granted_on = models.DateField()
    expires_on = models.DateField()
    sponsor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("granted_on")),
                name="clearance_expires_after_grant",
            ),
            models.CheckConstraint(
                condition=~Q(user=models.F("recorded_by")), name="clearance_not_self_recorded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} for {self.user}"

    def is_valid_on(self, day: date) -> bool:
        return self.revoked_on is None and self.granted_on <= day <= self.expires_on


class Caveat(BaseModel):
    """A handling caveat: a named group that material can be restricted to."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaveatGrant(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caveat_grants"
    )
    caveat = models.ForeignKey(Caveat, on_delete=models.PROTECT, related_name="grants")
    sponsor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    granted_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["caveat__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(user=models.F("recorded_by")), name="caveat_not_self_recorded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caveat} for {self.user}"


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_default_expiry() -> date:
    """The longest a token may last, counted from today in Europe/London."""
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=ApiToken.MAX_LIFETIME_DAYS)


class ApiToken(BaseModel):
    """A personal API token. Only a hash is stored; the token is shown once, when made.

    Every token expires, within `MAX_LIFETIME_DAYS` of being made: a token copied into a script
    and forgotten must not outlive the reason it was made. Tokens are also revoked whenever what
    their holder may do changes (`api_tokens_revoke_for_roles_changed`).
    """

    PREFIX = "lde_"
    MAX_LIFETIME_DAYS = 90
    # `last_used_at` is written again only once it is this old.
    LAST_USED_PRECISION = timedelta(minutes=1)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    expires_on = models.DateField(
        default=api_token_default_expiry,
        help_text="The last day the token works: at most 90 days after it was made.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _token_digest(raw)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _token_digest(raw)
