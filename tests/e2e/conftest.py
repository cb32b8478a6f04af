"""Fixtures and helpers for the browser journeys: Debian's Chromium, the live server, axe-core.

The journeys drive Debian's own Chromium (`/usr/bin/chromium`) through Playwright; no browser is
ever downloaded. Every page a journey reaches is scanned with axe-core against WCAG 2.2 AA.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread, and Django refuses database
# calls from a thread with a running loop unless told otherwise. Set before anything imports it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright  # noqa: E402

from lde.partnerships.demo import DEMO_PASSWORD, DemoResult, demo_build, demo_code  # noqa: E402

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
DOMAIN = "demo.invalid"
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


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context on the live server. CSP is bypassed so that axe can be injected.

    Uncaught JavaScript errors on any page fail the test.
    """
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    script_errors: list[str] = []
    opened.on("pageerror", lambda error: script_errors.append(f"{opened.url}: {error}"))
    yield opened
    context.close()
    assert script_errors == [], "JavaScript errors:\n" + "\n".join(script_errors)


@pytest.fixture
def demo(transactional_db: None, django_db_serialized_rollback: None) -> DemoResult:
    """The fictional demo world, built in the live server's database.

    The live server needs a transactional database, which is emptied after each test; the
    serialized rollback puts back what the data migrations made (markings, the audit chain's
    genesis head) before the next one.
    """
    return demo_build()


def assert_accessible(page: Page) -> None:
    """Inject axe-core into the current page and fail on any WCAG 2.2 A/AA violation."""
    page.add_script_tag(content=AXE_SOURCE)
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


def sign_in(page: Page, email: str) -> None:
    """Sign in through the real form, giving the two-factor code when the site asks for it.

    Scans the sign-in page, the two-factor page when shown, and the home page it lands on.
    """
    visit(page, "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))
    if path_of(page) == "/two-factor/":
        page.get_by_label("Security code").fill(demo_code(email))
        go(page, page.get_by_role("button", name="Continue"))
    assert path_of(page) == "/", f"signing in as {email} ended on {page.url}"


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
    """The title and the items of the GOV.UK error summary."""
    summary = page.locator(".govuk-error-summary")
    title = summary.locator(".govuk-error-summary__title").inner_text().strip()
    items = summary.locator(".govuk-error-summary__list li").all_inner_texts()
    return [title, *(item.strip() for item in items)]
