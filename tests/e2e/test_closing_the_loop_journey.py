"""Closing the loop in Chromium, from the home page alone, each page scanned with axe-core.

On the fictional demo (three published cycles of each partnership's self-assessment, this
year's draft, and the actions raised on earlier gaps), the Harrowfield coordinator follows the
trend over three cycles to the gaps of the latest one, compares it with an earlier cycle, raises
actions on its two largest gaps, downloads the report for the board, and, once the next cycle is
published, reads each action's rating before and after. Completing this year's draft offline, a
workbook with one bad row changes nothing and names the row.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lde.accounts.models import User
from lde.assessments import services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    ModerationDecision,
)
from lde.assessments.workbook import XLSX_CONTENT_TYPE
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import (
    BOARD_MEMBER,
    COORDINATOR,
    error_summary,
    fill_date,
    go,
    main_headings,
    sign_in,
    table_rows,
)

pytestmark = pytest.mark.browser

HARROWFIELD = "Harrowfield Prevent Partnership"
FRAMEWORK = "prevent-partnership-model"
# The demo builders this journey reads from, in the order `lde demo` runs them.
BUILDERS = (
    "lde.frameworks.demo.demo_build",
    "lde.assessments.demo.demo_build",
    "lde.action_plans.demo.demo_build",
)
SCORES_ACROSS_CYCLES = "Scores across cycles: the figures in the chart"
BEFORE_AND_AFTER = (
    "The rating of each criterion when the action was raised, and in the next published "
    "self-assessment"
)
PROBLEMS = "Problems in the workbook, by row"


@pytest.fixture
def demo_with_assessments(demo: DemoResult) -> DemoResult:
    """The demo as `lde demo` loads it, as far as this journey reaches: the partnerships, then
    the frameworks, assessments and action plans builders of settings.LDE_DEMO_BUILDERS."""
    builders = [dotted for dotted in settings.LDE_DEMO_BUILDERS if dotted in BUILDERS]
    assert builders == list(BUILDERS)
    for dotted in builders:
        import_string(dotted)()
    return demo


def self_assessments(status: str) -> list[Assessment]:
    """Harrowfield's self-assessments against the Prevent partnership model, oldest first."""
    return list(
        Assessment.objects.filter(
            partnership__name=HARROWFIELD,
            kind=AssessmentKind.SELF,
            status=status,
            framework_version__framework__identifier=FRAMEWORK,
        ).order_by("period_start")
    )


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def success_banners(page: Page) -> list[str]:
    texts = page.locator(".govuk-notification-banner__heading").all_inner_texts()
    return [text.strip() for text in texts]


def level(label: str) -> int:
    """The level's number in a rating label such as "3 – Established"."""
    matched = re.match(r"(\d+) – ", label)
    assert matched, f"{label!r} is not a level of a scale"
    return int(matched.group(1))


def open_assessments_from_home(page: Page) -> None:
    go(page, page.get_by_role("link", name=HARROWFIELD, exact=True))
    go(page, page.get_by_role("link", name="Assessments", exact=True))
    assert heading(page) == "Assessments"


def publish_next_cycle(ratings: dict[str, int]) -> Assessment:
    """Publish this year's draft through the services, as the partnership would over weeks:
    the criteria in `ratings` are rated so, every other rating carried forward is confirmed as it
    is, the coordinator submits it, the board signs it off and the coordinator publishes it."""
    coordinator = User.objects.get(email=COORDINATOR)
    (draft,) = self_assessments(AssessmentStatus.DRAFT)
    for response in draft.responses.select_related("criterion"):
        identifier = response.criterion.identifier
        if identifier not in ratings and not response.carried_forward:
            continue
        services.response_update(
            actor=coordinator,
            response=response,
            seen_revision=response.revision,
            rating=ratings.get(identifier, response.rating),
            target=response.target,
            commentary=response.commentary or "Confirmed by the programme board.",
            consensus_reason=response.consensus_reason or "Agreed by the programme board.",
        )
    draft = services.assessment_submit(
        actor=coordinator, assessment=draft, no_personal_data_declared=True
    )
    services.board_sign_off(actor=User.objects.get(email=BOARD_MEMBER), assessment=draft)
    return services.assessment_publish(actor=coordinator, assessment=draft)


def test_a_coordinator_acts_on_the_largest_gaps_and_sees_each_action_before_and_after(
    page: Page, demo_with_assessments: DemoResult
) -> None:
    # Given the demo: three published cycles of Harrowfield's self-assessment, and a draft
    published = self_assessments(AssessmentStatus.PUBLISHED)
    assert len(published) == 3
    first, previous, latest = published
    (draft,) = self_assessments(AssessmentStatus.DRAFT)

    # When the coordinator signs in and goes from home to the partnership's assessments
    sign_in(page, COORDINATOR)
    open_assessments_from_home(page)

    # and opens the trends across cycles
    go(page, page.get_by_role("link", name="Trends across cycles"))
    assert heading(page) == "Trends across cycles"

    # Then the three published cycles are there, oldest first, each with an overall score and
    # a score for each of the six themes
    cycles = table_rows(page, "Cycles")
    assert [row[0] for row in cycles] == [a.title for a in published]
    assert [row[2] for row in cycles] == ["Published"] * 3
    scores = table_rows(page, SCORES_ACROSS_CYCLES)
    assert len(scores) == 1 + 6
    assert all(re.fullmatch(r"\d+(\.\d+)?%", cell) for row in scores for cell in row), scores
    assert all(len(row) == 3 for row in scores)

    # When they follow the latest cycle to its gaps and scores
    go(page, page.get_by_role("link", name=latest.title, exact=True))
    assert heading(page) == "Gaps and scores"
    expect(page.locator("main .govuk-caption-l")).to_have_text(latest.title)

    # Then the method says the latest cycle, which was moderated, counts at the agreed ratings
    expect(page.locator("#method")).to_contain_text(
        "This self-assessment has been moderated, so the ratings agreed at moderation are the "
        "ones that count"
    )

    # and its criteria are listed largest gap first, the largest below their targets
    caption = f"Criteria of {latest.title}, largest gap to target first"
    gaps = table_rows(page, caption)
    shares = [float(row[3].split()[0]) for row in gaps if row[3].endswith(" points")]
    assert shares == sorted(shares, reverse=True)
    assert shares[1] > 0
    row_headers = page.get_by_role("table", name=caption, exact=True).locator("tbody tr th")
    largest = []  # (title, identifier, rating, target) of the two largest gaps
    for index in range(2):
        header = row_headers.nth(index)
        assert re.fullmatch(r"\d+ levels? below", gaps[index][2]), gaps[index]
        largest.append(
            (
                header.inner_text().split("\n")[0].strip(),
                header.locator(".lde-code").inner_text().strip(),
                gaps[index][0],
                gaps[index][1],
            )
        )

    # When they compare it with the cycle before, and then with the first cycle
    go(page, page.get_by_role("link", name="Compare with another cycle"))
    assert heading(page) == "Compare with another cycle"
    assert f"From {previous.title} to {latest.title}" in main_headings(page)
    page.get_by_label("Compare with").select_option(label=f"{first.title} (published)")
    go(page, page.get_by_role("button", name="Compare", exact=True))

    # Then the page says what moved from the first cycle to the latest
    assert f"From {first.title} to {latest.title}" in main_headings(page)
    expect(page.locator("#overall-change")).to_have_text(re.compile(r"^\S+ to \S+ \(.+\)$"))
    expect(page.get_by_role("heading", name="What moved", exact=True)).to_be_visible()

    # When they raise an action on each of the two largest gaps, from the assessment's page
    # (the action pages say "agreed at moderation" beside a rating the moderation agreed)
    agreed = set(
        ModerationDecision.objects.filter(
            assessment=latest, agreed_rating__isnull=False
        ).values_list("criterion__identifier", flat=True)
    )

    def before(identifier: str, rating: str) -> str:
        return f"{rating}\nagreed at moderation" if identifier in agreed else rating

    action_titles = []
    for number, (criterion, identifier, rating, target) in enumerate(largest, start=1):
        go(page, page.get_by_role("link", name=latest.title, exact=True))
        go(page, page.get_by_role("link", name="Raise an action on a gap"))
        assert heading(page) == "Raise an action"
        box = page.get_by_role("checkbox", name=criterion, exact=True)
        expect(box).to_have_accessible_description(
            re.compile(rf"^Gap of \d+: rated {rating}.*, target {target}$")
        )
        box.check()
        title = f"Close gap {number}: {criterion}"[:200]
        page.get_by_label("Title").fill(title)
        page.get_by_label("Description").fill(
            "The board names a lead for each partner, agrees what will be different in a year, "
            "and checks it at the next self-assessment."
        )
        expect(page.get_by_label("Owner", exact=True).locator("option:checked")).to_have_text(
            re.compile("^Asha Patel")
        )
        fill_date(page, "Due date", draft.period_end)
        go(page, page.get_by_role("button", name="Raise the action"))

        # Then the action shows the criterion's rating when raised, the one the gaps page
        # counted, and nothing after yet
        assert success_banners(page) == [f"Action raised: {title}."]
        assert heading(page) == title
        assert table_rows(page, BEFORE_AND_AFTER) == [
            [before(identifier, rating), "–", "Not re-assessed yet"]
        ]
        action_titles.append(title)

    # When they go back to the assessment and download its report for the board
    go(page, page.get_by_role("link", name=latest.title, exact=True))
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Report for the board (PDF)").click()
    download = waiting.value
    pdf = download.path().read_bytes()

    # Then it is a PDF of this cycle, naming the partnership, with its largest gaps
    assert download.suggested_filename.endswith(".pdf")
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert HARROWFIELD in text
    assert latest.title in text
    assert "Largest gaps" in text
    assert all(identifier in text for _, identifier, _, _ in largest)

    # Given the next cycle is then published, the two criteria rated at their targets
    after = publish_next_cycle({identifier: level(target) for _, identifier, _, target in largest})
    assert after.title == draft.title

    # When the coordinator goes from home to the partnership's action plan
    go(page, page.get_by_role("link", name="Home", exact=True))
    go(page, page.get_by_role("link", name=HARROWFIELD, exact=True))
    go(page, page.get_by_role("link", name="Action plan", exact=True))
    assert heading(page) == "Action plan"

    # Then each action they raised shows its criterion before and after: moved up to target
    for title, (_, identifier, rating, target) in zip(action_titles, largest, strict=True):
        go(page, page.get_by_role("link", name=title, exact=True))
        assert heading(page) == title
        assert table_rows(page, BEFORE_AND_AFTER) == [
            [before(identifier, rating), target, "Moved up"]
        ]
        expect(page.get_by_role("columnheader", name=f"Before: {latest.title}")).to_be_visible()
        expect(page.get_by_role("columnheader", name=f"After: {after.title}")).to_be_visible()
        re_assessed = page.locator(".govuk-summary-list__row").filter(has_text="Re-assessed in")
        expect(re_assessed.get_by_role("link", name=after.title, exact=True)).to_be_visible()
        go(page, page.get_by_role("link", name="Action plan", exact=True))


def column(sheet: Any, header: str) -> int:
    """The number of the Criteria sheet's column with this header."""
    for cell in sheet[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"the Criteria sheet has no {header!r} column")


def saved_responses(assessment: Assessment) -> dict[int, tuple[Any, ...]]:
    """Each criterion's response as saved now: its rating, target, commentary and revision."""
    return {
        response.pk: (response.rating, response.target, response.commentary, response.revision)
        for response in CriterionResponse.objects.filter(assessment=assessment)
    }


def upload(page: Page, name: str, data: bytes) -> None:
    """From the offline completion page, upload a workbook through the upload page."""
    go(page, page.get_by_role("link", name="Upload a completed workbook"))
    assert heading(page) == "Upload a completed workbook"
    page.get_by_label("Completed workbook").set_input_files(
        files=[{"name": name, "mimeType": XLSX_CONTENT_TYPE, "buffer": data}]
    )
    go(page, page.get_by_role("button", name="Upload and save"))


def test_a_workbook_with_one_bad_row_changes_nothing_and_names_the_row(
    page: Page, demo_with_assessments: DemoResult
) -> None:
    # Given the demo's draft of this year's self-assessment
    (draft,) = self_assessments(AssessmentStatus.DRAFT)
    saved = saved_responses(draft)

    # When the coordinator goes from home to the draft and its offline completion page
    sign_in(page, COORDINATOR)
    open_assessments_from_home(page)
    go(page, page.get_by_role("link", name=draft.title, exact=True))
    go(page, page.get_by_role("link", name="Complete it offline in a spreadsheet"))
    assert heading(page) == "Complete it offline"

    # and downloads the workbook
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the workbook (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    sheet = book["Criteria"]
    rating = column(sheet, "Rating")
    identifier = column(sheet, "Identifier")
    raters = column(sheet, "Independent ratings")

    # and in it rates one criterion off the scale, and changes another's rating to a good level
    bad_row = 2
    bad_value = sheet.cell(bad_row, rating).value
    good_row = next(
        row
        for row in range(bad_row + 1, sheet.max_row + 1)
        if sheet.cell(row, rating).value and sheet.cell(row, raters).value == "None yet"
    )
    good = draft.responses.get(criterion__identifier=sheet.cell(good_row, identifier).value)
    assert good.rating is not None
    new_rating = 1 if good.rating != 1 else 2
    sheet.cell(bad_row, rating).value = 7
    sheet.cell(good_row, rating).value = new_rating
    with_bad_row = io.BytesIO()
    book.save(with_bad_row)

    # and uploads it through the page
    upload(page, download.suggested_filename, with_bad_row.getvalue())

    # Then the error summary names the bad row and says that nothing has been saved
    summary = error_summary(page)
    assert len(summary) == 2, summary
    assert summary[0] == "There is a problem"
    assert summary[1].startswith(f"Row {bad_row}, Rating: “7” is not a level of the ")
    assert summary[1].endswith("Nothing has been saved")
    assert [row[:2] for row in table_rows(page, PROBLEMS)] == [[str(bad_row), "Rating"]]

    # and nothing has changed, the good row included, as the assessment's page shows
    assert saved_responses(draft) == saved
    go(page, page.get_by_role("link", name="Cancel", exact=True))
    assert heading(page) == draft.title
    good_cells = page.locator(f"[id='criterion-{good.criterion.identifier}'] td")
    expect(good_cells.first).to_have_text(re.compile(rf"^{good.rating} – "))

    # When they put the bad row back as it was and upload the workbook again
    sheet.cell(bad_row, rating).value = bad_value
    fixed = io.BytesIO()
    book.save(fixed)
    go(page, page.get_by_role("link", name="Complete it offline in a spreadsheet"))
    upload(page, download.suggested_filename, fixed.getvalue())

    # Then the good change, and only it, is saved
    assert success_banners(page) == ["Workbook uploaded: 1 criterion changed."]
    assert heading(page) == draft.title
    expect(good_cells.first).to_have_text(re.compile(rf"^{new_rating} – "))
    now = saved_responses(draft)
    assert {pk for pk, values in now.items() if values != saved[pk]} == {good.pk}
    assert now[good.pk][0] == new_rating
