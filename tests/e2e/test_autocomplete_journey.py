"""Choosing from national lists in Chromium (issue 18), each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator adds a partner organisation by typing three
letters of its name and picking it from the autocomplete with the keyboard. Drafting a protocol,
they first send the form empty: the error summary's link for the parties puts the focus in the
parties' search box. They add two parties with the keyboard, hear each added, remove one with its
"Remove" button, hear that too, choose the data controller the same way and save. With JavaScript
switched off the same pages are plain selects, and choosing in them works just as well.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from lde.core.access.facts import today
from lde.partnerships.demo import DEMO_PASSWORD, DemoResult, demo_code
from lde.partnerships.models import PartnerOrganisation, Partnership
from lde.sharing.models import Protocol
from tests.e2e.conftest import COORDINATOR, error_summary, fill_date, go, path_of, sign_in, visit

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
COUNCIL = "Harrowfield Borough Council"
BCU = "Harrowfield Basic Command Unit"
KESTLEBURY_COUNCIL = "Kestlebury City Council"


def _pick(page: Page, box: Locator, typed: str, wanted: str) -> None:
    """Type into the autocomplete and move down its options with the arrow key until `wanted` is
    highlighted, then press Enter: the keyboard alone, as a person without a mouse would."""
    box.fill("")
    box.press_sequentially(typed, delay=40)
    menu = page.locator(f"#{box.get_attribute('id')}__listbox")
    expect(menu.get_by_role("option").first).to_be_visible()
    for _ in range(menu.get_by_role("option").count()):
        box.page.keyboard.press("ArrowDown")
        focused = menu.locator(".autocomplete__option--focused")
        if focused.count() and focused.inner_text().strip().startswith(wanted):
            break
    else:
        pytest.fail(f"{wanted} is not among the options for {typed!r}")
    page.keyboard.press("Enter")


def _protocol_text(page: Page, title: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Purpose").fill("Briefing the partnership on area trends.")
    page.get_by_label("Legal basis").fill("Crime and Disorder Act 1998, section 115.")
    page.get_by_label("Data protection impact assessment reference").fill("DPIA-77")
    page.get_by_label("What information is shared").fill("Trends by area, never people.")
    page.get_by_label("Who may see it").fill("The dissemination list only.")
    page.get_by_label("Handling and security").fill("Accredited systems.")
    page.get_by_label("Retention period in days").fill("365")
    fill_date(page, "Review date", today() + timedelta(days=300))


def test_a_coordinator_chooses_organisations_by_typing_and_with_the_keyboard(
    page: Page, demo: DemoResult
) -> None:
    harrowfield = Partnership.objects.get(name=HARROWFIELD)
    sign_in(page, COORDINATOR)

    # One organisation from the national register: three letters, arrow keys, Enter.
    visit(page, reverse("partnerships:partner-organisation-add", args=[harrowfield.pk]))
    box = page.get_by_role("combobox", name="Organisation")
    # to_be_hidden alone passes while the renamed select does not exist yet: wait for the
    # input the script puts in its place, then for the select it hid.
    expect(page.locator("input#id_organisation")).to_be_visible()
    expect(page.locator("select#id_organisation-select")).to_have_count(1)
    expect(page.locator("select#id_organisation-select")).to_be_hidden()
    _pick(page, box, "Kes", KESTLEBURY_COUNCIL)
    expect(box).to_have_value(KESTLEBURY_COUNCIL)
    go(page, page.get_by_role("button", name="Add partner"))
    expect(page.get_by_text(f"{KESTLEBURY_COUNCIL} is now a partner.")).to_be_visible()
    assert PartnerOrganisation.objects.filter(
        partnership=harrowfield, organisation__name=KESTLEBURY_COUNCIL
    ).exists()

    # Several: the error summary's link puts the focus in the search box it names.
    visit(page, reverse("sharing:protocol-create"))
    go(page, page.get_by_role("button", name="Save", exact=True))
    problems = error_summary(page)
    assert "Choose the organisations that are parties" in problems
    page.locator(".govuk-error-summary__list a", has_text="parties").click()
    assert page.evaluate("document.activeElement.id") == "id_parties"
    parties = page.get_by_role("combobox", name="Parties")
    expect(parties).to_be_focused()

    _protocol_text(page, "Harrowfield area briefing protocol")
    chosen = page.get_by_role("list", name="Parties: chosen")
    status = page.locator("#id_parties-status")
    _pick(page, parties, "Har", COUNCIL)
    expect(chosen.get_by_role("listitem")).to_have_count(1)
    expect(status).to_have_text(f"{COUNCIL} added. 1 chosen.")
    expect(parties).to_have_value("")
    _pick(page, parties, "Kes", KESTLEBURY_COUNCIL)
    expect(status).to_have_text(f"{KESTLEBURY_COUNCIL} added. 2 chosen.")
    _pick(page, parties, "Bas", BCU)
    expect(chosen.get_by_role("listitem")).to_have_count(3)
    chosen.get_by_role("button", name=f"Remove {KESTLEBURY_COUNCIL}").click()
    expect(status).to_have_text(f"{KESTLEBURY_COUNCIL} removed. 2 chosen.")
    expect(chosen.locator("li > span:first-child")).to_have_text([COUNCIL, BCU])
    # A chosen party is not offered again.
    parties.press_sequentially("Harrowfield Bor", delay=40)
    expect(page.locator("#id_parties__listbox").get_by_role("option")).to_have_text(
        ["No matches: try fewer letters, or another part of the name"]
    )
    parties.fill("")
    _pick(page, page.get_by_role("combobox", name="Data controllers (optional)"), "Har", COUNCIL)

    go(page, page.get_by_role("button", name="Save", exact=True))
    protocol = Protocol.objects.get(title="Harrowfield area briefing protocol")
    assert path_of(page) == reverse("sharing:protocol-detail", args=[protocol.pk])
    assert sorted(protocol.parties.values_list("name", flat=True)) == [BCU, COUNCIL]
    assert list(protocol.controllers.values_list("name", flat=True)) == [COUNCIL]


def _sign_in_without_script(page: Page, email: str) -> None:
    """Signing in through the real form, in a browser running no script (axe cannot run)."""
    from tests.e2e.conftest import _wait_for_an_unused_code

    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if path_of(page) == "/two-factor/":
        _wait_for_an_unused_code(email)
        page.get_by_label("Security code").fill(demo_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert path_of(page) == "/"


def test_without_javascript_the_plain_selects_do_the_same(
    browser: Browser, live_server: Any, demo: DemoResult
) -> None:
    harrowfield = Partnership.objects.get(name=HARROWFIELD)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _sign_in_without_script(page, COORDINATOR)

        page.goto(reverse("partnerships:partner-organisation-add", args=[harrowfield.pk]))
        expect(page.get_by_role("combobox")).to_have_count(1)
        page.get_by_label("Organisation", exact=True).select_option(label=KESTLEBURY_COUNCIL)
        with page.expect_navigation():
            page.get_by_role("button", name="Add partner").click()
        expect(page.get_by_text(f"{KESTLEBURY_COUNCIL} is now a partner.")).to_be_visible()

        page.goto(reverse("sharing:protocol-create"))
        expect(page.get_by_text("To choose more than one, hold down Ctrl").first).to_be_visible()
        _protocol_text(page, "Protocol chosen without script")
        page.get_by_label("Parties", exact=True).select_option(label=[COUNCIL, BCU])
        page.get_by_label("Data controllers (optional)").select_option(label=[COUNCIL])
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        protocol = Protocol.objects.get(title="Protocol chosen without script")
        assert sorted(protocol.parties.values_list("name", flat=True)) == [BCU, COUNCIL]
        assert list(protocol.controllers.values_list("name", flat=True)) == [COUNCIL]
    finally:
        context.close()
