"""Fixtures and helpers for the browser journeys: Debian's Chromium, the live server, axe-core.

The journeys drive Debian's own Chromium (`/usr/bin/chromium`) through Playwright; no browser is
ever downloaded. Every page a journey reaches is scanned with axe-core against WCAG 2.2 AA. The
browser enforces each page's Content-Security-Policy, as people's browsers do (axe is evaluated
through the DevTools protocol, which the policy does not govern), and a journey whose pages the
policy refused anything fails: a policy bypassed in the tests once hid a sign-in button whose
form the policy stopped.
"""

from __future__ import annotations

import os
import time

# Playwright's sync API runs an event loop in the test thread, and Django refuses database
# calls from a thread with a running loop unless told otherwise. Set before anything imports it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    sync_playwright,
)

from lde.partnerships.demo import DEMO_PASSWORD, DOMAIN, DemoResult, demo_build, demo_code

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1280, "height": 900}

# The demo's sign-ins (see lde/partnerships/demo.py).
COORDINATOR = f"coordinator@harrowfield.{DOMAIN}"
BOARD_MEMBER = f"board@harrowfield.{DOMAIN}"
CONTRIBUTOR = f"contributor@harrowfield.{DOMAIN}"
VIEWER = f"viewer@harrowfield.{DOMAIN}"
COMMUNITY_REVIEWER = f"community@harrowfield.{DOMAIN}"
SECURITY_CONTACT = f"security@harrowfield.{DOMAIN}"
INSPECTOR = f"inspector@{DOMAIN}"
FORMER_INSPECTOR = f"former.inspector@{DOMAIN}"
PEER_REVIEWER = f"peer.reviewer@kestlebury.{DOMAIN}"
NATIONAL_ANALYST = f"analyst@{DOMAIN}"
SITE_ADMINISTRATOR = f"admin@{DOMAIN}"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def policy_context(
    browser: Browser, refused: list[str] | None = None, **options: Any
) -> BrowserContext:
    """A browser context that enforces each page's Content-Security-Policy. What the policy
    refuses, Chromium reports on the console; those reports go in `refused` when it is given."""
    context = browser.new_context(bypass_csp=False, **{"viewport": VIEWPORT, **options})

    def console(message: ConsoleMessage) -> None:
        if refused is not None and "Content Security Policy" in message.text:
            refused.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", console)
    return context


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context on the live server, its pages' policy enforced.

    Uncaught JavaScript errors and anything the policy refused, on any page, fail the test.
    """
    refused: list[str] = []
    context = policy_context(browser, refused, base_url=live_server.url)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    script_errors: list[str] = []
    opened.on("pageerror", lambda error: script_errors.append(f"{opened.url}: {error}"))
    yield opened
    context.close()
    assert script_errors == [], "JavaScript errors:\n" + "\n".join(script_errors)
    assert refused == [], "Refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture
def demo(transactional_db: None) -> DemoResult:
    """The fictional demo world, built in the live server's database."""
    _restore_data_migrations()
    return demo_build()


def _restore_data_migrations() -> None:
    """Put back what the data migrations made (markings, the audit chain's genesis head).

    The live server needs a transactional database, which Django empties after each test. The
    serialized rollback meant for this breaks when a transactional test without it ran first,
    so the one data migration is replayed instead, when its rows are missing.
    """
    from django.apps import apps

    from lde.core.audit.models import AuditHead

    if not AuditHead.objects.exists():
        migration = import_module("lde.core.migrations.0002_default_markings_and_audit_head")
        migration.forwards(apps, None)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the current page and fail on any WCAG 2.2 A/AA violation. It is
    evaluated through the DevTools protocol: the policy forbids the inline script tag that
    would otherwise carry it."""
    page.evaluate(f"() => {{ {AXE_SOURCE}\n; window.axe = axe; }}")
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations;
        }""",
        WCAG_TAGS,
    )
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    at {node['target']}")
                summary = " ".join(str(node.get("failureSummary") or "").split())
                if summary:
                    lines.append(f"      {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def visit(page: Page, path: str) -> None:
    """Go to `path`, check it answered, and scan it."""
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    assert_accessible(page)


def go(page: Page, target: Locator) -> None:
    """Click a link or submit button, wait for the page it leads to, and scan that page."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def sign_in(page: Page, email: str) -> bool:
    """Sign in through the real form, giving the two-factor code when the site asks for it.

    Scans the sign-in page, the two-factor page when shown, and the home page it lands on.
    Returns whether the site asked for a two-factor code.
    """
    visit(page, "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))
    asked_for_code = path_of(page) == "/two-factor/"
    if asked_for_code:
        _wait_for_an_unused_code(email)
        page.get_by_label("Security code").fill(demo_code(email))
        go(page, page.get_by_role("button", name="Continue"))
    assert path_of(page) == "/", f"signing in as {email} ended on {page.url}"
    return asked_for_code


def _wait_for_an_unused_code(email: str) -> None:
    """A code is accepted once (django-otp refuses a time step already used), so a journey that
    signs the same person in twice within thirty seconds waits for the next step, as a person
    would wait for their app's next code."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email.strip().lower(), confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while device.last_t >= totp.t():
        time.sleep(0.5)


def path_of(page: Page) -> str:
    """The path of the page's URL, without the query."""
    return urlsplit(page.url).path


def table_rows(page: Page, caption: str) -> list[list[str]]:
    """The body cells of the table with this caption, as text, row by row."""
    table = page.get_by_role("table", name=caption, exact=True)
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def main_headings(page: Page) -> list[str]:
    """The second-level headings inside <main>, in order."""
    return [text.strip() for text in page.locator("main h2").all_inner_texts()]


def error_summary(page: Page) -> list[str]:
    """The title and the items of the GOV.UK error summary.

    Also checks that each item links to an element on the page, as the pattern needs.
    """
    summary = page.locator(".govuk-error-summary")
    title = summary.locator(".govuk-error-summary__title").inner_text().strip()
    links = summary.locator(".govuk-error-summary__list a").all()
    for link in links:
        href = link.get_attribute("href") or ""
        assert href.startswith("#"), f"error summary link {href!r} is not to this page"
        target = page.locator(f"[id='{href[1:]}']")
        assert target.count() == 1, f"error summary links to {href}, which is not on the page"
    items = summary.locator(".govuk-error-summary__list li").all_inner_texts()
    return [title, *(item.strip() for item in items)]


def fill_date(scope: Page | Locator, legend: str, value: date | None) -> None:
    """Type a date into the GOV.UK date input whose legend is `legend` (its three boxes emptied
    when `value` is None), as a person would: day, month and year as numbers."""
    group = scope.get_by_role("group", name=legend, exact=True)
    parts = ("", "", "") if value is None else (str(value.day), str(value.month), str(value.year))
    for label, typed in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(label, exact=True).fill(typed)


def confirm(page: Page, button: str) -> None:
    """On a confirmation page, check it says what happens, who sees it and what cannot be
    undone, offers a way back, and then press its button."""
    headings = main_headings(page)
    assert "What happens" in headings, headings
    assert "Who will see it" in headings, headings
    assert page.locator(".govuk-warning-text").count() >= 1
    assert page.get_by_role("link", name="Cancel", exact=True).count() == 1
    go(page, page.get_by_role("button", name=button, exact=True))
