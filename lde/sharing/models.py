"""The information sharing gateway (¶58–81, Figures 2 and 3, case study 3).

Material passes from the organisation that holds it to the local partners who need it, under an
information sharing protocol agreed between the organisations. A *briefing product* belongs to
the organisation that produced it (a police counter-terrorism unit may belong to no partnership)
and is addressed to recipient partnerships. Before release it passes the *gateway review*: each
contributing organisation's approver agrees the exact version (content, attachments, marking,
caveats, dissemination list and protocol, hashed together), and critical readers comment on the
version they were given. Who may see a product is the gateway rule of the architecture, stated
once in `policies.py`.

Material marked above the instance's ceiling is never stored: a product then holds only a record
that it exists — a short title its holder declares releasable at the ceiling — the post that holds
it and how to ask (the iceberg of Figure 2).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.core.workflow import StatusTransition

# --- Information sharing protocols ---------------------------------------------------------


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_FORCE = "in_force", "In force"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


# The only ways a protocol's status changes, each with the words its history row uses.
PROTOCOL_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProtocolStatus.DRAFT, ProtocolStatus.IN_FORCE): "Brought into force",
    (ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED): "Suspended",
    (ProtocolStatus.SUSPENDED, ProtocolStatus.IN_FORCE): "Back in force",
    (ProtocolStatus.IN_FORCE, ProtocolStatus.ENDED): "Ended",
    (ProtocolStatus.SUSPENDED, ProtocolStatus.ENDED): "Ended",
    (ProtocolStatus.DRAFT, ProtocolStatus.ENDED): "Abandoned",
}


class Protocol(BaseModel):
    """An information sharing protocol: the agreement between organisations under which
    briefing products are released (¶63–66). Only a protocol in force lets anyone read what was
    released under it, and only the staff of its parties."""

    title = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=60, blank=True, help_text="The protocol's own reference, if it has one."
    )
    parties = models.ManyToManyField(
        "accounts.Organisation", related_name="sharing_protocols", blank=True
    )
    controllers = models.ManyToManyField(
        "accounts.Organisation",
        related_name="controlled_sharing_protocols",
        blank=True,
        help_text="The data controllers among the parties.",
    )
    purpose = limited_text(limits.LONG_TEXT)
    legal_basis = limited_text(limits.LONG_TEXT)
    dpia_reference = models.CharField("data protection impact assessment reference", max_length=120)
    information_shared = limited_text(limits.LONG_TEXT, "what information is shared")
    who_may_see = limited_text(limits.LONG_TEXT, "who may see it")
    handling = limited_text(limits.LONG_TEXT, "handling and security")
    retention_days = models.PositiveIntegerField(
        "retention period in days",
        validators=[MinValueValidator(1), MaxValueValidator(36_500)],
        help_text="Products released under the protocol are withdrawn, and their files deleted, "
        "this many days after release.",
    )
    review_on = models.DateField("review date")
    # Raised by one on every change, so that two people editing the protocol cannot overwrite
    # each other unseen (lde/core/concurrency.py).
    revision = models.PositiveIntegerField(default=1)
    review_reminder_sent_for = models.DateField(
        null=True,
        blank=True,
        help_text="The review date the coordinators were last reminded of: one reminder each.",
    )
    status = models.CharField(
        max_length=12, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    external_url = models.URLField(
        "where else it is registered",
        max_length=500,
        blank=True,
        help_text="A link to the same agreement where it is registered elsewhere.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_days__gte=1), name="protocol_retention_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProtocolSignatory(BaseModel):
    """Who signed the protocol for one of its parties, and when."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    post_title = models.CharField(max_length=150)
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} for {self.organisation_id}"


class ProtocolTransition(StatusTransition):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ProtocolStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProtocolStatus.choices)


# --- Briefing products ---------------------------------------------------------------------


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    RELEASED = "released", "Released"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


# Statuses in which a product is read under clauses 1 to 6 of the gateway rule.
READABLE_STATUSES = (ProductStatus.RELEASED, ProductStatus.SUPERSEDED)
# Statuses in which the people working on it see it (they too must meet clauses 4 and 5).
WORKING_STATUSES = (ProductStatus.DRAFT, ProductStatus.IN_REVIEW)
# The only ways a product's status changes, each with the policy action that allows it.
PRODUCT_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProductStatus.DRAFT, ProductStatus.IN_REVIEW): "submit",
    (ProductStatus.IN_REVIEW, ProductStatus.DRAFT): "return_to_draft",
    (ProductStatus.IN_REVIEW, ProductStatus.RELEASED): "release",
    (ProductStatus.RELEASED, ProductStatus.WITHDRAWN): "withdraw",
    (ProductStatus.SUPERSEDED, ProductStatus.WITHDRAWN): "withdraw",
    # Only as the consequence of releasing the next version.
    (ProductStatus.RELEASED, ProductStatus.SUPERSEDED): "supersede",
}


class BriefingProduct(BaseModel):
    producing_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    summary = limited_text(limits.TEXT, blank=True)
    body = limited_text(limits.LONG_TEXT, blank=True)
    marking = models.ForeignKey("core.Marking", on_delete=models.PROTECT, related_name="+")
    caveats = models.ManyToManyField("accounts.Caveat", related_name="+", blank=True)
    area_gss_codes = models.JSONField(
        "areas covered", default=list, blank=True, help_text="ONS GSS codes of the areas covered."
    )
    contributing_organisations = models.ManyToManyField(
        "accounts.Organisation", related_name="+", blank=True
    )
    recipients = models.ManyToManyField("partnerships.Partnership", related_name="+", blank=True)
    protocol = models.ForeignKey(
        Protocol, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(
        max_length=12, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    # Above the ceiling: a record that the material exists, who holds it and how to ask — a short
    # title and nothing else of the material: no summary, body or attachments.
    held_elsewhere = models.BooleanField(default=False)
    title_releasable_declared = models.BooleanField(
        "the title itself may be released at the platform's ceiling",
        default=False,
        help_text="For a record of material held above the ceiling: the holder's declaration "
        "that its short title is itself releasable at the ceiling.",
    )
    holder_post = models.ForeignKey(
        "accounts.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    how_to_ask = limited_text(limits.SHORT_TEXT, blank=True)
    # The SHA-256 of the version as last saved (see versions.py); release recomputes it.
    version_hash = models.CharField(max_length=64, blank=True)
    # Raised by one on every save through the edit page or API, so that two people editing the
    # same draft cannot overwrite each other unseen (lde/core/concurrency.py).
    revision = models.PositiveIntegerField(default=1)
    personal_data_declared_hash = models.CharField(max_length=64, blank=True)
    personal_data_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    personal_data_declared_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    retention_ends_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-released_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "released_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_elsewhere=False) | Q(body=""),
                name="held_elsewhere_has_no_body",
            ),
            models.CheckConstraint(
                condition=Q(held_elsewhere=False) | Q(summary=""),
                name="held_elsewhere_has_no_summary",
            ),
            models.CheckConstraint(
                condition=Q(held_elsewhere=True) | Q(title_releasable_declared=False),
                name="title_declared_only_on_records_held_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PersonKind(models.TextChoices):
    AUTHOR = "author", "Author"
    APPROVER = "approver", "Gateway approver"
    CRITICAL_READER = "critical_reader", "Critical reader"


class ProductPerson(models.Model):
    """Someone the producing organisation named to work on a product before release."""

    product = models.ForeignKey(BriefingProduct, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=PersonKind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user", "kind"], name="product_person_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} as {self.kind}"


class DisseminationKind(models.TextChoices):
    POST = "post", "Post"
    ROLE = "role", "Role in a recipient partnership"
    ORGANISATION = "organisation", "Organisation"
    USER = "user", "Named person"


class DisseminationEntry(models.Model):
    """One line of the dissemination list: everyone holding a post, everyone with a role in a
    recipient partnership, everyone working for an organisation, or one named person."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="dissemination"
    )
    kind = models.CharField(max_length=12, choices=DisseminationKind.choices)
    post = models.ForeignKey(
        "accounts.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=24, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="post",
                        post__isnull=False,
                        role="",
                        organisation__isnull=True,
                        user__isnull=True,
                    )
                    | (
                        Q(
                            kind="role",
                            post__isnull=True,
                            organisation__isnull=True,
                            user__isnull=True,
                        )
                        & ~Q(role="")
                    )
                    | Q(
                        kind="organisation",
                        post__isnull=True,
                        role="",
                        organisation__isnull=False,
                        user__isnull=True,
                    )
                    | Q(
                        kind="user",
                        post__isnull=True,
                        role="",
                        organisation__isnull=True,
                        user__isnull=False,
                    )
                ),
                name="dissemination_entry_names_one_thing",
            ),
            models.UniqueConstraint(
                fields=["product", "post"], condition=Q(kind="post"), name="dissemination_post_once"
            ),
            models.UniqueConstraint(
                fields=["product", "role"], condition=Q(kind="role"), name="dissemination_role_once"
            ),
            models.UniqueConstraint(
                fields=["product", "organisation"],
                condition=Q(kind="organisation"),
                name="dissemination_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["product", "user"], condition=Q(kind="user"), name="dissemination_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.post_id or self.role or self.organisation_id or self.user_id}"

    @property
    def role_label(self) -> str:
        from lde.partnerships.models import Role

        return str(Role(self.role).label).lower() if self.role in Role.values else self.role


class Attachment(models.Model):
    """A file stored outside the web root under a random name, with a SHA-256 of its content,
    served only through the policy-checked view. Retention deletes the file and keeps the row."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="attachments"
    )
    file_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    # What the personal-data guard found in the file's text at upload: kind, place and a masked
    # excerpt, never the identifier itself. Null when the file has no text the guard can read
    # (an image), so that the author is told it was not checked.
    guard_findings = models.JSONField(null=True, blank=True, default=list)

    class Meta:
        ordering = ["file_name", "pk"]

    def __str__(self) -> str:
        return self.file_name


class ProductTransition(StatusTransition):
    """A product's status change, with the hash of the version it was made on."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12, choices=ProductStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProductStatus.choices)
    version_hash = models.CharField(max_length=64, blank=True)


class Approval(models.Model):
    """A gateway approver's agreement, for their organisation, to one exact version."""

    product = models.ForeignKey(BriefingProduct, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    version_hash = models.CharField(max_length=64)
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "approver"], name="one_approval_each")
        ]

    def __str__(self) -> str:
        return f"{self.approver_id} approved {self.version_hash[:12]}"


class ReviewComment(models.Model):
    """A critical reader's (or approver's) comment, on the version they were given."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = limited_text(limits.TEXT)
    version_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment {self.pk}"


class ProductRead(models.Model):
    """Who has opened a product: the access record its authors and approvers see."""

    product = models.ForeignKey(BriefingProduct, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField()
    last_read_at = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_read_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="one_read_record_each")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.product_id}"


class Acknowledgement(models.Model):
    """A reader's "read and understood", for the version they read."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version_hash = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="one_acknowledgement_each")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.product_id}"


class Feedback(models.Model):
    """A reader's feedback to the contributors (¶158): whether it was useful, what is missing.
    Never a concern about a person, which goes to the proper referral route."""

    product = models.ForeignKey(BriefingProduct, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = limited_text(limits.TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class AccessRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class AccessRequest(models.Model):
    """A request to the holder of material kept above the ceiling, sent from its record."""

    product = models.ForeignKey(
        BriefingProduct, on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = limited_text(limits.TEXT)
    status = models.CharField(
        max_length=10, choices=AccessRequestStatus.choices, default=AccessRequestStatus.OPEN
    )
    answer = limited_text(limits.TEXT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Access request {self.pk}"


# --- The catalogue of information sources (¶60–61) ----------------------------------------


class Granularity(models.TextChoices):
    """The smallest area a data set's figures are given for."""

    NATIONAL = "national", "National"
    REGION = "region", "Region"
    POLICE_FORCE = "police_force", "Police force area"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    WARD = "ward", "Electoral ward"
    MSOA = "msoa", "Middle layer super output area"
    LSOA = "lsoa", "Lower layer super output area"
    OUTPUT_AREA = "output_area", "Output area"
    OTHER = "other", "Other"


class RefreshFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Every year"
    CENSUS = "census", "Every ten years (census)"
    IRREGULAR = "irregular", "Irregularly"
    ONE_OFF = "one_off", "Once only"


class ProtectedCharacteristic(models.TextChoices):
    """The protected characteristics of the Equality Act 2010, section 4."""

    AGE = "age", "Age"
    DISABILITY = "disability", "Disability"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment"
    MARRIAGE = "marriage_civil_partnership", "Marriage and civil partnership"
    PREGNANCY = "pregnancy_maternity", "Pregnancy and maternity"
    RACE = "race", "Race (including colour, nationality, ethnic or national origins)"
    RELIGION = "religion_belief", "Religion or belief"
    SEX = "sex", "Sex"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"


class InformationSource(BaseModel):
    """One area-level data set a partnership uses to understand its communities (¶60–61): who
    owns it, what it covers and at what granularity, how often it is refreshed, its marking and
    how to get it. The catalogue holds only this description, never the data itself, and nothing
    in it scores, ranks or maps areas. An entry whose data set holds a protected characteristic
    (religion, ethnicity and the rest) says so and must record why the partnership needs it."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="information_sources"
    )
    title = models.CharField(max_length=200)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that owns the data set.",
    )
    description = limited_text(limits.TEXT, blank=True)
    coverage_gss_codes = models.JSONField(
        "areas covered (GSS codes)", default=list, blank=True, help_text="ONS GSS codes."
    )
    coverage_description = models.CharField("coverage", max_length=500, blank=True)
    granularity = models.CharField(max_length=20, choices=Granularity.choices)
    refresh = models.CharField("refresh frequency", max_length=12, choices=RefreshFrequency.choices)
    marking = models.ForeignKey(
        "core.Marking",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The marking of the data set itself. The catalogue describes it; it never "
        "stores it.",
    )
    how_to_get = limited_text(limits.SHORT_TEXT, "how to get it")
    protected_characteristics = models.JSONField(
        "protected characteristics held",
        default=list,
        blank=True,
        help_text="Codes of ProtectedCharacteristic.",
    )
    protected_characteristics_reason = limited_text(
        limits.SHORT_TEXT, "why the protected characteristics are needed", blank=True
    )
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def holds_protected_characteristics(self) -> bool:
        return bool(self.protected_characteristics)

    @property
    def protected_characteristic_labels(self) -> list[str]:
        labels = dict(ProtectedCharacteristic.choices)
        return [str(labels.get(code, code)) for code in self.protected_characteristics]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problems: dict[str, list[str]] = {}
        held = self.protected_characteristics
        if not isinstance(held, list) or any(
            code not in ProtectedCharacteristic.values for code in held
        ):
            problems["protected_characteristics"] = [
                "Choose protected characteristics from the list"
            ]
        elif held and not self.protected_characteristics_reason.strip():
            problems["protected_characteristics_reason"] = [
                "Say why the partnership needs a data set that holds protected characteristics"
            ]
        if problems:
            raise ValidationError(problems)
