"""Small-number suppression: the one rule for every figure shown beyond the partnerships it is
about (permissions.md: national analysts see aggregates across at least 5 partnerships, and no
count under 10 is shown outside the owning partnership).

A table is a set of groups (regions, say) and a whole (England), each holding additive counts
(partnerships, posts, posts covered). For each measure of each group:

- a group of fewer than `MIN_PARTNERSHIPS` partnerships is not shown at all;
- a figure is withheld (None) when any count it rests on is under `MIN_COUNT`;
- the whole's figure is withheld too where the whole less the groups showing that figure would
  itself be withheld, so that no withheld figure can be had by subtraction.

Apps that publish cross-partnership figures describe their counts and measures and call
`suppress`; none decides for itself what may be shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_PARTNERSHIPS = 5
MIN_COUNT = 10

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Measure:
    """One figure of a row: its name, its value from the counts, and the counts it rests on
    (each must reach `MIN_COUNT` for the figure to be shown)."""

    name: str
    value: Callable[[Counts], int]
    rests_on: Callable[[Counts], Iterable[int]]


@dataclass(frozen=True)
class Row:
    key: str
    figures: dict[str, int | None]  # by measure name; None where withheld


@dataclass(frozen=True)
class Table:
    rows: list[Row]  # the groups that may be shown, in the order asked
    whole: Row | None  # None when the whole has fewer than MIN_PARTNERSHIPS partnerships


def _add(one: Counts, other: Counts) -> dict[str, int]:
    return {key: one.get(key, 0) + other.get(key, 0) for key in {*one, *other}}


def suppress(
    groups: Mapping[str, Counts],
    *,
    order: Sequence[str],
    measures: Sequence[Measure],
    partnerships: str = "partnerships",
    whole_key: str = "whole",
) -> Table:
    """The figures that may be shown. `groups` holds each group's raw counts, `partnerships`
    naming the count of partnerships in it; only the groups named in `order` are ever shown, and
    the others count towards the whole (and towards what it would give away) all the same."""

    def passes(counts: Counts, measure: Measure) -> bool:
        return counts.get(partnerships, 0) >= MIN_PARTNERSHIPS and all(
            count >= MIN_COUNT for count in measure.rests_on(counts)
        )

    def row(key: str, counts: Counts, shown: dict[str, bool]) -> Row:
        return Row(key, {m.name: m.value(counts) if shown[m.name] else None for m in measures})

    rows = []
    # For each measure, the whole less the groups showing it.
    hidden: dict[str, Counts] = {m.name: {} for m in measures}
    for key in order:
        counts = groups.get(key, {})
        shown = {m.name: passes(counts, m) for m in measures}
        for m in measures:
            if not shown[m.name]:
                hidden[m.name] = _add(hidden[m.name], counts)
        if counts.get(partnerships, 0) >= MIN_PARTNERSHIPS:
            rows.append(row(key, counts, shown))
    for key, counts in groups.items():
        if key not in order:  # never shown, so hidden
            for m in measures:
                hidden[m.name] = _add(hidden[m.name], counts)
    whole: Counts = {}
    for counts in groups.values():
        whole = _add(whole, counts)
    if whole.get(partnerships, 0) < MIN_PARTNERSHIPS:
        return Table(rows, None)
    shown = {
        m.name: passes(whole, m)
        and (hidden[m.name].get(partnerships, 0) == 0 or passes(hidden[m.name], m))
        for m in measures
    }
    return Table(rows, row(whole_key, whole, shown))
