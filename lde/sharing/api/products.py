"""A briefing product's own paths, read and drafted: the list, one product, its attachments and
its PDF, under the gateway rule; starting and changing a draft, its people, its dissemination list
and its files. Reading and drafting share these paths, so they share one router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router, Status
from ninja.files import UploadedFile
from ninja.params import File

from lde.accounts.selectors import acting_user
from lde.core.access.policy import PermissionDenied403
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    chosen,
    chosen_many,
)
from lde.core.files import file_download
from lde.sharing import selectors, services
from lde.sharing.api._common import (
    ACTION_ERRORS,
    attachment_url,
    product_detail,
    product_for,
    product_fresh,
    product_out,
    refuse,
)
from lde.sharing.api.schemas import (
    AttachmentOut,
    DisseminationListIn,
    PeopleIn,
    ProductChangeIn,
    ProductDetailOut,
    ProductFilters,
    ProductIn,
    ProductOut,
)
from lde.sharing.models import BriefingProduct

router = Router()


def _product_values(
    request: HttpRequest, payload: ProductIn, product: BriefingProduct | None = None
) -> dict[str, Any]:
    # Every id and code is looked for among what the product form offers this user: one that
    # does not exist and one they may not choose are refused alike.
    user = request.user
    organisation_id = product.producing_organisation_id if product else None
    if product is None:
        organisation_id = acting_user(request).organisation_id
    return {
        "title": payload.title,
        "marking": chosen(
            selectors.marking_choices(user=user),
            payload.marking,
            "marking",
            what="a marking",
            key="code",
        ),
        "summary": payload.summary,
        "body": payload.body,
        "caveats": chosen_many(
            selectors.caveat_choices(user=user),
            payload.caveats,
            "caveats",
            what="a caveat",
            key="code",
        ),
        "area_gss_codes": payload.area_gss_codes,
        "contributing_organisations": chosen_many(
            selectors.organisation_choices(),
            payload.contributing_organisation_ids,
            "contributing_organisation_ids",
            what="an organisation",
        ),
        "recipients": chosen_many(
            selectors.partnership_choices(),
            payload.recipient_ids,
            "recipient_ids",
            what="a partnership",
        ),
        "protocol": chosen(
            selectors.protocols_for_release(user=user, organisation_id=organisation_id),
            payload.protocol_id,
            "protocol_id",
            what="a protocol",
        ),
        "holder_post": chosen(
            selectors.post_choices(product=product, organisation_id=organisation_id),
            payload.holder_post_id,
            "holder_post_id",
            what="a post",
        ),
        "how_to_ask": payload.how_to_ask,
        "title_releasable_declared": payload.title_releasable_declared,
    }


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
        items=[ProductOut(**product_out(p)) for p in products[filters.window()]],
    )


@router.get(
    "/products/{product_id}",
    response={200: ProductDetailOut, **READ_ERRORS},
    summary="One briefing product, and for the people working on it, its gateway review",
)
def product_get(request: HttpRequest, product_id: ObjectId) -> ProductDetailOut:
    """Every read is recorded in the audit trail and the product's access record."""
    product = product_for(request, product_id)
    services.product_read_record(actor=acting_user(request), product=product)
    return product_detail(request, product)


ATTACHMENT_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": (
                "The file, as an attachment, with the type found when it was uploaded: a PDF "
                "marked on every page, or (for an unmarked product) any other file as it is"
            ),
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
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
) -> HttpResponseBase:
    product = product_for(request, product_id, "download")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    try:
        content, content_type = services.attachment_for_download(
            actor=acting_user(request), product=product, attachment=attachment
        )
    except services.NotServable as refusal:
        return Status(409, ErrorOut(detail=str(refusal)))  # type: ignore[return-value]
    return file_download(content, file_name=attachment.file_name, content_type=content_type)


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
    product = product_for(request, product_id, "download")
    data = services.product_pdf_print(actor=acting_user(request), product=product)
    return file_download(
        data, file_name=services.product_pdf_name(product), content_type="application/pdf"
    )


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
    product = services.product_create(actor=actor, **_product_values(request, payload))
    return Status(201, product_fresh(request, product))


@router.put(
    "/products/{product_id}",
    response={200: ProductDetailOut, **ACTION_ERRORS, 409: FieldErrorsOut},
    summary="Change a draft; any change clears the approvals",
)
def product_update(
    request: HttpRequest, product_id: ObjectId, payload: ProductChangeIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = product_for(request, product_id, "edit")
    services.product_update(
        actor=acting_user(request),
        product=product,
        seen_revision=payload.revision,
        **_product_values(request, payload, product),
    )
    return Status(200, product_fresh(request, product))


@router.put(
    "/products/{product_id}/people",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Name exactly these authors, gateway approvers and critical readers",
)
def product_people_replace(
    request: HttpRequest, product_id: ObjectId, payload: PeopleIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = product_for(request, product_id, "manage_people")
    users = {
        u.pk: u
        for u in chosen_many(
            selectors.user_choices(), [p.user_id for p in payload.people], "people", what="a person"
        )
    }
    services.product_people_replace(
        actor=acting_user(request),
        product=product,
        people=[(users[p.user_id], p.kind) for p in payload.people],
    )
    return Status(200, product_fresh(request, product))


@router.put(
    "/products/{product_id}/dissemination",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Make the dissemination list exactly these lines; the approvals are cleared",
)
def dissemination_replace(
    request: HttpRequest, product_id: ObjectId, payload: DisseminationListIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    """Each line names one post, role (in a recipient partnership), organisation or person."""
    product = product_for(request, product_id, "edit")
    posts = selectors.post_choices(product=product)
    organisations = selectors.organisation_choices()
    users = selectors.user_choices()
    entries = [
        {
            "kind": e.kind,
            "post": chosen(posts, e.post_id, "entries", what="a post")
            if e.kind == "post"
            else None,
            "role": e.role.value if e.kind == "role" and e.role else "",
            "organisation": chosen(
                organisations, e.organisation_id, "entries", what="an organisation"
            )
            if e.kind == "organisation"
            else None,
            "user": chosen(users, e.user_id, "entries", what="a person")
            if e.kind == "user"
            else None,
        }
        for e in payload.entries
    ]
    services.dissemination_replace(actor=acting_user(request), product=product, entries=entries)
    return Status(200, product_fresh(request, product))


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
    product = product_for(request, product_id, "edit")
    # Checked here rather than by the framework, so that a request without a file is answered
    # after the policy, like every other refusal.
    if file is None:
        raise refuse("file", "Send the file as `file`.")
    attachment = services.attachment_add(actor=acting_user(request), product=product, upload=file)
    return Status(
        201,
        AttachmentOut(
            id=attachment.pk,
            file_name=attachment.file_name,
            size=attachment.size,
            content_type=attachment.content_type,
            content_hash=attachment.content_hash,
            url=attachment_url(product, attachment),
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
    product = product_for(request, product_id, "edit")
    attachment = selectors.attachment_get(product=product, attachment_id=attachment_id)
    services.attachment_remove(actor=acting_user(request), product=product, attachment=attachment)
    return Status(204, None)
