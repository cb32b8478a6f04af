"""API: information sharing protocols, briefing products and their gateway review.

The same rule as the pages: every read of a product goes through the selectors, whose filter is
the gateway rule, so a product the caller may not see answers 404 — the same as a missing one —
and is absent from every list and count. Writes go through the services: 403 when the product
is visible but the action is not allowed (saying who can), 400 with the fields named when the
service refuses. Every read of a product and every download is audited, as on the pages.

One router per topic, mounted here in the order the document lists them: `protocols`,
`products` (reading and drafting, which share their paths), `review`, `handling` and `sources`;
the shapes are in `schemas`. A path belongs to one topic's router only: two routers holding the
same path would each claim it, and the second's methods would never be reached.
"""

from __future__ import annotations

from ninja import Router

from lde.sharing.api import handling, products, protocols, review, sources

router = Router(tags=["sharing"])
for topic in (protocols, products, review, handling, sources):
    router.add_router("", topic.router)

__all__ = ["router"]
