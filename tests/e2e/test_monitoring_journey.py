"""Monitoring in Chromium, each page scanned with axe-core.

On the fictional demo, Harrowfield's coordinator sees on their home page that a return on the
Riverside Youth Project's holiday programme is late, and the return's page says so in words by
its rule. The Riverside applicant then makes that return, past its due date, with spend on one
budget line beyond the partnership's 10% tolerance: submitting without explaining the variance
is refused, naming what to explain; explained, it is submitted. The coordinator opens it, sees
"Late" and "Overspent" each as a sentence with its rule (never a colour alone), and accepts it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lde.commissioning.demo import demo_build as commissioning_demo_build
from lde.core.access.facts import today
from lde.monitoring.demo import demo_build as monitoring_demo_build
from lde.monitoring.models import Return, ReturnStatus
from lde.partnerships.demo import DemoResult
from lde.programme.demo import demo_build as programme_demo_build
from tests.e2e.conftest import COORDINATOR, confirm, go, sign_in, visit

pytestmark = pytest.mark.browser

APPLICANT = "bids@riverside-youth.demo.invalid"
AGREEMENT = "Holiday programme with the schools"


@pytest.fixture
def monitoring_demo(demo: DemoResult) -> DemoResult:
    commissioning_demo_build()
    programme_demo_build()
    monitoring_demo_build()
    return demo


def _rules_found(page: Page) -> str:
    """The words of the summary list's "What the rules find" row."""
    row = page.locator(".govuk-summary-list__row", has_text="What the rules find")
    return " ".join(row.locator("dd").inner_text().split())


def test_a_late_overspent_return_flagged_in_words_and_reviewed(
    page: Page, monitoring_demo: DemoResult
) -> None:
    late = (
        Return.objects.filter(
            agreement__title=AGREEMENT, status=ReturnStatus.DUE, due_on__lt=today()
        )
        .order_by("due_on")
        .first()
    )
    assert late is not None, "the demo's holiday programme has a return past its due date"
    due = f"{late.due_on.day} {late.due_on:%B %Y}"

    # The coordinator's home page lists the return as late, and its page says why in words.
    sign_in(page, COORDINATOR)
    panel = page.locator("section", has=page.get_by_role("heading", name="Monitoring returns"))
    expect(panel).to_contain_text(
        f"Riverside Youth Project: {AGREEMENT}. Late: due {due}, not submitted"
    )
    go(page, panel.get_by_role("link", name=f"Riverside Youth Project: {AGREEMENT}"))
    assert f"Late: due {due}, not submitted" in _rules_found(page)
    page.context.clear_cookies()

    # The delivery organisation sees the return it owes, marked late, and makes it with the
    # coaches and equipment line overspent: £1,000 spent before, £1,500 more, on a £1,800 line.
    sign_in(page, APPLICANT)
    owed = page.locator("section", has=page.get_by_role("heading", name="Monitoring returns"))
    expect(owed).to_contain_text(f"{AGREEMENT}, due {due} (late)")
    visit(page, f"/monitoring/returns/{late.pk}/")
    go(page, page.get_by_role("link", name="Make the return"))
    page.get_by_label("Spent on Coaches and equipment in the period", exact=False).fill("1500")
    page.get_by_label("Spent on Youth workers in the period", exact=False).fill("0")
    page.get_by_label("Participants in the period", exact=False).fill("15")
    page.get_by_label("What happened in the period").fill(
        "Autumn sessions at both schools; new kit for the second group."
    )
    go(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The return is saved")).to_be_visible()
    go(page, page.get_by_role("link", name="Submit the return"))
    confirm(page, "Submit the return")
    expect(page.get_by_text("explain the variance before submitting")).to_be_visible()
    assert Return.objects.get(pk=late.pk).status == ReturnStatus.DUE

    go(page, page.get_by_role("link", name="Make the return"))
    page.get_by_label("Variance explanation").fill(
        "The second group needed its own kit; agreed with the coordinator by phone."
    )
    go(page, page.get_by_role("button", name="Save"))
    go(page, page.get_by_role("link", name="Submit the return"))
    confirm(page, "Submit the return")
    expect(page.get_by_text("The return is submitted.")).to_be_visible()
    found = _rules_found(page)
    assert f"Late: due {due}, submitted" in found, found
    assert "Overspent: Coaches and equipment £700.00 over a £1,800.00 line" in found, found
    assert "tolerance 10%" in found, found
    page.context.clear_cookies()

    # The coordinator: no longer late on the home page (it is in), flagged on its page by each
    # rule in words; they accept it.
    sign_in(page, COORDINATOR)
    expect(page.get_by_text(f"Late: due {due}, not submitted")).to_have_count(0)
    visit(page, f"/monitoring/returns/{late.pk}/")
    found = _rules_found(page)
    assert f"Late: due {due}, submitted" in found, found
    assert "Overspent: Coaches and equipment" in found, found
    expect(page.get_by_text("The second group needed its own kit")).to_be_visible()
    go(page, page.get_by_role("link", name="Accept the return"))
    confirm(page, "Accept the return")
    expect(page.get_by_text("The return is accepted.")).to_be_visible()
    assert Return.objects.get(pk=late.pk).status == ReturnStatus.ACCEPTED
    # Accepted, it still says it was late and overspent: the rules are a record, not a to-do.
    assert "Overspent: Coaches and equipment" in _rules_found(page)
