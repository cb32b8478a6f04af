"""What the gateway keeps here under each marking, counted for the kernel: before a lower
ceiling or a higher mapping of an older marking, core asks how much stored material the change
would leave above the ceiling (lde.core.access.markings.stored_material_under), and refuses it
with the count. Registered from SharingConfig.ready, so that core never imports this app."""

from __future__ import annotations

from collections.abc import Iterable

from lde.sharing.models import BriefingProduct


def products_stored_under(marking_ids: Iterable[int]) -> int:
    """How many briefing products keep their material here (their text, summary or attachments,
    not only a record of material held elsewhere) under one of these markings, whatever their
    status, drafts and withdrawn ones included. A count, never a row."""
    return BriefingProduct.objects.filter(
        held_elsewhere=False, marking_id__in=list(marking_ids)
    ).count()
