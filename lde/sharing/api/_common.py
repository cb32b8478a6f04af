"""What the gateway's endpoints share: the answers about a product, the lookups that answer
404 for what the caller may not see, and the refusals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Schema

from lde.accounts.models import Organisation
from lde.accounts.selectors import acting_user
from lde.core.api_schemas import WRITE_ERRORS, FieldErrorsOut
from lde.sharing import selectors
from lde.sharing.api.schemas import (
    ApprovalOut,
    AttachmentOut,
    CommentOut,
    DisseminationOut,
    MarkingOut,
    OrganisationRef,
    PartnershipRef,
    PersonOut,
    ProductDetailOut,
    ProductTransitionOut,
    ReviewOut,
)
from lde.sharing.models import Attachment, BriefingProduct, ProductStatus
from lde.sharing.policies import product_policy
from lde.sharing.versions import version_hash

# Writes never conflict on a revision: the write errors less 409, with the service's refusals.
ACTION_ERRORS: dict[int, type[Schema]] = {
    **{status: shape for status, shape in WRITE_ERRORS.items() if status != 409},
    400: FieldErrorsOut,
}


def refuse(field: str, message: str) -> DjangoValidationError:
    return DjangoValidationError({field: [message]})


def organisation_ref(o: Organisation) -> OrganisationRef:
    return OrganisationRef(id=o.pk, name=o.name)


def product_out(product: BriefingProduct) -> dict[str, Any]:
    marking = product.marking
    return {
        "id": product.pk,
        "title": product.title,
        "status": product.status,
        "version": product.version,
        "producing_organisation": organisation_ref(product.producing_organisation),
        "marking": MarkingOut(
            code=marking.code, label=marking.label, handled_as=marking.current.label
        ),
        "caveats": [c.code for c in product.caveats.all()],
        "held_elsewhere": product.held_elsewhere,
        "released_at": product.released_at,
    }


def attachment_url(product: BriefingProduct, attachment: Attachment) -> str | None:
    if attachment.file_deleted_at is not None:
        return None
    return reverse("api:attachment_download", args=[product.pk, attachment.pk])


def review_out(product: BriefingProduct, current: str) -> ReviewOut:
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


def product_detail(request: HttpRequest, product: BriefingProduct) -> ProductDetailOut:
    current = version_hash(product)
    protocol = product.protocol
    can_review = product_policy.user_can(request.user, "view_review", product)
    return ProductDetailOut(
        **product_out(product),
        revision=product.revision,
        summary=product.summary,
        body=product.body,
        area_gss_codes=list(product.area_gss_codes or []),
        contributing_organisations=[
            organisation_ref(o) for o in product.contributing_organisations.all()
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
                url=attachment_url(product, a),
            )
            for a in selectors.product_attachments(product=product)
        ],
        acknowledged=selectors.acknowledgement_of(user=acting_user(request), product=product)
        is not None,
        review=review_out(product, current) if can_review else None,
    )


def product_for(request: HttpRequest, product_id: int, action: str = "view") -> BriefingProduct:
    product = selectors.product_get(user=request.user, product_id=product_id)
    if action != "view":
        product_policy.require(request.user, action, product)
    return product


def product_fresh(request: HttpRequest, product: BriefingProduct) -> ProductDetailOut:
    return product_detail(request, selectors.product_get(user=request.user, product_id=product.pk))
