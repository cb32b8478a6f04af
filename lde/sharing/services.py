"""Writes to the information sharing gateway: each checked against the policy, in one
transaction, and audited in the same transaction.

Status changes go through `PROTOCOL_TRANSITIONS` and `PRODUCT_TRANSITIONS` and leave a history
row. Every change to what a reader receives re-hashes the product (versions.py) and clears the
approvals of any other version; release recomputes the hash from the database and counts only
the approvals, and the author's declaration, of that exact version.

The audit trail records who did what to which product, the names of changed fields and hashes,
never a product's title, text or file names: it must not become a readable copy of the material.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lde.accounts.models import GSS_CODE_PATTERN, Caveat, Organisation, Post, User
from lde.core import personal_data
from lde.core.access.facts import facts_for, today
from lde.core.access.markings import Marking, marking_ceiling, marking_is_storable, vetting_covers
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.files import safe_file_name
from lde.partnerships.models import PartnerOrganisation, Partnership, Role
from lde.sharing.models import (
    READABLE_STATUSES,
    AccessRequest,
    AccessRequestStatus,
    Acknowledgement,
    Approval,
    Attachment,
    BriefingProduct,
    DisseminationEntry,
    DisseminationKind,
    Feedback,
    InformationSource,
    PersonKind,
    ProductPerson,
    ProductRead,
    ProductStatus,
    ProductTransition,
    ProtectedCharacteristic,
    Protocol,
    ProtocolSignatory,
    ProtocolStatus,
    ProtocolTransition,
    ReviewComment,
)
from lde.sharing.policies import (
    access_request_policy,
    information_source_policy,
    product_policy,
    protocol_policy,
    protocol_signing_organisation,
)
from lde.sharing.stamping import MARKED_ATTACHMENTS_PDF_ONLY, is_readable_pdf, marking_is_marked
from lde.sharing.versions import version_hash

# --- Protocols -----------------------------------------------------------------------------

PROTOCOL_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProtocolStatus.DRAFT, ProtocolStatus.IN_FORCE): "Brought into force",
    (ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED): "Suspended",
    (ProtocolStatus.SUSPENDED, ProtocolStatus.IN_FORCE): "Back in force",
    (ProtocolStatus.IN_FORCE, ProtocolStatus.ENDED): "Ended",
    (ProtocolStatus.SUSPENDED, ProtocolStatus.ENDED): "Ended",
    (ProtocolStatus.DRAFT, ProtocolStatus.ENDED): "Abandoned",
}
# Suspending or ending an agreement stops everyone reading what was released under it: say why.
REASON_NEEDED = {ProtocolStatus.SUSPENDED, ProtocolStatus.ENDED}
REVIEW_REMINDER_DAYS = 30
PROTOCOL_DRAFTERS = (
    "Coordinators draft information sharing protocols for their own organisation, when it is a "
    "partner of a partnership they coordinate."
)
MAX_RETENTION_DAYS = 36_500


def protocol_next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in PROTOCOL_TRANSITIONS if frm == status]


def protocol_party_partnerships(protocol: Protocol, *, also: Iterable[int] = ()) -> list[int]:
    """The partnerships in which a party of the protocol (or an organisation in `also`) sits:
    every one of them sees each change to the protocol on its audit page."""
    parties = {*protocol.parties.values_list("pk", flat=True), *also}
    return sorted(
        set(
            PartnerOrganisation.objects.filter(organisation_id__in=sorted(parties)).values_list(
                "partnership_id", flat=True
            )
        )
    )


def _audit_protocol(
    actor: User | None,
    verb: str,
    protocol: Protocol,
    subject: Any = None,
    *,
    changes: Any = None,
    detail: dict[str, Any] | None = None,
    also: Iterable[int] = (),
) -> None:
    """One event for each partnership in which a party sits, so that a change made from one
    partnership shows on the audit page of every other partnership the agreement binds; one
    organisation-level event when no party sits in any partnership yet."""
    partnerships: list[int | None] = [*protocol_party_partnerships(protocol, also=also)]
    for partnership_id in partnerships or [None]:
        audit_record(
            actor=actor,
            verb=verb,
            target=subject if subject is not None else protocol,
            scope=AuditScope.PARTNERSHIP if partnership_id else AuditScope.ORGANISATION,
            partnership_id=partnership_id,
            changes=changes,
            detail={"protocol": protocol.pk, **(detail or {})},
        )


def _protocol_clean(
    *,
    actor: User,
    fields: dict[str, Any],
    parties: list[Organisation],
    controllers: list[Organisation],
) -> None:
    problems: dict[str, list[str]] = {}
    for name in ("title", "purpose", "legal_basis", "dpia_reference", "information_shared"):
        if not str(fields.get(name, "")).strip():
            problems.setdefault(name, []).append("Enter this: a protocol must say it")
    for name in ("who_may_see", "handling"):
        if not str(fields.get(name, "")).strip():
            problems.setdefault(name, []).append("Enter this: a protocol must say it")
    retention = fields.get("retention_days")
    if not isinstance(retention, int) or not 1 <= retention <= MAX_RETENTION_DAYS:
        problems.setdefault("retention_days", []).append(
            f"Enter a retention period from 1 to {MAX_RETENTION_DAYS} days"
        )
    if not parties:
        problems.setdefault("parties", []).append("Choose the organisations that are parties")
    elif protocol_signing_organisation(facts_for(actor)) not in {o.pk for o in parties}:
        # Whoever drafts or changes it signs for one of its parties, or could not go on doing so.
        problems.setdefault("parties", []).append("Include your own organisation among the parties")
    outside = {o.pk for o in controllers} - {o.pk for o in parties}
    if outside:
        problems.setdefault("controllers", []).append("Every controller must also be a party")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def protocol_create(
    *,
    actor: User,
    parties: Iterable[Organisation],
    controllers: Iterable[Organisation] = (),
    **fields: Any,
) -> Protocol:
    """Draft a protocol. Its parties must include the actor's own organisation, which they sign
    for, so that they can go on managing it."""
    if not protocol_policy.may_create(facts_for(actor)):
        raise PermissionDenied403(
            "You cannot draft a protocol.",
            who_can=PROTOCOL_DRAFTERS,
        )
    parties, controllers = list(parties), list(controllers)
    _protocol_clean(actor=actor, fields=fields, parties=parties, controllers=controllers)
    protocol = Protocol(created_by=actor, **fields)
    protocol.full_clean(exclude=["created_by"])
    protocol.save()
    protocol.parties.set(parties)
    protocol.controllers.set(controllers)
    _audit_protocol(
        actor,
        "PROTOCOL_CREATED",
        protocol,
        changes={
            **{name: fields.get(name) for name in fields},
            "parties": sorted(o.pk for o in parties),
            "controllers": sorted(o.pk for o in controllers),
        },
    )
    return protocol


@transaction.atomic
def protocol_update(
    *,
    actor: User,
    protocol: Protocol,
    parties: Iterable[Organisation],
    controllers: Iterable[Organisation] = (),
    **fields: Any,
) -> Protocol:
    """Change a protocol. A new retention period moves the retention end of everything already
    released under it."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    protocol_policy.require(actor, "manage", protocol)
    parties, controllers = list(parties), list(controllers)
    _protocol_clean(actor=actor, fields=fields, parties=parties, controllers=controllers)
    # Who is a party is each party's own fact, agreed by signing: once signed and in force (or
    # suspended), one party cannot bring another in, or put one out, by editing the text.
    if protocol.status != ProtocolStatus.DRAFT and sorted(o.pk for o in parties) != sorted(
        protocol.parties.values_list("pk", flat=True)
    ):
        raise ValidationError(
            {
                "parties": "The parties can change only while the protocol is a draft: to add "
                "or remove a party, end this protocol and agree a new one"
            }
        )
    changed = {name: value for name, value in fields.items() if getattr(protocol, name) != value}
    for name, value in fields.items():
        setattr(protocol, name, value)
    protocol.full_clean(exclude=["created_by"])
    protocol.save()
    before = {
        "parties": sorted(protocol.parties.values_list("pk", flat=True)),
        "controllers": sorted(protocol.controllers.values_list("pk", flat=True)),
    }
    after = {
        "parties": sorted(o.pk for o in parties),
        "controllers": sorted(o.pk for o in controllers),
    }
    protocol.parties.set(parties)
    protocol.controllers.set(controllers)
    changed.update({k: v for k, v in after.items() if before[k] != v})
    if "retention_days" in changed:
        _retention_move(protocol)
    if "review_on" in changed:
        protocol.review_reminder_sent_for = None
        protocol.save(update_fields=["review_reminder_sent_for"])
    # A party taken off still sees, on its partnerships' audit pages, that it was taken off.
    _audit_protocol(actor, "PROTOCOL_UPDATED", protocol, changes=changed, also=before["parties"])
    return protocol


def _retention_move(protocol: Protocol) -> None:
    products = list(protocol.products.filter(released_on__isnull=False))
    for product in products:
        assert product.released_on is not None
        product.retention_ends_on = product.released_on + timedelta(days=protocol.retention_days)
    BriefingProduct.objects.bulk_update(products, ["retention_ends_on"])


@transaction.atomic
def protocol_signatory_add(
    *,
    actor: User,
    protocol: Protocol,
    organisation: Organisation,
    name: str,
    post_title: str,
    signed_on: date,
) -> ProtocolSignatory:
    protocol_policy.require(actor, "manage", protocol)
    problems: dict[str, str] = {}
    if not protocol.parties.filter(pk=organisation.pk).exists():
        problems["organisation"] = "Only a party signs the protocol"
    if not name.strip():
        problems["name"] = "Enter the signatory's name"
    if not post_title.strip():
        problems["post_title"] = "Enter the signatory's post"
    if signed_on > today():
        problems["signed_on"] = "The date it was signed must be today or in the past"
    if problems:
        raise ValidationError(problems)
    signatory = ProtocolSignatory.objects.create(
        protocol=protocol,
        organisation=organisation,
        name=name.strip(),
        post_title=post_title.strip(),
        signed_on=signed_on,
        recorded_by=actor,
    )
    _audit_protocol(
        actor,
        "PROTOCOL_SIGNATORY_ADDED",
        protocol,
        subject=signatory,
        changes={"organisation": organisation.pk, "signed_on": signed_on},
    )
    return signatory


def protocol_force_problems(protocol: Protocol) -> list[str]:
    """What stops a protocol coming into force: at least two parties, each of which has signed,
    and a review date still to come."""
    problems = []
    parties = list(protocol.parties.all())
    if len(parties) < 2:
        problems.append("A protocol needs at least two parties")
    signed = set(protocol.signatories.values_list("organisation_id", flat=True))
    unsigned = sorted(o.name for o in parties if o.pk not in signed)
    if unsigned:
        problems.append("These parties have not signed it: " + ", ".join(unsigned))
    if protocol.review_on < today():
        problems.append("Its review date has passed: set the next one first")
    return problems


@transaction.atomic
def protocol_transition(
    *, actor: User | None, protocol: Protocol, to_status: str, reason: str = ""
) -> Protocol:
    """Bring into force, suspend, restore or end a protocol. Suspending it stops everyone reading
    what was released under it at their next request; restoring it gives that back."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    key = (protocol.status, to_status)
    if key not in PROTOCOL_TRANSITIONS:
        raise ValidationError(
            {"to_status": f"A protocol cannot go from {protocol.status} to {to_status}"}
        )
    if actor is not None:
        protocol_policy.require(actor, "manage", protocol)
    if to_status in REASON_NEEDED and not reason.strip():
        raise ValidationError({"reason": "Say why"})
    if to_status == ProtocolStatus.IN_FORCE:
        problems = protocol_force_problems(protocol)
        if problems:
            raise ValidationError({"to_status": problems})
    ProtocolTransition.objects.create(
        protocol=protocol,
        from_status=protocol.status,
        to_status=to_status,
        actor=actor,
        reason=reason.strip(),
    )
    protocol.status = to_status
    protocol.save(update_fields=["status", "updated_at"])
    _audit_protocol(actor, f"PROTOCOL_{to_status.upper()}", protocol, changes={"status": to_status})
    return protocol


def _site_link(name: str, *args: Any) -> str:
    return settings.LDE_SITE_URL.rstrip("/") + reverse(name, args=args)


def _send(template: str, context: dict[str, Any], to: list[str]) -> None:
    if not to:
        return
    send_mail(
        render_to_string(f"sharing/email/{template}_subject.txt", context).strip(),
        render_to_string(f"sharing/email/{template}.txt", context),
        None,
        to,
    )


def protocol_coordinators(protocol: Protocol) -> list[User]:
    """The people who manage the protocol: those of a party organisation with the right to sign
    for it (policies.protocol_signing_organisation), that is coordinators of a partnership in
    which their own organisation, a party, is a partner."""
    return list(
        User.objects.filter(
            is_active=True,
            organisation__in=protocol.parties.all(),
            memberships__role=Role.COORDINATOR,
            memberships__partnership__partner_links__organisation=F("organisation"),
        )
        .distinct()
        .order_by("email")
    )


@transaction.atomic
def protocol_review_reminders_send(
    *, day: date | None = None, days_before: int = REVIEW_REMINDER_DAYS
) -> int:
    """Remind the coordinators who manage each live protocol of its review date, once per date,
    from `days_before` days ahead (and at once if the date is already near or past). Each
    reminder is recorded and audited before its emails go, after the commit."""
    day = day or today()
    due = list(
        Protocol.objects.select_for_update()
        .filter(
            status__in=[ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED],
            review_on__lte=day + timedelta(days=days_before),
        )
        .exclude(review_reminder_sent_for=F("review_on"))
        .order_by("review_on", "pk")
    )
    for protocol in due:
        protocol.review_reminder_sent_for = protocol.review_on
        protocol.save(update_fields=["review_reminder_sent_for"])
        people = protocol_coordinators(protocol)
        _audit_protocol(
            None,
            "PROTOCOL_REVIEW_REMINDER_SENT",
            protocol,
            changes={"review_reminder_sent_for": protocol.review_on},
            detail={"recipients": [u.pk for u in people]},
        )
        context = {
            "protocol": protocol,
            "link": _site_link("sharing:protocol-detail", protocol.pk),
            "overdue": protocol.review_on < day,
        }
        transaction.on_commit(partial(_send, "review_reminder", context, [u.email for u in people]))
    return len(due)


# --- Briefing products ---------------------------------------------------------------------

PRODUCT_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProductStatus.DRAFT, ProductStatus.IN_REVIEW): "submit",
    (ProductStatus.IN_REVIEW, ProductStatus.DRAFT): "return_to_draft",
    (ProductStatus.IN_REVIEW, ProductStatus.RELEASED): "release",
    (ProductStatus.RELEASED, ProductStatus.WITHDRAWN): "withdraw",
    (ProductStatus.SUPERSEDED, ProductStatus.WITHDRAWN): "withdraw",
    # Only as the consequence of releasing the next version.
    (ProductStatus.RELEASED, ProductStatus.SUPERSEDED): "supersede",
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MAX_TEXT = 100_000
# A record of material held above the ceiling names it in a short title only.
MAX_RECORD_TITLE = 120
MAX_COMMENT = 10_000
GSS_CODE = re.compile(GSS_CODE_PATTERN)
CONTENT_FIELDS = (
    "title",
    "summary",
    "body",
    "marking",
    "caveats",
    "area_gss_codes",
    "contributing_organisations",
    "recipients",
    "protocol",
    "holder_post",
    "how_to_ask",
)


def _audit_product(
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


def _files_dir() -> Path:
    folder = Path(settings.PRIVATE_FILES_ROOT) / "sharing"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attachment_path(attachment: Attachment) -> Path:
    return _files_dir() / attachment.stored_name


def _lock(product: BriefingProduct) -> BriefingProduct:
    return BriefingProduct.objects.select_for_update().get(pk=product.pk)


def rehash(*, actor: User | None, product: BriefingProduct) -> str:
    """Store the product's current version hash and clear every approval of another version."""
    current = version_hash(product)
    if current != product.version_hash:
        product.version_hash = current
        product.save(update_fields=["version_hash", "updated_at"])
    cleared, _ = product.approvals.exclude(version_hash=current).delete()
    if cleared:
        _audit_product(
            actor,
            "PRODUCT_APPROVALS_CLEARED",
            product,
            changes={"version_hash": current},
            detail={"cleared": cleared},
        )
    return current


def _content_clean(
    *,
    actor: User,
    producing_organisation_id: int,
    title: str,
    body: str,
    marking: Marking,
    caveats: list[Caveat],
    area_gss_codes: list[str],
    protocol: Protocol | None,
    holder_post: Post | None,
    how_to_ask: str,
    has_attachments: bool,
    summary: str = "",
    has_attachments_not_pdf: bool = False,
    title_releasable_declared: bool = False,
) -> bool:
    """Check what an author wrote; answer whether the marking puts it above the ceiling."""
    facts = facts_for(actor)
    problems: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not title.strip():
        problem("title", "Enter a title")
    for name, value in (("summary", summary), ("body", body), ("how_to_ask", how_to_ask)):
        if len(value) > MAX_TEXT or "\x00" in value:
            problem(name, f"Keep this under {MAX_TEXT:,} characters of text")
    if not vetting_covers(facts.clearance, marking):
        problem(
            "marking",
            "Your clearance does not cover this marking: you could not see the product yourself",
        )
    missing = sorted(c.name for c in caveats if c.code not in facts.caveats)
    if missing:
        problem(
            "caveats",
            "You do not hold these caveats, so you could not see the product: "
            + ", ".join(missing),
        )
    wrong = [code for code in area_gss_codes if not GSS_CODE.match(code)]
    if wrong:
        problem(
            "area_gss_codes",
            "Enter each area as a GSS code, a letter and eight digits like E08000025: "
            + ", ".join(wrong[:5]),
        )
    held_elsewhere = not marking_is_storable(marking)
    if held_elsewhere:
        # The tip of the iceberg: a short title, who holds it and how to ask. Any other text
        # could carry the material itself onto a platform not cleared to hold it.
        ceiling = marking_ceiling()
        for name, value, what in (("summary", summary, "a summary"), ("body", body, "its text")):
            if value.strip():
                problem(
                    name,
                    f"{marking.label} is above this platform's ceiling ({ceiling.label}): do not "
                    f"put {what} here. Record only a short title, who holds it and how to ask",
                )
        if len(title.strip()) > MAX_RECORD_TITLE:
            problem(
                "title",
                f"Keep the title of a record of material held elsewhere to {MAX_RECORD_TITLE} "
                "characters or fewer",
            )
        if not title_releasable_declared:
            problem(
                "title_releasable_declared",
                f"Confirm that the title itself may be released at {ceiling.label}, the "
                "platform's ceiling",
            )
        if has_attachments:
            problem(
                "marking",
                f"{marking.label} is above this platform's ceiling ({ceiling.label}): remove the "
                "attachments first",
            )
        if holder_post is None:
            problem("holder_post", "Choose the post that holds the material")
        if not how_to_ask.strip():
            problem("how_to_ask", "Say how to ask the holder for it")
    elif has_attachments_not_pdf and marking_is_marked(marking):
        problem(
            "marking",
            "Attachments to marked products must be PDF files, so that every page carries the "
            "marking: remove the files that are not PDFs first",
        )
    # A protocol the author may not see is answered as one their organisation is not party to,
    # so that naming one does not tell them it exists.
    if protocol is not None and (
        not protocol_policy.user_can(actor, "view", protocol)
        or not protocol.parties.filter(pk=producing_organisation_id).exists()
    ):
        problem("protocol", "Choose a protocol your organisation is a party to")
    if problems:
        raise ValidationError(problems)
    return held_elsewhere


@transaction.atomic
def product_create(
    *,
    actor: User,
    title: str,
    marking: Marking,
    summary: str = "",
    body: str = "",
    caveats: Iterable[Caveat] = (),
    area_gss_codes: Iterable[str] = (),
    contributing_organisations: Iterable[Organisation] = (),
    recipients: Iterable[Partnership] = (),
    protocol: Protocol | None = None,
    holder_post: Post | None = None,
    how_to_ask: str = "",
    title_releasable_declared: bool = False,
) -> BriefingProduct:
    """Start a draft for the actor's own organisation, with the actor as its first author."""
    if actor.organisation_id is None:
        raise PermissionDenied403(
            "You work for no organisation.",
            who_can="People who work for an organisation draft briefing products for it.",
        )
    caveats, areas = list(caveats), [c.strip().upper() for c in area_gss_codes if c.strip()]
    held_elsewhere = _content_clean(
        actor=actor,
        producing_organisation_id=actor.organisation_id,
        title=title,
        summary=summary,
        body=body,
        marking=marking,
        caveats=caveats,
        area_gss_codes=areas,
        protocol=protocol,
        holder_post=holder_post,
        how_to_ask=how_to_ask,
        has_attachments=False,
        title_releasable_declared=title_releasable_declared,
    )
    product = BriefingProduct.objects.create(
        producing_organisation_id=actor.organisation_id,
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        marking=marking,
        area_gss_codes=sorted(set(areas)),
        protocol=protocol,
        held_elsewhere=held_elsewhere,
        title_releasable_declared=held_elsewhere and title_releasable_declared,
        holder_post=holder_post if held_elsewhere else None,
        how_to_ask=how_to_ask.strip() if held_elsewhere else "",
        created_by=actor,
    )
    product.caveats.set(caveats)
    product.contributing_organisations.set(
        [o for o in contributing_organisations if o.pk != actor.organisation_id]
    )
    product.recipients.set(list(recipients))
    ProductPerson.objects.create(
        product=product, user=actor, kind=PersonKind.AUTHOR, added_by=actor
    )
    rehash(actor=actor, product=product)
    _audit_product(
        actor,
        "PRODUCT_CREATED",
        product,
        changes={"version_hash": product.version_hash, "marking": marking.code},
    )
    return product


@transaction.atomic
def product_update(
    *,
    actor: User,
    product: BriefingProduct,
    title: str,
    marking: Marking,
    summary: str = "",
    body: str = "",
    caveats: Iterable[Caveat] = (),
    area_gss_codes: Iterable[str] = (),
    contributing_organisations: Iterable[Organisation] = (),
    recipients: Iterable[Partnership] = (),
    protocol: Protocol | None = None,
    holder_post: Post | None = None,
    how_to_ask: str = "",
    title_releasable_declared: bool = False,
) -> BriefingProduct:
    """Change a draft. Any change to what a reader receives clears the approvals."""
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    caveats, areas = list(caveats), [c.strip().upper() for c in area_gss_codes if c.strip()]
    held_elsewhere = _content_clean(
        actor=actor,
        producing_organisation_id=product.producing_organisation_id,
        title=title,
        summary=summary,
        body=body,
        marking=marking,
        caveats=caveats,
        area_gss_codes=areas,
        protocol=protocol,
        holder_post=holder_post,
        how_to_ask=how_to_ask,
        has_attachments=product.attachments.exists(),
        has_attachments_not_pdf=product.attachments.exclude(
            content_type="application/pdf"
        ).exists(),
        title_releasable_declared=title_releasable_declared,
    )
    before = version_hash(product)
    product.title = title.strip()
    product.summary = summary.strip()
    product.body = body.strip()
    product.marking = marking
    product.area_gss_codes = sorted(set(areas))
    product.protocol = protocol
    product.held_elsewhere = held_elsewhere
    product.title_releasable_declared = held_elsewhere and title_releasable_declared
    product.holder_post = holder_post if held_elsewhere else None
    product.how_to_ask = how_to_ask.strip() if held_elsewhere else ""
    product.save()
    product.caveats.set(caveats)
    product.contributing_organisations.set(
        [o for o in contributing_organisations if o.pk != product.producing_organisation_id]
    )
    product.recipients.set(list(recipients))
    after = rehash(actor=actor, product=product)
    if after != before:
        _audit_product(actor, "PRODUCT_UPDATED", product, changes={"version_hash": after})
    return product


@transaction.atomic
def product_person_add(
    *, actor: User, product: BriefingProduct, user: User, kind: str
) -> ProductPerson:
    """Name an author, gateway approver or critical reader. They see the version they work on
    only if their clearance covers its marking and they hold its caveats."""
    product_policy.require(actor, "manage_people", product)
    if user.pk == actor.pk:
        raise PermissionDenied403(
            "You cannot name yourself on a product.", who_can=SELF_NAMING_WHO_CAN
        )
    if kind not in PersonKind.values:
        raise ValidationError({"kind": "Choose author, gateway approver or critical reader"})
    _require_author_of_producer(product=product, users=[user] if kind == PersonKind.AUTHOR else [])
    if not user.is_active:
        raise ValidationError({"email": "That person's account is closed"})
    person, created = ProductPerson.objects.get_or_create(
        product=product, user=user, kind=kind, defaults={"added_by": actor}
    )
    if not created:
        raise ValidationError({"email": f"{user} is already named as {person.get_kind_display()}"})
    _audit_product(
        actor,
        "PRODUCT_PERSON_ADDED",
        product,
        subject=person,
        changes={"user": user.pk, "kind": kind},
    )
    return person


@transaction.atomic
def product_person_remove(*, actor: User, product: BriefingProduct, person: ProductPerson) -> None:
    product_policy.require(actor, "manage_people", product)
    if person.product_id != product.pk:
        raise ValidationError({"person": "That person is not named on this product"})
    if (
        person.kind == PersonKind.AUTHOR
        and product.people.filter(kind=PersonKind.AUTHOR).count() == 1
    ):
        raise ValidationError({"person": "A product keeps at least one author"})
    _audit_product(
        actor,
        "PRODUCT_PERSON_REMOVED",
        product,
        changes={"user": person.user_id, "kind": person.kind},
    )
    person.delete()


@transaction.atomic
def product_people_replace(
    *, actor: User, product: BriefingProduct, people: Iterable[tuple[User, str]]
) -> list[ProductPerson]:
    """Name exactly these people (the API's whole-list write); at least one author stays."""
    product = _lock(product)
    product_policy.require(actor, "manage_people", product)
    wanted = {(user.pk, kind): user for user, kind in people}
    if any(kind not in PersonKind.values for _, kind in wanted):
        raise ValidationError({"people": ["Name each as author, approver or critical reader"]})
    if not any(kind == PersonKind.AUTHOR for _, kind in wanted):
        raise ValidationError({"people": ["A product keeps at least one author"]})
    if any(not user.is_active for user in wanted.values()):
        raise ValidationError({"people": ["One of these people's accounts is closed"]})
    _require_author_of_producer(
        product=product, users=[u for (_, kind), u in wanted.items() if kind == PersonKind.AUTHOR]
    )
    existing = {(p.user_id, p.kind): p for p in product.people.all()}
    if any(user_id == actor.pk for user_id, _ in set(wanted) - set(existing)):
        raise PermissionDenied403(
            "You cannot name yourself on a product.", who_can=SELF_NAMING_WHO_CAN
        )
    for key in set(existing) - set(wanted):
        existing[key].delete()
    for key in set(wanted) - set(existing):
        ProductPerson.objects.create(product=product, user=wanted[key], kind=key[1], added_by=actor)
    _audit_product(
        actor,
        "PRODUCT_PEOPLE_REPLACED",
        product,
        changes={"people": sorted([user_id, kind] for user_id, kind in wanted)},
    )
    return list(product.people.order_by("kind", "user_id"))


_DISSEMINATION_TARGETS: dict[str, str] = {
    DisseminationKind.POST: "post",
    DisseminationKind.ROLE: "role",
    DisseminationKind.ORGANISATION: "organisation",
    DisseminationKind.USER: "user",
}


def _require_author_of_producer(*, product: BriefingProduct, users: Iterable[User]) -> None:
    """Authors work for the producing organisation: they name the product's people and its
    dissemination list, which are that organisation's facts, so nobody else may become one."""
    for user in users:
        if user.organisation_id != product.producing_organisation_id:
            raise ValidationError(
                {
                    "email": f"Authors work for {product.producing_organisation.name}: name "
                    f"{user} as a critical reader instead"
                }
            )


# Naming oneself approver or critical reader would let an author approve, or comment on, their
# own work: another author names them.
SELF_NAMING_WHO_CAN = "Another of the product's authors names you."


@transaction.atomic
def dissemination_replace(
    *, actor: User, product: BriefingProduct, entries: Iterable[dict[str, Any]]
) -> list[DisseminationEntry]:
    """Make the dissemination list exactly these lines (the API's whole-list write). Each line
    is a dict with `kind` and one of `post`, `role`, `organisation` or `user`."""
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    lines: list[dict[str, Any]] = []
    for entry in entries:
        kind = entry.get("kind")
        line = {"kind": kind, "post": None, "role": "", "organisation": None, "user": None}
        target = _DISSEMINATION_TARGETS.get(str(kind))
        value = entry.get(target) if target else None
        if target is None or not value or (target == "role" and value not in Role.values):
            raise ValidationError(
                {"entries": ["Each line names a post, a role, an organisation or a person"]}
            )
        line[target] = value
        if line not in lines:
            lines.append(line)
    product.dissemination.all().delete()
    DisseminationEntry.objects.bulk_create(
        DisseminationEntry(product=product, **line) for line in lines
    )
    after = rehash(actor=actor, product=product)
    _audit_product(
        actor,
        "DISSEMINATION_REPLACED",
        product,
        changes={"version_hash": after},
        detail={"lines": len(lines)},
    )
    return list(product.dissemination.order_by("kind", "pk"))


@transaction.atomic
def dissemination_add(
    *,
    actor: User,
    product: BriefingProduct,
    kind: str,
    post: Post | None = None,
    role: str = "",
    organisation: Organisation | None = None,
    user: User | None = None,
) -> DisseminationEntry:
    """Add a line to the dissemination list, by post, role, organisation or name."""
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    values: dict[str, Any] = {"post": None, "role": "", "organisation": None, "user": None}
    if kind == DisseminationKind.POST and post is not None:
        values["post"] = post
    elif kind == DisseminationKind.ROLE and role in Role.values:
        values["role"] = role
    elif kind == DisseminationKind.ORGANISATION and organisation is not None:
        values["organisation"] = organisation
    elif kind == DisseminationKind.USER and user is not None:
        values["user"] = user
    else:
        raise ValidationError(
            {"kind": "Choose what to add: a post, a role, an organisation or a person, and which"}
        )
    if product.dissemination.filter(kind=kind, **values).exists():
        raise ValidationError({"kind": "That is already on the dissemination list"})
    entry = DisseminationEntry.objects.create(product=product, kind=kind, **values)
    after = rehash(actor=actor, product=product)
    _audit_product(
        actor,
        "DISSEMINATION_ADDED",
        product,
        subject=entry,
        changes={"kind": kind, "version_hash": after},
    )
    return entry


@transaction.atomic
def dissemination_remove(
    *, actor: User, product: BriefingProduct, entry: DisseminationEntry
) -> None:
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    if entry.product_id != product.pk:
        raise ValidationError({"entry": "That is not on this product's list"})
    entry.delete()
    after = rehash(actor=actor, product=product)
    _audit_product(
        actor, "DISSEMINATION_REMOVED", product, changes={"kind": entry.kind, "version_hash": after}
    )


def guard_check_file(data: bytes, content_type: str, name: str) -> list[dict[str, str]] | None:
    """The personal-data guard's findings in a file, kept without the identifiers themselves
    (kind, place, masked excerpt); None when the file has no text the guard can read."""
    try:
        findings = personal_data.scan_file(data, content_type, name)
    except personal_data.Unreadable:
        return None
    return [
        {"kind": f.kind, "place": f.place, "excerpt": personal_data.masked(f.text)}
        for f in findings
    ]


@transaction.atomic
def attachment_add(*, actor: User, product: BriefingProduct, upload: UploadedFile) -> Attachment:
    """Store a file outside the web root under a random name, with a SHA-256 of its content.
    Nothing above the ceiling is ever uploaded."""
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    if product.held_elsewhere:
        raise ValidationError(
            {"file": "This product records material above the ceiling: nothing of it is uploaded"}
        )
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": "The file must be smaller than 20 MB"})
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty"})
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    name = safe_file_name(upload.name, default="attachment")
    data = b"".join(upload.chunks())
    if marking_is_marked(product.marking):
        # Judged by the content, never the name or the declared type: a file that is not a PDF
        # could not carry the marking on its pages once downloaded.
        if not is_readable_pdf(data):
            raise ValidationError({"file": MARKED_ATTACHMENTS_PDF_ONLY})
        content_type = "application/pdf"
    elif content_type not in ATTACHMENT_TYPES:
        raise ValidationError(
            {"file": "The file must be a PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG file"}
        )
    findings = guard_check_file(data, content_type, name)
    if findings is None and content_type == "application/pdf":
        # A PDF whose text cannot be read cannot be stamped with its marking either.
        raise ValidationError(
            {
                "file": "The PDF could not be read (it may be damaged or password-protected): "
                "save it again without a password and attach it again"
            }
        )
    stored_name = uuid.uuid4().hex
    path = _files_dir() / stored_name
    path.write_bytes(data)
    # Written before the row: if the transaction rolls back, no row points at the file.
    attachment = Attachment.objects.create(
        product=product,
        file_name=name,
        stored_name=stored_name,
        content_hash=hashlib.sha256(data).hexdigest(),
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
        guard_findings=findings,
    )
    after = rehash(actor=actor, product=product)
    _audit_product(
        actor,
        "ATTACHMENT_ADDED",
        product,
        subject=attachment,
        changes={"file_name": name, "version_hash": after},
        detail={"content_hash": attachment.content_hash, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, product: BriefingProduct, attachment: Attachment) -> None:
    product = _lock(product)
    product_policy.require(actor, "edit", product)
    if attachment.product_id != product.pk:
        raise ValidationError({"attachment": "That file is not attached to this product"})
    path = attachment_path(attachment)
    content_hash = attachment.content_hash
    attachment.delete()
    # Other versions may share nothing: each version has its own copy of each file.
    transaction.on_commit(partial(path.unlink, missing_ok=True))
    after = rehash(actor=actor, product=product)
    _audit_product(
        actor,
        "ATTACHMENT_REMOVED",
        product,
        changes={"version_hash": after},
        detail={"content_hash": content_hash},
    )


def _move(
    actor: User | None,
    product: BriefingProduct,
    to_status: str,
    *,
    reason: str = "",
    checked: bool = True,
) -> BriefingProduct:
    """Change status through the map, leaving a history row with the version's hash."""
    action = PRODUCT_TRANSITIONS.get((product.status, to_status))
    if action is None:
        raise ValidationError(
            {"status": f"A product cannot go from {product.status} to {to_status}"}
        )
    if checked and actor is not None:
        product_policy.require(actor, action, product)
    ProductTransition.objects.create(
        product=product,
        from_status=product.status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        version_hash=product.version_hash,
    )
    product.status = to_status
    product.save(update_fields=["status", "updated_at"])
    _audit_product(
        actor,
        f"PRODUCT_{to_status.upper()}",
        product,
        changes={"status": to_status, "version_hash": product.version_hash},
    )
    return product


def submit_problems(product: BriefingProduct) -> list[str]:
    """What a draft still needs before gateway review."""
    problems = []
    if product.protocol_id is None:
        problems.append("Choose the information sharing protocol it is released under")
    if not product.recipients.exists():
        problems.append("Choose at least one recipient partnership")
    if not product.dissemination.exists():
        problems.append("Add at least one line to the dissemination list")
    if not product.people.filter(kind=PersonKind.APPROVER).exists():
        problems.append("Name at least one gateway approver")
    if product.held_elsewhere and (product.holder_post_id is None or not product.how_to_ask):
        problems.append("Say which post holds the material and how to ask for it")
    if product.held_elsewhere and not product.title_releasable_declared:
        problems.append("Confirm that the title itself may be released at the platform's ceiling")
    return problems


@transaction.atomic
def product_submit(
    *, actor: User, product: BriefingProduct, no_personal_data_declared: bool
) -> BriefingProduct:
    """Send a draft for gateway review, with the author's declaration, tied to this version's
    hash, that it holds no information about identifiable members of the public."""
    product = _lock(product)
    product_policy.require(actor, "submit", product)
    problems: dict[str, list[str]] = {}
    outstanding = submit_problems(product)
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
    from lde.sharing.selectors import product_guard

    guard = product_guard(product=product)
    _audit_product(
        actor,
        "PRODUCT_PERSONAL_DATA_DECLARED",
        product,
        changes={"version_hash": current},
        detail={"guard_findings": len(guard.findings), "files_not_checked": len(guard.unchecked)},
    )
    return _move(actor, product, ProductStatus.IN_REVIEW)


@transaction.atomic
def product_return_to_draft(
    *, actor: User, product: BriefingProduct, reason: str
) -> BriefingProduct:
    product = _lock(product)
    product_policy.require(actor, "return_to_draft", product)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it goes back to draft"})
    return _move(actor, product, ProductStatus.DRAFT, reason=reason.strip())


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
    product = _lock(product)
    product_policy.require(actor, "approve", product)
    current = _changed_since(product, seen_hash)
    assert actor.organisation_id is not None  # the policy requires it
    approval, _ = Approval.objects.update_or_create(
        product=product,
        approver=actor,
        defaults={"organisation_id": actor.organisation_id, "version_hash": current},
    )
    _audit_product(
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
    product = _lock(product)
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
    _audit_product(
        actor, "PRODUCT_COMMENTED", product, subject=comment, changes={"version_hash": current}
    )
    return comment


def required_organisations(product: BriefingProduct) -> list[Organisation]:
    """The organisations whose approver must approve: the producer and each contributor."""
    found = {product.producing_organisation_id: product.producing_organisation}
    for organisation in product.contributing_organisations.all():
        found.setdefault(organisation.pk, organisation)
    return sorted(found.values(), key=lambda o: o.name)


def release_problems(product: BriefingProduct) -> list[str]:
    """What stops release, recomputed from the database: the hash of this exact version, the
    declaration and each organisation's approval of it, and an approver who is not an author."""
    current = version_hash(product)
    problems = submit_problems(product)
    if product.personal_data_declared_hash != current:
        problems.append(
            "An author must declare that this version holds no information about identifiable "
            "members of the public: return it to draft and send it for review again"
        )
    protocol = product.protocol
    if protocol is not None and protocol.status != ProtocolStatus.IN_FORCE:
        problems.append(f"The protocol it is released under is {protocol.get_status_display()}")
    approvals = list(product.approvals.filter(version_hash=current))
    approved_for = {a.organisation_id for a in approvals}
    missing = [o.name for o in required_organisations(product) if o.pk not in approved_for]
    if missing:
        problems.append("Not yet approved for " + ", ".join(missing))
    authors = set(product.people.filter(kind=PersonKind.AUTHOR).values_list("user_id", flat=True))
    if approvals and all(a.approver_id in authors for a in approvals):
        problems.append("An author cannot be the only approver: someone else must approve too")
    elif not approvals:
        problems.append("Nobody has approved this version")
    if product.held_elsewhere and (product.body or product.attachments.exists()):
        problems.append("Material above the ceiling is never stored here")
    return problems


@transaction.atomic
def product_release(*, actor: User, product: BriefingProduct) -> BriefingProduct:
    """Release an approved product. The version it replaces becomes superseded, still readable
    and labelled as such."""
    product = _lock(product)
    product_policy.require(actor, "release", product)
    problems = release_problems(product)
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
    _move(actor, product, ProductStatus.RELEASED)
    previous = product.supersedes
    if previous is not None and previous.status == ProductStatus.RELEASED:
        _move(
            actor,
            _lock(previous),
            ProductStatus.SUPERSEDED,
            reason=f"Replaced by version {product.version}",
            checked=False,
        )
    return product


@transaction.atomic
def product_withdraw(*, actor: User, product: BriefingProduct, reason: str) -> BriefingProduct:
    """Withdraw a released or superseded product: from the next request nobody sees it."""
    product = _lock(product)
    product_policy.require(actor, "withdraw", product)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is withdrawn"})
    product.withdrawn_at = timezone.now()
    product.save(update_fields=["withdrawn_at"])
    return _move(actor, product, ProductStatus.WITHDRAWN, reason=reason.strip())


@transaction.atomic
def product_new_version(*, actor: User, product: BriefingProduct) -> BriefingProduct:
    """Start the next version as a draft: a copy of this one, with its own copy of each file,
    its people and its dissemination list. Releasing it supersedes this one."""
    product = _lock(product)
    product_policy.require(actor, "new_version", product)
    if BriefingProduct.objects.filter(supersedes=product).exists():
        raise ValidationError({"__all__": ["A new version of this product already exists"]})
    successor = BriefingProduct.objects.create(
        producing_organisation_id=product.producing_organisation_id,
        title=product.title,
        summary=product.summary,
        body=product.body,
        marking_id=product.marking_id,
        area_gss_codes=list(product.area_gss_codes or []),
        protocol_id=product.protocol_id,
        version=product.version + 1,
        supersedes=product,
        held_elsewhere=product.held_elsewhere,
        holder_post_id=product.holder_post_id,
        how_to_ask=product.how_to_ask,
        created_by=actor,
    )
    successor.caveats.set(product.caveats.all())
    successor.contributing_organisations.set(product.contributing_organisations.all())
    successor.recipients.set(product.recipients.all())
    ProductPerson.objects.bulk_create(
        ProductPerson(product=successor, user_id=p.user_id, kind=p.kind, added_by=actor)
        for p in product.people.all()
    )
    DisseminationEntry.objects.bulk_create(
        DisseminationEntry(
            product=successor,
            kind=e.kind,
            post_id=e.post_id,
            role=e.role,
            organisation_id=e.organisation_id,
            user_id=e.user_id,
        )
        for e in product.dissemination.all()
    )
    for attachment in product.attachments.filter(file_deleted_at__isnull=True):
        source = attachment_path(attachment)
        if not source.is_file():
            continue
        stored_name = uuid.uuid4().hex
        shutil.copyfile(source, _files_dir() / stored_name)
        Attachment.objects.create(
            product=successor,
            file_name=attachment.file_name,
            stored_name=stored_name,
            content_hash=attachment.content_hash,
            size=attachment.size,
            content_type=attachment.content_type,
            uploaded_by=actor,
        )
    rehash(actor=actor, product=successor)
    _audit_product(
        actor,
        "PRODUCT_NEW_VERSION_STARTED",
        successor,
        changes={"version_hash": successor.version_hash},
        detail={"supersedes": product.pk, "version": successor.version},
    )
    return successor


# --- Handling: reads, downloads, acknowledgements, feedback --------------------------------


@transaction.atomic
def product_read_record(*, actor: User, product: BriefingProduct) -> ProductRead:
    """Every opening of a product is audited and counted in its access record."""
    now = timezone.now()
    read, created = ProductRead.objects.get_or_create(
        product=product, user=actor, defaults={"first_read_at": now, "last_read_at": now}
    )
    if not created:
        ProductRead.objects.filter(pk=read.pk).update(last_read_at=now, times=read.times + 1)
    _audit_product(actor, "PRODUCT_VIEWED", product, detail={"version_hash": product.version_hash})
    return read


@transaction.atomic
def attachment_download_record(*, actor: User, attachment: Attachment, stamped: bool) -> None:
    """Every download is audited, stamped (a PDF) or not: the file's hash, never its name."""
    product = attachment.product
    _audit_product(
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
    _audit_product(
        actor, "PRODUCT_PDF_DOWNLOADED", product, detail={"version_hash": product.version_hash}
    )


@transaction.atomic
def product_acknowledge(*, actor: User, product: BriefingProduct) -> Acknowledgement:
    """ "Read and understood", for the version read."""
    product = _lock(product)
    product_policy.require(actor, "acknowledge", product)
    acknowledgement, _ = Acknowledgement.objects.update_or_create(
        product=product, user=actor, defaults={"version_hash": product.version_hash}
    )
    _audit_product(
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
    product = _lock(product)
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
    _audit_product(actor, "PRODUCT_FEEDBACK_SENT", product, subject=feedback)
    return feedback


@transaction.atomic
def access_request_send(
    *, actor: User, product: BriefingProduct, reason: str, notify: bool = True
) -> AccessRequest:
    """Ask the holder of material above the ceiling for it. The holder's post's current holder
    is told by email (unless `notify` is false, as in the demo), with a link and nothing of the
    material."""
    product = _lock(product)
    product_policy.require(actor, "request_access", product)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you need it"})
    if len(reason) > MAX_COMMENT or "\x00" in reason:
        raise ValidationError({"reason": f"Keep this under {MAX_COMMENT:,} characters"})
    request = AccessRequest.objects.create(product=product, requester=actor, reason=reason)
    _audit_product(actor, "ACCESS_REQUEST_SENT", product, subject=request)
    if notify:
        holders = list(
            User.objects.filter(
                is_active=True,
                post_holdings__post_id=product.holder_post_id or 0,
                post_holdings__ended_on__isnull=True,
            ).values_list("email", flat=True)
        )
        context = {"link": _site_link("sharing:access-request-answer", request.pk)}
        transaction.on_commit(partial(_send, "access_request", context, holders))
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
    _audit_product(actor, "ACCESS_REQUEST_ANSWERED", request.product, subject=request)
    context = {"link": _site_link("sharing:access-request-list")}
    transaction.on_commit(
        partial(_send, "access_request_answered", context, [request.requester.email])
    )
    return request


# --- Retention -----------------------------------------------------------------------------


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
            _move(
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
        _audit_product(
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
    return {"withdrawn": withdrawn, "files_deleted": files}


# --- The catalogue of information sources ----------------------------------------------------

INFORMATION_SOURCE_FIELDS = (
    "title",
    "owner_organisation",
    "description",
    "coverage_gss_codes",
    "coverage_description",
    "granularity",
    "refresh",
    "marking",
    "how_to_get",
    "protected_characteristics",
    "protected_characteristics_reason",
    "last_reviewed_on",
)


def _information_source_clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(INFORMATION_SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown information source fields: {sorted(unknown)}")
    problems: dict[str, list[str]] = {}
    if not str(fields.get("title", "")).strip():
        problems["title"] = ["Enter the title of the data set"]
    if not str(fields.get("how_to_get", "")).strip():
        problems["how_to_get"] = ["Say how a partner gets the data set"]
    codes = [str(code).upper() for code in fields.get("coverage_gss_codes") or []]
    wrong = [code for code in codes if not re.fullmatch(GSS_CODE_PATTERN, code)]
    if wrong:
        problems["coverage_gss_codes"] = [
            f"These are not GSS codes (a letter and eight digits): {', '.join(wrong[:5])}"
        ]
    held = list(dict.fromkeys(fields.get("protected_characteristics") or []))
    if any(code not in ProtectedCharacteristic.values for code in held):
        problems["protected_characteristics"] = ["Choose protected characteristics from the list"]
    reason = str(fields.get("protected_characteristics_reason") or "").strip()
    if held and not reason:
        problems["protected_characteristics_reason"] = [
            "Say why the partnership needs a data set that holds protected characteristics"
        ]
    if problems:
        raise ValidationError(problems)
    # Keep the characteristics in the Act's order, and no reason where none is held.
    ordered = [code for code in ProtectedCharacteristic.values if code in held]
    return {
        **fields,
        "coverage_gss_codes": list(dict.fromkeys(codes)),
        "protected_characteristics": ordered,
        "protected_characteristics_reason": reason if ordered else "",
    }


def _audit_information_source(
    actor: User | None, verb: str, source: InformationSource, changed: Iterable[str]
) -> None:
    # Field names only: the catalogue is not marked, but the trail is no copy of it either.
    audit_record(
        actor=actor,
        verb=verb,
        target=source,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=source.partnership_id,
        changes=sorted(changed),
        detail={"holds_protected_characteristics": source.holds_protected_characteristics},
    )


@transaction.atomic
def information_source_create(
    *, actor: User, partnership: Partnership, **fields: Any
) -> InformationSource:
    """Add a data set to a partnership's catalogue (its coordinators)."""
    if not information_source_policy.may_add(facts_for(actor), partnership.pk):
        raise PermissionDenied403(
            "You cannot add to this catalogue.",
            who_can=information_source_policy.who_can["manage"],
        )
    fields = _information_source_clean(fields)
    source = InformationSource(
        partnership=partnership, created_by=actor, updated_by=actor, **fields
    )
    source.full_clean(exclude=["created_by", "updated_by"])
    source.save()
    _audit_information_source(
        actor, "INFORMATION_SOURCE_CREATED", source, [name for name in fields if fields[name]]
    )
    return source


@transaction.atomic
def information_source_update(
    *, actor: User, source: InformationSource, **fields: Any
) -> InformationSource:
    """Change a catalogue entry (the partnership's coordinators)."""
    source = InformationSource.objects.select_for_update().get(pk=source.pk)
    information_source_policy.require(actor, "manage", source)
    fields = _information_source_clean(fields)
    changed = [name for name, value in fields.items() if getattr(source, name) != value]
    for name, value in fields.items():
        setattr(source, name, value)
    source.updated_by = actor
    source.full_clean(exclude=["created_by", "updated_by"])
    source.save()
    _audit_information_source(actor, "INFORMATION_SOURCE_UPDATED", source, changed)
    return source
