"""The pages' Content-Security-Policy (config/settings/base.py) allows scripts and styles from this
service's own files only: a browser refuses a style attribute, an inline script and an event
handler attribute, and the page goes on without them, which a test that does not enforce the
policy never sees. So no template writes one. (The browser journeys enforce the policy too, but
only on the pages they visit.)"""

from __future__ import annotations

import re
from pathlib import Path

LDE = Path(__file__).resolve().parents[2] / "lde"
REFUSED = {
    "a style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE),
    "an inline script": re.compile(r"<script(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE),
    "an event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
}


def refused_in(text: str) -> list[str]:
    return [what for what, pattern in REFUSED.items() if pattern.search(text)]


def test_no_template_writes_what_the_policy_refuses() -> None:
    found = {
        str(path.relative_to(LDE)): refused
        for path in sorted(LDE.rglob("*.html"))
        if (refused := refused_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_scan_finds_each_kind() -> None:
    assert refused_in('<svg width="100%" style="max-width: 640px">') == ["a style attribute"]
    assert refused_in("<script>alert(1)</script>") == ["an inline script"]
    assert refused_in('<button onclick="go()">') == ["an event handler attribute"]
    assert refused_in('<script type="module" src="/static/js/app.mjs"></script>') == []
    assert refused_in('<p class="govuk-body" data-module="govuk-button">') == []
