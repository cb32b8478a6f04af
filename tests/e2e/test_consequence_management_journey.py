"""Consequence management's exercise in Chromium, from the home page, each page scanned with axe.

On the fictional demo, Harrowfield's coordinator opens consequence management from the
partnership's navigation and the running "Exercise Beacon call-out": its roll-call counts five
called and none acknowledged, and lists the five not yet acknowledged. The chair's email is read
from the local mail outbox: its link, tampered with, gives a clear page and records nothing; the
link itself, opened in another tab, records the acknowledgement, and the coordinator's open page
shows it within the script's refresh, without a reload; the "Acknowledged" tab lists the chair.
The coordinator closes the running exercise (a confirmation page), records a lesson — refused
while it carries a National Insurance number, recorded once it does not — opens its action in
the action plan, and downloads the exercise's after-action report, a PDF.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from lde.consequence_management.demo import demo_build as consequence_demo_build
from lde.consequence_management.models import Cascade, CascadeRecipient, Lesson
from lde.partnerships.demo import DemoResult
from tests.e2e.conftest import (
    COORDINATOR,
    assert_accessible,
    confirm,
    error_summary,
    fill_date,
    go,
    path_of,
    sign_in,
    table_rows,
    visit,
)

pytestmark = pytest.mark.browser

BEACON = "Exercise Beacon call-out"
NOT_YET = "Roll-call: not yet acknowledged"


@pytest.fixture
def consequence_demo(demo: DemoResult) -> DemoResult:
    consequence_demo_build()
    return demo


def _ack_path() -> tuple[str, str]:
    """The acknowledgement link in the first email of the Beacon call-out, and to whom it went."""
    (email, *_) = [m for m in mail.outbox if m.subject == f"Exercise: {BEACON}"]
    link = re.search(r"https?://\S+/ack/\S+", str(email.body))
    assert link is not None, email.body
    return urlsplit(link.group(0)).path, email.to[0]


def test_acknowledge_from_the_outbox_watch_the_roll_call_close_learn_and_report(
    page: Page, consequence_demo: DemoResult, tmp_path: Path
) -> None:
    sign_in(page, COORDINATOR)
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Consequence management", exact=True))
    go(page, page.get_by_role("link", name=BEACON))
    expect(page.get_by_text("5 called")).to_be_visible()
    expect(page.locator("#roll-call strong", has_text="0 acknowledged")).to_be_visible()
    assert len(table_rows(page, NOT_YET)) == 5
    roll_call_page = page.url

    # The chair's email from the local outbox. Its link, tampered with: a clear page, nothing
    # recorded, nothing else said.
    path, to = _ack_path()
    cascade = Cascade.objects.get(title=BEACON)
    other = page.context.new_page()
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))
    refused = other.goto(tampered)
    assert refused is not None and refused.status == 400
    assert_accessible(other)
    expect(other.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    assert other.get_by_role("button", name="I have received the message").count() == 0
    assert not CascadeRecipient.objects.filter(
        cascade=cascade, acknowledged_at__isnull=False
    ).exists()

    # The link itself, in another tab: acknowledged.
    visit(other, path)
    go(other, other.get_by_role("button", name="I have received the message"))
    expect(other.get_by_text("Your acknowledgement is recorded")).to_be_visible()
    acknowledged = CascadeRecipient.objects.get(cascade=cascade, acknowledged_at__isnull=False)
    assert acknowledged.contact.email == to
    other.close()

    # The coordinator's page, left open, shows it by itself (the script's 5-second refresh).
    expect(page.locator("#roll-call strong", has_text="1 acknowledged")).to_be_visible(
        timeout=12_000
    )
    assert page.url == roll_call_page
    assert len(table_rows(page, NOT_YET)) == 4
    go(page, page.get_by_role("link", name="Acknowledged (1)"))
    (row,) = table_rows(page, "Roll-call: acknowledged")
    assert row[0].startswith(acknowledged.contact.role)
    assert row[3].startswith("Yes")

    # The running exercise, closed through its confirmation page.
    go(page, page.get_by_role("link", name="Consequence management").last)
    go(page, page.get_by_role("link", name="All exercises"))
    go(page, page.get_by_role("link", name="Exercise Beacon", exact=True))
    go(page, page.get_by_role("link", name="Close the exercise"))
    confirm(page, "Close this exercise")
    expect(page.get_by_text("Closed").first).to_be_visible()

    # A lesson carrying a National Insurance number is refused; without it, it is recorded.
    go(page, page.get_by_role("link", name="Record a lesson"))
    form = page.url
    page.get_by_label("The lesson learned").fill(
        "The caller read out NI number JK 12 34 56 C to the wrong person."
    )
    page.get_by_label("Title", exact=True).fill("Brief callers on what never to read out")
    page.get_by_label("Description").fill("A five-minute briefing before every call-out.")
    page.get_by_label("Owner", exact=True).select_option(index=1)
    page.get_by_label("Owning organisation").select_option(index=1)
    fill_date(page, "Due date", timezone.localdate() + timedelta(days=60))
    go(page, page.get_by_role("button", name="Save"))
    problems = error_summary(page)
    assert problems[0] == "There is a problem"
    assert any("national insurance number" in p.lower() for p in problems[1:]), problems
    assert page.url == form
    assert not Lesson.objects.filter(action__title__startswith="Brief callers").exists()

    page.get_by_label("The lesson learned").fill(
        "Callers read out more than the message; they need a script."
    )
    go(page, page.get_by_role("button", name="Save"))
    lessons = table_rows(page, "Lessons and their actions")
    assert ["Brief callers on what never to read out" in r[1] for r in lessons].count(True) == 1

    # Its action is in the partnership's action plan.
    exercise_page = page.url
    go(page, page.get_by_role("link", name="Brief callers on what never to read out"))
    assert re.fullmatch(r"/actions/\d+/", path_of(page)), page.url
    expect(
        page.get_by_role("heading", name="Brief callers on what never to read out")
    ).to_be_visible()
    partnership = Cascade.objects.get(title=BEACON).partnership
    visit(page, f"/actions/partnership/{partnership.pk}/")
    expect(page.get_by_role("link", name="Brief callers on what never to read out")).to_be_visible()
    visit(page, exercise_page)

    # The after-action report, a PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the after-action report (PDF)").click()
    saved = tmp_path / "after-action.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
