"""Handling by readers: the access record of reads and downloads, acknowledgements, feedback to
the contributors, and requests for material held above the ceiling."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from lde.accounts.models import User
from lde.core import personal_data
from lde.core.access.policy import PermissionDenied403
from lde.sharing import stamping
from lde.sharing.models import (
    READABLE_STATUSES,
    AccessRequest,
    AccessRequestStatus,
    Acknowledgement,
    Attachment,
    BriefingProduct,
    Feedback,
    ProductRead,
)
from lde.sharing.policies import access_request_policy, product_policy
from lde.sharing.services._common import (
    MAX_COMMENT,
    attachment_path,
    audit_product,
    email_send,
    lock_product,
    site_link,
)


@transaction.atomic
def product_read_record(*, actor: User, product: BriefingProduct) -> ProductRead:
    """Every opening of a product is audited and counted in its access record."""
    now = timezone.now()
    read, created = ProductRead.objects.get_or_create(
        product=product, user=actor, defaults={"first_read_at": now, "last_read_at": now}
    )
    if not created:
        ProductRead.objects.filter(pk=read.pk).update(last_read_at=now, times=read.times + 1)
    audit_product(actor, "PRODUCT_VIEWED", product, detail={"version_hash": product.version_hash})
    return read


@transaction.atomic
def attachment_download_record(*, actor: User, attachment: Attachment, stamped: bool) -> None:
    """Every download is audited, stamped (a PDF) or not: the file's hash, never its name."""
    product = attachment.product
    audit_product(
        actor,
        "ATTACHMENT_DOWNLOADED",
        product,
        subject=attachment,
        detail={"content_hash": attachment.content_hash, "stamped": stamped},
    )


@transaction.atomic
def product_pdf_record(*, actor: User, product: BriefingProduct) -> None:
    """A downloaded PDF of the product: audited with the version it was made from."""
    product_policy.require(actor, "download", product)
    audit_product(
        actor, "PRODUCT_PDF_DOWNLOADED", product, detail={"version_hash": product.version_hash}
    )


class NotServable(Exception):
    """An attachment that cannot be served under the gateway's rule: the reason says why."""


NOT_PDF_REFUSAL = (
    "Every download of a marked product carries its marking on every page, so attachments to "
    "marked products must be PDF files. This file is not a PDF, so it could not be marked. Ask "
    "the product's authors to attach it again as a PDF."
)
UNREADABLE_PDF_REFUSAL = (
    "Every PDF downloaded from the gateway carries its marking on every page. This one could "
    "not be read, so it could not be marked. Ask the product's authors to attach it again."
)


def attachment_for_download(
    *, actor: User, product: BriefingProduct, attachment: Attachment
) -> tuple[bytes | Path, str]:
    """An attachment as the reader receives it, and its content type: a PDF stamped with the
    product's marking, the reader's name and the time; any other file as it is, but only for an
    unmarked product. The download is audited. The one way the page and the API serve it.

    404 for a file deleted under the retention rule; `NotServable` for one that cannot carry
    the marking."""
    product_policy.require(actor, "download", product)
    path = attachment_path(attachment)
    if attachment.file_deleted_at is not None or not path.is_file():
        raise Http404
    if attachment.content_type == "application/pdf":
        try:
            data = stamping.stamp_pdf(
                path.read_bytes(),
                marking=stamping.marking_line(product),
                handling=stamping.handling_line(actor.full_name, timezone.now()),
            )
        except stamping.Unstampable as error:
            raise NotServable(UNREADABLE_PDF_REFUSAL) from error
        attachment_download_record(actor=actor, attachment=attachment, stamped=True)
        return data, "application/pdf"
    if stamping.marking_is_marked(product.marking):
        # A file kept from before marked products took PDFs only: it could not carry the marking.
        raise NotServable(NOT_PDF_REFUSAL)
    attachment_download_record(actor=actor, attachment=attachment, stamped=False)
    return path, attachment.content_type or "application/octet-stream"


def product_pdf_name(product: BriefingProduct) -> str:
    return f"{slugify(product.title) or 'briefing'}-v{product.version}.pdf"


def product_pdf_print(*, actor: User, product: BriefingProduct) -> bytes:
    """The released product as a PDF stamped with its marking, the reader's name and the time,
    and the download audited: the one way the page and the API print it.

    A record of material held elsewhere has no content to print (404: only its title is here).
    A version still being worked on is seen by its authors, approvers and critical readers, but
    printed only once released (403)."""
    if product.held_elsewhere:
        raise Http404
    if product.status not in READABLE_STATUSES:
        raise PermissionDenied403(
            "You cannot print a product before it is released.",
            who_can="Once released, its readers download it as a PDF stamped with its marking.",
        )
    data = stamping.product_pdf(product, reader_name=actor.full_name, when=timezone.now())
    product_pdf_record(actor=actor, product=product)
    return data


@transaction.atomic
def product_acknowledge(*, actor: User, product: BriefingProduct) -> Acknowledgement:
    """ "Read and understood", for the version read."""
    product = lock_product(product)
    product_policy.require(actor, "acknowledge", product)
    acknowledgement, _ = Acknowledgement.objects.update_or_create(
        product=product, user=actor, defaults={"version_hash": product.version_hash}
    )
    audit_product(
        actor,
        "PRODUCT_ACKNOWLEDGED",
        product,
        subject=acknowledgement,
        changes={"version_hash": product.version_hash},
    )
    return acknowledgement


def feedback_refusal(findings: list[personal_data.Finding]) -> str:
    """Why feedback was refused: what the guard found and where (never the identifier), and
    where a concern about a person belongs."""
    found = "; ".join(f"{f.kind.lower()} on line {f.line}" for f in findings[:5])
    more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
    return (
        f"Your feedback looks like it holds a person's details ({found}{more}): take them out. "
        "If you are worried about a person, do not use this form: use your local safeguarding "
        "or Prevent referral route"
    )


@transaction.atomic
def feedback_send(*, actor: User, product: BriefingProduct, body: str) -> Feedback:
    """Feedback to the product's contributors. It is not a channel for concerns about a
    person: those go to the proper referral route, and the form says so."""
    product = lock_product(product)
    product_policy.require(actor, "feedback", product)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Enter your feedback"})
    if len(body) > MAX_COMMENT or "\x00" in body:
        raise ValidationError({"body": f"Keep your feedback under {MAX_COMMENT:,} characters"})
    findings = personal_data.scan_text(body)
    if findings:
        raise ValidationError({"body": feedback_refusal(findings)})
    feedback = Feedback.objects.create(product=product, author=actor, body=body)
    audit_product(actor, "PRODUCT_FEEDBACK_SENT", product, subject=feedback)
    return feedback


@transaction.atomic
def access_request_send(
    *, actor: User, product: BriefingProduct, reason: str, notify: bool = True
) -> AccessRequest:
    """Ask the holder of material above the ceiling for it. The holder's post's current holder
    is told by email (unless `notify` is false, as in the demo), with a link and nothing of the
    material."""
    product = lock_product(product)
    product_policy.require(actor, "request_access", product)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you need it"})
    if len(reason) > MAX_COMMENT or "\x00" in reason:
        raise ValidationError({"reason": f"Keep this under {MAX_COMMENT:,} characters"})
    request = AccessRequest.objects.create(product=product, requester=actor, reason=reason)
    audit_product(actor, "ACCESS_REQUEST_SENT", product, subject=request)
    if notify:
        holders = list(
            User.objects.filter(
                is_active=True,
                post_holdings__post_id=product.holder_post_id or 0,
                post_holdings__ended_on__isnull=True,
            ).values_list("email", flat=True)
        )
        context = {"link": site_link("sharing:access-request-answer", request.pk)}
        email_send("access_request", context, holders)
    return request


@transaction.atomic
def access_request_answer(*, actor: User, request: AccessRequest, answer: str) -> AccessRequest:
    request = AccessRequest.objects.select_for_update().select_related("product").get(pk=request.pk)
    access_request_policy.require(actor, "answer", request)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "Enter your answer"})
    if len(answer) > MAX_COMMENT or "\x00" in answer:
        raise ValidationError({"answer": f"Keep this under {MAX_COMMENT:,} characters"})
    request.answer = answer
    request.status = AccessRequestStatus.ANSWERED
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    audit_product(actor, "ACCESS_REQUEST_ANSWERED", request.product, subject=request)
    context = {"link": site_link("sharing:access-request-list")}
    email_send("access_request_answered", context, [request.requester.email])
    return request
