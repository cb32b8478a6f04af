"""API: information sharing protocols, briefing products and their gateway review.

The same rule as the pages: every read of a product goes through the selectors, whose filter is
the gateway rule, so a product the caller may not see answers 404 — the same as a missing one —
and is absent from every list and count. Writes go through the services: 403 when the product
is visible but the action is not allowed (saying who can), 400 with the fields named when the
service refuses. Every read of a product and every download is audited, as on the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import ConfigDict, Field

from lde.accounts.models import Caveat, Organisation, Post, User
from lde.accounts.selectors import acting_user
from lde.core.access.facts import facts_for
from lde.core.access.markings import Marking
from lde.core.access.policy import PermissionDenied403
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    field_errors,
)
from lde.core.files import safe_file_name
from lde.partnerships.models import Partnership, Role
from lde.partnerships.selectors import partnership_get
from lde.sharing import selectors, services, stamping
from lde.sharing.models import (
    READABLE_STATUSES,
    AccessRequest,
    Attachment,
    BriefingProduct,
    DisseminationKind,
    Granularity,
    InformationSource,
    PersonKind,
    ProductStatus,
    ProtectedCharacteristic,
    Protocol,
    ProtocolStatus,
    RefreshFrequency,
)
from lde.sharing.policies import (
    access_request_policy,
    information_source_policy,
    product_policy,
    protocol_policy,
)
from lde.sharing.versions import version_hash

router = Router(tags=["sharing"])

BIGINT = 9_223_372_036_854_775_807
FREE_TEXT = r"^[^\x00]*$"
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
Id = Annotated[int, Field(ge=1, le=BIGINT)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=ONE_LINE)]
# Writes never conflict on a revision: the write errors less 409, with the service's refusals.
ACTION_ERRORS: dict[int, type[Schema]] = {
    **{status: shape for status, shape in WRITE_ERRORS.items() if status != 409},
    400: FieldErrorsOut,
}


def _refuse(field: str, message: str) -> DjangoValidationError:
    return DjangoValidationError({field: [message]})


# --- Shapes --------------------------------------------------------------------------------


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
    purpose: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    legal_basis: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    dpia_reference: str = Field(min_length=1, max_length=120, pattern=ONE_LINE)
    information_shared: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    who_may_see: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    handling: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    retention_days: int = Field(ge=1, le=36_500)
    review_on: date
    external_url: str = Field("", max_length=500, pattern=ONE_LINE)


class ProtocolStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: ProtocolStatus
    reason: str = Field("", max_length=10_000, pattern=FREE_TEXT)


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
    summary: str = Field("", max_length=100_000, pattern=FREE_TEXT)
    body: str = Field("", max_length=100_000, pattern=FREE_TEXT)
    caveats: list[Code] = Field(default_factory=list, max_length=50)
    area_gss_codes: list[Code] = Field(
        default_factory=list, max_length=500, description="ONS GSS codes, like E08000025."
    )
    contributing_organisation_ids: list[Id] = Field(default_factory=list, max_length=100)
    recipient_ids: list[Id] = Field(default_factory=list, max_length=500)
    protocol_id: Id | None = None
    holder_post_id: Id | None = None
    how_to_ask: str = Field("", max_length=100_000, pattern=FREE_TEXT)
    title_releasable_declared: bool = Field(
        False,
        description="For a record of material above the ceiling (required true there): the "
        "holder declares that the short title itself is releasable at the platform's ceiling. "
        "Such a record takes no summary, body or attachments.",
    )


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
    body: str = Field(min_length=1, max_length=10_000, pattern=FREE_TEXT)


class ProductReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=10_000, pattern=FREE_TEXT)


class FeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        min_length=1,
        max_length=10_000,
        pattern=FREE_TEXT,
        description="Feedback to the contributors. Never a concern about a person: that goes to "
        "the local safeguarding or Prevent referral route.",
    )


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=10_000, pattern=FREE_TEXT)


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


# --- Building the answers ------------------------------------------------------------------


def _organisation(o: Organisation) -> OrganisationRef:
    return OrganisationRef(id=o.pk, name=o.name)


def _protocol_out(protocol: Protocol) -> dict[str, Any]:
    return {
        "id": protocol.pk,
        "title": protocol.title,
        "reference": protocol.reference,
        "status": protocol.status,
        "parties": [_organisation(o) for o in protocol.parties.all()],
        "review_on": protocol.review_on,
        "retention_days": protocol.retention_days,
    }


def _protocol_detail(request: HttpRequest, protocol: Protocol) -> ProtocolDetailOut:
    return ProtocolDetailOut(
        **_protocol_out(protocol),
        controllers=[_organisation(o) for o in protocol.controllers.all()],
        purpose=protocol.purpose,
        legal_basis=protocol.legal_basis,
        dpia_reference=protocol.dpia_reference,
        information_shared=protocol.information_shared,
        who_may_see=protocol.who_may_see,
        handling=protocol.handling,
        external_url=protocol.external_url,
        signatories=[
            SignatoryOut(
                organisation=_organisation(s.organisation),
                name=s.name,
                post_title=s.post_title,
                signed_on=s.signed_on,
            )
            for s in selectors.protocol_signatories(protocol=protocol)
        ],
        may_manage=protocol_policy.user_can(request.user, "manage", protocol),
    )


def _product_out(product: BriefingProduct) -> dict[str, Any]:
    marking = product.marking
    return {
        "id": product.pk,
        "title": product.title,
        "status": product.status,
        "version": product.version,
        "producing_organisation": _organisation(product.producing_organisation),
        "marking": MarkingOut(
            code=marking.code, label=marking.label, handled_as=marking.current.label
        ),
        "caveats": [c.code for c in product.caveats.all()],
        "held_elsewhere": product.held_elsewhere,
        "released_at": product.released_at,
    }


def _attachment_url(product: BriefingProduct, attachment: Attachment) -> str | None:
    if attachment.file_deleted_at is not None:
        return None
    return reverse("api:attachment_download", args=[product.pk, attachment.pk])


def _review_out(product: BriefingProduct, current: str) -> ReviewOut:
    problems: list[str] = []
    if product.status == ProductStatus.DRAFT:
        problems = selectors.product_submit_problems(product=product)
    elif product.status == ProductStatus.IN_REVIEW:
        problems = selectors.product_release_problems(product=product)
    return ReviewOut(
        people=[
            PersonOut(user_id=p.user_id, name=p.user.full_name, kind=p.kind)
            for p in selectors.product_people(product=product)
        ],
        dissemination=[
            DisseminationOut(
                kind=e.kind,
                post_id=e.post_id,
                role=e.role or None,
                organisation_id=e.organisation_id,
                user_id=e.user_id,
            )
            for e in selectors.product_dissemination(product=product)
        ],
        approvals=[
            ApprovalOut(
                approver_id=a.approver_id,
                approver_name=a.approver.full_name,
                organisation_id=a.organisation_id,
                version_hash=a.version_hash,
                current=a.version_hash == current,
                approved_at=a.approved_at,
            )
            for a in selectors.product_approvals(product=product)
        ],
        comments=[
            CommentOut(
                author_id=c.author_id,
                author_name=c.author.full_name,
                body=c.body,
                version_hash=c.version_hash,
                created_at=c.created_at,
            )
            for c in selectors.product_comments(product=product)
        ],
        transitions=[
            ProductTransitionOut(
                from_status=t.from_status,
                to_status=t.to_status,
                actor_id=t.actor_id,
                reason=t.reason,
                version_hash=t.version_hash,
                occurred_at=t.occurred_at,
            )
            for t in selectors.product_history(product=product)
        ],
        declared=product.personal_data_declared_hash == current,
        problems=problems,
    )


def _product_detail(request: HttpRequest, product: BriefingProduct) -> ProductDetailOut:
    current = version_hash(product)
    protocol = product.protocol
    can_review = product_policy.user_can(request.user, "view_review", product)
    return ProductDetailOut(
        **_product_out(product),
        summary=product.summary,
        body=product.body,
        area_gss_codes=list(product.area_gss_codes or []),
        contributing_organisations=[
            _organisation(o) for o in product.contributing_organisations.all()
        ],
        recipients=[PartnershipRef(id=p.pk, name=p.name) for p in product.recipients.all()],
        protocol_id=product.protocol_id,
        protocol_title=protocol.title if protocol else None,
        protocol_status=protocol.status if protocol else None,
        holder_post_id=product.holder_post_id,
        how_to_ask=product.how_to_ask,
        title_releasable_declared=product.title_releasable_declared,
        supersedes_id=product.supersedes_id,
        version_hash=current,
        attachments=[
            AttachmentOut(
                id=a.pk,
                file_name=a.file_name,
                size=a.size,
                content_type=a.content_type,
                content_hash=a.content_hash,
                url=_attachment_url(product, a),
            )
            for a in selectors.product_attachments(product=product)
        ],
        acknowledged=selectors.acknowledgement_of(user=request.user, product=product) is not None,
        review=_review_out(product, current) if can_review else None,
    )


def _resolve(model: type[Any], ids: list[int], field: str) -> list[Any]:
    found = list(model.objects.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise _refuse(field, "Some of these do not exist.")
    return found


def _one(model: type[Any], pk: int | None, field: str, queryset: Any = None) -> Any:
    if pk is None:
        return None
    found = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if found is None:
        raise _refuse(field, "This does not exist.")
    return found


def _product_values(request: HttpRequest, payload: ProductIn) -> dict[str, Any]:
    marking = Marking.objects.filter(code=payload.marking).first()
    if marking is None:
        raise _refuse("marking", "No marking has this code.")
    caveats = list(Caveat.objects.filter(code__in=set(payload.caveats)))
    if len(caveats) != len(set(payload.caveats)):
        raise _refuse("caveats", "Some of these caveats do not exist.")
    return {
        "title": payload.title,
        "marking": marking,
        "summary": payload.summary,
        "body": payload.body,
        "caveats": caveats,
        "area_gss_codes": payload.area_gss_codes,
        "contributing_organisations": _resolve(
            Organisation, payload.contributing_organisation_ids, "contributing_organisation_ids"
        ),
        "recipients": _resolve(Partnership, payload.recipient_ids, "recipient_ids"),
        # Through the policy: a protocol this user may not see answers as one that does not exist.
        "protocol": _one(
            Protocol,
            payload.protocol_id,
            "protocol_id",
            protocol_policy.visible_to(request.user, "view"),
        ),
        "holder_post": _one(Post, payload.holder_post_id, "holder_post_id"),
        "how_to_ask": payload.how_to_ask,
        "title_releasable_declared": payload.title_releasable_declared,
    }


def _protocol_values(payload: ProtocolIn) -> dict[str, Any]:
    data = payload.model_dump()
    parties = _resolve(Organisation, data.pop("party_ids"), "party_ids")
    controllers = _resolve(Organisation, data.pop("controller_ids"), "controller_ids")
    return {"parties": parties, "controllers": controllers, **data}


def _product(request: HttpRequest, product_id: int, action: str = "view") -> BriefingProduct:
    product = selectors.product_get(user=request.user, product_id=product_id)
    if action != "view":
        product_policy.require(request.user, action, product)
    return product


def _fresh(request: HttpRequest, product: BriefingProduct) -> ProductDetailOut:
    return _product_detail(request, selectors.product_get(user=request.user, product_id=product.pk))


# --- Protocols -----------------------------------------------------------------------------


@router.get(
    "/protocols",
    response={200: Page[ProtocolOut], **LIST_ERRORS},
    summary="Information sharing protocols you may read",
)
def protocol_list(request: HttpRequest, page: Query[PageParams]) -> Page[ProtocolOut]:
    protocols = selectors.protocol_list(user=request.user)
    return Page[ProtocolOut](
        count=protocols.count(),
        items=[ProtocolOut(**_protocol_out(p)) for p in protocols[page.window()]],
    )


@router.post(
    "/protocols",
    response={201: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Draft a protocol (coordinators)",
)
def protocol_create(
    request: HttpRequest, payload: ProtocolIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    if not protocol_policy.may_create(facts_for(request.user)):
        raise PermissionDenied403(
            "You cannot draft a protocol.",
            who_can=services.PROTOCOL_DRAFTERS,
        )
    try:
        protocol = services.protocol_create(actor=acting_user(request), **_protocol_values(payload))
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        201,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.get(
    "/protocols/{protocol_id}",
    response={200: ProtocolDetailOut, **READ_ERRORS},
    summary="One protocol, with its signatories",
)
def protocol_get(request: HttpRequest, protocol_id: ObjectId) -> ProtocolDetailOut:
    return _protocol_detail(
        request, selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    )


@router.put(
    "/protocols/{protocol_id}",
    response={200: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Change a protocol (coordinators where a party)",
)
def protocol_update(
    request: HttpRequest, protocol_id: ObjectId, payload: ProtocolIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    try:
        services.protocol_update(
            actor=acting_user(request), protocol=protocol, **_protocol_values(payload)
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        200,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.post(
    "/protocols/{protocol_id}/status",
    response={200: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Bring a protocol into force, suspend, restore or end it",
)
def protocol_status(
    request: HttpRequest, protocol_id: ObjectId, payload: ProtocolStatusIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    """Suspending or ending it stops everyone reading what was released under it."""
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    try:
        services.protocol_transition(
            actor=acting_user(request),
            protocol=protocol,
            to_status=payload.to_status,
            reason=payload.reason,
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        200,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


@router.post(
    "/protocols/{protocol_id}/signatories",
    response={201: ProtocolDetailOut, **ACTION_ERRORS},
    summary="Record who signed the protocol for a party",
)
def protocol_signatory_add(
    request: HttpRequest, protocol_id: ObjectId, payload: SignatoryIn
) -> Status[ProtocolDetailOut | FieldErrorsOut]:
    protocol = selectors.protocol_get(user=request.user, protocol_id=protocol_id)
    protocol_policy.require(request.user, "manage", protocol)
    try:
        services.protocol_signatory_add(
            actor=acting_user(request),
            protocol=protocol,
            organisation=_one(Organisation, payload.organisation_id, "organisation_id"),
            name=payload.name,
            post_title=payload.post_title,
            signed_on=payload.signed_on,
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        201,
        _protocol_detail(
            request, selectors.protocol_get(user=request.user, protocol_id=protocol.pk)
        ),
    )


# --- Products: reading ---------------------------------------------------------------------


@router.get(
    "/products",
    response={200: Page[ProductOut], **LIST_ERRORS},
    summary="Briefing products you may see under the gateway rule",
)
def product_list(request: HttpRequest, filters: Query[ProductFilters]) -> Page[ProductOut]:
    """The count is of the products you may see, and nothing else."""
    products = selectors.product_list(user=request.user, status=filters.status or "")
    return Page[ProductOut](
        count=products.count(),
        items=[ProductOut(**_product_out(p)) for p in products[filters.window()]],
    )


@router.get(
    "/products/{product_id}",
    response={200: ProductDetailOut, **READ_ERRORS},
    summary="One briefing product, and for the people working on it, its gateway review",
)
def product_get(request: HttpRequest, product_id: ObjectId) -> ProductDetailOut:
    """Every read is recorded in the audit trail and the product's access record."""
    product = _product(request, product_id)
    services.product_read_record(actor=acting_user(request), product=product)
    return _product_detail(request, product)


ATTACHMENT_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The file",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


@router.get(
    "/products/{product_id}/attachments/{attachment_id}",
    response={200: None, **READ_ERRORS, 409: ErrorOut},
    summary="Download an attachment, under the same rule (a PDF marked on every page); audited",
    openapi_extra=ATTACHMENT_DOCUMENT,
    url_name="attachment_download",
)
def attachment_download(
    request: HttpRequest, product_id: ObjectId, attachment_id: ObjectId
) -> HttpResponse:
    product = _product(request, product_id, "download")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    path = services.attachment_path(attachment)
    if attachment.file_deleted_at is not None or not path.is_file():
        raise Http404
    actor = acting_user(request)
    if attachment.content_type != "application/pdf" and stamping.marking_is_marked(product.marking):
        # A file kept from before marked products took PDFs only: it could not carry the marking.
        return Status(  # type: ignore[return-value]
            409,
            ErrorOut(
                detail="The file is not a PDF, so it could not carry the product's marking: it "
                "is not served."
            ),
        )
    if attachment.content_type == "application/pdf":
        try:
            data = stamping.stamp_pdf(
                path.read_bytes(),
                marking=stamping.marking_line(product),
                handling=stamping.handling_line(actor.full_name, timezone.now()),
            )
        except stamping.Unstampable:
            return Status(  # type: ignore[return-value]
                409, ErrorOut(detail="The PDF could not be marked, so it is not served.")
            )
        services.attachment_download_record(actor=actor, attachment=attachment, stamped=True)
        return _marked(data, f"attachment-{attachment.pk}.pdf", "application/octet-stream")
    services.attachment_download_record(actor=actor, attachment=attachment, stamped=False)
    # Always as bytes: the file's own type is in the product's attachment list.
    served = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=safe_file_name(attachment.file_name, default="attachment"),
        content_type="application/octet-stream",
    )
    served["X-Content-Type-Options"] = "nosniff"
    served["Cache-Control"] = "private, no-store"
    return served  # type: ignore[return-value]


PDF_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The product as a PDF, marked on every page, with the reader's name",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/products/{product_id}/pdf",
    response={200: None, **READ_ERRORS, 403: ErrorOut},
    summary="A released product as a PDF, marked top and bottom on every page; audited",
    openapi_extra=PDF_DOCUMENT,
)
def product_pdf(request: HttpRequest, product_id: ObjectId) -> HttpResponse:
    product = _product(request, product_id, "download")
    # A record of material held elsewhere has no content to print: only its title is here. A
    # version still being worked on is seen by its authors, approvers and critical readers, but
    # printed only once released.
    if product.held_elsewhere:
        raise Http404
    if product.status not in READABLE_STATUSES:
        raise PermissionDenied403(
            "You cannot print a product before it is released.",
            who_can="Once released, its readers download it as a PDF stamped with its marking.",
        )
    actor = acting_user(request)
    data = stamping.product_pdf(product, reader_name=actor.full_name, when=timezone.now())
    services.product_pdf_record(actor=actor, product=product)
    return _marked(data, f"briefing-{product.pk}-v{product.version}.pdf", "application/pdf")


def _marked(data: bytes, file_name: str, content_type: str) -> HttpResponse:
    served = HttpResponse(data, content_type=content_type)
    served["Content-Disposition"] = f'attachment; filename="{file_name}"'
    served["X-Content-Type-Options"] = "nosniff"
    served["Cache-Control"] = "private, no-store"
    return served


# --- Products: drafting --------------------------------------------------------------------


@router.post(
    "/products",
    response={201: ProductDetailOut, **ACTION_ERRORS},
    summary="Start a draft for your organisation, as its first author",
)
def product_create(
    request: HttpRequest, payload: ProductIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    actor = acting_user(request)
    if actor.organisation_id is None:
        raise PermissionDenied403(
            "You work for no organisation.",
            who_can="People who work for an organisation draft briefing products for it.",
        )
    try:
        product = services.product_create(actor=actor, **_product_values(request, payload))
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(201, _fresh(request, product))


@router.put(
    "/products/{product_id}",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Change a draft; any change clears the approvals",
)
def product_update(
    request: HttpRequest, product_id: ObjectId, payload: ProductIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = _product(request, product_id, "edit")
    try:
        services.product_update(
            actor=acting_user(request), product=product, **_product_values(request, payload)
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.put(
    "/products/{product_id}/people",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Name exactly these authors, gateway approvers and critical readers",
)
def product_people_replace(
    request: HttpRequest, product_id: ObjectId, payload: PeopleIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = _product(request, product_id, "manage_people")
    try:
        users = {u.pk: u for u in _resolve(User, [p.user_id for p in payload.people], "people")}
        services.product_people_replace(
            actor=acting_user(request),
            product=product,
            people=[(users[p.user_id], p.kind) for p in payload.people],
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.put(
    "/products/{product_id}/dissemination",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Make the dissemination list exactly these lines; the approvals are cleared",
)
def dissemination_replace(
    request: HttpRequest, product_id: ObjectId, payload: DisseminationListIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    """Each line names one post, role (in a recipient partnership), organisation or person."""
    product = _product(request, product_id, "edit")
    try:
        entries = [
            {
                "kind": e.kind,
                "post": _one(Post, e.post_id, "entries") if e.kind == "post" else None,
                "role": e.role.value if e.kind == "role" and e.role else "",
                "organisation": _one(Organisation, e.organisation_id, "entries")
                if e.kind == "organisation"
                else None,
                "user": _one(User, e.user_id, "entries") if e.kind == "user" else None,
            }
            for e in payload.entries
        ]
        services.dissemination_replace(actor=acting_user(request), product=product, entries=entries)
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.post(
    "/products/{product_id}/attachments",
    response={201: AttachmentOut, **ACTION_ERRORS},
    summary="Attach a file to a draft (never for material above the ceiling)",
)
def attachment_add(
    request: HttpRequest, product_id: ObjectId, file: File[UploadedFile | None] = None
) -> Status[AttachmentOut | FieldErrorsOut]:
    """Send the file as the multipart field `file`; it is kept outside the web root with a
    SHA-256 of its content, and the approvals are cleared."""
    product = _product(request, product_id, "edit")
    # Checked here rather than by the framework, so that a request without a file is answered
    # after the policy, like every other refusal.
    if file is None:
        return Status(400, field_errors(_refuse("file", "Send the file as `file`.")))
    try:
        attachment = services.attachment_add(
            actor=acting_user(request), product=product, upload=file
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        201,
        AttachmentOut(
            id=attachment.pk,
            file_name=attachment.file_name,
            size=attachment.size,
            content_type=attachment.content_type,
            content_hash=attachment.content_hash,
            url=_attachment_url(product, attachment),
        ),
    )


@router.delete(
    "/products/{product_id}/attachments/{attachment_id}",
    response={204: None, **ACTION_ERRORS},
    summary="Remove an attachment from a draft",
)
def attachment_remove(
    request: HttpRequest, product_id: ObjectId, attachment_id: ObjectId
) -> Status[FieldErrorsOut | None]:
    product = _product(request, product_id, "edit")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    try:
        services.attachment_remove(
            actor=acting_user(request), product=product, attachment=attachment
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(204, None)


# --- Products: the gateway review ----------------------------------------------------------


@router.post(
    "/products/{product_id}/submit",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Send a draft for gateway review, with the declaration tied to this version",
)
def product_submit(
    request: HttpRequest, product_id: ObjectId, payload: ProductSubmitIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = _product(request, product_id, "submit")
    try:
        services.product_submit(
            actor=acting_user(request),
            product=product,
            no_personal_data_declared=payload.no_personal_data_declared,
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.get(
    "/products/{product_id}/personal-data-check",
    response={200: ProductGuardOut, **READ_ERRORS, 403: ErrorOut},
    summary="What the personal-data guard finds in a product's text and attachments",
)
def product_personal_data_check(request: HttpRequest, product_id: ObjectId) -> ProductGuardOut:
    """For the people named on it, who see it before review: the same check as the submit
    page. Attachments were checked when they were uploaded; findings are masked."""
    product = _product(request, product_id, "view_review")
    guard = selectors.product_guard(product=product)
    return ProductGuardOut(
        findings=[
            ProductGuardFindingOut(where=f.where, kind=f.kind, excerpt=f.excerpt)
            for f in guard.findings
        ],
        files_not_checked=guard.unchecked,
        declared=product.personal_data_declared_hash == version_hash(product),
    )


@router.post(
    "/products/{product_id}/approve",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Approve, for your organisation, the exact version you read",
)
def product_approve(
    request: HttpRequest, product_id: ObjectId, payload: VersionIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    """Send the version_hash you read: if the product has changed since, nothing is approved."""
    product = _product(request, product_id, "approve")
    try:
        services.product_approve(
            actor=acting_user(request), product=product, seen_hash=payload.version_hash
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.post(
    "/products/{product_id}/comments",
    response={201: CommentOut, **ACTION_ERRORS},
    summary="A critical reader's comment on the version they read",
)
def product_comment(
    request: HttpRequest, product_id: ObjectId, payload: CommentIn
) -> Status[CommentOut | FieldErrorsOut]:
    product = _product(request, product_id, "comment")
    try:
        comment = services.product_comment(
            actor=acting_user(request),
            product=product,
            body=payload.body,
            seen_hash=payload.version_hash,
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        201,
        CommentOut(
            author_id=comment.author_id,
            author_name=acting_user(request).full_name,
            body=comment.body,
            version_hash=comment.version_hash,
            created_at=comment.created_at,
        ),
    )


@router.post(
    "/products/{product_id}/return-to-draft",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Return a product in review to draft, saying why",
)
def product_return_to_draft(
    request: HttpRequest, product_id: ObjectId, payload: ProductReasonIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = _product(request, product_id, "return_to_draft")
    try:
        services.product_return_to_draft(
            actor=acting_user(request), product=product, reason=payload.reason
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _fresh(request, product))


@router.post(
    "/products/{product_id}/release",
    response={200: ProductStateOut, **ACTION_ERRORS},
    summary="Release an approved product; the version it replaces becomes superseded",
)
def product_release(
    request: HttpRequest, product_id: ObjectId
) -> Status[ProductStateOut | FieldErrorsOut]:
    """Refused (400) unless every organisation approved this exact version, someone other than
    an author approved it, an author declared it, and its protocol is in force. The answer says
    only its new state: from now on, the product is read under the gateway rule alone."""
    product = _product(request, product_id, "release")
    try:
        done = services.product_release(actor=acting_user(request), product=product)
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        200,
        ProductStateOut(
            id=done.pk,
            status=done.status,
            version=done.version,
            version_hash=done.version_hash,
            readable=product_policy.visible_to(request.user).filter(pk=done.pk).exists(),
        ),
    )


@router.post(
    "/products/{product_id}/withdraw",
    response={204: None, **ACTION_ERRORS},
    summary="Withdraw a released or superseded product: nobody sees it any more",
)
def product_withdraw(
    request: HttpRequest, product_id: ObjectId, payload: ProductReasonIn
) -> Status[FieldErrorsOut | None]:
    product = _product(request, product_id, "withdraw")
    try:
        services.product_withdraw(
            actor=acting_user(request), product=product, reason=payload.reason
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(204, None)


@router.post(
    "/products/{product_id}/new-version",
    response={201: ProductDetailOut, **ACTION_ERRORS},
    summary="Start the next version of a released product as a draft",
)
def product_new_version(
    request: HttpRequest, product_id: ObjectId
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = _product(request, product_id, "new_version")
    try:
        successor = services.product_new_version(actor=acting_user(request), product=product)
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(201, _fresh(request, successor))


# --- Products: handling by readers ---------------------------------------------------------


@router.post(
    "/products/{product_id}/acknowledge",
    response={200: AcknowledgementOut, **ACTION_ERRORS},
    summary='Acknowledge a released product as "read and understood"',
)
def product_acknowledge(
    request: HttpRequest, product_id: ObjectId
) -> Status[AcknowledgementOut | FieldErrorsOut]:
    product = _product(request, product_id, "acknowledge")
    acknowledgement = services.product_acknowledge(actor=acting_user(request), product=product)
    return Status(
        200,
        AcknowledgementOut(
            product_id=product.pk,
            version_hash=acknowledgement.version_hash,
            acknowledged_at=acknowledgement.acknowledged_at,
        ),
    )


@router.post(
    "/products/{product_id}/feedback",
    response={201: FeedbackSentOut, **ACTION_ERRORS},
    summary="Send feedback to the contributors (never a concern about a person)",
)
def product_feedback(
    request: HttpRequest, product_id: ObjectId, payload: FeedbackIn
) -> Status[FeedbackSentOut | FieldErrorsOut]:
    product = _product(request, product_id, "feedback")
    try:
        feedback = services.feedback_send(
            actor=acting_user(request), product=product, body=payload.body
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(201, FeedbackSentOut(id=feedback.pk, created_at=feedback.created_at))


@router.get(
    "/products/{product_id}/readership",
    response={200: ReadershipOut, **READ_ERRORS, 403: ErrorOut},
    summary="Who has read a product and acknowledged it, and the feedback sent",
)
def product_readership(request: HttpRequest, product_id: ObjectId) -> ReadershipOut:
    product = _product(request, product_id, "view_readership")
    acknowledgements = selectors.product_acknowledgements(product=product)
    return ReadershipOut(
        reads=[
            ReadOut(
                user_id=r.user_id,
                name=r.user.full_name,
                first_read_at=r.first_read_at,
                last_read_at=r.last_read_at,
                times=r.times,
                acknowledged_at=acknowledgements[r.user_id].acknowledged_at
                if r.user_id in acknowledgements
                else None,
            )
            for r in selectors.product_reads(product=product)
        ],
        feedback=[
            FeedbackOut(
                author_id=f.author_id,
                author_name=f.author.full_name,
                body=f.body,
                created_at=f.created_at,
            )
            for f in selectors.product_feedback(product=product)
        ],
    )


def _access_request_out(r: AccessRequest) -> AccessRequestOut:
    return AccessRequestOut(
        id=r.pk,
        product_id=r.product_id,
        product_title=r.product.title,
        requester_id=r.requester_id,
        reason=r.reason,
        status=r.status,
        answer=r.answer,
        answered_at=r.answered_at,
    )


@router.post(
    "/products/{product_id}/access-requests",
    response={201: AccessRequestOut, **ACTION_ERRORS},
    summary="Ask the holder of material kept above the ceiling for it",
)
def access_request_send(
    request: HttpRequest, product_id: ObjectId, payload: ProductReasonIn
) -> Status[AccessRequestOut | FieldErrorsOut]:
    product = _product(request, product_id, "request_access")
    try:
        sent = services.access_request_send(
            actor=acting_user(request), product=product, reason=payload.reason
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    sent.product = product
    return Status(201, _access_request_out(sent))


@router.get(
    "/access-requests",
    response={200: Page[AccessRequestOut], **LIST_ERRORS},
    summary="Access requests you sent, and those to a post you hold",
)
def access_request_list(request: HttpRequest, page: Query[PageParams]) -> Page[AccessRequestOut]:
    requests = selectors.access_request_list(user=request.user)
    return Page[AccessRequestOut](
        count=requests.count(),
        items=[_access_request_out(r) for r in requests[page.window()]],
    )


@router.post(
    "/access-requests/{request_id}/answer",
    response={200: AccessRequestOut, **ACTION_ERRORS},
    summary="Answer a request for material your post holds",
)
def access_request_answer(
    request: HttpRequest, request_id: ObjectId, payload: AnswerIn
) -> Status[AccessRequestOut | FieldErrorsOut]:
    access_request = selectors.access_request_get(user=request.user, request_id=request_id)
    access_request_policy.require(request.user, "answer", access_request)
    try:
        answered = services.access_request_answer(
            actor=acting_user(request), request=access_request, answer=payload.answer
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(200, _access_request_out(answered))


# --- The catalogue of information sources (¶60–61) ----------------------------------------


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
    description: str = Field("", max_length=100_000, pattern=FREE_TEXT)
    coverage_gss_codes: list[Annotated[str, Field(pattern=r"^[EWSNewsn]\d{8}$")]] = Field(
        default_factory=list, max_length=500
    )
    coverage_description: str = Field("", max_length=500, pattern=ONE_LINE)
    granularity: Granularity
    refresh: RefreshFrequency
    marking: Code = Field(description="The code of a marking of today's scheme.")
    how_to_get: str = Field(min_length=1, max_length=100_000, pattern=FREE_TEXT)
    protected_characteristics: list[ProtectedCharacteristic] = Field(
        default_factory=list, max_length=9
    )
    protected_characteristics_reason: str = Field("", max_length=100_000, pattern=FREE_TEXT)
    last_reviewed_on: date | None = None


def _information_source_out(source: InformationSource) -> dict[str, Any]:
    return {
        "id": source.pk,
        "partnership": PartnershipRef(id=source.partnership_id, name=source.partnership.name),
        "title": source.title,
        "owner_organisation": _organisation(source.owner_organisation),
        "granularity": source.granularity,
        "refresh": source.refresh,
        "marking": MarkingOut(
            code=source.marking.code,
            label=source.marking.label,
            handled_as=source.marking.current.label,
        ),
        "holds_protected_characteristics": source.holds_protected_characteristics,
        "protected_characteristics": source.protected_characteristics,
        "protected_characteristics_reason": source.protected_characteristics_reason,
        "last_reviewed_on": source.last_reviewed_on,
    }


def _information_source_detail(
    request: HttpRequest, source: InformationSource
) -> InformationSourceDetailOut:
    return InformationSourceDetailOut(
        **_information_source_out(source),
        description=source.description,
        coverage_gss_codes=source.coverage_gss_codes,
        coverage_description=source.coverage_description,
        how_to_get=source.how_to_get,
        created_at=source.created_at,
        updated_at=source.updated_at,
        may_manage=information_source_policy.user_can(request.user, "manage", source),
    )


def _information_source_values(payload: InformationSourceIn) -> dict[str, Any]:
    data = payload.model_dump()
    owner = _one(Organisation, data.pop("owner_organisation_id"), "owner_organisation_id")
    marking = selectors.information_source_markings().filter(code=data.pop("marking")).first()
    if marking is None:
        raise _refuse("marking", "No marking of today's scheme has this code.")
    return {"owner_organisation": owner, "marking": marking, **data}


def _catalogue_partnership(request: HttpRequest, partnership_id: int, action: str) -> Partnership:
    partnership = partnership_get(user=request.user, partnership_id=partnership_id)
    facts = facts_for(request.user)
    allowed = (
        information_source_policy.may_read_catalogue(facts, partnership.pk)
        if action == "view"
        else information_source_policy.may_add(facts, partnership.pk)
    )
    if not allowed:
        raise PermissionDenied403(
            "You cannot do this.", who_can=information_source_policy.who_can[action]
        )
    return partnership


@router.get(
    "/partnerships/{partnership_id}/sources",
    response={200: Page[InformationSourceOut], **READ_ERRORS, 403: ErrorOut},
    summary="A partnership's catalogue of information sources",
)
def information_source_list(
    request: HttpRequest, partnership_id: ObjectId, page: Query[PageParams]
) -> Page[InformationSourceOut]:
    partnership = _catalogue_partnership(request, partnership_id, "view")
    sources = selectors.information_source_list(user=request.user, partnership_id=partnership.pk)
    return Page[InformationSourceOut](
        count=sources.count(),
        items=[
            InformationSourceOut(**_information_source_out(s))
            for s in sources.select_related("partnership")[page.window()]
        ],
    )


@router.post(
    "/partnerships/{partnership_id}/sources",
    response={201: InformationSourceDetailOut, **ACTION_ERRORS},
    summary="Add an information source to the catalogue (coordinators)",
)
def information_source_create(
    request: HttpRequest, partnership_id: ObjectId, payload: InformationSourceIn
) -> Status[InformationSourceDetailOut | FieldErrorsOut]:
    partnership = _catalogue_partnership(request, partnership_id, "manage")
    try:
        source = services.information_source_create(
            actor=acting_user(request),
            partnership=partnership,
            **_information_source_values(payload),
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        201,
        _information_source_detail(
            request, selectors.information_source_get(user=request.user, source_id=source.pk)
        ),
    )


@router.get(
    "/sources/{source_id}",
    response={200: InformationSourceDetailOut, **READ_ERRORS},
    summary="One entry of a catalogue of information sources",
)
def information_source_get(request: HttpRequest, source_id: ObjectId) -> InformationSourceDetailOut:
    return _information_source_detail(
        request, selectors.information_source_get(user=request.user, source_id=source_id)
    )


@router.put(
    "/sources/{source_id}",
    response={200: InformationSourceDetailOut, **ACTION_ERRORS},
    summary="Change a catalogue entry (the partnership's coordinators)",
)
def information_source_update(
    request: HttpRequest, source_id: ObjectId, payload: InformationSourceIn
) -> Status[InformationSourceDetailOut | FieldErrorsOut]:
    source = selectors.information_source_get(user=request.user, source_id=source_id)
    information_source_policy.require(request.user, "manage", source)
    try:
        services.information_source_update(
            actor=acting_user(request), source=source, **_information_source_values(payload)
        )
    except DjangoValidationError as error:
        return Status(400, field_errors(error))
    return Status(
        200,
        _information_source_detail(
            request, selectors.information_source_get(user=request.user, source_id=source.pk)
        ),
    )
