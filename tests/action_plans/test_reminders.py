"""The worker's daily job reminds each open action's owner a week before it is due, once per
due date, and records that it did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lde.action_plans import services
from lde.action_plans import tasks as action_plan_tasks
from lde.action_plans.models import Action
from lde.core.audit.models import AuditEvent
from lde.core.scheduler import jobs, run_due_jobs
from tests.action_plans.conftest import World
from tests.tasks import then_tasks_run

pytestmark = pytest.mark.django_db


def test_the_job_is_registered_with_the_workers_scheduler() -> None:
    job = next(j for j in jobs() if j.name == "action-due-reminders")
    assert job.every == timedelta(days=1)
    assert job.run is action_plan_tasks.action_due_reminders_daily


def test_owners_are_reminded_once_a_week_before_the_due_date(
    world: World, mailoutbox: list[Any]
) -> None:
    today = timezone.localdate()
    assessment = world.cycle(2024, {"board": 1})
    soon = world.raise_action(assessment, "board", due_on=today + timedelta(days=7), title="Soon")
    world.raise_action(assessment, "board", due_on=today + timedelta(days=8), title="Later")
    done = world.raise_action(assessment, "board", due_on=today + timedelta(days=2), title="Done")
    services.progress_record(actor=world.coordinator, action=done, text="Done.", status="done")
    world.raise_action(
        assessment,
        "board",
        due_on=today - timedelta(days=1),
        raised_on=today - timedelta(days=30),
        title="Overdue",
    )
    with then_tasks_run():
        assert "action-due-reminders" in run_due_jobs()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([world.contributor.email], f"Action due on {soon.due_on:%-d %B %Y}: Soon")
    ]
    assert f"/actions/{soon.pk}/" in mailoutbox[0].body
    soon.refresh_from_db()
    assert soon.reminder_sent_for == soon.due_on
    event = AuditEvent.objects.get(verb="ACTION_REMINDER_SENT")
    assert (event.actor_id, event.target_id, event.partnership_id) == (
        None,
        str(soon.pk),
        world.partnership.pk,
    )
    # Running again, even the same day, sends nothing more.
    with then_tasks_run():
        assert services.action_reminders_send() == 0
    assert len(mailoutbox) == 1


def test_a_new_due_date_earns_a_new_reminder(world: World, mailoutbox: list[Any]) -> None:
    today = timezone.localdate()
    action = world.raise_action(
        world.cycle(2024, {"board": 1}), "board", due_on=today + timedelta(days=3)
    )
    with then_tasks_run():
        assert services.action_reminders_send(day=today) == 1
    Action.objects.filter(pk=action.pk).update(due_on=today + timedelta(days=5))
    with then_tasks_run():
        assert services.action_reminders_send(day=today) == 1
        assert services.action_reminders_send(day=today + timedelta(days=1)) == 0
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(verb="ACTION_REMINDER_SENT").count() == 2


def test_a_failing_mail_server_keeps_the_reminders_records_and_every_email(
    world: World, mailoutbox: list[Any], settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from lde.core.mail import EmailStatus, OutgoingEmail
    from tests.tasks import tasks_run

    today = timezone.localdate()
    assessment = world.cycle(2024, {"board": 1})
    first = world.raise_action(assessment, "board", due_on=today + timedelta(days=2), title="A")
    second = world.raise_action(assessment, "board", due_on=today + timedelta(days=3), title="B")
    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    assert services.action_reminders_send(day=today) == 2
    tasks_run()
    # The first email's failure stopped neither the second nor the records of both.
    emails = list(OutgoingEmail.objects.order_by("pk"))
    assert [(e.subject, e.status, e.attempts) for e in emails] == [
        (f"Action due on {first.due_on:%-d %B %Y}: A", EmailStatus.QUEUED, 1),
        (f"Action due on {second.due_on:%-d %B %Y}: B", EmailStatus.QUEUED, 1),
    ]
    for action in (first, second):
        action.refresh_from_db()
        assert action.reminder_sent_for == action.due_on
    assert AuditEvent.objects.filter(verb="ACTION_REMINDER_SENT").count() == 2
    assert mailoutbox == []
    # The next run of the job sends nothing new; the worker's retries send both, once each.
    assert services.action_reminders_send(day=today) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    tasks_run()
    tasks_run()
    assert sorted(m.subject for m in mailoutbox) == sorted(e.subject for e in emails)


def test_the_reminder_links_to_the_site_url(
    world: World, mailoutbox: list[Any], settings: Any
) -> None:
    from tests.tasks import tasks_run

    settings.LDE_SITE_URL = "https://lde.example.gov.uk"
    action = world.raise_action(
        world.cycle(2024, {"board": 1}), "board", due_on=timezone.localdate() + timedelta(days=3)
    )
    services.action_reminders_send()
    tasks_run()
    (message,) = mailoutbox
    assert f"\nhttps://lde.example.gov.uk/actions/{action.pk}/\n" in message.body
