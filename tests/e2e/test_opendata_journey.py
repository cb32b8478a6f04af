"""Open data in Chromium (issue 17, "publish an open-data file after a second approval"), every
page scanned with axe-core.

Over the demo as `lde demo` loads it (its open data included):

1. Harrowfield's coordinator goes from the footer's Open data link to the page that prepares
   data sets, drafts a release of one of the partnership's published indicators, proposes,
   approves and releases it through the confirmation pages, and finds it on /open-data/ (again
   from the footer) with its CSV and JSON, downloaded and read: the quarters resting on fewer
   than 10 are empty in the CSV and null in the JSON.
2. Priya Raman, a national analyst, drafts national briefing coverage and proposes it. The page
   offers her no Approve button and says why, and asking for the approval page by its address
   is refused. Owen Hartley, the second national analyst, approves and releases it; signed out,
   anyone finds it on /open-data/.
3. The demo's release approved under a 14-day embargo is not on /open-data/, and its page is not
   found, signed out; releasing it by hand is refused; once the periodic job runs on its date,
   it is listed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from playwright.sync_api import Locator, Page, expect

from lde.partnerships.demo import DOMAIN, DemoResult
from lde.rollups.models import OpenDataRelease
from lde.rollups.opendata_demo import EMBARGOED_TITLE
from lde.rollups.opendata_services import open_data_releases_due
from tests.e2e.conftest import (
    COORDINATOR,
    NATIONAL_ANALYST,
    assert_accessible,
    confirm,
    go,
    path_of,
    sign_in,
)

pytestmark = pytest.mark.browser

SECOND_ANALYST = f"analyst2@{DOMAIN}"
OWN_TITLE = "Hate crimes reported in Harrowfield, by quarter (journey)"
NATIONAL_TITLE = "Briefing coverage by region, this quarter (journey)"


@pytest.fixture
def opendata_demo(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it: the national picture and its open data included."""
    for dotted in settings.LDE_DEMO_BUILDERS:
        import_string(dotted)()
    return demo


def footer_open_data(page: Page) -> None:
    go(page, page.locator("footer").get_by_role("link", name="Open data", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")


def sign_out(page: Page) -> None:
    go(page, page.get_by_role("button", name="Sign out"))


def released_titles(page: Page) -> list[str]:
    table = page.get_by_role("table", name="Released data sets")
    if table.count() == 0:
        return []
    return [t.strip() for t in table.locator("tbody tr td:first-child").all_inner_texts()]


def download(page: Page, link: Locator) -> str:
    with page.expect_download() as started:
        link.click()
    path = started.value.path()
    return Path(path).read_text(encoding="utf-8")


def test_a_coordinator_releases_their_own_figures_and_anyone_downloads_them(
    page: Page, opendata_demo: DemoResult
) -> None:
    sign_in(page, COORDINATOR)
    footer_open_data(page)
    assert OWN_TITLE not in released_titles(page)
    go(page, page.get_by_role("link", name="Drafts and proposals you can see"))
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership's figures"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft open data")
    expect(page.locator("main")).to_contain_text("Harrowfield Prevent Partnership")

    # Nothing chosen: the error summary names what is missing.
    page.get_by_label("Title", exact=True).fill(OWN_TITLE)
    go(page, page.get_by_role("button", name="Save the draft"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    indicator = page.get_by_label("Indicator", exact=True)
    indicator.select_option(label="Hate crimes reported")
    go(page, page.get_by_role("button", name="Save the draft"))
    expect(page.get_by_role("heading", level=1)).to_have_text(OWN_TITLE)
    expect(page.get_by_text("Draft saved")).to_be_visible()

    go(page, page.get_by_role("link", name="Propose for approval"))
    confirm(page, "Propose for approval")
    go(page, page.get_by_role("link", name="Approve", exact=True))
    confirm(page, "Approve these figures")
    expect(page.get_by_role("table", name="The figures as approved")).to_be_visible()
    go(page, page.get_by_role("link", name="Release", exact=True))
    confirm(page, "Release this data set")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Released")

    footer_open_data(page)
    assert OWN_TITLE in released_titles(page)
    row = page.get_by_role("row").filter(has_text=OWN_TITLE)
    expect(row).to_contain_text("Open Government Licence")

    sign_out(page)
    footer_open_data(page)
    row = page.get_by_role("row").filter(has_text=OWN_TITLE)
    rows = list(csv.reader(io.StringIO(download(page, row.get_by_role("link", name="CSV")))))
    assert len(rows) > 2, rows
    header, body = rows[0], rows[1:]
    # A quarter resting on fewer than 10 leaves as an empty cell, never as its count.
    assert any(cell == "" for line in body for cell in line), body
    document = json.loads(download(page, row.get_by_role("link", name="JSON")))
    assert document["title"] == OWN_TITLE
    assert "Open Government Licence" in json.dumps(document)
    assert "@" not in json.dumps(document)  # roles, never people's addresses
    assert header  # the CSV's header names its columns


def test_national_figures_need_a_second_analyst(page: Page, opendata_demo: DemoResult) -> None:
    sign_in(page, NATIONAL_ANALYST)
    footer_open_data(page)
    go(page, page.get_by_role("link", name="Drafts and proposals you can see"))
    go(page, page.get_by_role("link", name="National figures"))
    page.get_by_label("Title", exact=True).fill(NATIONAL_TITLE)
    go(page, page.get_by_role("button", name="Save the draft"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NATIONAL_TITLE)
    go(page, page.get_by_role("link", name="Propose for approval"))
    confirm(page, "Propose for approval")

    # The proposer is offered no approval, is told why, and is refused at the address itself.
    expect(page.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
    expect(page.locator(".govuk-inset-text")).to_contain_text("another national analyst must")
    detail = path_of(page)
    refused = page.goto(f"{detail}approve/")
    assert refused is not None and refused.status == 403, refused and refused.status
    assert_accessible(page)
    page.goto(detail)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Proposed")
    sign_out(page)

    sign_in(page, SECOND_ANALYST)
    footer_open_data(page)
    go(page, page.get_by_role("link", name="Drafts and proposals you can see"))
    go(page, page.get_by_role("link", name=NATIONAL_TITLE, exact=True))
    go(page, page.get_by_role("link", name="Approve", exact=True))
    confirm(page, "Approve these figures")
    expect(page.locator(".govuk-summary-list")).to_contain_text("another national analyst")
    go(page, page.get_by_role("link", name="Release", exact=True))
    confirm(page, "Release this data set")
    sign_out(page)

    footer_open_data(page)
    assert NATIONAL_TITLE in released_titles(page)
    go(page, page.get_by_role("link", name=NATIONAL_TITLE, exact=True))
    expect(page.get_by_role("table", name="The figures")).to_contain_text("England")
    for name in ("Priya", "Owen", "@"):
        expect(page.locator("main")).not_to_contain_text(name)


def test_an_embargoed_release_is_listed_only_from_its_date(
    page: Page, opendata_demo: DemoResult
) -> None:
    embargoed = OpenDataRelease.objects.get(title=EMBARGOED_TITLE)
    assert embargoed.embargo_until is not None

    response = page.goto("/")
    assert response is not None and response.ok
    assert_accessible(page)
    footer_open_data(page)
    assert EMBARGOED_TITLE not in released_titles(page)
    hidden = page.goto(f"/open-data/{embargoed.pk}/")
    assert hidden is not None and hidden.status == 404

    # A national analyst sees it approved and embargoed; releasing it by hand is refused.
    sign_in(page, SECOND_ANALYST)
    footer_open_data(page)
    go(page, page.get_by_role("link", name="Drafts and proposals you can see"))
    go(page, page.get_by_role("link", name=EMBARGOED_TITLE, exact=True))
    expect(page.locator(".govuk-summary-list")).to_contain_text("embargoed until")
    go(page, page.get_by_role("link", name="Release", exact=True))
    confirm(page, "Release this data set")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("This data set is embargoed until")
    # A refusal is not announced as a success.
    expect(banner).not_to_contain_text("Success")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Approved")
    footer_open_data(page)
    assert EMBARGOED_TITLE not in released_titles(page)

    # The periodic job, run as it would be on the embargo's date, releases it.
    assert open_data_releases_due(now=embargoed.embargo_until + timedelta(minutes=1)) == 1
    footer_open_data(page)
    assert EMBARGOED_TITLE in released_titles(page)
