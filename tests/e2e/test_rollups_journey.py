"""Distributions in Chromium (issue 17, "see a national distribution with small groups
suppressed"), every page scanned with axe-core.

A national analyst opens the distributions page (their home panel links to it) for the Prevent
partnership model's overall score in the latest cycle for England: a box plot and a histogram,
each with a table of the same figures, the North West and the West Midlands shown, Yorkshire
and The Humber (four partnerships) named as withheld, and no partnership named. Then they ask
for Yorkshire and The Humber alone, and are told it is withheld and why, with no figure; then a
cycle that is not a year, which the error summary names.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from playwright.sync_api import Page, expect

from lde.partnerships.demo import DemoResult
from lde.partnerships.models import Partnership
from tests.e2e.conftest import NATIONAL_ANALYST, error_summary, go, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def national_demo(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it, the national roll-up's cycles included."""
    for dotted in settings.LDE_DEMO_BUILDERS:
        import_string(dotted)()
    return demo


def test_a_national_analyst_sees_a_national_distribution_with_a_small_region_withheld(
    page: Page, national_demo: DemoResult
) -> None:
    sign_in(page, NATIONAL_ANALYST)
    visit(page, "/partnerships/distributions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Distributions of scores")
    expect(page.get_by_test_id("distribution-scope")).to_contain_text("England: Overall")
    boxes = page.get_by_role("table", name="The box plot's figures")
    expect(boxes).to_contain_text("England")
    expect(boxes).to_contain_text("North West")
    expect(boxes).to_contain_text("West Midlands")
    expect(page.get_by_test_id("withheld")).to_contain_text("Yorkshire and The Humber")
    expect(page.get_by_role("img", name="Box plot of Overall scores")).to_be_visible()
    expect(page.get_by_role("table", name="Partnerships by score, England")).to_be_visible()
    text = page.content()
    assert not any(name in text for name in Partnership.objects.values_list("name", flat=True))

    page.get_by_label("Area", exact=True).select_option(label="Yorkshire and The Humber")
    go(page, page.get_by_role("button", name="Show the distribution"))
    expect(page.get_by_test_id("withheld-message")).to_contain_text(
        "Yorkshire and The Humber is withheld: fewer than 5 partnerships"
    )
    expect(page.get_by_test_id("box-plot")).to_have_count(0)

    page.get_by_label("Cycle (the year it starts, optional)").fill("last year")
    go(page, page.get_by_role("button", name="Show the distribution"))
    assert "Enter the cycle as a year, like 2024" in error_summary(page)
