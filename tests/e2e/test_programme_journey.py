"""The programme in Chromium, from the home page, each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator sees on their home page that no strand has
targeted Tier 3 work. From the partnership's navigation they open its programme: the portfolio's
strand × tier table shows "None" in every Tier 3 cell and names the missing targeted work in
words (¶36). The budget shows the three-year plan and the alliance's pooled pot with each
member's contribution. Importing a CSV with one bad row is refused in the GOV.UK error summary,
naming its row and column, and the project list is as it was.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lde.partnerships.demo import DemoResult
from lde.programme.demo import demo_build as programme_demo_build
from tests.e2e.conftest import COORDINATOR, error_summary, go, sign_in, table_rows

pytestmark = pytest.mark.browser

BAD_CSV = (
    "title,delivered_by,audiences,strand,tier,forms_of_extremism\n"
    "Imported mentoring,Harrowfield Youth and Community Trust,Young people,supporting,3,all_forms\n"
    "Imported broken,Harrowfield Youth and Community Trust,Young people,supporting,9,all_forms\n"
)


@pytest.fixture
def programme_demo(demo: DemoResult) -> DemoResult:
    programme_demo_build()
    return demo


def test_see_the_empty_tier_3_cells_the_pot_and_an_import_refused(
    page: Page, programme_demo: DemoResult
) -> None:
    sign_in(page, COORDINATOR)
    expect(page.get_by_text("no targeted Tier 3 work under 7 of 7 strands")).to_be_visible()
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Programme", exact=True))
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Targeted work missing")).to_be_visible()
    # Rows by strand in the report's order, cells by tier: the last row is strategic
    # communications, and every row's third cell (Tier 3) is empty.
    rows = table_rows(page, "Coverage by strand and tier")
    assert len(rows) == 7
    assert all(row[2] == "None" for row in rows)
    assert rows[6][0].startswith("1 project")

    go(page, page.get_by_role("link", name="Budget and plan"))
    expect(page.get_by_text("Plan complete")).to_be_visible()
    expect(page.get_by_text("Kestlebury Prevent Partnership: £15,000")).to_be_visible()

    go(page, page.get_by_role("link", name="Projects", exact=True))
    before = len(table_rows(page, "Projects"))
    go(page, page.get_by_role("link", name="Import", exact=True))
    page.get_by_label("Upload a CSV file or an Excel workbook").set_input_files(
        {"name": "projects.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}
    )
    go(page, page.get_by_role("button", name="Upload and save"))
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert "Row 3, column tier" in problems[1]
    assert table_rows(page, "Problems in the file, by row")[0][:2] == ["3", "tier"]
    go(page, page.get_by_role("link", name="Cancel"))
    assert len(table_rows(page, "Projects")) == before
