"""What the site settings' confirmation pages say (`lde.core.confirm`) before the ceiling or a
marking changes: what follows, who will see it, and what cannot simply be undone."""

from __future__ import annotations

from django.urls import reverse

from lde.core.access.markings import Marking, VettingLevel
from lde.core.confirm import Confirmation

SEEN_BY = (
    "Every author choosing a marking, and every person whose access follows from it, from their "
    "next page. Other site administrators see it here. The change is recorded in the site audit "
    "trail, with your name."
)


def ceiling_change(
    old: Marking, new: Marking, *, carried: tuple[tuple[str, str], ...]
) -> Confirmation:
    if new.rank > old.rank:
        happens = [
            f"Material marked up to {new.label} can be stored here: its text, summaries and "
            "attachments, not only a record that it exists.",
            f"Raise the ceiling only if this site is accredited to hold {new.label} material.",
        ]
        cannot_undo = (
            f"Once {new.label} material is stored, the ceiling cannot be lowered again until "
            "it has been removed."
        )
    else:
        happens = [
            f"Material above {new.label} can no longer be stored here: an author marking a "
            "product above it records only who holds it and how to ask.",
        ]
        cannot_undo = (
            "Records made meanwhile stay records: raising the ceiling again does not fill them in."
        )
    return Confirmation(
        title=f"Change the ceiling from {old.label} to {new.label}",
        caption="Site administration",
        button="Change the ceiling",
        cancel_url=reverse("core:ceiling-change"),
        facts=(("Ceiling now", old.label), ("New ceiling", new.label)),
        happens=happens,
        seen_by=SEEN_BY,
        cannot_undo=cannot_undo,
        carried=carried,
    )


def marking_change(
    marking: Marking,
    *,
    maps_to: Marking | None,
    required_vetting: int | None,
    carried: tuple[tuple[str, str], ...],
) -> Confirmation:
    happens: list[str] = []
    facts: list[tuple[str, str]] = [("Marking", marking.label)]
    if maps_to is not None and maps_to.pk != marking.maps_to_id:
        facts.append(("Handled as", f"{marking.current.label}, becoming {maps_to.label}"))
        happens.append(
            f"Material marked {marking.label} is handled as {maps_to.label}: it needs "
            f"{VettingLevel(maps_to.required_vetting).label} to be seen, and it is stored here "
            "only if that is within the ceiling."
        )
    if required_vetting is not None and required_vetting != marking.required_vetting:
        old, new = VettingLevel(marking.required_vetting), VettingLevel(required_vetting)
        facts.append(("Vetting it needs", f"{old.label}, becoming {new.label}"))
        happens.append(
            f"People see material marked {marking.label}, and older markings handled as it, "
            f"only with {new.label} or higher, from their next page."
            + (" Some who see it now will not." if new > old else " More people may see it.")
        )
    if not happens:
        happens.append("Only the description changes.")
    return Confirmation(
        title=f"Change the marking {marking.label}",
        caption="Site administration",
        button="Change this marking",
        cancel_url=reverse("core:marking-change", args=[marking.pk]),
        facts=tuple(facts),
        happens=happens,
        seen_by=SEEN_BY,
        cannot_undo="Who saw what in the meantime cannot be undone; the change can be reversed "
        "by changing the marking back.",
        carried=carried,
    )
