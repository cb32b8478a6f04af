"""The assessment cycle in Chromium, from the home page alone, each page scanned with axe-core:
a coordinator starts the next cycle, rates a criterion with its rubric in view, attaches
evidence and submits; a board member signs it off; the coordinator publishes it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lde.accounts.models import Organisation
from lde.assessments.models import Assessment, AssessmentStatus, Evidence
from lde.frameworks.models import Criterion, RubricDescriptor
from lde.partnerships.demo import DemoResult
from tests import uploads
from tests.e2e.conftest import (
    BOARD_MEMBER,
    COORDINATOR,
    PEER_REVIEWER,
    confirm,
    error_summary,
    fill_date,
    go,
    path_of,
    policy_context,
    sign_in,
    table_rows,
)

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
TITLE = "Self-assessment 2026 to 2027"
# A real PDF: uploads are judged by their content (lde.core.uploads).
PDF = uploads.pdf()
ATTENTION = "Assessments needing your attention"


def success_banners(page: Page) -> list[str]:
    texts = page.locator(".govuk-notification-banner__heading").all_inner_texts()
    return [text.strip() for text in texts]


def open_from_home(page: Page, title: str) -> None:
    """Follow the home page's link to an assessment needing the user's attention."""
    rows = table_rows(page, ATTENTION)
    assert title in [row[0] for row in rows], rows
    go(page, page.get_by_role("link", name=title, exact=True))


def test_a_cycle_from_start_to_publication(
    page: Page, demo: DemoResult, browser: Browser, live_server: Any
) -> None:
    # Given the shipped frameworks are loaded and the Harrowfield coordinator is signed in
    from lde.frameworks.demo import demo_build as frameworks_demo_build

    frameworks_demo_build()
    sign_in(page, COORDINATOR)

    # When they go from home to their partnership and its assessments
    go(page, page.get_by_role("link", name=HARROWFIELD, exact=True))
    go(page, page.get_by_role("link", name="Assessments", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Assessments"

    # and start the next cycle, first leaving the form empty
    go(page, page.get_by_role("link", name="Start the next cycle"))
    page.get_by_label("Framework").select_option(value="")
    page.get_by_label("Title").fill("")
    fill_date(page, "Start of the period it covers", None)
    fill_date(page, "End of the period it covers", None)
    go(page, page.get_by_role("button", name="Start the assessment"))

    # Then the error summary says what is missing
    assert error_summary(page) == [
        "There is a problem",
        "Select the framework to assess against",
        "Enter a title for the assessment",
        "Enter the start of the period",
        "Enter the end of the period",
    ]

    # When they choose the Prevent partnership model and a period
    page.get_by_label("Framework").select_option(label="Prevent partnership model 1.0")
    page.get_by_label("Title").fill(TITLE)
    fill_date(page, "Start of the period it covers", date(2026, 4, 1))
    fill_date(page, "End of the period it covers", date(2027, 3, 31))
    expect(
        page.get_by_label("Copy the latest published cycle's ratings and evidence forward")
    ).to_be_checked()
    go(page, page.get_by_role("button", name="Start the assessment"))

    # Then the new draft's page shows its summary and every theme of the framework
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assessment = Assessment.objects.get(title=TITLE)
    assert assessment.status == AssessmentStatus.DRAFT
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Draft")
    themes = page.locator("main h2").filter(has_text=". ").all_inner_texts()
    assert themes[0] == "1. Empowered and effective leadership"
    assert len(themes) == 6

    # When they assign a criterion to a partner organisation and sign off their own part
    go(page, page.get_by_role("link", name="Contributions and sign-off"))
    criterion = page.get_by_label("Criterion")
    criterion.select_option(index=1)
    chosen = criterion.locator("option:checked").inner_text()
    page.get_by_label("Organisation", exact=True).select_option(label="Harrowfield Youth Trust")
    go(page, page.get_by_role("button", name="Assign", exact=True))
    assert success_banners(page) == [f"Assigned: {chosen}."]
    council = Organisation.objects.get(staff__email=COORDINATOR).name
    go(page, page.get_by_role("link", name=f"Sign off {council}'s part"))
    confirm(page, f"Sign off {council}'s part")
    signed = table_rows(page, "Contributing organisations and their sign-off")
    assert [row[0] for row in signed] == ["Harrowfield Youth Trust", council]
    assert signed[0][1] == "Not yet"
    assert signed[1][1].startswith("Signed off by Asha Patel on ")
    go(page, page.get_by_role("link", name=TITLE, exact=True))

    # When they open the first criterion
    first = (
        Criterion.objects.filter(framework_version=assessment.framework_version, kind="criterion")
        .order_by("position")
        .first()
    )
    assert first is not None
    go(page, page.get_by_role("link", name=first.title, exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == first.title

    # Then each level of the rating is described by the criterion's own rubric
    established = RubricDescriptor.objects.get(criterion=first, value=3).descriptor
    rating = page.get_by_role("group", name="Rating", exact=True)
    radio = rating.get_by_role("radio", name="3 – Established")
    expect(radio).to_have_accessible_description(established)
    expect(rating.get_by_role("radio", name="Not rated")).to_be_visible()

    # When they attach a PDF as evidence, with the date it speaks for
    upload = page.locator("form").filter(has=page.get_by_role("button", name="Upload the file"))
    upload.get_by_label("Title").fill("Programme board minutes")
    upload.get_by_label("File").set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    fill_date(upload, "Date the evidence speaks for", date(2026, 5, 14))
    go(page, page.get_by_role("button", name="Upload the file"))

    # Then it is listed under the criterion, as a download
    assert success_banners(page) == ["Evidence added: Programme board minutes."]
    rows = table_rows(page, "Evidence for this criterion")
    assert rows[0][0].startswith("Programme board minutes minutes.pdf")
    assert rows[0][1] == "14 May 2026"
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))

    # When they rate it, with the rubric beside the control, and save
    radio.check()
    page.get_by_label("Target level").select_option(label="4 – Embedded and evaluated")
    page.get_by_label("Commentary").fill("The narrative is agreed and published.")
    go(page, page.get_by_role("button", name=re.compile("^(Save the rating|Confirm and save)$")))

    # Then the assessment shows the rating and the evidence beside the criterion
    assert success_banners(page) == [f"Saved: {first.title}."]
    row = page.locator(f"[id='criterion-{first.identifier}']")
    expect(row).to_contain_text("3 – Established")
    expect(row.get_by_role("link", name="Programme board minutes")).to_be_visible()

    # When they go to submit, confirming first any rating carried forward
    go(page, page.get_by_role("link", name="Submit the assessment"))
    while page.locator("#carried-forward + p + ul a").count():
        go(page, page.locator("#carried-forward + p + ul a").first)
        go(page, page.get_by_role("button", name="Confirm and save"))
        go(page, page.get_by_role("link", name="Submit the assessment"))
    # and send it without the declaration, from the page that says what submitting does
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Submit {TITLE}")
    go(page, page.get_by_role("button", name="Submit this self-assessment"))
    assert error_summary(page) == [
        "There is a problem",
        "Confirm that the assessment holds no information about identifiable members of the "
        "public.",
    ]
    page.get_by_label(
        "I confirm that this assessment, its commentary and its evidence hold no information "
        "about identifiable members of the public"
    ).check()
    confirm(page, "Submit this self-assessment")

    # Then it is submitted
    assert success_banners(page) == [f"{TITLE} submitted."]
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Submitted")
    # and its moderation page says there is no review to moderate against yet
    go(page, page.get_by_role("link", name="Moderation", exact=True))
    expect(page.get_by_text("There is no submitted peer review or inspection")).to_be_visible()
    go(page, page.get_by_role("link", name=TITLE, exact=True))

    # When a board member signs in, in their own browser, opens it from their home page and
    # signs it off
    board = policy_context(browser, base_url=live_server.url)
    board_page = board.new_page()
    sign_in(board_page, BOARD_MEMBER)
    assert [TITLE, HARROWFIELD, "Submitted", "Needs the board's sign-off"] in table_rows(
        board_page, ATTENTION
    )
    open_from_home(board_page, TITLE)
    go(board_page, board_page.get_by_role("link", name="Sign off for the board"))
    confirm(board_page, "Sign off for the board")
    assert success_banners(board_page) == [f"The board has signed off {TITLE}."]
    expect(board_page.get_by_role("link", name="Publish", exact=True)).to_have_count(0)
    board.close()

    # And the coordinator goes back to their home page, opens it and publishes it
    go(page, page.get_by_role("link", name="Home", exact=True))
    assert [TITLE, HARROWFIELD, "Submitted", "Ready to publish"] in table_rows(page, ATTENTION)
    open_from_home(page, TITLE)
    go(page, page.get_by_role("link", name="Publish", exact=True))
    confirm(page, "Publish this self-assessment")

    # Then it is published, and says it was published without review
    assert success_banners(page) == [f"{TITLE} published."]
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Published without a peer review or inspection, after the board's sign-off"
    )
    history = table_rows(page, "Status changes of this assessment")
    assert [row[1:4] for row in history] == [
        ["–", "Draft", "Asha Patel"],
        ["Draft", "Submitted", "Asha Patel"],
        ["Submitted", "Published", "Asha Patel"],
    ]
    assert path_of(page) == f"/assessments/{assessment.pk}/"


def test_a_self_assessment_is_moderated_against_a_peer_review_and_published(
    page: Page, demo: DemoResult
) -> None:
    # Given a submitted self-assessment and a submitted peer review of it that rates one
    # criterion lower, with the partnership's factual-accuracy check made
    from datetime import date

    from lde.accounts.models import User
    from lde.assessments import services
    from lde.assessments.models import AssessmentKind
    from lde.frameworks.demo import demo_build as frameworks_demo_build
    from lde.frameworks.models import FrameworkVersion
    from lde.partnerships.models import Assignment, Partnership

    frameworks_demo_build()
    coordinator = User.objects.get(email=COORDINATOR)
    peer = User.objects.get(email=PEER_REVIEWER)
    harrowfield = Partnership.objects.get(name=HARROWFIELD)
    version = FrameworkVersion.objects.get(framework__identifier="desirable-characteristics")
    own = services.assessment_start(
        actor=coordinator,
        partnership=harrowfield,
        kind=AssessmentKind.SELF,
        framework_version=version,
        title="Characteristics 2026",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
    )
    for response in own.responses.all():
        services.response_update(
            actor=coordinator, response=response, seen_revision=0, rating=3, target=4, commentary=""
        )
    own = services.assessment_submit(
        actor=coordinator, assessment=own, no_personal_data_declared=True
    )
    Assignment.objects.filter(user=peer).update(subject_reference=f"assessment:{own.pk}")
    review = services.review_start(
        actor=coordinator, assessment=own, kind=AssessmentKind.PEER_REVIEW
    )
    responses = list(review.responses.order_by("criterion__position"))
    for index, response in enumerate(responses):
        services.response_update(
            actor=peer,
            response=response,
            seen_revision=0,
            rating=2 if index == 0 else 3,
            target=4,
            commentary="",
        )
    review = services.assessment_submit(
        actor=peer, assessment=review, no_personal_data_declared=True
    )
    services.factual_accuracy_comment(actor=coordinator, assessment=review, body="No corrections.")
    differing = responses[0].criterion.title

    # When the coordinator opens its moderation page from the assessment
    sign_in(page, COORDINATOR)
    page.goto(f"/assessments/{own.pk}/")
    go(page, page.get_by_role("link", name="Moderation", exact=True))

    # Then the self rating stands beside the review's, the difference marked in words
    rows = table_rows(page, "Self rating beside the review's rating")
    assert rows[0] == ["3 – Established", "2 – Developing", "Not yet agreed"]
    assert all(row[2] == "Same" for row in rows[1:])
    expect(page.locator("main table tbody tr").first).to_contain_text(f"{differing} Differs")

    # When they try to finish before agreeing, then they are told what is missing
    go(page, page.get_by_role("link", name="Finish moderation"))
    confirm(page, "Finish moderation")
    assert error_summary(page)[0] == "There is a problem"

    # When they record the agreed rating and why, and finish moderation
    page.get_by_label("Agreed rating", exact=True).select_option("2")
    page.get_by_label("Why this is the agreed rating").fill(
        "The peer reviewer saw no survey of participants' views this year."
    )
    go(page, page.get_by_role("button", name=re.compile("^Record the agreed rating")))
    go(page, page.get_by_role("link", name="Finish moderation"))
    confirm(page, "Finish moderation")

    # Then it is moderated, and once published it does not say "without review"
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Moderated")
    go(page, page.get_by_role("link", name="Publish", exact=True))
    confirm(page, "Publish this self-assessment")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Published")
    expect(page.get_by_text("Published without a peer review")).to_have_count(0)
