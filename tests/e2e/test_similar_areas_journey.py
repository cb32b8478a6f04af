"""Similar areas in Chromium (issue 17, "see a partnership's nearest neighbours and why"), every
page reached by its links from the home page and scanned with axe-core.

Harrowfield's coordinator follows the home page's Similar areas panel to the partnership's
nearest areas, opens the nearest to see why the two are close (each variable's part in the
distance, in a table and in words, and none of the neighbour's scores), goes back, and answers
Kestlebury's open request for a peer review: first without choosing (the GOV.UK error summary),
then with a reply that names a person's email address (the personal-data guard), then accepted.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from playwright.sync_api import Page, expect

from lde.partnerships.demo import DemoResult
from lde.rollups.models import PeerReviewRequest, PeerReviewRequestStatus
from tests.e2e.conftest import COORDINATOR, error_summary, go, path_of, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def areas_demo(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it: the similar areas' builder comes last and reads the
    partnerships and people the others made."""
    for dotted in settings.LDE_DEMO_BUILDERS:
        import_string(dotted)()
    return demo


def test_a_coordinator_sees_the_nearest_areas_and_why_and_answers_a_peer_review(
    page: Page, areas_demo: DemoResult
) -> None:
    sign_in(page, COORDINATOR)
    expect(page.get_by_test_id("peer-review-waiting")).to_contain_text("1 request")
    go(page, page.get_by_role("link", name="Similar areas of Harrowfield Prevent Partnership"))
    assert path_of(page).endswith("/similar-areas/")
    nearest = page.get_by_role("table", name="Nearest partnerships")
    rows = nearest.locator("tbody tr")
    expect(rows).to_have_count(15)
    first = rows.first.locator("td").nth(1).inner_text().strip()
    assert first == "Kestlebury Prevent Partnership"

    go(page, rows.first.get_by_role("link", name="Kestlebury Prevent Partnership", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why Kestlebury Prevent Partnership is close"
    )
    why = page.get_by_test_id("why-close").inner_text()
    assert "number 1 of your nearest areas" in why and "most alike in" in why
    assert " , " not in why
    parts = page.get_by_role("table", name="Each variable's part in the distance")
    shares = [
        int(cell.rstrip("%")) for cell in parts.locator("tbody tr td:last-child").all_inner_texts()
    ]
    assert len(shares) == 5 and shares == sorted(shares) and 98 <= sum(shares) <= 102
    expect(page.get_by_text("You see none of Kestlebury Prevent Partnership's")).to_be_visible()

    go(page, page.get_by_role("link", name="Back to similar areas"))
    requests = page.get_by_test_id("peer-review-requests")
    go(page, requests.get_by_role("link", name="Answer Kestlebury Prevent Partnership's request"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kestlebury Prevent Partnership asks you for a peer review"
    )
    go(page, page.get_by_role("button", name="Send your answer"))
    assert "Choose whether to accept or decline the request" in error_summary(page)
    page.get_by_label("Yes, accept the request").check()
    page.get_by_label("Reply (optional)").fill("Write to jo.bloggs@example.com to arrange it.")
    go(page, page.get_by_role("button", name="Send your answer"))
    assert error_summary(page), "a reply naming a person's email address is refused"
    asked = PeerReviewRequest.objects.get(
        requester__name="Kestlebury Prevent Partnership",
        asked__name="Harrowfield Prevent Partnership",
    )
    assert asked.status == PeerReviewRequestStatus.REQUESTED

    page.get_by_label("Yes, accept the request").check()
    page.get_by_label("Reply (optional)").fill("Our coordinator will write to arrange a date.")
    go(page, page.get_by_role("button", name="Send your answer"))
    assert path_of(page).endswith("/similar-areas/")
    asked.refresh_from_db()
    assert asked.status == PeerReviewRequestStatus.ACCEPTED
    expect(page.get_by_test_id("peer-review-requests")).to_contain_text("Accepted")
