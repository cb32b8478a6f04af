"""The gateway review: submitting a draft with the author's declaration, approving and commenting
on one version hash, returning it to draft, releasing and withdrawing."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import User
from lde.core.access.facts import today
from lde.sharing import selectors
from lde.sharing.models import Approval, BriefingProduct, ProductStatus, ReviewComment
from lde.sharing.policies import product_policy
from lde.sharing.services._common import (
    MAX_COMMENT,
    audit_product,
    lock_product,
    move_product,
    rehash,
)
from lde.sharing.versions import version_hash


@transaction.atomic
def product_submit(
    *, actor: User, product: BriefingProduct, no_personal_data_declared: bool
) -> BriefingProduct:
    """Send a draft for gateway review, with the author's declaration, tied to this version's
    hash, that it holds no information about identifiable members of the public."""
    product = lock_product(product)
    product_policy.require(actor, "submit", product)
    problems: dict[str, list[str]] = {}
    outstanding = selectors.product_submit_problems(product=product)
    if outstanding:
        problems["__all__"] = outstanding
    if not no_personal_data_declared:
        problems["no_personal_data_declared"] = [
            "Confirm that the product, its attachments and its lists hold no information about "
            "identifiable members of the public"
        ]
    if problems:
        raise ValidationError(problems)
    current = rehash(actor=actor, product=product)
    product.personal_data_declared_hash = current
    product.personal_data_declared_by = actor
    product.personal_data_declared_at = timezone.now()
    product.save(
        update_fields=[
            "personal_data_declared_hash",
            "personal_data_declared_by",
            "personal_data_declared_at",
        ]
    )
    # The declaration is the author's; the guard's findings, which they saw on the submit page,
    # are counted beside it (never copied: they may be identifiers).
    guard = selectors.product_guard(product=product)
    audit_product(
        actor,
        "PRODUCT_PERSONAL_DATA_DECLARED",
        product,
        changes={"version_hash": current},
        detail={"guard_findings": len(guard.findings), "files_not_checked": len(guard.unchecked)},
    )
    return move_product(actor, product, ProductStatus.IN_REVIEW)


@transaction.atomic
def product_return_to_draft(
    *, actor: User, product: BriefingProduct, reason: str
) -> BriefingProduct:
    product = lock_product(product)
    product_policy.require(actor, "return_to_draft", product)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it goes back to draft"})
    return move_product(actor, product, ProductStatus.DRAFT, reason=reason.strip())


def _changed_since(product: BriefingProduct, seen_hash: str) -> str:
    """The current hash; refused if it is not the one the person was shown."""
    current = rehash(actor=None, product=product)
    if seen_hash != current:
        raise ValidationError(
            {
                "version_hash": "The product has changed since you opened it. Read this "
                "version, then try again"
            }
        )
    return current


@transaction.atomic
def product_approve(*, actor: User, product: BriefingProduct, seen_hash: str) -> Approval:
    """Approve, for the approver's organisation, the exact version they were shown."""
    product = lock_product(product)
    product_policy.require(actor, "approve", product)
    current = _changed_since(product, seen_hash)
    assert actor.organisation_id is not None  # the policy requires it
    approval, _ = Approval.objects.update_or_create(
        product=product,
        approver=actor,
        defaults={"organisation_id": actor.organisation_id, "version_hash": current},
    )
    audit_product(
        actor,
        "PRODUCT_APPROVED",
        product,
        subject=approval,
        changes={"version_hash": current, "organisation": actor.organisation_id},
    )
    return approval


@transaction.atomic
def product_comment(
    *, actor: User, product: BriefingProduct, body: str, seen_hash: str
) -> ReviewComment:
    """A critical reader's comment, kept with the version they were given."""
    product = lock_product(product)
    product_policy.require(actor, "comment", product)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Enter your comment"})
    if len(body) > MAX_COMMENT or "\x00" in body:
        raise ValidationError({"body": f"Keep your comment under {MAX_COMMENT:,} characters"})
    current = _changed_since(product, seen_hash)
    comment = ReviewComment.objects.create(
        product=product, author=actor, body=body, version_hash=current
    )
    audit_product(
        actor, "PRODUCT_COMMENTED", product, subject=comment, changes={"version_hash": current}
    )
    return comment


@transaction.atomic
def product_release(*, actor: User, product: BriefingProduct) -> BriefingProduct:
    """Release an approved product. The version it replaces becomes superseded, still readable
    and labelled as such."""
    product = lock_product(product)
    product_policy.require(actor, "release", product)
    problems = selectors.product_release_problems(product=product)
    if problems:
        raise ValidationError({"__all__": problems})
    assert product.protocol is not None
    now = timezone.now()
    product.version_hash = version_hash(product)
    product.released_at = now
    product.released_on = today()
    product.retention_ends_on = product.released_on + timedelta(
        days=product.protocol.retention_days
    )
    product.save(
        update_fields=[
            "version_hash",
            "released_at",
            "released_on",
            "retention_ends_on",
            "updated_at",
        ]
    )
    move_product(actor, product, ProductStatus.RELEASED)
    previous = product.supersedes
    if previous is not None and previous.status == ProductStatus.RELEASED:
        move_product(
            actor,
            lock_product(previous),
            ProductStatus.SUPERSEDED,
            reason=f"Replaced by version {product.version}",
            checked=False,
        )
    return product


@transaction.atomic
def product_withdraw(*, actor: User, product: BriefingProduct, reason: str) -> BriefingProduct:
    """Withdraw a released or superseded product: from the next request nobody sees it."""
    product = lock_product(product)
    product_policy.require(actor, "withdraw", product)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is withdrawn"})
    product.withdrawn_at = timezone.now()
    product.save(update_fields=["withdrawn_at"])
    return move_product(actor, product, ProductStatus.WITHDRAWN, reason=reason.strip())
