"""What the gateway's services share: the product's audit event, its lock, its version hash,
its status map, where its files live and how its emails go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from lde.accounts.models import User
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.mail import email_queue
from lde.core.workflow import transition
from lde.sharing.models import PRODUCT_TRANSITIONS, Attachment, BriefingProduct, ProductTransition
from lde.sharing.policies import product_policy
from lde.sharing.versions import version_hash

# Comments, feedback and requests: long enough for anything a reader needs to say.
MAX_COMMENT = 10_000


def audit_product(
    actor: User | None,
    verb: str,
    product: BriefingProduct,
    subject: Any = None,
    *,
    changes: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Organisation-scoped, so that no partnership's audit page lists events about products its
    coordinator may not see."""
    audit_record(
        actor=actor,
        verb=verb,
        target=subject if subject is not None else product,
        scope=AuditScope.ORGANISATION,
        organisation_id=product.producing_organisation_id,
        changes=changes,
        detail={"product": product.pk, **(detail or {})},
    )


def files_dir() -> Path:
    folder = Path(settings.PRIVATE_FILES_ROOT) / "sharing"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attachment_path(attachment: Attachment) -> Path:
    return files_dir() / attachment.stored_name


def lock_product(product: BriefingProduct) -> BriefingProduct:
    return BriefingProduct.objects.select_for_update().get(pk=product.pk)


def rehash(*, actor: User | None, product: BriefingProduct) -> str:
    """Store the product's current version hash and clear every approval of another version."""
    current = version_hash(product)
    if current != product.version_hash:
        product.version_hash = current
        product.save(update_fields=["version_hash", "updated_at"])
    cleared, _ = product.approvals.exclude(version_hash=current).delete()
    if cleared:
        audit_product(
            actor,
            "PRODUCT_APPROVALS_CLEARED",
            product,
            changes={"version_hash": current},
            detail={"cleared": cleared},
        )
    return current


def move_product(
    actor: User | None,
    product: BriefingProduct,
    to_status: str,
    *,
    reason: str = "",
    checked: bool = True,
) -> BriefingProduct:
    """Change status through the map, leaving a history row with the version's hash."""

    def policy_check(action: str) -> None:
        if checked and actor is not None:
            product_policy.require(actor, action, product)

    transition(
        obj=product,
        to_status=to_status,
        transitions=PRODUCT_TRANSITIONS,
        history_model=ProductTransition,
        subject_field="product",
        actor=actor,
        error=f"A product cannot go from {product.status} to {to_status}",
        reason=reason,
        guard=policy_check,
        history={"version_hash": product.version_hash},
    )
    audit_product(
        actor,
        f"PRODUCT_{to_status.upper()}",
        product,
        changes={"status": to_status, "version_hash": product.version_hash},
    )
    return product


def site_link(name: str, *args: Any) -> str:
    return settings.LDE_SITE_URL.rstrip("/") + reverse(name, args=args)


def email_send(template: str, context: dict[str, Any], to: list[str]) -> None:
    """Queue the gateway's email `sharing/email/<template>` to each address, in the caller's
    transaction (`core.mail`): sent by the worker once the write commits, never inside it."""
    email_queue(template=f"sharing/email/{template}", context=context, to=to)
