"""What the gateway's confirmation pages say (`lde.core.confirm`) before a briefing product is
sent for review, approved, released or withdrawn, an attachment is removed from a draft, or a
protocol changes status: what happens, who will see it, and what cannot be undone.

Who reads a product is the gateway rule (`architecture.md`): before release, the people named
on it; once released, those on its dissemination list in its recipient partnerships who hold
the clearance and caveats its marking needs. A protocol is seen by the people of its party
organisations and the coordinators of partnerships that release under it (`permissions.md`).
"""

from __future__ import annotations

from django.forms import Form
from django.urls import reverse

from lde.core.confirm import Confirmation
from lde.sharing.models import Attachment, BriefingProduct, Protocol, ProtocolStatus

NAMED = (
    "The people named on it: its authors, its gateway approvers, who approve it for their "
    "organisations, and its critical readers."
)


def _back(product: BriefingProduct) -> str:
    return reverse("sharing:product-detail", args=[product.pk])


def _caption(product: BriefingProduct) -> str:
    name = product.producing_organisation.name
    return f"{name}, version {product.version}" if product.version > 1 else name


def _recipients(product: BriefingProduct) -> str:
    return ", ".join(p.name for p in product.recipients.all()) or "None yet"


def submit(product: BriefingProduct, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Send {product.title} for gateway review",
        caption=_caption(product),
        button="Send this product for gateway review",
        cancel_url=_back(product),
        happens=[
            "Its status becomes In review: it can no longer be changed unless an author or "
            "approver returns it to draft.",
            "Its gateway approvers and critical readers are given this exact version. Your "
            "declaration is kept with this version's hash, with your name: if anything changes, "
            "it must be made again.",
        ],
        seen_by=f"{NAMED} Nobody else sees it until it is released.",
        cannot_undo=(
            "You cannot take back what its reviewers will have read: returning it to draft "
            "stops the review, but they will have seen this version."
        ),
        form=form,
    )


def approve(product: BriefingProduct, organisation: str, seen_hash: str) -> Confirmation:
    return Confirmation(
        title=f"Approve {product.title} for {organisation}",
        caption=_caption(product),
        button=f"Approve this version for {organisation}",
        cancel_url=_back(product),
        facts=(
            ("Version", f"SHA-256 {seen_hash[:16]}…"),
            ("Marking", product.marking.current.label),
            ("Recipient partnerships", _recipients(product)),
        ),
        happens=[
            f"{organisation}'s approval of this exact version is recorded, with your name and "
            "the time. It counts for this version only: any change to the product clears it.",
            "Once every organisation has approved this version, an author or approver can "
            "release it.",
        ],
        seen_by=f"{NAMED} They see your approval on the product's page.",
        cannot_undo=(
            "You cannot withdraw an approval: it stops counting only if the product changes."
        ),
        carried=(("version_hash", seen_hash),),
    )


def release(product: BriefingProduct) -> Confirmation:
    happens = [
        "Its status becomes Released. From their next page it is read under the gateway rule "
        "alone, by everyone it is meant for.",
        "Those named on it who are not on its dissemination list in a recipient partnership no "
        "longer see it.",
    ]
    if product.supersedes_id is not None:
        happens.append(
            f"Version {product.supersedes.version if product.supersedes else ''} becomes "
            "superseded: still readable, and labelled as replaced by this one."
        )
    if product.protocol is not None:
        happens.append(
            f"Under {product.protocol.title}, it is kept for {product.protocol.retention_days} "
            "days from today; then it is withdrawn and its files are deleted."
        )
    return Confirmation(
        title=f"Release {product.title}",
        caption=_caption(product),
        button="Release this product",
        cancel_url=_back(product),
        facts=(
            ("Marking", product.marking.current.label),
            ("Recipient partnerships", _recipients(product)),
            ("Released under", product.protocol.title if product.protocol else "No protocol"),
        ),
        happens=happens,
        seen_by=(
            "Everyone on its dissemination list in its recipient partnerships who holds the "
            "clearance and caveats its marking needs: it appears among the briefing products "
            "they can see. Every opening and download is recorded, and its authors and approvers "
            "see who has read it."
        ),
        cannot_undo=(
            "You cannot undo this: a released product cannot go back to draft. It can be "
            "withdrawn, but those who have read it will have read it."
        ),
    )


def withdraw(product: BriefingProduct, form: Form) -> Confirmation:
    return Confirmation(
        title=f"Withdraw {product.title}",
        caption=_caption(product),
        button="Withdraw this product",
        cancel_url=_back(product),
        facts=(
            ("Status", product.get_status_display()),
            ("Recipient partnerships", _recipients(product)),
        ),
        happens=[
            "Its status becomes Withdrawn: from their next page nobody can see it, including "
            "you, its authors and its approvers.",
            "Your reason is kept in its history.",
        ],
        seen_by=(
            "Nobody: it disappears from the briefing products of everyone who could read it. "
            "The withdrawal is recorded in the audit trail, with your name."
        ),
        cannot_undo=(
            "You cannot undo this: a withdrawn product cannot be released again. To share it "
            "again, draft a new product."
        ),
        destructive=True,
        form=form,
    )


def attachment_remove(product: BriefingProduct, attachment: Attachment) -> Confirmation:
    return Confirmation(
        title=f"Remove {attachment.file_name}",
        caption=product.title,
        button="Remove this file",
        cancel_url=reverse("sharing:attachment-add", args=[product.pk]),
        facts=(
            ("File", attachment.file_name),
            ("SHA-256", f"{attachment.content_hash[:16]}…"),
        ),
        happens=[
            "The file is deleted from this service.",
            "The draft changes: any approval or comment given for its present version no "
            "longer counts for it.",
        ],
        seen_by=(
            f"{NAMED} They no longer find it among the draft's attachments. The removal is "
            "recorded in the audit trail with the file's SHA-256, never its contents."
        ),
        cannot_undo=(
            "You cannot undo this: the file is deleted. To put it back, attach it again from "
            "your own copy."
        ),
        destructive=True,
    )


PROTOCOL_WORDS: dict[tuple[str, str], tuple[str, str, list[str], str]] = {
    # (from, to): the title's verb, the button, what happens, what cannot be undone.
    (ProtocolStatus.DRAFT, ProtocolStatus.IN_FORCE): (
        "Bring {title} into force",
        "Bring this protocol into force",
        [
            "Its status becomes In force: briefing products can be released under it.",
            "Its parties can no longer change: to add or remove a party, it must be ended and a "
            "new one agreed.",
        ],
        "You cannot undo this: a protocol in force cannot go back to draft. It can be suspended "
        "or ended.",
    ),
    (ProtocolStatus.IN_FORCE, ProtocolStatus.SUSPENDED): (
        "Suspend {title}",
        "Suspend this protocol",
        [
            "Its status becomes Suspended: from their next page, nobody can read what was "
            "released under it, and nothing more can be released under it.",
            "It can be put back in force, and what was released under it can be read again.",
        ],
        "The suspension, and your reason, stay in its history for good.",
    ),
    (ProtocolStatus.SUSPENDED, ProtocolStatus.IN_FORCE): (
        "Put {title} back in force",
        "Put this protocol back in force",
        [
            "Its status becomes In force: from their next page, those on the lists of what was "
            "released under it can read it again, and products can be released under it.",
        ],
        "Putting it back in force stays in its history for good.",
    ),
    (ProtocolStatus.IN_FORCE, ProtocolStatus.ENDED): (
        "End {title}",
        "End this protocol",
        [
            "Its status becomes Ended: from their next page, nobody can read what was released "
            "under it, and nothing more can be released under it.",
        ],
        "You cannot undo this: an ended protocol cannot come back into force. To share under "
        "its terms again, draft a new protocol.",
    ),
}


def protocol_status(
    protocol: Protocol, to_status: str, reason: str, carried: tuple[tuple[str, str], ...]
) -> Confirmation:
    heading, button, happens, cannot_undo = PROTOCOL_WORDS[(protocol.status, to_status)]
    parties = ", ".join(o.name for o in protocol.parties.all())
    return Confirmation(
        title=heading.format(title=protocol.title),
        caption=protocol.title,
        button=button,
        cancel_url=reverse("sharing:protocol-detail", args=[protocol.pk]),
        facts=(
            ("Now", protocol.get_status_display()),
            ("Becomes", ProtocolStatus(to_status).label),
            ("Why", reason or "–"),
        ),
        happens=happens,
        seen_by=(
            f"The people of its parties ({parties}) and the coordinators of the partnerships that "
            "release under it see its new status. The change is kept in its history and on the "
            "audit page of every partnership in which a party sits, with your name and reason."
        ),
        cannot_undo=cannot_undo,
        destructive=to_status in (ProtocolStatus.SUSPENDED, ProtocolStatus.ENDED),
        carried=carried,
    )
