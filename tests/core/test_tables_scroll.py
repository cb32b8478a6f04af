"""Every GOV.UK table on a page sits in its own scrolling region, labelled and reachable by
keyboard, so that no page scrolls sideways at 320 CSS pixels (WCAG 1.4.10). The browser test
(tests/e2e/test_reflow.py) measures the main pages; this checks every template, pages the browser
test does not open included. The PDF report's tables are laid out for paper and are left out."""

from __future__ import annotations

import re
from pathlib import Path

LDE = Path(__file__).resolve().parents[2] / "lde"
PAPER = {"report_pdf.html"}
WRAPPER = re.compile(
    # The label may hold template tags, whose own quotes Django removes before the browser.
    r'<div class="lde-table-scroll" role="region" aria-label="(?:\{%.*?%\}|[^"])+" '
    r'tabindex="0">\s*$'
)


def test_every_table_scrolls_in_a_labelled_region() -> None:
    bare = []
    for path in sorted(LDE.rglob("templates/**/*.html")):
        if path.name in PAPER:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<table class="govuk-table', text):
            if not WRAPPER.search(text[: match.start()]):
                line = text.count("\n", 0, match.start()) + 1
                bare.append(f"{path.relative_to(LDE)}:{line}")
    assert bare == [], "tables outside an lde-table-scroll region: " + ", ".join(bare)
