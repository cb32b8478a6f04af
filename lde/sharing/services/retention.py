"""Retention: products past their protocol's retention period are withdrawn and their files
deleted."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lde.core.access.facts import today
from lde.sharing.models import READABLE_STATUSES, Attachment, BriefingProduct, ProductStatus
from lde.sharing.services._common import (
    attachment_path,
    audit_product,
    files_dir,
    move_product,
)

# How far back each run deletes again the files of attachments marked deleted (see the end of
# `retention_enforce`): longer than a worker is likely to stay down.
RETRY_FILE_DELETIONS_FOR = timedelta(days=7)


@transaction.atomic
def retention_enforce(*, day: date | None = None) -> dict[str, int]:
    """Withdraw every product past the retention period of its protocol, and delete the files
    of every product past it, each with an audit event. The files go after the commit, so a
    failed run deletes nothing it has not recorded."""
    day = day or today()
    withdrawn = files = 0
    expired = (
        BriefingProduct.objects.select_for_update()
        .filter(retention_ends_on__lt=day)
        .filter(
            Q(status__in=READABLE_STATUSES)
            | Q(
                Exists(
                    Attachment.objects.filter(
                        product_id=OuterRef("pk"), file_deleted_at__isnull=True
                    )
                )
            )
        )
        .order_by("pk")
    )
    for product in expired:
        was = product.status
        if was in READABLE_STATUSES:
            product.withdrawn_at = timezone.now()
            product.save(update_fields=["withdrawn_at"])
            move_product(
                None,
                product,
                ProductStatus.WITHDRAWN,
                reason=f"The protocol's retention period ended on {product.retention_ends_on}",
                checked=False,
            )
            withdrawn += 1
        attachments = list(product.attachments.filter(file_deleted_at__isnull=True))
        for attachment in attachments:
            transaction.on_commit(partial(attachment_path(attachment).unlink, missing_ok=True))
        if attachments:
            Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(
                file_deleted_at=timezone.now()
            )
        files += len(attachments)
        audit_product(
            None,
            "PRODUCT_RETENTION_ENFORCED",
            product,
            changes={"status": product.status},
            detail={
                "retention_ends_on": str(product.retention_ends_on),
                "was": was,
                "files_deleted": len(attachments),
            },
        )
    # The files go after the commit: a worker killed between the two leaves files of
    # attachments already marked deleted, which the query above no longer finds. Each run deletes
    # those of the last week again (a file already gone is no error), so the next run finishes
    # what a killed one began (docs/how-to/run-in-production.md, "The worker killed mid-job").
    recently = timezone.now() - RETRY_FILE_DELETIONS_FOR
    for stored_name in Attachment.objects.filter(file_deleted_at__gte=recently).values_list(
        "stored_name", flat=True
    ):
        transaction.on_commit(partial((files_dir() / stored_name).unlink, missing_ok=True))
    return {"withdrawn": withdrawn, "files_deleted": files}
