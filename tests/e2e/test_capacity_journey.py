"""Partnership capacity in Chromium, from the home page, each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator sees on their home page that a team is
under-trained and a relationship has a single point of failure. From the partnership's
navigation they open its capacity: the overview names the kinds of partner missing; the partners
page marks the police authority "Missing"; the training page marks front-line council staff
"Under-trained". Recording the community cohesion officer's post at the last briefing is refused
in the GOV.UK error summary, since the post did not exist on that day. On the relationships page
the faith forum's relationship is a single point of failure with the Prevent coordinator as
suggested deputy; naming the deputy makes it shared.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lde.capacity.demo import demo_build as capacity_demo_build
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import COORDINATOR, error_summary, go, sign_in, table_rows

pytestmark = pytest.mark.browser

FAITH = "Harrowfield Faith Forum"


@pytest.fixture
def capacity_demo(demo: DemoResult) -> DemoResult:
    capacity_demo_build()
    return demo


def test_find_missing_partners_under_trained_teams_and_single_points_of_failure(
    page: Page, capacity_demo: DemoResult
) -> None:
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Partnership capacity")).to_be_visible()
    expect(page.get_by_text("1 team under-trained")).to_be_visible()
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Capacity", exact=True))
    expect(page.get_by_role("heading", name="Partnership capacity", level=1)).to_be_visible()
    expect(page.get_by_text("Police authority").first).to_be_visible()

    go(page, page.get_by_role("link", name="Partners and scrutiny").first)
    kinds = {
        row[0].split(" (")[0]: row[1]
        for row in table_rows(page, "Kinds of organisation taking part")
    }
    assert kinds["Police authority"] == "Missing"
    assert kinds["Council"] == "Taking part"

    go(page, page.get_by_role("link", name="Training", exact=True))
    teams = {row[0]: row[4] for row in table_rows(page, "Training of each team")}
    assert teams["Front-line council staff"] == "Under-trained"
    assert teams["Harrowfield neighbourhood policing teams"] == "Trained"

    go(page, page.get_by_role("link", name="Record attendance").last)
    page.get_by_label("Post trained").select_option(
        label="Community Cohesion Officer, Harrowfield Borough Council"
    )
    go(page, page.get_by_role("button", name="Save"))
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert problems[1].startswith("“Community Cohesion Officer” did not exist on ")

    go(page, page.get_by_role("link", name="Cancel"))
    go(page, page.get_by_role("link", name="Community relationships", exact=True))
    rows = {
        row[0]: row[3] for row in table_rows(page, "Relationships with community organisations")
    }
    assert rows[FAITH].startswith("Single point of failure")
    assert "Suggested deputy: Prevent Coordinator" in rows[FAITH]
    go(page, page.get_by_role("link", name=f"Change holders of the relationship with {FAITH}"))
    page.get_by_label("Prevent Coordinator, Harrowfield Borough Council").check()
    go(page, page.get_by_role("button", name="Save"))
    rows = {
        row[0]: row[3] for row in table_rows(page, "Relationships with community organisations")
    }
    assert rows[FAITH] == "Shared"
