"""Site administration on the service's own pages, in Chromium (issue 18), every page scanned
with axe-core.

On the fictional demo, the site administrator starts from their home page: they change a
marking's description through its confirmation page; they try to lower the ceiling below a
briefing product stored here and are refused with the count; they edit Marden Vale's areas with
one wrong GSS code, are shown it in the error summary, and put it right; they make an alliance of
two partnerships and add a third through its confirmation page. Then Harrowfield's coordinator
tries to remove the lead council from the partnership's partners and is refused, with what still
depends on it named, and removes a partner nothing depends on through the confirmation page
(ADR 0028).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from lde.core.access.markings import Marking, SiteSettings
from lde.core.audit.models import AuditEvent
from lde.partnerships.demo import DemoResult
from lde.partnerships.models import Alliance, PartnerOrganisation, Partnership
from lde.partnerships.selectors import partner_organisation_dependents
from tests.e2e.conftest import (
    COORDINATOR,
    SITE_ADMINISTRATOR,
    confirm,
    error_summary,
    go,
    path_of,
    sign_in,
)
from tests.sharing.builders import draft, gateway

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
KESTLEBURY = "Kestlebury Prevent Partnership"
MARDEN_VALE = "Marden Vale Prevent Partnership"
COUNCIL = "Harrowfield Borough Council"


def _pick(page: Page, box: Locator, typed: str, wanted: str) -> None:
    """Type into the autocomplete, then choose `wanted` from its options with the keyboard."""
    box.fill("")
    box.press_sequentially(typed, delay=40)
    menu = page.locator(f"#{box.get_attribute('id')}__listbox")
    expect(menu.get_by_role("option").first).to_be_visible()
    for _ in range(menu.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        focused = menu.locator(".autocomplete__option--focused")
        if focused.count() and focused.inner_text().strip().startswith(wanted):
            break
    else:
        pytest.fail(f"{wanted} is not among the options for {typed!r}")
    page.keyboard.press("Enter")


def test_a_site_administrator_and_a_coordinator_run_the_site_on_its_own_pages(
    page: Page, demo: DemoResult
) -> None:
    # A briefing product stored here at OFFICIAL-SENSITIVE, which the ceiling must stay above.
    draft(gateway())
    # The pages are many and the shared machine can be slow: a minute and a half for each step.
    page.set_default_timeout(90_000)

    sign_in(page, SITE_ADMINISTRATOR)

    # A marking's description, changed through its confirmation page.
    go(page, page.get_by_role("link", name="Markings and the ceiling"))
    assert path_of(page) == reverse("core:marking-list")
    go(page, page.get_by_role("link", name="Change OFFICIAL-SENSITIVE", exact=True))
    page.get_by_label("Description").fill("Information whose loss would cause serious harm.")
    go(page, page.get_by_role("button", name="Continue"))
    confirm(page, "Change this marking")
    expect(page.get_by_text("OFFICIAL-SENSITIVE changed.")).to_be_visible()
    assert Marking.objects.get(code="official-sensitive").description == (
        "Information whose loss would cause serious harm."
    )

    # Lowering the ceiling below what is stored: refused, with the count.
    go(page, page.get_by_role("link", name="Change the ceiling"))
    page.get_by_label("OFFICIAL", exact=True).check()
    go(page, page.get_by_role("button", name="Continue"))
    confirm(page, "Change the ceiling")
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert problems[1].startswith(
        "1 briefing product is stored here marked above OFFICIAL. Material above the ceiling "
        "is never stored"
    ), problems
    assert SiteSettings.objects.get().ceiling.code == "official-sensitive"

    # A partnership's areas: one wrong code shown in the error summary, then put right.
    go(page, page.get_by_role("link", name="Home", exact=True))
    go(
        page,
        page.get_by_role("link", name="Partnerships: their names, lead councils, regions, areas"),
    )
    go(page, page.get_by_role("link", name=MARDEN_VALE, exact=True))
    marden = Partnership.objects.get(name=MARDEN_VALE)
    codes = page.get_by_label("Area GSS codes")
    codes.fill(f"{marden.area_gss_codes[0]}, E0899990X")
    go(page, page.get_by_role("button", name="Save changes"))
    assert error_summary(page) == [
        "There is a problem",
        "Enter GSS codes of a letter and 8 digits, like E08000025 (not E0899990X)",
    ]
    page.get_by_label("Area GSS codes").fill(f"{marden.area_gss_codes[0]}, E08999911")
    go(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_text(f"{MARDEN_VALE} changed.")).to_be_visible()
    marden.refresh_from_db()
    assert marden.area_gss_codes[1:] == ["E08999911"]

    # An alliance of two partnerships, then a third added through its confirmation page.
    go(page, page.get_by_role("link", name="Home", exact=True))
    go(page, page.get_by_role("link", name="Alliances: the partnerships that pool money"))
    go(page, page.get_by_role("link", name="Create an alliance"))
    page.get_by_label("Name", exact=True).fill("Northern Vale Alliance")
    page.get_by_label("What the partnerships pool").fill("Training for front-line staff.")
    chosen = page.get_by_role("combobox", name="Partnerships")
    _pick(page, chosen, "Mar", MARDEN_VALE)
    _pick(page, chosen, "Kes", KESTLEBURY)
    go(page, page.get_by_role("button", name="Create alliance"))
    expect(page.get_by_text("Northern Vale Alliance created.")).to_be_visible()
    go(page, page.get_by_role("link", name="Add a partnership"))
    _pick(page, page.get_by_role("combobox", name="Partnership"), "Har", HARROWFIELD)
    go(page, page.get_by_role("button", name="Continue"))
    confirm(page, "Add this partnership")
    expect(page.get_by_text(f"{HARROWFIELD} is now in Northern Vale Alliance.")).to_be_visible()
    alliance = Alliance.objects.get(name="Northern Vale Alliance")
    assert sorted(alliance.partnerships.values_list("name", flat=True)) == [
        HARROWFIELD,
        KESTLEBURY,
        MARDEN_VALE,
    ]

    # The coordinator: the lead council is refused, with what depends on it; a partner nothing
    # depends on is removed through the confirmation page.
    page.context.clear_cookies()
    sign_in(page, COORDINATOR)
    harrowfield = Partnership.objects.get(name=HARROWFIELD)
    free = next(
        link.organisation
        for link in PartnerOrganisation.objects.filter(partnership=harrowfield)
        .select_related("organisation")
        .order_by("organisation__name")
        if not partner_organisation_dependents(
            partnership=harrowfield, organisation=link.organisation
        )
    )
    go(page, page.get_by_role("link", name=HARROWFIELD, exact=True))
    go(page, page.get_by_role("link", name=f"Remove {COUNCIL}", exact=True))
    expect(page.get_by_role("heading", name=f"You cannot remove {COUNCIL} yet")).to_be_visible()
    problems = error_summary(page)
    assert problems[1] == (
        f"{COUNCIL} is the partnership's lead council: a site administrator names another lead "
        "council first"
    )
    assert any("held by people who represent it" in p for p in problems[2:]), problems
    assert page.get_by_role("button", name="Remove this partner organisation").count() == 0
    go(page, page.get_by_role("link", name=f"Back to {HARROWFIELD}"))
    go(page, page.get_by_role("link", name=f"Remove {free.name}", exact=True))
    confirm(page, "Remove this partner organisation")
    assert path_of(page) == reverse("partnerships:partnership-detail", args=[harrowfield.pk])
    expect(page.get_by_text(f"{free.name} is no longer a partner.")).to_be_visible()
    assert not PartnerOrganisation.objects.filter(
        partnership=harrowfield, organisation=free
    ).exists()
    assert AuditEvent.objects.filter(
        verb="PARTNER_ORGANISATION_REMOVED", partnership_id=harrowfield.pk
    ).exists()
