"""Journeys through the service in Chromium, each page scanned with axe-core (WCAG 2.2 AA).

Every journey signs in through the real sign-in form, with the two-factor code where the role
needs one, on the fictional demo built fresh for each test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils.dateformat import format as date_format
from playwright.sync_api import Page, expect

from lde.core.access.facts import today
from lde.partnerships.demo import DemoResult
from lde.partnerships.models import Assignment
from tests.e2e.conftest import (
    BOARD_MEMBER,
    COMMUNITY_REVIEWER,
    CONTRIBUTOR,
    COORDINATOR,
    FORMER_INSPECTOR,
    INSPECTOR,
    NATIONAL_ANALYST,
    PEER_REVIEWER,
    REPO_ROOT,
    SECURITY_CONTACT,
    SITE_ADMINISTRATOR,
    VIEWER,
    confirm,
    error_summary,
    fill_date,
    go,
    main_headings,
    path_of,
    sign_in,
    table_rows,
    visit,
)

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
KESTLEBURY = "Kestlebury Prevent Partnership"
PARTNERSHIPS_TABLE = "Partnerships you belong to or inspect"
ASSIGNMENTS_TABLE = "Your live assignments"
NOTHING_YET = (
    "You have no partnerships or assignments yet. A partnership's coordinator can invite you."
)


def long_date(day: date) -> str:
    """A date as the pages show it, like 1 April 2026."""
    return date_format(day, "j F Y")


def warnings(page: Page) -> list[str]:
    """GOV.UK warning texts in <main>, with whitespace collapsed."""
    texts = page.locator("main .govuk-warning-text__text").all_inner_texts()
    return [" ".join(text.split()) for text in texts]


def success_banners(page: Page) -> list[str]:
    texts = page.locator(".govuk-notification-banner__heading").all_inner_texts()
    return [text.strip() for text in texts]


# --- Journey 1: every demo role signs in and sees its own home page -------------------------


@dataclass(frozen=True)
class Home:
    """What one demo user should see on the home page after signing in."""

    email: str
    greeting: str
    asked_for_code: bool
    headings: list[str]
    partnerships: list[list[str]] = field(default_factory=list)
    # Assignment, as, partnerships (the end date is checked against the database).
    assignments: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sees_nothing_yet: bool = False
    # Paragraphs that must be on the page, word for word.
    paragraphs: list[str] = field(default_factory=list)


HOMES = {
    "coordinator": Home(
        email=COORDINATOR,
        greeting="Hello, Asha",
        asked_for_code=True,
        headings=["Your partnerships"],
        partnerships=[[HARROWFIELD, "Coordinator", "North West"]],
        warnings=[
            "Warning 2 posts in your partnerships lack the vetting they need, or it expires "
            "within 90 days."
        ],
    ),
    "board member": Home(
        email=BOARD_MEMBER,
        greeting="Hello, Daniel",
        asked_for_code=False,
        headings=["Your partnerships"],
        partnerships=[[HARROWFIELD, "Board member", "North West"]],
    ),
    "contributor": Home(
        email=CONTRIBUTOR,
        greeting="Hello, Fatima",
        asked_for_code=False,
        headings=["Your partnerships"],
        partnerships=[[HARROWFIELD, "Contributor", "North West"]],
    ),
    "viewer": Home(
        email=VIEWER,
        greeting="Hello, Owen",
        asked_for_code=False,
        headings=["Your partnerships"],
        partnerships=[[HARROWFIELD, "Viewer", "North West"]],
    ),
    "community reviewer": Home(
        email=COMMUNITY_REVIEWER,
        greeting="Hello, Ruth",
        asked_for_code=False,
        headings=["Your partnerships"],
        partnerships=[[HARROWFIELD, "Community reviewer", "North West"]],
    ),
    "security contact": Home(
        email=SECURITY_CONTACT,
        greeting="Hello, Helen",
        asked_for_code=True,
        headings=["Your partnerships", "Vetting you look after"],
        partnerships=[[HARROWFIELD, "Viewer", "North West"]],
        warnings=[
            "Warning 2 posts lack the vetting they need, or it expires within 90 days.",
        ],
        paragraphs=["You are the security contact for Harrowfield Borough Council."],
    ),
    "inspector": Home(
        email=INSPECTOR,
        greeting="Hello, Naomi",
        asked_for_code=True,
        # The assignment leads to the assessments of each partnership it covers.
        headings=["Your partnerships", "Your assignments", "Your assigned work"],
        partnerships=[
            [HARROWFIELD, "Inspector", "North West"],
            [KESTLEBURY, "Inspector", "West Midlands"],
        ],
        assignments=[
            [
                "Learning and development exercise 2026",
                "Inspector",
                f"{HARROWFIELD}, {KESTLEBURY}",
            ]
        ],
    ),
    "peer reviewer": Home(
        email=PEER_REVIEWER,
        greeting="Hello, Imran",
        asked_for_code=False,
        headings=["Your partnerships", "Your assignments"],
        partnerships=[[KESTLEBURY, "Board member", "West Midlands"]],
        assignments=[
            ["Peer review of Harrowfield's self-assessment", "Peer reviewer", HARROWFIELD]
        ],
    ),
    "national analyst": Home(
        email=NATIONAL_ANALYST,
        greeting="Hello, Priya",
        asked_for_code=False,
        headings=["Learning across areas"],
        paragraphs=[
            "As a national analyst you see figures across at least 5 partnerships, with counts "
            "under 10 withheld, and never a single partnership's own records.",
            # The journeys' demo has only its three partnerships.
            "There are fewer than 5 partnerships, so no figure can be shown yet.",
        ],
    ),
    "site administrator": Home(
        email=SITE_ADMINISTRATOR,
        greeting="Hello, Sam",
        asked_for_code=True,
        headings=["Site administration"],
        paragraphs=[
            "There are 3 partnerships on this site. As a site administrator you see none of "
            "their content."
        ],
    ),
    "former inspector": Home(
        email=FORMER_INSPECTOR,
        greeting="Hello, Colin",
        asked_for_code=False,
        headings=[],
        sees_nothing_yet=True,
    ),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_and_sees_its_own_home_page(
    page: Page, demo: DemoResult, role: str
) -> None:
    expected = HOMES[role]

    # Given the demo, when the user signs in through the form
    asked_for_code = sign_in(page, expected.email)

    # Then only the privileged roles were asked for a two-factor code
    assert asked_for_code is expected.asked_for_code
    # and the home page shows their partnerships, assignments and what needs attention
    assert page.get_by_role("heading", level=1).inner_text() == expected.greeting
    # (every home page ends with links to what every signed-in user may read)
    assert main_headings(page) == [*expected.headings, "Also here"]
    assert table_rows(page, PARTNERSHIPS_TABLE) == expected.partnerships
    assignments = table_rows(page, ASSIGNMENTS_TABLE)
    assert [row[:3] for row in assignments] == expected.assignments
    live = Assignment.objects.filter(user__email=expected.email, ends_on__gte=today())
    assert [row[3] for row in assignments] == [long_date(a.ends_on) for a in live]
    assert warnings(page) == expected.warnings
    assert page.get_by_text(NOTHING_YET, exact=True).count() == int(expected.sees_nothing_yet)
    for paragraph in expected.paragraphs:
        expect(page.locator("main p").filter(has_text=paragraph)).to_have_text(paragraph)


# --- Journey 2: a coordinator invites someone and changes a post's holder --------------------


def test_coordinator_invites_a_member_and_changes_a_post_holder(
    page: Page, demo: DemoResult
) -> None:
    # Given the Harrowfield coordinator is signed in, and told where the vetting gaps are
    sign_in(page, COORDINATOR)
    gaps = page.get_by_role("link", name=f"See vetting gaps in {HARROWFIELD}", exact=True)
    expect(gaps).to_have_count(1)

    # When they go from home to their partnership and its members
    go(page, page.get_by_role("link", name=HARROWFIELD, exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == HARROWFIELD
    go(page, page.get_by_role("link", name="Members and roles", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Members and roles"
    go(page, page.get_by_role("link", name="Invite someone", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Invite someone"

    # and send the invitation empty
    go(page, page.get_by_role("button", name="Give them the role"))

    # Then the GOV.UK error summary lists every missing answer (and the page passed axe)
    assert error_summary(page) == [
        "There is a problem",
        "Enter their email address",
        "Enter their full name",
        "Select the role they will have",
    ]
    assert page.title() == f"Error: Invite someone – {HARROWFIELD} – Prevent LDE"
    # and its last link takes them to the first of the role radios
    page.locator(".govuk-error-summary__list a").last.click()
    expect(page.get_by_role("radio", name="Coordinator", exact=True)).to_be_focused()

    # When they fill the form in correctly
    page.get_by_label("Email address").fill("jo.bloggs@harrowfield.demo.invalid")
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_role("radio", name="Viewer", exact=True).check()
    page.get_by_label("Organisation they represent").select_option(label="Harrowfield College")
    go(page, page.get_by_role("button", name="Give them the role"))

    # Then they are back at the members list, with the new member in it
    assert path_of(page).endswith("/members/")
    assert success_banners(page) == ["Jo Bloggs is now viewer."]
    members = table_rows(page, "Members and their roles")
    assert ["Jo Bloggs", "Viewer", "Harrowfield College"] in [row[:3] for row in members]

    # When they open the posts and change the holder of the vacant lead councillor post
    go(page, page.get_by_role("link", name="Posts", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Posts"
    post = "Lead Councillor for Community Safety"
    go(page, page.get_by_role("link", name=f"Change holder of {post}", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == f"Change holder of {post}"
    assert table_rows(page, "Who has held this post") == [["Nobody has held this post yet."]]
    page.get_by_label("New holder").select_option(label="Daniel Hughes")
    go(page, page.get_by_role("button", name="Save"))

    # Then the posts list shows the new holder from today
    assert success_banners(page) == [f"Holder of “{post}” changed."]
    rows = {row[0]: row for row in table_rows(page, "Posts in the partner organisations")}
    assert rows[f"{post} Strategic"][2] == f"Daniel Hughes since {date_format(today(), 'j M Y')}"


# --- Journey 3: a security contact records a clearance, then revokes it ----------------------


def test_security_contact_records_a_clearance(page: Page, demo: DemoResult) -> None:
    # Given the Harrowfield security contact is signed in
    sign_in(page, SECURITY_CONTACT)

    # When they follow their organisation's link from the home page's vetting panel
    go(page, page.get_by_role("link", name="Harrowfield Borough Council", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Clearances and caveats"
    assert ["Daniel Hughes", "Baseline Personnel Security Standard (BPSS)"] in [
        row[:2] for row in table_rows(page, "Clearances")
    ]
    go(page, page.get_by_role("link", name="Record a clearance", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Record a clearance"

    # and record a clearance that expires before it was granted
    day = today()
    page.get_by_label("Person", exact=True).select_option(label="Daniel Hughes")
    page.get_by_role("radio", name="Security check (SC)", exact=True).check()
    fill_date(page, "Granted on", day)
    fill_date(page, "Expires on", day - timedelta(days=1))
    go(page, page.get_by_role("button", name="Record clearance"))

    # Then the error summary says what is wrong (and the page passed axe)
    assert error_summary(page) == [
        "There is a problem",
        "The expiry date must be on or after the grant date",
    ]

    # When they give a valid expiry
    expires = day + timedelta(days=5 * 365)
    fill_date(page, "Expires on", expires)
    go(page, page.get_by_role("button", name="Record clearance"))

    # Then the clearance shows in the organisation's table as valid
    assert page.get_by_role("heading", level=1).inner_text() == "Clearances and caveats"
    assert success_banners(page) == ["Clearance recorded for Daniel Hughes."]
    revoke = "Revoke\n Daniel Hughes's clearance"
    assert [
        "Daniel Hughes",
        "Security check (SC)",
        long_date(expires),
        "Valid",
        revoke,
    ] in table_rows(page, "Clearances")

    # When they revoke it, from its row, after reading what that does
    row = page.get_by_role("row").filter(has_text="Security check (SC)")
    go(page, row.get_by_role("link", name="Revoke Daniel Hughes's clearance"))
    assert page.get_by_role("heading", level=1).inner_text() == "Revoke Daniel Hughes's clearance"
    confirm(page, "Revoke this clearance")

    # Then it shows as revoked, and offers no second revocation
    assert success_banners(page) == ["Clearance revoked for Daniel Hughes."]
    assert [
        "Daniel Hughes",
        "Security check (SC)",
        long_date(expires),
        "Revoked",
        "",
    ] in table_rows(page, "Clearances")


# --- Journey 4: an API token from the profile page works on the API --------------------------


def test_api_token_is_shown_once_and_works_on_the_api(page: Page, demo: DemoResult) -> None:
    # Given the board member is signed in and on their profile
    sign_in(page, BOARD_MEMBER)
    go(page, page.get_by_role("link", name="Your profile", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Your profile"

    # When they ask for a token without naming it
    go(page, page.get_by_role("button", name="Make token"))

    # Then the error summary asks for a name (and the page passed axe)
    assert error_summary(page) == ["There is a problem", "Enter a name for the token"]

    # When they name it
    page.get_by_label("Token name").fill("Board spreadsheet")
    go(page, page.get_by_role("button", name="Make token"))

    # Then the token is shown once
    assert page.get_by_role("heading", level=1).inner_text() == "Token made"
    token = page.locator("#token-value").inner_text().strip()
    assert len(token) >= 32

    # and the profile lists it by name without showing it again
    go(page, page.get_by_role("link", name="Back to your profile", exact=True))
    rows = table_rows(page, "Your API tokens")
    assert [row[0] for row in rows] == ["Board spreadsheet"]
    assert token.startswith(rows[0][1])
    assert token not in page.content()

    # When a program calls the API with it, sending no session cookie
    page.context.clear_cookies()
    response = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    # Then the API answers as the board member
    assert response.status == 200
    assert response.json()["email"] == BOARD_MEMBER


# --- The README's screenshot -----------------------------------------------------------------


def test_coordinator_home_page_screenshot_for_the_readme(page: Page, demo: DemoResult) -> None:
    # Given the coordinator has signed in and is on the home page
    sign_in(page, COORDINATOR)

    # When the whole page is captured
    images = REPO_ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(images / "home.png"), full_page=True)

    # Then the picture is there and shows the partnership
    assert (images / "home.png").stat().st_size > 10_000
    assert table_rows(page, PARTNERSHIPS_TABLE) == [[HARROWFIELD, "Coordinator", "North West"]]


# --- Journey 6: frameworks, from the home page -------------------------------------------------


def test_a_viewer_reads_a_framework_and_compares_two_versions(page: Page, demo: DemoResult) -> None:
    # Given the demo's frameworks are loaded and a viewer is signed in
    from lde.frameworks.demo import demo_build as frameworks_demo_build

    frameworks_demo_build()
    sign_in(page, VIEWER)

    # When they follow the home page's link to the frameworks
    go(page, page.get_by_role("link", name="The frameworks partnerships are assessed against"))

    # Then the library lists the report's models, current and historical
    library = table_rows(page, "Frameworks and their versions")
    titles = [row[0] for row in library]
    assert "Prevent partnership model" in titles
    assert [row[1] for row in library if row[0].startswith("NI35")] == ["Historical"]

    # When they open the partnership model
    go(page, page.get_by_role("link", name="Prevent partnership model", exact=True))

    # Then every hallmark is there, each criterion with its paragraph
    themes = page.locator("main h3").all_inner_texts()
    assert themes[0] == "1. Empowered and effective leadership"
    assert len(themes) == 6
    assert page.locator(".lde-criterion").first.get_by_text("¶").count() >= 1

    # When they open the demonstration framework's newer version and compare it with the older
    visit(page, "/frameworks/example-partnership-check/1.1/")
    go(page, page.get_by_role("link", name="compare 1.1 with 1.0"))

    # Then each kind of change is shown
    rows = table_rows(page, "What became of each criterion")
    assert [row[0] for row in rows] == ["Same", "Renamed", "Split", "Merged", "New", "Retired"]
