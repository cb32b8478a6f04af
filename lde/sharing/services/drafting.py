"""Drafting a briefing product: its text and marking, the people named on it, its dissemination
list, its attachments, and the next version of a released one."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from lde.accounts.models import GSS_CODE_PATTERN, Caveat, Organisation, Post, User
from lde.core import personal_data
from lde.core.access.facts import facts_for
from lde.core.access.markings import Marking, marking_ceiling, marking_is_storable, vetting_covers
from lde.core.access.policy import PermissionDenied403
from lde.core.concurrency import next_revision, require_unchanged
from lde.core.files import safe_file_name
from lde.core.uploads import DOCUMENTS, PDF, files_kept_only_on_success, upload_check
from lde.partnerships.models import Partnership, Role
from lde.sharing.models import (
    Attachment,
    BriefingProduct,
    DisseminationEntry,
    DisseminationKind,
    PersonKind,
    ProductPerson,
    Protocol,
)
from lde.sharing.policies import product_policy, protocol_policy
from lde.sharing.services._common import (
    attachment_path,
    audit_product,
    files_dir,
    lock_product,
    rehash,
)
from lde.sharing.stamping import MARKED_ATTACHMENTS_PDF_ONLY, is_readable_pdf, marking_is_marked
from lde.sharing.versions import version_hash

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


MAX_TEXT = 100_000
# A record of material held above the ceiling names it in a short title only.
MAX_RECORD_TITLE = 120
GSS_CODE = re.compile(GSS_CODE_PATTERN)


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
    audit_product(
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
    seen_revision: int | None = None,
) -> BriefingProduct:
    """Change a draft. Any change to what a reader receives clears the approvals. Refused, with
    both versions, if someone saved it after the revision the editor saw."""
    product = lock_product(product)
    product_policy.require(actor, "edit", product)
    caveats, areas = list(caveats), [c.strip().upper() for c in area_gss_codes if c.strip()]
    contributing_organisations, recipients = list(contributing_organisations), list(recipients)
    require_unchanged(
        record=product,
        seen_revision=seen_revision,
        noun="product",
        fields=[
            ("Title", product.title, title.strip()),
            ("Marking", product.marking, marking),
            ("Summary", product.summary, summary.strip()),
            ("Body", product.body, body.strip()),
            ("Caveats", [str(c) for c in product.caveats.all()], [str(c) for c in caveats]),
            ("Areas", sorted(product.area_gss_codes), sorted(set(areas))),
            (
                "Contributing organisations",
                [str(o) for o in product.contributing_organisations.all()],
                [
                    str(o)
                    for o in contributing_organisations
                    if o.pk != product.producing_organisation_id
                ],
            ),
            (
                "Recipients",
                [str(p) for p in product.recipients.all()],
                [str(p) for p in recipients],
            ),
            ("Protocol", product.protocol, protocol),
            ("Post holding it", product.holder_post, holder_post),
            ("How to ask for it", product.how_to_ask, how_to_ask.strip()),
        ],
    )
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
    next_revision(product)
    product.caveats.set(caveats)
    product.contributing_organisations.set(
        [o for o in contributing_organisations if o.pk != product.producing_organisation_id]
    )
    product.recipients.set(list(recipients))
    after = rehash(actor=actor, product=product)
    if after != before:
        audit_product(actor, "PRODUCT_UPDATED", product, changes={"version_hash": after})
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
    audit_product(
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
    audit_product(
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
    product = lock_product(product)
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
    audit_product(
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


# own work: another author names them.
SELF_NAMING_WHO_CAN = "Another of the product's authors names you."


@transaction.atomic
def dissemination_replace(
    *, actor: User, product: BriefingProduct, entries: Iterable[dict[str, Any]]
) -> list[DisseminationEntry]:
    """Make the dissemination list exactly these lines (the API's whole-list write). Each line
    is a dict with `kind` and one of `post`, `role`, `organisation` or `user`."""
    product = lock_product(product)
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
    audit_product(
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
    product = lock_product(product)
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
    audit_product(
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
    product = lock_product(product)
    product_policy.require(actor, "edit", product)
    if entry.product_id != product.pk:
        raise ValidationError({"entry": "That is not on this product's list"})
    entry.delete()
    after = rehash(actor=actor, product=product)
    audit_product(
        actor, "DISSEMINATION_REMOVED", product, changes={"kind": entry.kind, "version_hash": after}
    )


def attachment_add(*, actor: User, product: BriefingProduct, upload: UploadedFile) -> Attachment:
    """Store a file outside the web root under a random name, with a SHA-256 of its content.
    Nothing above the ceiling is ever uploaded.

    The file must be what its name says, judged by its content (`lde.core.uploads`), and is
    stored with the type found there. The file, its row, the new version hash and the audit
    event are written all or nothing: if any of them fails, the file is removed."""
    with files_kept_only_on_success() as files, transaction.atomic():
        product = lock_product(product)
        product_policy.require(actor, "edit", product)
        if product.held_elsewhere:
            raise ValidationError(
                {
                    "file": "This product records material above the ceiling: nothing of it is "
                    "uploaded"
                }
            )
        if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"file": "The file must be smaller than 20 MB"})
        if upload.size == 0:
            raise ValidationError({"file": "The file is empty"})
        name = safe_file_name(upload.name, default="attachment")
        data = b"".join(upload.chunks())
        marked = marking_is_marked(product.marking)
        if marked and PurePath(name).suffix.lower() not in ("", ".pdf"):
            raise ValidationError({"file": MARKED_ATTACHMENTS_PDF_ONLY})
        # Judged by the content, never the name or the declared type; a marked product's files
        # must be PDFs, or they could not carry the marking on their pages once downloaded.
        kind = upload_check(data, name=name, accepted=(PDF,) if marked else DOCUMENTS)
        if marked and not is_readable_pdf(data):
            raise ValidationError({"file": MARKED_ATTACHMENTS_PDF_ONLY})
        findings = personal_data.guard_check_file(data, kind.content_type, name)
        if findings is None and kind is PDF:
            # A PDF whose text cannot be read cannot be stamped with its marking either.
            raise ValidationError(
                {
                    "file": "The PDF could not be read (it may be damaged or password-protected): "
                    "save it again without a password and attach it again"
                }
            )
        stored_name = files.write(files_dir(), data)
        attachment = Attachment.objects.create(
            product=product,
            file_name=name,
            stored_name=stored_name,
            content_hash=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=kind.content_type,
            uploaded_by=actor,
            guard_findings=findings,
        )
        after = rehash(actor=actor, product=product)
        audit_product(
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
    product = lock_product(product)
    product_policy.require(actor, "edit", product)
    if attachment.product_id != product.pk:
        raise ValidationError({"attachment": "That file is not attached to this product"})
    path = attachment_path(attachment)
    content_hash = attachment.content_hash
    attachment.delete()
    # Other versions may share nothing: each version has its own copy of each file.
    transaction.on_commit(partial(path.unlink, missing_ok=True))
    after = rehash(actor=actor, product=product)
    audit_product(
        actor,
        "ATTACHMENT_REMOVED",
        product,
        changes={"version_hash": after},
        detail={"content_hash": content_hash},
    )


def product_new_version(*, actor: User, product: BriefingProduct) -> BriefingProduct:
    """Start the next version as a draft: a copy of this one, with its own copy of each file,
    its people and its dissemination list. Releasing it supersedes this one.

    The copies of the files are written all or nothing with the rows: if anything fails, they
    are removed."""
    with files_kept_only_on_success() as files, transaction.atomic():
        product = lock_product(product)
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
            stored_name = files.copy(source, files_dir())
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
        audit_product(
            actor,
            "PRODUCT_NEW_VERSION_STARTED",
            successor,
            changes={"version_hash": successor.version_hash},
            detail={"supersedes": product.pk, "version": successor.version},
        )
    return successor
