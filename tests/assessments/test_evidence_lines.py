"""The assessment page lists each evidence item once, on one line, with "Carried forward" as a
tag: carrying cycles forward copies evidence, and the copies are one item to the reader."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from lde.assessments.selectors import EvidenceLine
from lde.assessments.templatetags.assessments import evidence_items


def _line(pk: int, *, on: date, carried: bool, url: str = "https://example.org/a") -> EvidenceLine:
    return EvidenceLine(pk, "link", "Panel minutes", url, "", 0, "", on, carried)


def test_a_carried_forward_item_is_listed_once_with_a_tag() -> None:
    row = SimpleNamespace(
        evidence=[
            _line(4, on=date(2026, 6, 15), carried=True),
            _line(3, on=date(2025, 6, 15), carried=True),
            _line(2, on=date(2024, 6, 15), carried=True),
            _line(1, on=date(2023, 6, 15), carried=True),
        ]
    )
    html = evidence_items(row, "/evidence/")
    assert html.count("<li>") == 1
    assert html.count("Panel minutes") == 1
    assert "as at 15 Jun 2026" in html
    assert html.count("Carried forward") == 1
    assert "govuk-tag" in html


def test_an_item_confirmed_again_this_cycle_has_no_tag_and_distinct_items_stay() -> None:
    row = SimpleNamespace(
        evidence=[
            _line(3, on=date(2026, 6, 15), carried=False),
            _line(2, on=date(2025, 6, 15), carried=True),
            _line(1, on=date(2025, 6, 15), carried=True, url="https://example.org/b"),
        ]
    )
    html = evidence_items(row, "/evidence/")
    assert html.count("<li>") == 2
    first, second = html.split("</li>")[:2]
    assert "Carried forward" not in first
    assert "Carried forward" in second


def test_no_evidence_says_none() -> None:
    assert evidence_items(SimpleNamespace(evidence=[]), "/evidence/") == "None"
