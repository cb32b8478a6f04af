"""The exact version of a briefing product, as one SHA-256.

Approvals, critical readers' comments, the author's declaration that the product holds nothing
about identifiable members of the public, and acknowledgements are each tied to this hash. It is
taken over the canonical JSON (sorted keys, no spaces, UTF-8) of everything a reader receives or
that decides who receives it: the text, the attachments' own SHA-256 hashes, the marking, the
caveats, the areas, the organisations, the recipients, the dissemination list and the protocol.
Any change to any of them gives a new hash, so an approval of the old one no longer counts.
The people working on the product are not part of it: naming another critical reader changes
nothing a reader receives.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lde.core.audit.chain import canonical_json
from lde.sharing.models import BriefingProduct


def version_document(product: BriefingProduct) -> dict[str, Any]:
    """The version as plain data, read fresh from the database (a few small queries)."""
    document: dict[str, Any] = {
        "producing_organisation": product.producing_organisation_id,
        "version": product.version,
        "title": product.title,
        "summary": product.summary,
        "body": product.body,
        "held_elsewhere": product.held_elsewhere,
        "holder_post": product.holder_post_id,
        "how_to_ask": product.how_to_ask,
        "marking": product.marking.code,
        "caveats": sorted(product.caveats.values_list("code", flat=True)),
        "areas": sorted(product.area_gss_codes or []),
        "contributing_organisations": sorted(
            product.contributing_organisations.values_list("pk", flat=True)
        ),
        "recipients": sorted(product.recipients.values_list("pk", flat=True)),
        "protocol": product.protocol_id,
        "attachments": sorted(
            [content_hash, file_name]
            for content_hash, file_name in product.attachments.values_list(
                "content_hash", "file_name"
            )
        ),
        "dissemination": sorted(
            [kind, str(post or role or organisation or user)]
            for kind, post, role, organisation, user in product.dissemination.values_list(
                "kind", "post_id", "role", "organisation_id", "user_id"
            )
        ),
    }
    # Only records carry the holder's declaration about their title; other products' hashes stay
    # as they were, so approvals given before it existed still count.
    if product.held_elsewhere:
        document["title_releasable_declared"] = product.title_releasable_declared
    return document


def version_hash(product: BriefingProduct) -> str:
    text = canonical_json(version_document(product))
    return hashlib.sha256(text.encode()).hexdigest()
