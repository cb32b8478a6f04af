"""Writes to the site's own settings: the marking scheme and the instance ceiling. Each is made
by a site administrator through its policy, in a transaction, and audited as a site event.

The ceiling says what this instance may store at all (architecture.md, "Markings"): material
above it is only ever recorded as existing, who holds it and how to ask. The gateway decides that
when a product is saved, so a lower ceiling, or a marking mapped higher, would leave material
already stored above the ceiling. Such a change is refused, naming how many items stand in its
way; the kernel counts them through the apps that store marked material
(`stored_material_under`), never by importing them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lde.core import limits
from lde.core.access.markings import (
    Marking,
    MarkingScheme,
    SiteSettings,
    VettingLevel,
    stored_material_under,
)
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.policies import marking_policy, site_settings_policy


def _stored_in_the_way(marking_ids: list[int], ceiling: Marking) -> str:
    """The refusal's words when material is stored under `marking_ids`, or ""."""
    found = stored_material_under(marking_ids)
    if not found:
        return ""
    counted = " and ".join(f"{count:,} {noun}{'' if count == 1 else 's'}" for noun, count in found)
    total = sum(count for _, count in found)
    verb = "is" if total == 1 else "are"
    return (
        f"{counted} {verb} stored here marked above {ceiling.label}. Material above the ceiling "
        "is never stored: their producing organisations must replace them with records held "
        "elsewhere, or withdraw them, before this change"
    )


@transaction.atomic
def site_ceiling_change(*, actor: Any, ceiling: Marking) -> SiteSettings:
    """Set the highest marking this instance may store."""
    settings_row = SiteSettings.objects.select_for_update().select_related("ceiling").get()
    site_settings_policy.require(actor, "change", settings_row)
    if ceiling.scheme != MarkingScheme.CURRENT or ceiling.maps_to_id is not None:
        raise ValidationError(
            {"ceiling": "Choose a marking of the Government Security Classifications"}
        )
    old = settings_row.ceiling
    if ceiling.pk == old.pk:
        return settings_row
    if ceiling.rank < old.rank:
        above = [
            m.pk for m in Marking.objects.select_related("maps_to") if m.current.rank > ceiling.rank
        ]
        refusal = _stored_in_the_way(above, ceiling)
        if refusal:
            raise ValidationError({"ceiling": refusal})
    settings_row.ceiling = ceiling
    settings_row.save(update_fields=["ceiling", "updated_at"])
    audit_record(
        actor=actor,
        verb="SITE_CEILING_CHANGED",
        target=settings_row,
        scope=AuditScope.SITE,
        changes={"ceiling": ceiling.pk},
        detail={"from": old.code, "to": ceiling.code},
    )
    return settings_row


@transaction.atomic
def marking_change(
    *,
    actor: Any,
    marking: Marking,
    maps_to: Marking | None = None,
    required_vetting: int | None = None,
    description: str | None = None,
) -> Marking:
    """Change what the scheme says of one marking: an older marking's place in today's scheme
    (`maps_to`), or the vetting a current marking needs. There is no official one-to-one mapping
    between the schemes, so both are the site's to decide (markings.py)."""
    marking = Marking.objects.select_for_update().get(pk=marking.pk)
    marking_policy.require(actor, "change", marking)
    changed: dict[str, Any] = {}
    legacy = marking.scheme == MarkingScheme.LEGACY
    if description is not None and description.strip() != marking.description:
        description = description.strip()
        if len(description) > limits.SHORT_TEXT:
            raise ValidationError(
                {"description": limits.too_long("Description", limits.SHORT_TEXT)}
            )
        marking.description = description
        changed["description"] = description
    if legacy:
        if required_vetting is not None and required_vetting != marking.current.required_vetting:
            raise ValidationError(
                {
                    "required_vetting": "An older marking needs the vetting of the marking it is "
                    "handled as: change its mapping, or that marking's vetting"
                }
            )
        if maps_to is not None and maps_to.pk != marking.maps_to_id:
            _mapping_change(marking, maps_to, changed)
    else:
        if maps_to is not None:
            raise ValidationError(
                {"maps_to": "Only a marking of the older scheme is mapped onto another"}
            )
        if required_vetting is not None and required_vetting != marking.required_vetting:
            _vetting_change(marking, required_vetting, changed)
    if not changed:
        return marking
    marking.save()
    audit_record(
        actor=actor,
        verb="MARKING_CHANGED",
        target=marking,
        scope=AuditScope.SITE,
        changes=changed,
        detail={"code": marking.code},
    )
    return marking


def _mapping_change(marking: Marking, maps_to: Marking, changed: dict[str, Any]) -> None:
    if maps_to.scheme != MarkingScheme.CURRENT or maps_to.maps_to_id is not None:
        raise ValidationError(
            {"maps_to": "Choose a marking of the Government Security Classifications"}
        )
    ceiling = SiteSettings.objects.select_related("ceiling").get().ceiling
    if maps_to.rank > ceiling.rank >= marking.current.rank:
        refusal = _stored_in_the_way([marking.pk], ceiling)
        if refusal:
            raise ValidationError({"maps_to": refusal})
    marking.maps_to = maps_to
    # A legacy marking takes the rank and vetting of what it is handled as.
    marking.rank = maps_to.rank
    marking.required_vetting = maps_to.required_vetting
    changed["maps_to"] = maps_to.pk


def _vetting_change(marking: Marking, required_vetting: int, changed: dict[str, Any]) -> None:
    if required_vetting not in VettingLevel.values:
        raise ValidationError({"required_vetting": "Choose a level of vetting from the list"})
    # A higher marking never needs less vetting than a lower one, or a person could read the
    # SECRET product whose OFFICIAL-SENSITIVE neighbour they are refused.
    others = Marking.objects.filter(scheme=MarkingScheme.CURRENT).exclude(pk=marking.pk)
    below = others.filter(rank__lt=marking.rank, required_vetting__gt=required_vetting).first()
    above = others.filter(rank__gt=marking.rank, required_vetting__lt=required_vetting).first()
    if below is not None or above is not None:
        neighbour = below or above
        assert neighbour is not None
        raise ValidationError(
            {
                "required_vetting": f"{marking.label} must need "
                f"{'at least' if below else 'no more than'} the vetting of {neighbour.label} "
                f"({VettingLevel(neighbour.required_vetting).label})"
            }
        )
    marking.required_vetting = required_vetting
    # The older markings handled as this one need what it needs.
    Marking.objects.filter(maps_to=marking).update(required_vetting=required_vetting)
    changed["required_vetting"] = required_vetting
