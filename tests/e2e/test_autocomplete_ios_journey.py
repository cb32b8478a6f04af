"""The accessible autocomplete on an iPhone, with the Content-Security-Policy enforced.

On iOS the library appends to each option a "1 of 3" suffix for VoiceOver, hidden by an inline
style attribute that our policy (`style-src 'self'`, no `'unsafe-inline'`) refuses.
`scripts/build-assets` gives that span GOV.UK's `govuk-visually-hidden` class instead. Here
Chromium says it is Safari on an iPhone, so that the library takes its iOS path, and the policy
is enforced, as in every journey: Harrowfield's coordinator types three letters into the partner
organisation chooser; each option carries its suffix, the suffix takes no space on screen, and
the browser reported no violation of the policy. The page is then scanned with axe.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from lde.partnerships.demo import DEMO_PASSWORD, DemoResult, demo_code
from lde.partnerships.models import Partnership
from tests.e2e.conftest import COORDINATOR, assert_accessible, path_of, policy_context

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
KESTLEBURY_COUNCIL = "Kestlebury City Council"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# Runs before any of the page's own scripts (through the DevTools protocol, which the policy does
# not govern) and keeps every violation the browser reports, with what it refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"}: ${event.sample}`
  );
});
"""


def _sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in/", wait_until="domcontentloaded")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if path_of(page) == "/two-factor/":
        page.get_by_label("Security code").fill(demo_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert path_of(page) == "/"


def test_on_an_iphone_the_options_suffix_is_hidden_without_breaking_the_policy(
    browser: Browser, live_server: Any, demo: DemoResult
) -> None:
    harrowfield = Partnership.objects.get(name=HARROWFIELD)
    context = policy_context(browser, base_url=live_server.url, user_agent=IPHONE)
    context.set_default_timeout(30_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        _sign_in(page, COORDINATOR)
        add_partner = reverse("partnerships:partner-organisation-add", args=[harrowfield.pk])
        response = page.goto(add_partner)
        assert response is not None and response.ok
        assert "style-src 'self'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert page.evaluate("navigator.userAgent") == IPHONE

        # The plain select is a combobox too: type only once the script has put the
        # autocomplete's input in its place and hidden it, or the letters go to the select.
        # to_be_hidden alone passes while the renamed select does not exist yet: wait for the
        # input the script puts in its place, then for the select it hid.
        expect(page.locator("input#id_organisation")).to_be_visible()
        expect(page.locator("select#id_organisation-select")).to_have_count(1)
        expect(page.locator("select#id_organisation-select")).to_be_hidden()
        box = page.get_by_role("combobox", name="Organisation")
        box.press_sequentially("Kes", delay=40)
        options = page.locator(f"#{box.get_attribute('id')}__listbox").get_by_role("option")
        expect(options.first).to_be_visible()
        count = options.count()
        assert count >= 1
        # The library took its iOS path, and nothing it wrote was refused by the policy.
        assert page.evaluate("window.__cspViolations") == []
        assert [text for text in console if "Content Security Policy" in text] == []
        # The library took its iOS path: every option has its position suffix …
        suffixes = page.locator("[id*='__option-suffix--']")
        expect(suffixes).to_have_count(count)
        expect(suffixes.first).to_have_text(f" 1 of {count}")
        expect(suffixes.first).to_have_class("govuk-visually-hidden")
        # … hidden from sight by the stylesheet: one pixel, clipped, the option showing its name.
        box_of_suffix = suffixes.first.bounding_box()
        assert box_of_suffix is not None
        assert box_of_suffix["width"] <= 1 and box_of_suffix["height"] <= 1
        expect(options.filter(has_text=KESTLEBURY_COUNCIL)).to_have_count(1)

        assert_accessible(page)
        assert script_errors == []
    finally:
        context.close()
