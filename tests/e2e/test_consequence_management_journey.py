"""Consequence management's exercise in Chromium, from the home page, each page scanned with axe.

On the fictional demo, Harrowfield's coordinator opens consequence management from the
partnership's navigation and starts a new exercise cascade from its form (a template with its
placeholders, deputies held back for escalation) through a confirmation page. The worker's own
task runner sends it (email to the local mail outbox). The roll-call counts six called and none
acknowledged. The strategic lead's email is read from the local mail outbox: its link, tampered
with, gives a clear page and records nothing; the link itself, opened in another tab, records
the acknowledgement, and the coordinator's open page shows it within the script's refresh,
without a reload; the "Acknowledged" tab lists the strategic lead. The chair does not answer:
with the first messages moved back past the cascade's wait, the worker's escalation job calls
the chair's deputy, whose email is in the outbox, and the reloaded roll-call lists the deputy,
sent, and the chair, escalated. The coordinator closes the running exercise (a confirmation
page), records a lesson — refused while it carries a National Insurance number, recorded once
it does not — opens its action in the action plan, and downloads the exercise's after-action
report, a PDF whose text names the exercise.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lde.consequence_management import tasks as cascade_tasks
from lde.consequence_management.demo import demo_build as consequence_demo_build
from lde.consequence_management.models import Cascade, CascadeRecipient, Lesson, OutboxMessage
from lde.core.management.commands.worker import queued_tasks_run
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

CALL_OUT = "Exercise Beacon second call-out"
NOT_YET = "Roll-call: not yet acknowledged"
STRATEGIC = "strategic.lead@harrowfield.example.test"
DEPUTY = "vice-chair@faith-forum.example.test"


@pytest.fixture
def consequence_demo(demo: DemoResult) -> DemoResult:
    consequence_demo_build()
    return demo


def _ack_path(to: str) -> str:
    """The acknowledgement link in the call-out's email to `to`, from the local mail outbox."""
    (email,) = [m for m in mail.outbox if m.subject == f"Exercise: {CALL_OUT}" and m.to == [to]]
    link = re.search(r"https?://\S+/ack/\S+", str(email.body))
    assert link is not None, email.body
    return urlsplit(link.group(0)).path


def test_start_acknowledge_escalate_close_learn_and_report(
    page: Page, consequence_demo: DemoResult, tmp_path: Path
) -> None:
    sign_in(page, COORDINATOR)
    go(page, page.get_by_role("link", name="Harrowfield Prevent Partnership").first)
    go(page, page.get_by_role("link", name="Consequence management", exact=True))

    # A new exercise cascade, from its form, through a confirmation page.
    go(page, page.get_by_role("link", name="Start a cascade"))
    page.get_by_label("Title", exact=True).fill(CALL_OUT)
    page.get_by_label("Exercise", exact=True).check()
    page.get_by_label("Broadcast: everyone at once").check()
    page.get_by_label("Message").fill(
        "{partnership}: EXERCISE call-out for {role}, {organisation}. Acknowledge: {ack_link}"
    )
    page.get_by_label("Minutes before escalating to a deputy").fill("10")
    page.get_by_label("Call deputies only when escalating").check()
    go(page, page.get_by_role("button", name="Save"))
    assert not Cascade.objects.filter(title=CALL_OUT).exists()
    expect(page.get_by_role("heading", name=f"Start {CALL_OUT}")).to_be_visible()
    confirm(page, "Start this cascade")
    cascade = Cascade.objects.get(title=CALL_OUT)
    assert re.fullmatch(rf"/consequence-management/cascades/{cascade.pk}/", path_of(page))

    # The sender task the start queued, run as the worker runs it: every email in the outbox.
    queued_tasks_run()
    assert OutboxMessage.objects.filter(recipient__cascade=cascade, status="queued").count() == 0
    visit(page, path_of(page))
    expect(page.get_by_text("6 called")).to_be_visible()
    expect(page.locator("#roll-call strong", has_text="0 acknowledged")).to_be_visible()
    assert len(table_rows(page, NOT_YET)) == 6
    assert not [m for m in mail.outbox if m.subject == f"Exercise: {CALL_OUT}" and m.to == [DEPUTY]]
    roll_call_page = page.url

    # The strategic lead's email from the local outbox. Its link, tampered with: a clear page,
    # nothing recorded, nothing else said.
    path = _ack_path(STRATEGIC)
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
    assert acknowledged.contact.email == STRATEGIC
    other.close()

    # The coordinator's page, left open, shows it by itself (the script's 5-second refresh).
    expect(page.locator("#roll-call strong", has_text="1 acknowledged")).to_be_visible(
        timeout=12_000
    )
    assert page.url == roll_call_page
    assert len(table_rows(page, NOT_YET)) == 5
    go(page, page.get_by_role("link", name="Acknowledged (1)"))
    (row,) = table_rows(page, "Roll-call: acknowledged")
    assert row[0].startswith("Strategic lead")
    assert row[3].startswith("Yes")

    # The chair has not answered. Their first message moved back past the cascade's wait, the
    # worker's escalation job calls their deputy, and the worker's task runner sends to them.
    CascadeRecipient.objects.filter(cascade=cascade, first_sent_at__isnull=False).update(
        first_sent_at=timezone.now() - timedelta(minutes=11)
    )
    cascade_tasks.cascade_escalations()
    queued_tasks_run()
    assert _ack_path(DEPUTY)
    visit(page, roll_call_page)
    rows = table_rows(page, NOT_YET)
    (deputy,) = [r for r in rows if "Deputy for Chair" in r[0]]
    assert deputy[0].startswith("Vice-chair"), deputy
    assert "Email: handed to the provider" in deputy[2], deputy
    (chair,) = [r for r in rows if r[0].startswith("Chair,")]
    assert "Escalated to deputy" in chair[0], chair
    expect(page.get_by_text("7 called")).to_be_visible()

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
    partnership = cascade.partnership
    visit(page, f"/actions/partnership/{partnership.pk}/")
    expect(page.get_by_role("link", name="Brief callers on what never to read out")).to_be_visible()
    visit(page, exercise_page)

    # The after-action report, a PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the after-action report (PDF)").click()
    saved = tmp_path / "after-action.pdf"
    download_info.value.save_as(saved)
    report = saved.read_bytes()
    assert report.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report)).pages)
    assert "Exercise Beacon" in text, text[:500]
