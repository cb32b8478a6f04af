"""Writes to the information sharing gateway: each checked against the policy, in one
transaction, and audited in the same transaction.

One module per topic, as the gateway's work falls:

- `protocols`: drafting and changing protocols, their signatories, status and review reminders;
- `drafting`: a product's text, marking, people, dissemination list, attachments, next version;
- `review`: the gateway review, from submission with the author's declaration to release and
  withdrawal;
- `handling`: what readers do: the access record, acknowledgements, feedback, access requests;
- `retention`: withdrawing products, and deleting their files, once their protocol's retention
  period ends;
- `sources`: the catalogue of information sources.

Status changes go through `PROTOCOL_TRANSITIONS` and `PRODUCT_TRANSITIONS` (models.py) and leave
a history row. Every change to what a reader receives re-hashes the product (versions.py) and
clears the approvals of any other version; release recomputes the hash from the database and
counts only the approvals, and the author's declaration, of that exact version.

The audit trail records who did what to which product, the names of changed fields and hashes,
never a product's title, text or file names: it must not become a readable copy of the material.

Callers import this package (`from lde.sharing import services`); the names below are its public
interface.
"""

from __future__ import annotations

from lde.sharing.services._common import attachment_path, rehash
from lde.sharing.services.drafting import (
    attachment_add,
    attachment_remove,
    dissemination_add,
    dissemination_remove,
    dissemination_replace,
    product_create,
    product_new_version,
    product_people_replace,
    product_person_add,
    product_person_remove,
    product_update,
)
from lde.sharing.services.handling import (
    NOT_PDF_REFUSAL,
    NotServable,
    access_request_answer,
    access_request_send,
    attachment_download_record,
    attachment_for_download,
    feedback_send,
    product_acknowledge,
    product_pdf_name,
    product_pdf_print,
    product_pdf_record,
    product_read_record,
)
from lde.sharing.services.protocols import (
    PROTOCOL_DRAFTERS,
    protocol_create,
    protocol_review_reminders_send,
    protocol_signatory_add,
    protocol_transition,
    protocol_update,
)
from lde.sharing.services.retention import retention_enforce
from lde.sharing.services.review import (
    product_approve,
    product_comment,
    product_release,
    product_return_to_draft,
    product_submit,
    product_withdraw,
)
from lde.sharing.services.sources import (
    INFORMATION_SOURCE_FIELDS,
    information_source_create,
    information_source_update,
)

__all__ = [
    "INFORMATION_SOURCE_FIELDS",
    "NOT_PDF_REFUSAL",
    "PROTOCOL_DRAFTERS",
    "NotServable",
    "access_request_answer",
    "access_request_send",
    "attachment_add",
    "attachment_download_record",
    "attachment_for_download",
    "attachment_path",
    "attachment_remove",
    "dissemination_add",
    "dissemination_remove",
    "dissemination_replace",
    "feedback_send",
    "information_source_create",
    "information_source_update",
    "product_acknowledge",
    "product_approve",
    "product_comment",
    "product_create",
    "product_new_version",
    "product_pdf_name",
    "product_pdf_print",
    "product_pdf_record",
    "product_people_replace",
    "product_person_add",
    "product_person_remove",
    "product_read_record",
    "product_release",
    "product_return_to_draft",
    "product_submit",
    "product_update",
    "product_withdraw",
    "protocol_create",
    "protocol_review_reminders_send",
    "protocol_signatory_add",
    "protocol_transition",
    "protocol_update",
    "rehash",
    "retention_enforce",
]
