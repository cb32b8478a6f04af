"""The gateway review: submitting with the author's declaration, the personal-data check,
approving and commenting on one version hash, returning to draft, release, withdrawal and the
next version."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import READ_ERRORS, ErrorOut, FieldErrorsOut, ObjectId
from lde.sharing import selectors, services
from lde.sharing.api._common import ACTION_ERRORS, product_for, product_fresh
from lde.sharing.api.schemas import (
    CommentIn,
    CommentOut,
    ProductDetailOut,
    ProductGuardFindingOut,
    ProductGuardOut,
    ProductReasonIn,
    ProductStateOut,
    ProductSubmitIn,
    VersionIn,
)
from lde.sharing.policies import product_policy
from lde.sharing.versions import version_hash

router = Router()


@router.post(
    "/products/{product_id}/submit",
    response={200: ProductDetailOut, **ACTION_ERRORS},
    summary="Send a draft for gateway review, with the declaration tied to this version",
)
def product_submit(
    request: HttpRequest, product_id: ObjectId, payload: ProductSubmitIn
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = product_for(request, product_id, "submit")
    services.product_submit(
        actor=acting_user(request),
        product=product,
        no_personal_data_declared=payload.no_personal_data_declared,
    )
    return Status(200, product_fresh(request, product))


@router.get(
    "/products/{product_id}/personal-data-check",
    response={200: ProductGuardOut, **READ_ERRORS, 403: ErrorOut},
    summary="What the personal-data guard finds in a product's text and attachments",
)
def product_personal_data_check(request: HttpRequest, product_id: ObjectId) -> ProductGuardOut:
    """For the people named on it, who see it before review: the same check as the submit
    page. Attachments were checked when they were uploaded; findings are masked."""
    product = product_for(request, product_id, "view_review")
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
    product = product_for(request, product_id, "approve")
    services.product_approve(
        actor=acting_user(request), product=product, seen_hash=payload.version_hash
    )
    return Status(200, product_fresh(request, product))


@router.post(
    "/products/{product_id}/comments",
    response={201: CommentOut, **ACTION_ERRORS},
    summary="A critical reader's comment on the version they read",
)
def product_comment(
    request: HttpRequest, product_id: ObjectId, payload: CommentIn
) -> Status[CommentOut | FieldErrorsOut]:
    product = product_for(request, product_id, "comment")
    comment = services.product_comment(
        actor=acting_user(request),
        product=product,
        body=payload.body,
        seen_hash=payload.version_hash,
    )
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
    product = product_for(request, product_id, "return_to_draft")
    services.product_return_to_draft(
        actor=acting_user(request), product=product, reason=payload.reason
    )
    return Status(200, product_fresh(request, product))


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
    product = product_for(request, product_id, "release")
    done = services.product_release(actor=acting_user(request), product=product)
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
    product = product_for(request, product_id, "withdraw")
    services.product_withdraw(actor=acting_user(request), product=product, reason=payload.reason)
    return Status(204, None)


@router.post(
    "/products/{product_id}/new-version",
    response={201: ProductDetailOut, **ACTION_ERRORS},
    summary="Start the next version of a released product as a draft",
)
def product_new_version(
    request: HttpRequest, product_id: ObjectId
) -> Status[ProductDetailOut | FieldErrorsOut]:
    product = product_for(request, product_id, "new_version")
    successor = services.product_new_version(actor=acting_user(request), product=product)
    return Status(201, product_fresh(request, successor))
