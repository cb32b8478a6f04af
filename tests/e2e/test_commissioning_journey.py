"""Commissioning in Chromium, each page scanned with axe-core.

Signed out, a visitor reads the published calls and the register of awards, and downloads the
360Giving file. The Riverside Youth Project's applicant signs in, sees only its own bids, bids to
the open call for more than its maximum (refused, the field named) and then within it, and
submits. Margaret Lowe, a board member recused from the Riverside bid in the closed call, opens
the call and sees that bid nowhere.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from lde.commissioning import exports
from lde.commissioning.demo import demo_build as commissioning_demo_build
from lde.commissioning.models import Bid, BidStatus, Call
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import error_summary, go, sign_in, visit

pytestmark = pytest.mark.browser

APPLICANT = "bids@riverside-youth.demo.invalid"
RECUSED = "chief.executive@harrowfield.demo.invalid"


@pytest.fixture
def commissioning_demo(demo: DemoResult) -> DemoResult:
    commissioning_demo_build()
    return demo


def test_public_register_bid_and_a_recused_panellist(
    page: Page, commissioning_demo: DemoResult
) -> None:
    visit(page, "/commissioning/public/")
    go(page, page.get_by_role("link", name="Community voices small grants"))
    expect(page.get_by_role("heading", name="Community voices small grants")).to_be_visible()
    visit(page, "/commissioning/public/register/")
    expect(page.get_by_role("cell", name="Holiday programme with the schools")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exports.validate(data) == []

    sign_in(page, APPLICANT)
    visit(page, "/commissioning/applicant/")
    expect(page.get_by_role("link", name="Peer mentors")).to_be_visible()
    expect(page.get_by_text("Open evenings at the centre")).to_have_count(0)
    go(page, page.get_by_role("link", name="Bid to Community voices small grants"))
    page.get_by_label("Title of the work").fill("Football and talk")
    page.get_by_label("What the money would do, and for whom").fill(
        "Weekly football with a facilitated discussion afterwards."
    )
    page.get_by_label("Amount asked for").fill("7000")
    go(page, page.get_by_role("button", name="Save"))
    assert any("The most this call gives is £5,000.00" in e for e in error_summary(page))
    page.get_by_label("Amount asked for").fill("3000")
    go(page, page.get_by_role("button", name="Save"))
    go(page, page.get_by_role("link", name="Submit the bid"))
    expect(page.get_by_text("A submitted bid cannot be withdrawn or changed.")).to_be_visible()
    go(page, page.get_by_role("button", name="Submit this bid"))
    expect(page.get_by_text("Your bid is submitted.")).to_be_visible()
    assert Bid.objects.get(title="Football and talk").status == BidStatus.SUBMITTED

    context = page.context
    context.clear_cookies()
    sign_in(page, RECUSED)
    closed = Call.objects.get(title="Safer spaces fund")
    visit(page, f"/commissioning/calls/{closed.pk}/")
    expect(page.get_by_text("You are recused from 1 bid")).to_be_visible()
    expect(page.get_by_text("Detached youth work on the Riverside estate")).to_have_count(0)
    expect(
        page.get_by_role("link", name="Northgate Faith Centre: Online safety for families")
    ).to_be_visible()
