"""Commissioning in Chromium, each page scanned with axe-core.

Signed out, a visitor reads the published calls and the register of awards, and downloads the
360Giving file. The Riverside Youth Project's applicant signs in, sees only its own bids, bids to
the open call for more than its maximum (refused, the field named) and then within it, and
submits. Margaret Lowe, a board member recused from the Riverside bid in the closed call, opens
the call and sees that bid nowhere.

The second journey takes a new call from draft to award, as issue 14 asks it to be tried: the
coordinator drafts, consults and publishes; a new voluntary group registers (confirming its
email), bids and submits; one panellist declares an interest and no longer sees the bid, the
other scores (off the scale refused first); the coordinator awards; the award is in the public
register and the 360Giving file, which validates.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from lde.accounts.models import User
from lde.commissioning import exports
from lde.commissioning.demo import demo_build as commissioning_demo_build
from lde.commissioning.models import Bid, BidStatus, Call
from lde.core.access.facts import today
from lde.core.mail import OutgoingEmail
from lde.partnerships.demo import DEMO_PASSWORD, DemoResult
from tests.e2e.conftest import (
    COORDINATOR,
    confirm,
    error_summary,
    fill_date,
    go,
    path_of,
    sign_in,
    visit,
)

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


NEW_GROUP = "Eastbank Neighbours Network"
NEW_APPLICANT = "bids@eastbank-neighbours.demo.invalid"
BOARD = "board@harrowfield.demo.invalid"
CHIEF = RECUSED  # Margaret Lowe, a board member too


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_call_from_draft_to_award_in_the_register(
    page: Page, commissioning_demo: DemoResult
) -> None:
    """Issue 14's commissioning journey, as each person would try it in the demo."""
    day = today()

    # The coordinator drafts a call with two criteria, consults on it and publishes it.
    sign_in(page, COORDINATOR)
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Commissioning", exact=True))
    go(page, page.get_by_role("link", name="Start a call for proposals"))
    page.get_by_label("Title", exact=True).fill("Neighbourhood bridges fund")
    page.get_by_label("What the money is for").fill(
        "Work that brings neighbours of different backgrounds together in the two wards."
    )
    page.get_by_label("Who may bid").fill("Community, voluntary and faith organisations.")
    page.get_by_label("Maximum amount of one award").fill("6000")
    fill_date(page, "Opens on", day)
    fill_date(page, "Closes on", day + timedelta(days=30))
    go(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name="Neighbourhood bridges fund", level=1)).to_be_visible()
    call = Call.objects.get(title="Neighbourhood bridges fund")
    for title, weight in (("Answers a priority of the local narrative", "60"), ("Reach", "40")):
        go(page, page.get_by_role("link", name="Add a criterion"))
        page.get_by_label("Criterion", exact=True).fill(title)
        page.get_by_label("Weight").fill(weight)
        go(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Criteria (weights sum to 100 of 100)")).to_be_visible()
    for panellist in (BOARD, CHIEF):
        go(page, page.get_by_role("link", name="Name a panellist"))
        page.get_by_label("Board member to name to the panel").select_option(
            str(User.objects.get(email=panellist).pk)
        )
        go(page, page.get_by_role("button", name="Save"))
    go(page, page.get_by_role("button", name="Share with community reviewers"))
    expect(page.get_by_text("The draft is shared with community reviewers.")).to_be_visible()
    go(page, page.get_by_role("link", name="Publish and open for bids"))
    confirm(page, "Publish this call and open it for bids")
    expect(page.get_by_text("The call is published and open for bids.")).to_be_visible()

    # Signed out, a voluntary group finds the call, registers itself and confirms its email.
    _sign_out(page)
    visit(page, "/commissioning/public/")
    go(page, page.get_by_role("link", name="Neighbourhood bridges fund"))
    go(page, page.get_by_role("link", name="Register your organisation"))
    page.get_by_label("Organisation's name").fill(NEW_GROUP)
    page.get_by_label("Voluntary or community group").check()
    page.get_by_label("Your name").fill("Alex Morgan")
    page.get_by_label("Your work email address").fill(NEW_APPLICANT)
    page.get_by_label("Choose a password").fill(DEMO_PASSWORD)
    go(page, page.get_by_role("button", name="Register"))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    email = OutgoingEmail.objects.get(kind="commissioning/email/register", to=NEW_APPLICANT)
    link = re.search(r"https?://\S+", email.body)
    assert link is not None, email.body
    visit(page, urlsplit(link.group(0)).path)
    expect(page.get_by_text(f"{NEW_GROUP} may now bid")).to_be_visible()

    # It bids and submits.
    sign_in(page, NEW_APPLICANT)
    visit(page, "/commissioning/applicant/")
    expect(page.get_by_text("Your organisation has not bid yet.")).to_be_visible()
    go(page, page.get_by_role("link", name="Bid to Neighbourhood bridges fund"))
    page.get_by_label("Title of the work").fill("Shared suppers")
    page.get_by_label("What the money would do, and for whom").fill(
        "Monthly suppers in the community centre, cooked and hosted by neighbours in turn."
    )
    page.get_by_label("Amount asked for").fill("5500")
    go(page, page.get_by_role("button", name="Save"))
    go(page, page.get_by_role("link", name="Submit the bid"))
    confirm(page, "Submit this bid")
    expect(page.get_by_text("Your bid is submitted.")).to_be_visible()
    bid = Bid.objects.get(title="Shared suppers")
    assert bid.status == BidStatus.SUBMITTED

    # The coordinator closes the call to bids.
    _sign_out(page)
    sign_in(page, COORDINATOR)
    visit(page, f"/commissioning/calls/{call.pk}/")
    go(page, page.get_by_role("link", name="Close the call"))
    confirm(page, "Close this call to bids")

    # A panellist must declare before seeing any bid; they declare an interest in this one and
    # it is hidden from them, on the page and by the server.
    _sign_out(page)
    sign_in(page, BOARD)
    visit(page, f"/commissioning/calls/{call.pk}/")
    expect(
        page.get_by_text("Declare your interests before any bid is shown to you.")
    ).to_be_visible()
    expect(page.get_by_text("Shared suppers")).to_have_count(0)
    go(page, page.get_by_role("link", name="Declare your interests"))
    page.get_by_label(f"{NEW_GROUP}: Shared suppers").check()
    page.get_by_label("The nature of each interest").fill("I am a trustee of the applicant.")
    go(page, page.get_by_role("button", name="Save"))
    expect(
        page.get_by_text("You are recused from 1 bid, which is not shown to you.")
    ).to_be_visible()
    expect(page.get_by_text("Shared suppers")).to_have_count(0)
    refused = page.goto(f"/commissioning/bids/{bid.pk}/score/")
    assert refused is not None and refused.status in (403, 404), refused and refused.status

    # Another panellist declares no interest and scores: off the scale first, refused.
    _sign_out(page)
    sign_in(page, CHIEF)
    visit(page, f"/commissioning/calls/{call.pk}/")
    go(page, page.get_by_role("link", name="Declare your interests"))
    go(page, page.get_by_role("button", name="Save"))
    go(page, page.get_by_role("link", name=f"{NEW_GROUP}: Shared suppers"))
    criteria = list(call.criteria.order_by("pk"))
    go(page, page.get_by_role("link", name="Score the bid"))
    page.get_by_label("Criterion").select_option(str(criteria[0].pk))
    page.get_by_label("Score", exact=True).fill("9")
    page.get_by_label("Reason for the score").fill("Answers the narrative's first priority.")
    go(page, page.get_by_role("button", name="Save"))
    assert any("The score must be on the scale, from 0 to 5" in e for e in error_summary(page))
    for criterion, score in zip(criteria, ("5", "4"), strict=True):
        if path_of(page).endswith(f"/bids/{bid.pk}/"):
            go(page, page.get_by_role("link", name="Score the bid"))
        page.get_by_label("Criterion").select_option(str(criterion.pk))
        page.get_by_label("Score", exact=True).fill(score)
        page.get_by_label("Reason for the score").fill("Answers the narrative's first priority.")
        go(page, page.get_by_role("button", name="Save"))
        expect(page.get_by_text("Your score is recorded.")).to_be_visible()

    # The coordinator reads the scores, moderates and awards.
    _sign_out(page)
    sign_in(page, COORDINATOR)
    visit(page, f"/commissioning/bids/{bid.pk}/")
    expect(page.get_by_text("Weighted score: 92")).to_be_visible()
    go(page, page.get_by_role("link", name="Record the decision"))
    page.get_by_label("Award", exact=True).check()
    page.get_by_label("Amount awarded (for an award)").fill("5000")
    page.get_by_label("Reasons").fill(
        "Answers the narrative's first priority; the panel trimmed the food budget."
    )
    go(page, page.get_by_role("button", name="Continue"))
    # The way back from this confirmation is to change the decision, not to cancel it.
    expect(page.get_by_text("The award is published in the public register")).to_be_visible()
    expect(page.get_by_role("link", name="Change the decision")).to_be_visible()
    go(page, page.get_by_role("button", name="Award this bid"))
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.AWARDED

    # Signed out, the award is in the public register and in the 360Giving file, which
    # validates against the official schema.
    _sign_out(page)
    visit(page, "/commissioning/public/register/")
    row = page.locator(f"#award-{bid.pk}")
    expect(row).to_contain_text(NEW_GROUP)
    expect(row).to_contain_text(re.compile(r"£5,?000"))
    expect(row).to_contain_text("Shared suppers")
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exports.validate(data) == []
    assert any(
        grant["title"] == "Shared suppers" and grant["amountAwarded"] == 5000
        for grant in data["grants"]
    )
