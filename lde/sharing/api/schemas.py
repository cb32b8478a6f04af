"""The shapes of the gateway's API: what each endpoint takes and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from lde.core import limits
from lde.core.api_schemas import PageParams, revision_sent
from lde.core.limits import limit_of
from lde.partnerships.models import Role
from lde.sharing.models import (
    AccessRequest,
    BriefingProduct,
    DisseminationKind,
    Feedback,
    Granularity,
    InformationSource,
    PersonKind,
    ProductStatus,
    ProtectedCharacteristic,
    Protocol,
    ProtocolStatus,
    RefreshFrequency,
    ReviewComment,
)

BIGINT = 9_223_372_036_854_775_807
FREE_TEXT = r"^[^\x00]*$"
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
Id = Annotated[int, Field(ge=1, le=BIGINT)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=ONE_LINE)]


class OrganisationRef(Schema):
    id: int
    name: str


class PartnershipRef(Schema):
    id: int
    name: str


class SignatoryOut(Schema):
    organisation: OrganisationRef
    name: str
    post_title: str
    signed_on: date


class ProtocolOut(Schema):
    id: int
    title: str
    reference: str
    status: ProtocolStatus
    parties: list[OrganisationRef]
    review_on: date
    retention_days: int


class ProtocolDetailOut(ProtocolOut):
    revision: int = Field(description="Raised by one on every change: send it back with a change.")
    controllers: list[OrganisationRef]
    purpose: str
    legal_basis: str
    dpia_reference: str
    information_shared: str
    who_may_see: str
    handling: str
    external_url: str
    signatories: list[SignatoryOut]
    may_manage: bool


class ProtocolIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, pattern=ONE_LINE)
    reference: str = Field("", max_length=60, pattern=ONE_LINE)
    party_ids: list[Id] = Field(min_length=1, max_length=100)
    controller_ids: list[Id] = Field(default_factory=list, max_length=100)
    purpose: str = Field(min_length=1, max_length=limit_of(Protocol, "purpose"), pattern=FREE_TEXT)
    legal_basis: str = Field(
        min_length=1, max_length=limit_of(Protocol, "legal_basis"), pattern=FREE_TEXT
    )
    dpia_reference: str = Field(min_length=1, max_length=120, pattern=ONE_LINE)
    information_shared: str = Field(
        min_length=1, max_length=limit_of(Protocol, "information_shared"), pattern=FREE_TEXT
    )
    who_may_see: str = Field(
        min_length=1, max_length=limit_of(Protocol, "who_may_see"), pattern=FREE_TEXT
    )
    handling: str = Field(
        min_length=1, max_length=limit_of(Protocol, "handling"), pattern=FREE_TEXT
    )
    retention_days: int = Field(ge=1, le=36_500)
    review_on: date
    external_url: str = Field("", max_length=500, pattern=ONE_LINE)


class ProtocolChangeIn(ProtocolIn):
    revision: int | None = revision_sent()


class ProtocolStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: ProtocolStatus
    reason: str = Field("", max_length=limits.SHORT_TEXT, pattern=FREE_TEXT)


class SignatoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organisation_id: Id
    name: str = Field(min_length=1, max_length=150, pattern=ONE_LINE)
    post_title: str = Field(min_length=1, max_length=150, pattern=ONE_LINE)
    signed_on: date


class MarkingOut(Schema):
    code: str
    label: str
    handled_as: str = Field(description="The marking of today's scheme it is handled as.")


class ProductOut(Schema):
    id: int
    title: str
    status: ProductStatus
    version: int
    producing_organisation: OrganisationRef
    marking: MarkingOut
    caveats: list[str]
    held_elsewhere: bool = Field(
        description="True for a record of material above the platform's ceiling: no summary, "
        "body or attachments are ever stored, only a short title its holder declared releasable "
        "at the ceiling, who holds it and how to ask; it has no PDF and is not acknowledged."
    )
    released_at: datetime | None


class AttachmentOut(Schema):
    id: int
    file_name: str
    size: int
    content_type: str
    content_hash: str = Field(description="SHA-256 of the file's content.")
    url: str | None = Field(description="Downloads it, through the same rule; null once deleted.")


class PersonOut(Schema):
    user_id: int
    name: str
    kind: str = Field(description="author, approver or critical_reader")


class DisseminationOut(Schema):
    kind: str = Field(description="post, role, organisation or user")
    post_id: int | None
    role: str | None
    organisation_id: int | None
    user_id: int | None


class ApprovalOut(Schema):
    approver_id: int
    approver_name: str
    organisation_id: int
    version_hash: str
    current: bool
    approved_at: datetime


class CommentOut(Schema):
    author_id: int
    author_name: str
    body: str
    version_hash: str
    created_at: datetime


class ProductTransitionOut(Schema):
    from_status: str
    to_status: str
    actor_id: int | None
    reason: str
    version_hash: str
    occurred_at: datetime


class ReviewOut(Schema):
    people: list[PersonOut]
    dissemination: list[DisseminationOut]
    approvals: list[ApprovalOut]
    comments: list[CommentOut]
    transitions: list[ProductTransitionOut]
    declared: bool = Field(
        description="An author declared that this exact version holds no information about "
        "identifiable members of the public."
    )
    problems: list[str] = Field(description="What still stops review or release.")


class ProductDetailOut(ProductOut):
    revision: int = Field(description="Raised by one on every change: send it back with a change.")
    summary: str
    body: str
    area_gss_codes: list[str]
    contributing_organisations: list[OrganisationRef]
    recipients: list[PartnershipRef]
    protocol_id: int | None
    protocol_title: str | None
    protocol_status: str | None
    holder_post_id: int | None
    how_to_ask: str
    title_releasable_declared: bool = Field(
        description="A record's holder declared its title releasable at the platform's ceiling."
    )
    supersedes_id: int | None
    version_hash: str = Field(description="SHA-256 of this exact version; approvals name it.")
    attachments: list[AttachmentOut]
    acknowledged: bool
    review: ReviewOut | None = Field(
        description="For the people named to work on it: its gateway review. Null otherwise."
    )


class ProductGuardFindingOut(Schema):
    where: str = Field(description="The field or file, and the line (and page) it is on.")
    kind: str = Field(description="What it looks like, e.g. Phone number.")
    excerpt: str = Field(description="A masked excerpt: never the identifier itself.")


class ProductGuardOut(Schema):
    findings: list[ProductGuardFindingOut]
    files_not_checked: list[str] = Field(
        description="Attachments with no text the guard can read: check them yourself."
    )
    declared: bool = Field(description="An author declared this exact version free of it.")


class ProductFilters(PageParams):
    status: ProductStatus | None = None


class ProductIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, pattern=ONE_LINE)
    marking: str = Field(
        min_length=1, max_length=40, pattern=ONE_LINE, description="A marking's code."
    )
    summary: str = Field("", max_length=limit_of(BriefingProduct, "summary"), pattern=FREE_TEXT)
    body: str = Field("", max_length=limit_of(BriefingProduct, "body"), pattern=FREE_TEXT)
    caveats: list[Code] = Field(default_factory=list, max_length=50)
    area_gss_codes: list[Code] = Field(
        default_factory=list, max_length=500, description="ONS GSS codes, like E08000025."
    )
    contributing_organisation_ids: list[Id] = Field(default_factory=list, max_length=100)
    recipient_ids: list[Id] = Field(default_factory=list, max_length=500)
    protocol_id: Id | None = None
    holder_post_id: Id | None = None
    how_to_ask: str = Field(
        "", max_length=limit_of(BriefingProduct, "how_to_ask"), pattern=FREE_TEXT
    )
    title_releasable_declared: bool = Field(
        False,
        description="For a record of material above the ceiling (required true there): the "
        "holder declares that the short title itself is releasable at the platform's ceiling. "
        "Such a record takes no summary, body or attachments.",
    )


class ProductChangeIn(ProductIn):
    revision: int | None = revision_sent()


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    kind: PersonKind


class PeopleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    people: list[PersonIn] = Field(min_length=1, max_length=200)


class DisseminationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: DisseminationKind
    post_id: Id | None = None
    role: Role | None = None
    organisation_id: Id | None = None
    user_id: Id | None = None


class DisseminationListIn(Schema):
    model_config = ConfigDict(extra="forbid")

    entries: list[DisseminationIn] = Field(max_length=500)


class ProductSubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    no_personal_data_declared: bool = Field(
        description="This version, its attachments and its lists hold no information about "
        "identifiable members of the public."
    )


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="The version_hash of the version you read."
    )


class CommentIn(VersionIn):
    body: str = Field(min_length=1, max_length=limit_of(ReviewComment, "body"), pattern=FREE_TEXT)


class ProductReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=limit_of(AccessRequest, "reason"), pattern=FREE_TEXT
    )


class FeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        min_length=1,
        max_length=limit_of(Feedback, "body"),
        pattern=FREE_TEXT,
        description="Feedback to the contributors. Never a concern about a person: that goes to "
        "the local safeguarding or Prevent referral route.",
    )


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(
        min_length=1, max_length=limit_of(AccessRequest, "answer"), pattern=FREE_TEXT
    )


class ReadOut(Schema):
    user_id: int
    name: str
    first_read_at: datetime
    last_read_at: datetime
    times: int
    acknowledged_at: datetime | None


class FeedbackOut(Schema):
    author_id: int
    author_name: str
    body: str
    created_at: datetime


class ReadershipOut(Schema):
    reads: list[ReadOut]
    feedback: list[FeedbackOut]


class AccessRequestOut(Schema):
    id: int
    product_id: int
    product_title: str
    requester_id: int
    reason: str
    status: str
    answer: str
    answered_at: datetime | None


class ProductStateOut(Schema):
    id: int
    status: str
    version: int
    version_hash: str
    readable: bool = Field(
        description="Whether you can still read it. Once released, the people who worked on it "
        "read it only as the gateway rule lets any reader: in a recipient partnership, on the "
        "dissemination list and in an organisation party to the protocol."
    )


class AcknowledgementOut(Schema):
    product_id: int
    version_hash: str
    acknowledged_at: datetime


class FeedbackSentOut(Schema):
    id: int
    created_at: datetime


class InformationSourceOut(Schema):
    id: int
    partnership: PartnershipRef
    title: str
    owner_organisation: OrganisationRef
    granularity: Granularity
    refresh: RefreshFrequency
    marking: MarkingOut
    holds_protected_characteristics: bool = Field(
        description="Flagged: the data set holds religion, ethnicity or another protected "
        "characteristic of the Equality Act 2010."
    )
    protected_characteristics: list[ProtectedCharacteristic]
    protected_characteristics_reason: str = Field(
        description="Why the partnership needs them; never empty when any is held."
    )
    last_reviewed_on: date | None


class InformationSourceDetailOut(InformationSourceOut):
    description: str
    coverage_gss_codes: list[str]
    coverage_description: str
    how_to_get: str
    created_at: datetime
    updated_at: datetime
    may_manage: bool


class InformationSourceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, pattern=ONE_LINE)
    owner_organisation_id: Id
    description: str = Field(
        "", max_length=limit_of(InformationSource, "description"), pattern=FREE_TEXT
    )
    coverage_gss_codes: list[Annotated[str, Field(pattern=r"^[EWSNewsn]\d{8}$")]] = Field(
        default_factory=list, max_length=500
    )
    coverage_description: str = Field("", max_length=500, pattern=ONE_LINE)
    granularity: Granularity
    refresh: RefreshFrequency
    marking: Code = Field(description="The code of a marking of today's scheme.")
    how_to_get: str = Field(
        min_length=1, max_length=limit_of(InformationSource, "how_to_get"), pattern=FREE_TEXT
    )
    protected_characteristics: list[ProtectedCharacteristic] = Field(
        default_factory=list, max_length=9
    )
    protected_characteristics_reason: str = Field(
        "",
        max_length=limit_of(InformationSource, "protected_characteristics_reason"),
        pattern=FREE_TEXT,
    )
    last_reviewed_on: date | None = None
