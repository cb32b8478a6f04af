"""An inspection programme in Chromium, tried as a new user would (issue 17), every page scanned
with axe-core: a programme lead plans a programme over two fictional partnerships, chooses them
with the autocomplete and assigns an inspector to each; the inspector sends the document request,
records what arrived, writes the pre-visit analysis, records the visit and its schedule and writes
the notes of an interview (refused first for an email address in them), starts the report, rates
it in the assessment pages and sends it for the factual-accuracy check; the partnership's
coordinator reads the draft and comments, and sees none of the notes; the inspector publishes
through the confirmation page; the lead records a finding and key learning and downloads the
programme report as a PDF. The second site is taken as far as its visit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from lde.accounts.models import Organisation, OrganisationType
from lde.assessments.models import AssessmentStatus
from lde.core.access.facts import today
from lde.inspections.models import InterviewNote, Programme, Site, SiteStatus
from lde.inspections.services import key_themes_version
from lde.partnerships.demo import DOMAIN, DemoResult, _two_factor, _user
from lde.partnerships.models import Partnership
from tests.e2e.conftest import (
    COORDINATOR,
    confirm,
    error_summary,
    fill_date,
    go,
    path_of,
    policy_context,
    sign_in,
    table_rows,
    visit,
)
from tests.inspections.builders import submitted_self_assessment

pytestmark = pytest.mark.browser

LEAD = f"journey.lead@{DOMAIN}"
INSPECTOR = f"journey.inspector@{DOMAIN}"
INSPECTOR_NAME = "Daniel Okoro"
HARROWFIELD = "Harrowfield Prevent Partnership"
KESTLEBURY = "Kestlebury Prevent Partnership"
TITLE = "Learning and development exercise 2028"
SLOW = 60_000
SITES_TABLE = "The programme's sites"
NOTE = (
    "Staff know whom to call about a concern and were trained this year; they would like more "
    "feedback on what happened next."
)


def banners(page: Page) -> list[str]:
    texts = page.locator(".govuk-notification-banner__heading").all_inner_texts()
    return [text.strip() for text in texts]


def _pick(page: Page, box: Locator, typed: str, wanted: str) -> None:
    """Type into the accessible autocomplete and choose `wanted` with the arrow keys and Enter."""
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


def _another(browser: Browser, live_server: Any) -> tuple[BrowserContext, Page]:
    context = policy_context(browser, base_url=live_server.url)
    context.set_default_timeout(SLOW)
    return context, context.new_page()


def _site_step(page: Page) -> str:
    return page.get_by_test_id("site-status").inner_text().strip()


def _fieldwork(page: Page, partnership: str, *, notes: bool) -> None:
    """The inspector's fieldwork on one site, from the programme's page to the visit and its
    schedule, and (when `notes`) the notes of an interview, refused first for an email address."""
    go(page, page.get_by_role("link", name=partnership, exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == partnership
    assert _site_step(page) == "Planned"

    # The document request, one document a line
    go(page, page.get_by_role("button", name="Send the document request", exact=True))
    page.get_by_label("Documents asked for").fill(
        "The partnership's Prevent action plan\nThe last year's board minutes"
    )
    fill_date(page, "Due on", today() + timedelta(days=14))
    go(page, page.get_by_role("button", name="Send the document request"))
    assert banners(page) == ["The document request was sent."]
    assert _site_step(page) == "Document request sent"

    # and what arrived
    go(page, page.get_by_role("link", name="Record which documents have arrived"))
    page.get_by_label("The partnership's Prevent action plan").check()
    page.get_by_label("The last year's board minutes").check()
    go(page, page.get_by_role("button", name="Save", exact=True))
    assert banners(page) == ["The documents received were recorded."]
    documents = page.locator("#documents ~ ul.govuk-list").first
    expect(documents).to_contain_text("The partnership's Prevent action plan Received")
    expect(documents).to_contain_text("The last year's board minutes Received")

    # The pre-visit analysis of the first theme
    go(page, page.locator("#analysis ~ dl a").first)
    page.get_by_label("Analysis").fill(
        "The action plan names its priorities from the local profile; the board minutes show "
        "it is reviewed each quarter."
    )
    go(page, page.get_by_role("button", name="Save the analysis"))
    assert banners(page) == ["The pre-visit analysis was saved."]
    expect(page.locator("#analysis ~ dl").first).to_contain_text(
        "The action plan names its priorities"
    )

    # The visit and its schedule
    go(page, page.get_by_role("button", name="Record a visit", exact=True))
    fill_date(page, "Date of the visit", today())
    go(page, page.get_by_role("button", name="Record the visit"))
    assert banners(page) == ["The visit was recorded. Add its schedule and notes."]
    assert _site_step(page) == "Visited"
    go(page, page.get_by_role("link", name="Add to the schedule"))
    page.get_by_label("Starts at").fill("14:00")
    page.get_by_label("Focus group").check()
    page.get_by_label("Roles met").fill("Youth workers and school staff")
    go(page, page.get_by_role("button", name="Add to the schedule"))
    assert banners(page) == ["The schedule was added to."]
    assert table_rows(page, "Schedule") == [
        ["14:00", "Focus group", "Youth workers and school staff"]
    ]

    if not notes:
        return
    # The notes of an interview: first with an email address in them
    go(page, page.get_by_role("link", name="Write the notes of an interview or focus group"))
    page.get_by_label("Focus group", exact=True).check()
    page.get_by_label("Roles present").fill("Youth workers and school staff")
    page.get_by_label("Notes", exact=True).fill(NOTE + " Write to youth.lead@example.org.")
    page.locator("input[name=themes]").first.check()
    go(page, page.get_by_role("button", name="Save the notes"))
    summary = error_summary(page)
    assert summary[0] == "There is a problem"
    assert len(summary) == 2 and "email" in summary[1].lower(), summary
    assert InterviewNote.objects.count() == 0
    # then without it
    page.get_by_label("Notes", exact=True).fill(NOTE)
    go(page, page.get_by_role("button", name="Save the notes"))
    assert banners(page) == ["The notes were saved."]
    expect(page.get_by_text("Notes of interviews and focus groups: 1.")).to_be_visible()
    go(page, page.get_by_role("link", name="Read the notes of interviews and focus groups"))
    expect(page.locator("main")).to_contain_text(NOTE)
    go(page, page.get_by_role("link", name="Go back to the site"))


def test_a_programme_over_two_sites_to_a_published_report(
    page: Page, demo: DemoResult, browser: Browser, live_server: Any
) -> None:
    # Given the shipped frameworks (the 2008 key themes among them), a programme lead and an
    # inspector of an inspection directorate, both with two-factor sign-in, and a submitted
    # self-assessment against the key themes from each of the two partnerships to inspect
    from lde.frameworks.demo import demo_build as frameworks_demo_build

    frameworks_demo_build()
    version = key_themes_version()
    assert version is not None
    directorate = Organisation.objects.create(
        name="Inspection Directorate (journey)", type=OrganisationType.REGULATOR
    )
    _two_factor(_user(LEAD, "Ruth Adeyemi", directorate, "Programme lead", is_programme_lead=True))
    _two_factor(_user(INSPECTOR, INSPECTOR_NAME, directorate, "Inspector"))
    for name in (HARROWFIELD, KESTLEBURY):
        submitted_self_assessment(Partnership.objects.get(name=name), version)

    # A machine shared with other work answers slowly: wait for pages longer than by default.
    page.set_default_timeout(SLOW)

    # When the lead signs in and goes to the inspection programmes
    sign_in(page, LEAD)
    # Then their home page has the inspection programmes' panel, from which they plan one,
    # first leaving the form empty
    expect(page.get_by_role("heading", name="Inspection programmes", exact=True)).to_be_visible()
    go(page, page.get_by_role("link", name="Plan a programme", exact=True))
    go(page, page.get_by_role("button", name="Plan the programme"))
    summary = error_summary(page)
    assert summary[:3] == [
        "There is a problem",
        "Enter the programme's title",
        "Enter the programme's purpose",
    ]
    assert len(summary) == 5, summary
    assert "start date" in summary[3].lower() and "end date" in summary[4].lower(), summary
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Purpose").fill(
        "Learn what works and what stands in the way in two local Prevent partnerships."
    )
    fill_date(page, "Starts on", today() - timedelta(days=7))
    fill_date(page, "Ends on", today() + timedelta(days=180))
    go(page, page.get_by_role("button", name="Plan the programme"))
    assert banners(page) == ["The programme was planned. Add the sites it visits."]
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    programme = Programme.objects.get(title=TITLE)

    # and adds the two sites, each chosen with the autocomplete from a few letters
    for typed, name in (("Harrow", HARROWFIELD), ("Kestle", KESTLEBURY)):
        go(page, page.get_by_role("button", name="Add a site", exact=True))
        _pick(page, page.get_by_label("Partnership"), typed, name)
        go(page, page.get_by_role("button", name="Add the site"))
        assert banners(page) == [f"{name} is a site now."]
    assert [row[:2] for row in table_rows(page, SITES_TABLE)] == [
        ["Planned", "None assigned"],
        ["Planned", "None assigned"],
    ]

    # and assigns the inspector to each, chosen with the autocomplete too
    for name in (HARROWFIELD, KESTLEBURY):
        go(page, page.get_by_role("link", name=f"Assign an inspector to {name}"))
        _pick(page, page.get_by_label("Inspector", exact=True), "Okor", INSPECTOR_NAME)
        go(page, page.get_by_role("button", name="Assign the inspector"))
        assert len(banners(page)) == 1 and "is an inspector of the site" in banners(page)[0]
    assert [row[1] for row in table_rows(page, SITES_TABLE)] == [INSPECTOR_NAME, INSPECTOR_NAME]

    # and starts the fieldwork, through its confirmation page
    go(page, page.get_by_role("button", name="Start the fieldwork", exact=True))
    confirm(page, "Start the fieldwork")
    assert banners(page) == ["The programme is now in fieldwork."]

    # When the inspector signs in, in their own browser, and opens the programme
    inspector_context, inspector = _another(browser, live_server)
    sign_in(inspector, INSPECTOR)
    # and follows their home page's link to a site they inspect, and from it to the programme
    sites = inspector.get_by_test_id("home-sites-inspected")
    go(inspector, sites.get_by_role("link", name=HARROWFIELD, exact=True))
    go(inspector, inspector.get_by_role("link", name=TITLE, exact=True).first)

    # and does Harrowfield's fieldwork, notes and all
    _fieldwork(inspector, HARROWFIELD, notes=True)
    harrowfield = Site.objects.get(programme=programme, partnership__name=HARROWFIELD)
    assert harrowfield.status == SiteStatus.VISITED

    # and starts the draft report through its confirmation page
    go(inspector, inspector.get_by_role("button", name="Start the draft report", exact=True))
    confirm(inspector, "Start the draft report")
    assert _site_step(inspector) == "Draft report"

    # and rates a criterion in the inspection assessment
    harrowfield.refresh_from_db()
    assessment = harrowfield.assessment
    assert assessment is not None
    go(inspector, inspector.get_by_role("link", name=assessment.title, exact=True))
    go(inspector, inspector.locator("main table tbody a").first)
    inspector.get_by_role("group", name="Rating", exact=True).get_by_role("radio").nth(2).check()
    inspector.get_by_label("Commentary").fill("The plan is agreed, reviewed each quarter.")
    go(inspector, inspector.get_by_role("button", name="Save the rating"))
    assert len(banners(inspector)) == 1 and banners(inspector)[0].startswith("Saved: ")

    # and, back on the site, sends it for the factual-accuracy check, with the declaration
    visit(inspector, f"/inspections/sites/{harrowfield.pk}/")
    go(
        inspector,
        inspector.get_by_role("button", name="Send for the factual-accuracy check", exact=True),
    )
    inspector.get_by_label(
        "I confirm that this report, its commentary and its evidence hold no information "
        "about identifiable members of the public"
    ).check()
    confirm(inspector, "Send for the factual-accuracy check")
    assert banners(inspector) == ["The draft report was sent for the factual-accuracy check."]
    assert _site_step(inspector) == "Factual-accuracy check"
    # Publication waits for the partnership's comment
    go(inspector, inspector.get_by_role("button", name="Publish the report", exact=True))
    confirm(inspector, "Publish this inspection report")
    summary = error_summary(inspector)
    assert summary[0] == "There is a problem" and len(summary) == 2, summary

    # When Harrowfield's coordinator signs in and opens the site
    coordinator_context, coordinator = _another(browser, live_server)
    sign_in(coordinator, COORDINATOR)
    visit(coordinator, f"/inspections/sites/{harrowfield.pk}/")
    # Then they see the site, its document request and its visit's schedule, and not the notes
    main = coordinator.locator("main")
    expect(main).to_contain_text("The partnership's Prevent action plan")
    expect(main).to_contain_text("Youth workers and school staff")
    expect(main).not_to_contain_text(NOTE)
    expect(main).not_to_contain_text("Notes of interviews and focus groups")
    expect(main).not_to_contain_text("The action plan names its priorities")
    response = coordinator.goto(f"/inspections/sites/{harrowfield.pk}/notes/")
    assert response is not None and response.status == 403
    expect(coordinator.locator("main")).not_to_contain_text(NOTE)

    # When they read the draft and comment on its factual accuracy
    visit(coordinator, f"/inspections/sites/{harrowfield.pk}/")
    go(coordinator, coordinator.get_by_role("link", name=assessment.title, exact=True))
    coordinator.get_by_label("Your comment on the draft's factual accuracy").fill(
        "The training figures are for the last year, not this one."
    )
    go(coordinator, coordinator.get_by_role("button", name="Add the comment"))
    assert banners(coordinator) == ["Your factual accuracy comment is kept with the review."]

    # Then the inspector publishes the report through its confirmation page
    visit(inspector, f"/inspections/sites/{harrowfield.pk}/")
    go(inspector, inspector.get_by_role("button", name="Publish the report", exact=True))
    confirm(inspector, "Publish this inspection report")
    assert banners(inspector) == ["The site's report was published."]
    assert _site_step(inspector) == "Published"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PUBLISHED
    # and the published report is read from the site's page
    go(inspector, inspector.get_by_role("link", name=assessment.title, exact=True))
    expect(inspector.locator(".govuk-summary-list").first).to_contain_text("Published")
    expect(inspector.locator("main")).to_contain_text("The training figures are for the last year")

    # and the second site is taken as far as its visit
    visit(inspector, f"/inspections/programmes/{programme.pk}/")
    _fieldwork(inspector, KESTLEBURY, notes=False)
    assert Site.objects.get(programme=programme, partnership__name=KESTLEBURY).status == (
        SiteStatus.VISITED
    )
    inspector_context.close()
    coordinator_context.close()

    # When the lead, on the programme's learning page, records a finding and key learning
    visit(page, f"/inspections/programmes/{programme.pk}/")
    assert [row[:1] for row in table_rows(page, SITES_TABLE)] == [["Published"], ["Visited"]]
    go(page, page.get_by_role("link", name="Learning across sites"))
    go(page, page.get_by_role("link", name="Add a finding"))
    page.get_by_label("Theme").select_option(index=1)
    page.get_by_role("group", name="What the team found").get_by_role("radio").first.check()
    page.get_by_label("Finding", exact=True).fill(
        "Plans drawn from the local profile and reviewed each quarter keep the board's attention."
    )
    page.get_by_label(HARROWFIELD).check()
    go(page, page.get_by_role("button", name="Add the finding"))
    assert banners(page) == ["The finding was added."]
    go(page, page.get_by_role("link", name="Add key learning"))
    page.get_by_label("Key learning", exact=True).fill(
        "A quarterly review of the plan by the board is worth copying."
    )
    page.locator("input[name=findings]").first.check()
    go(page, page.get_by_role("button", name=_button(page)))
    assert len(banners(page)) == 1
    expect(page.locator("main")).to_contain_text("A quarterly review of the plan by the board")

    # and downloads the programme report
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the programme report (PDF)").click()
    download = download_info.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert path_of(page).endswith("/learning/")


def _button(page: Page) -> str:
    """The key-learning form's submit button, whatever it is worded."""
    return page.locator("main form button[type=submit]").inner_text().strip()
