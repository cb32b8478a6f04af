"""The Maryland level is derived from the design, by the table in docs/apps/what_works.md
(Sherman et al. 1997; Farrington et al. 2002), and every design has its place in it."""

from __future__ import annotations

import pytest

from lde.what_works import scales
from lde.what_works.models import Design, Quality

TABLE = [
    ("randomised", 5),
    ("difference_in_differences", 4),
    ("matched_comparison", 4),
    ("before_after_with_comparison", 3),
    ("before_after", 2),
    ("cross_sectional", 2),
    ("correlation", 1),
    ("case_study", None),
    ("research_review", None),
]


@pytest.mark.parametrize(("design", "level"), TABLE, ids=[d for d, _ in TABLE])
def test_each_design_reaches_its_level(design: str, level: int | None) -> None:
    assert scales.maryland_level(design) == level


def test_the_table_covers_every_design_and_every_level() -> None:
    assert {d for d, _ in TABLE} == set(Design.values)
    assert {level for _, level in TABLE} == {1, 2, 3, 4, 5, None}
    assert scales.designs_at(4) == ["difference_in_differences", "matched_comparison"]


def test_every_level_and_quality_is_explained_in_words() -> None:
    assert scales.level_words(None).startswith("Not on the scale")
    assert scales.level_words(5).startswith("Level 5: chosen at random")
    assert [scales.quality_words(q).split(":")[0] for q in Quality.values] == [
        "No evidence on this.",
        "Limited evidence",
        "Moderate evidence",
        "Strong evidence",
        "Very strong evidence",
    ]
