"""Community engagement in Chromium, from the home page alone, each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator sees on their home page the independent advisory
group the partnership has not met for months, opens it and records today's meeting. A summary
that puts views in a named person's mouth is refused by the personal-data guard in the GOV.UK
error summary; rewritten by organisation and role, it is saved, and the forum reads "Engaged in
the last month". From the partnership's navigation the coordinator opens the engagement overview
and the communications strategy and agrees the draft key message after its confirmation. The
community reviewer, whose organisation chairs the faith communities forum, finds that forum, and
no other, from their partnership's navigation.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lde.engagement.demo import demo_build as engagement_demo_build
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import (
    COMMUNITY_REVIEWER,
    COORDINATOR,
    confirm,
    error_summary,
    fill_date,
    go,
    sign_in,
    table_rows,
)

pytestmark = pytest.mark.browser

IAG = "Harrowfield Independent Advisory Group"
FAITH = "Harrowfield Faith Communities Forum"


@pytest.fixture
def engagement_demo(demo: DemoResult) -> DemoResult:
    engagement_demo_build()
    return demo


def sign_out(page: Page) -> None:
    go(page, page.get_by_role("button", name="Sign out"))


def test_record_a_meeting_past_the_guard_agree_a_message_and_a_reviewer_sees_their_forum(
    page: Page, engagement_demo: DemoResult
) -> None:
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Forums to engage")).to_be_visible()
    go(page, page.get_by_role("link", name=IAG))
    expect(page.get_by_role("heading", name=IAG, level=1)).to_be_visible()
    go(page, page.get_by_role("link", name="Record a meeting"))
    fill_date(page, "Date of the meeting", timezone.localdate())
    page.get_by_label("Topics").fill("Community impact of a recent operation")
    page.get_by_label("Summary (optional)").fill(
        "Mr Rahman said the mosque committee felt it was not told."
    )
    go(page, page.get_by_role("button", name="Save"))
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert problems[1].startswith("Summary must not hold a person's views or details")
    assert "Rahman" not in problems[1]
    page.get_by_label("Summary (optional)").fill(
        "The police briefed the group's member organisations on the operation and agreed to "
        "brief mosque committees before any further public statement."
    )
    go(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name=IAG, level=1)).to_be_visible()
    expect(page.get_by_text("Engaged in the last month")).to_be_visible()
    rows = table_rows(page, "Meetings")
    assert rows[0][1] == "Community impact of a recent operation"

    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Community engagement"))
    expect(page.get_by_role("heading", name="Community engagement", level=1)).to_be_visible()
    forums = {row[0]: row[3] for row in table_rows(page, "Forums and when last engaged")}
    assert "Engaged in the last month" in forums[IAG]
    assert "No meeting recorded" in forums["Harrowfield Young People's Forum"]
    go(page, page.get_by_role("link", name="Communications strategy").first)
    go(page, page.get_by_role("link", name="Speaking up is safe"))
    go(page, page.get_by_role("link", name="Agree this key message"))
    confirm(page, "Agree this key message")
    expect(page.get_by_text("Key message · Agreed")).to_be_visible()
    sign_out(page)

    sign_in(page, COMMUNITY_REVIEWER)
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Forums", exact=True))
    names = [row[0] for row in table_rows(page, "Forums")]
    assert names == [FAITH]
    go(page, page.get_by_role("link", name=FAITH))
    expect(page.get_by_role("heading", name=FAITH, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Record a meeting")).to_have_count(0)
