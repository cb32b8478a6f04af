"""Questionnaires in Chromium, as a newcomer to the demo uses them, each page scanned with axe-core.

Harrowfield's coordinator finds the partnership's questionnaires from the home page and imports
an XLSForm built here with openpyxl. The first workbook has a bad row: the GOV.UK error summary
names its sheet, row and column and nothing is created. The corrected workbook is imported under
the demo's evaluation protocol. The coordinator adds a "before" collection, opens it after its
confirmation and downloads three participant links. Each participant, in a browser of their own
with no account, answers through their link, and keeps the code the page gives them (one first
sends a score out of range and is shown what to correct). The coordinator closes "before", adds
and opens "after", downloads three more links, and each participant answers again giving the same
code. The change page then reads how answers moved, with the 95% interval, d_z and g_av, among
the three people who answered both times.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect

from lde.partnerships.demo import DemoResult
from lde.surveys.models import Collection, Questionnaire, Response
from lde.surveys.questionnaires import demo as questionnaires_demo
from tests.e2e.conftest import (
    COORDINATOR,
    VIEWPORT,
    assert_accessible,
    confirm,
    error_summary,
    go,
    main_headings,
    policy_context,
    sign_in,
    table_rows,
)

pytestmark = pytest.mark.browser

TITLE = "Youth workshop: before and after"
SURVEY = [
    ["type", "name", "label", "hint", "required", "constraint", "constraint_message"],
    ["note", "intro", "Thank you for taking part.", "", "", "", ""],
    [
        "integer",
        "confident",
        "How confident do you feel challenging extremist views online?",
        "1 means not at all, 5 means very",
        "yes",
        ". >= 1 and . <= 5",
        "Enter a number from 1 to 5",
    ],
    ["select_one place", "place", "Where did the workshop happen?", "", "yes", "", ""],
    ["text", "comment", "Anything else?", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label"],
    ["place", "school", "At school"],
    ["place", "club", "At the youth club"],
]
SETTINGS = [["form_title", "form_id", "version"], [TITLE, "youth_workshop", "1"]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCREEN = ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"])
# Three participants' answers before and after (1 to 5): each rises, by 2, 1 and 3.
SCORES = [("2", "4"), ("3", "4"), ("2", "5")]


def workbook(survey: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", CHOICES), ("settings", SETTINGS)):
        other = book.create_sheet(title)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def questionnaires(demo: DemoResult) -> DemoResult:
    """The demo with its questionnaires: the evaluation protocol in force, and the home panel."""
    questionnaires_demo.demo_build()
    return demo


def import_workbook(page: Page, name: str, data: bytes) -> None:
    payload: FilePayload = {"name": name, "mimeType": XLSX, "buffer": data}
    page.get_by_label("XLSForm workbook").set_input_files(files=[payload])
    page.get_by_label("Information sharing protocol").select_option(
        label=f"{questionnaires_demo.PROTOCOL} (in force)"
    )
    go(page, page.get_by_role("button", name="Import", exact=True))


def add_and_open(page: Page, wave: str, title: str) -> None:
    """From the questionnaire's page: add a collection of this wave, and open it."""
    go(page, page.get_by_role("link", name="Add a collection (before or after)"))
    page.get_by_label(wave, exact=True).check()
    page.get_by_label("Title").fill(title)
    go(page, page.get_by_role("button", name="Add the collection"))
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    go(page, page.get_by_role("link", name="Open to answers"))
    confirm(page, "Open to answers")
    expect(page.get_by_text("is open: issue links to participants.")).to_be_visible()


def download_links(page: Page, count: int, folder: Path) -> list[str]:
    page.get_by_label("Number of links").fill(str(count))
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download the links (CSV)").click()
    saved = folder / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert len(rows) == count
    return [row["link"] for row in rows]


def answer(browser: Browser, link: str, score: str, code: str = "", bad_first: bool = False) -> str:
    """A participant with no account answers through their link; returns the code they keep."""
    context = policy_context(browser, viewport=SCREEN)
    page = context.new_page()
    try:
        response = page.goto(link)
        assert response is not None and response.ok
        assert_accessible(page)
        expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        field = page.get_by_label("Your code")
        if code:
            field.fill(code)
        else:
            code = field.input_value()
            assert len(code) == 9 and code[4] == "-"
        page.get_by_label("At the youth club").check()
        if bad_first:
            page.get_by_label("How confident do you feel").fill("7")
            go(page, page.get_by_role("button", name="Send my answers"))
            assert error_summary(page) == ["There is a problem", "Enter a number from 1 to 5"]
            assert page.get_by_label("Your code").input_value() == code
        page.get_by_label("How confident do you feel").fill(score)
        go(page, page.get_by_role("button", name="Send my answers"))
        expect(page.get_by_role("heading", name="Your answers are sent")).to_be_visible()
        expect(page.get_by_text(code, exact=True)).to_be_visible()
    finally:
        context.close()
    return code


def test_import_a_form_answer_before_and_after_and_see_the_change(
    page: Page, browser: Browser, questionnaires: DemoResult, tmp_path: Path
) -> None:
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Questionnaires", level=2)).to_be_visible()
    go(page, page.get_by_role("link", name="All questionnaires of Harrowfield Prevent Partnership"))
    expect(page.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
    before_import = Questionnaire.objects.count()

    # A workbook with a bad row: named in the error summary, and nothing is created.
    go(page, page.get_by_role("link", name="Import an XLSForm"))
    bad = [list(row) for row in SURVEY]
    bad[3][0] = "geopoint"
    import_workbook(page, "workshop.xlsx", workbook(bad))
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert any(
        p.startswith("survey sheet, row 4, column type: geopoint is not a type") for p in problems
    ), problems
    assert Questionnaire.objects.count() == before_import

    import_workbook(page, "workshop.xlsx", workbook(SURVEY))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert Questionnaire.objects.count() == before_import + 1
    questionnaire_url = page.url

    add_and_open(page, "Before", "Before the workshop")
    before_links = download_links(page, 3, tmp_path)
    codes = [
        answer(browser, link, before, bad_first=i == 0)
        for i, (link, (before, _)) in enumerate(zip(before_links, SCORES, strict=True))
    ]
    assert len(set(codes)) == 3
    # A spent link answers no more.
    spent = policy_context(browser, viewport=SCREEN)
    spent_page = spent.new_page()
    spent_page.goto(before_links[0])
    expect(spent_page.get_by_text("This link has already been used to answer.")).to_be_visible()
    assert_accessible(spent_page)
    spent.close()

    page.reload()
    go(page, page.get_by_role("link", name="Close to answers"))
    confirm(page, "Close to answers")
    expect(page.get_by_text("Before the workshop is closed.")).to_be_visible()

    page.goto(questionnaire_url)
    assert_accessible(page)
    add_and_open(page, "After", "After the workshop")
    after_links = download_links(page, 3, tmp_path)
    for link, code, (_, after) in zip(after_links, codes, SCORES, strict=True):
        answer(browser, link, after, code=code)
    collections = Collection.objects.filter(questionnaire__title=TITLE)
    assert Response.objects.filter(collection__in=collections).count() == 6

    page.goto(questionnaire_url)
    assert_accessible(page)
    go(page, page.get_by_role("link", name="See the change before and after"))
    expect(page.get_by_role("heading", name="The change before and after")).to_be_visible()
    # Differences 2, 1 and 3: a mean of 2 with its t-interval on 2 degrees of freedom.
    expect(
        page.get_by_text(
            "Answers rose by 2 points on average (95% interval -0.48 to 4.48) among 3 people "
            "who answered both times."
        )
    ).to_be_visible()
    assert "How confident do you feel challenging extremist views online?" in main_headings(page)
    rows = table_rows(page, "The change, question by question")
    assert len(rows) == 1
    n, mean_before, mean_after, difference, _, d_z, g_av, _ = rows[0]
    assert (n, mean_before, mean_after) == ("3", "2.33", "4.33")
    assert difference == "2.00 (-0.48 to 4.48)"
    # d_z: the mean difference over the differences' standard deviation (1), so 2.
    assert d_z == "2.00"
    assert g_av not in ("", "–")
