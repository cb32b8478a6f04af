"""Protective markings and vetting, held as data.

A marking scheme is not code: the Government Security Classifications (2014) are loaded by a
data migration, and the report's older Government Protective Marking Scheme is mapped onto them.
There is no official one-to-one mapping, so both the mapping and the vetting each marking needs
are editable by a site administrator. The instance ceiling says what may be stored here at all:
anything above it is only ever recorded as existing (the tip of the iceberg, Figure 2).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import models

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text


class VettingLevel(models.IntegerChoices):
    """National security vetting, lowest to highest. The numbers only order the levels."""

    NONE = 0, "None"
    BPSS = 10, "Baseline Personnel Security Standard (BPSS)"
    CTC = 20, "Counter-terrorist check (CTC)"
    SC = 30, "Security check (SC)"
    ESC = 40, "Enhanced security check (eSC)"
    DV = 50, "Developed vetting (DV)"
    EDV = 60, "Enhanced developed vetting (eDV)"


class MarkingScheme(models.TextChoices):
    CURRENT = "gsc", "Government Security Classifications (from April 2014)"
    LEGACY = "gpms", "Government Protective Marking Scheme (before April 2014)"


class Marking(BaseModel):
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=60)
    scheme = models.CharField(max_length=8, choices=MarkingScheme.choices)
    # Order within the current scheme; legacy markings take the rank of what they map onto.
    rank = models.PositiveSmallIntegerField()
    maps_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="legacy_markings"
    )
    required_vetting = models.PositiveSmallIntegerField(
        choices=VettingLevel.choices, default=VettingLevel.NONE
    )
    description = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["scheme", "rank", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def current(self) -> Marking:
        """The marking in today's scheme that this one is handled as."""
        return self.maps_to if self.maps_to_id and self.maps_to else self


class SiteSettings(BaseModel):
    """One row: settings a site administrator changes without a deployment."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    ceiling = models.ForeignKey(
        Marking,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The highest marking this instance may store. Material above it is recorded "
        "only as existing, with who holds it and how to ask.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"


def marking_ceiling() -> Marking:
    return SiteSettings.objects.select_related("ceiling").get().ceiling


def marking_is_storable(marking: Marking, *, ceiling: Marking | None = None) -> bool:
    ceiling = ceiling or marking_ceiling()
    return marking.current.rank <= ceiling.rank


def vetting_covers(level: int, marking: Marking) -> bool:
    return level >= marking.current.required_vetting


# --- Material stored under each marking ---------------------------------------------------------
# The ceiling and the marking scheme are changed here, in the kernel, but the material they govern
# is kept by the apps above it (the gateway's briefing products). The kernel asks, and each app
# that stores marked material answers from its AppConfig.ready: given marking ids, how many of its
# items are stored here (not merely recorded as held elsewhere) under one of them. A change that
# would leave any of them above the ceiling is refused with the count.


@dataclass(frozen=True)
class StoredMaterialCounter:
    # What is counted, in the singular, for the refusal: "briefing product".
    noun: str
    count: Callable[[Collection[int]], int]


STORED_MATERIAL_COUNTERS: dict[str, StoredMaterialCounter] = {}


def stored_material_counter_register(name: str, counter: StoredMaterialCounter) -> None:
    STORED_MATERIAL_COUNTERS[name] = counter


def stored_material_under(marking_ids: Collection[int]) -> list[tuple[str, int]]:
    """(noun, count) for each kind of material stored under these markings, where there is any."""
    if not marking_ids:
        return []
    found = []
    for name in sorted(STORED_MATERIAL_COUNTERS):
        counter = STORED_MATERIAL_COUNTERS[name]
        count = counter.count(marking_ids)
        if count:
            found.append((counter.noun, count))
    return found
