"""The worker killed in the middle of a periodic job, and what its next run does
(docs/how-to/run-in-production.md, "Faults", the table of retry rules).

A kill is simulated at the job's checkpoint by raising `Killed` from inside the job, after part
of its work, through the scheduler the worker runs (`run_due_jobs`). What that leaves in the
database is what a SIGKILL leaves: the scheduler had already committed the job's "last run"
row before starting it, and the job's own transaction is rolled back (by the exception here; by
PostgreSQL when a killed process's connection drops). `Killed` derives from BaseException, as
nothing in a job may catch a kill.

The queued tasks are covered where they are written: an email whose worker died after claiming
it (tests/core/test_mail.py, `test_an_email_another_worker_is_sending_is_left_to_it`), and a
cascade's sender killed mid-send, a real `lde worker` process sent SIGKILL
(tests/consequence_management/test_worker_killed.py and test_cascades.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from lde.action_plans.models import Action
from lde.core.audit.chain import audit_record, audit_verify, checkpoint_path
from lde.core.audit.models import AuditScope
from lde.core.mail import OutgoingEmail
from lde.core.management.commands.worker import tasks_import
from lde.core.scheduler import Job, ScheduledJobRun, jobs, run_due_jobs
from lde.sharing import services as sharing_services
from lde.sharing.models import BriefingProduct, ProductStatus
from tests.action_plans.conftest import World, world  # noqa: F401 - the fixture
from tests.sharing.builders import gateway, released
from tests.tasks import then_tasks_run

pytestmark = pytest.mark.django_db

PRODUCTION_PAGE = Path(settings.BASE_DIR) / "docs" / "how-to" / "run-in-production.md"


class Killed(BaseException):
    """The worker process dying where it stands."""


def _job(name: str) -> Job:
    tasks_import()
    return next(j for j in jobs() if j.name == name)


def _run_only(name: str) -> list[str]:
    """The worker's scheduler, given only the one job (the others would run too, on their
    first round, and are not what is shown)."""
    with mock.patch("lde.core.scheduler.jobs", lambda: [_job(name)]):
        return run_due_jobs()


def _next_due(name: str) -> None:
    """Time moves on to when the job is next due: its "last run" row one interval back."""
    ScheduledJobRun.objects.filter(name=name).update(
        last_run_at=timezone.now() - _job(name).every - timedelta(seconds=1)
    )


def _killed_on_call(number: int, real: Any) -> Any:
    """A stand-in for `real` that lets the first `number - 1` calls through, then kills."""
    calls = {"n": 0}

    def call(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= number:
            raise Killed
        return real(*args, **kwargs)

    return call


@pytest.fixture
def checkpoints(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    yield checkpoint_path()


def test_every_periodic_job_and_task_kind_has_its_retry_rule_written_down() -> None:
    tasks_import()
    page = PRODUCTION_PAGE.read_text(encoding="utf-8")
    table = page[page.index("### The worker killed mid-job") :]
    named = set(re.findall(r"^\| `([a-z0-9_-]+)`", table, re.MULTILINE))
    assert {job.name for job in jobs()} <= named
    assert {"email_deliver", "cascade_send"} <= named


def test_a_killed_job_is_not_run_again_before_it_is_next_due() -> None:
    """The rule every job shares: the scheduler records a run before starting it, so a job
    killed half-way is not retried at once by another worker (which could meet the same
    fault in a loop); its next run is at its next due time."""
    with (
        mock.patch("lde.core.tasks.audit_checkpoint_write", side_effect=Killed),
        pytest.raises(Killed),
    ):
        _run_only("audit-checkpoint")
    assert _run_only("audit-checkpoint") == []
    _next_due("audit-checkpoint")
    assert _run_only("audit-checkpoint") == ["audit-checkpoint"]


def test_the_audit_checkpoint_killed_before_writing_runs_again_and_finishes(
    checkpoints: Path,
) -> None:
    for n in range(3):
        audit_record(actor=None, verb="TEST_EVENT", scope=AuditScope.SITE, detail={"n": n})
    with (
        mock.patch("lde.core.tasks.audit_checkpoint_write", side_effect=Killed),
        pytest.raises(Killed),
    ):
        _run_only("audit-checkpoint")
    before = checkpoints.read_text().splitlines() if checkpoints.exists() else []
    _next_due("audit-checkpoint")
    assert _run_only("audit-checkpoint") == ["audit-checkpoint"]
    written = checkpoints.read_text().splitlines()
    assert len(written) == len(before) + 1
    report = audit_verify()
    assert report.problems == []


def test_retention_killed_mid_way_records_nothing_and_its_next_run_finishes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    g = gateway()
    products = [released(g, title=f"Expired {n}") for n in (1, 2)]
    kept = released(g, title="Still within retention")
    paths = [sharing_services.attachment_path(p.attachments.get()) for p in products]
    BriefingProduct.objects.filter(pk__in=[p.pk for p in products]).update(
        retention_ends_on=timezone.localdate() - timedelta(days=1)
    )
    from lde.sharing.services import retention

    # Killed after the first product was withdrawn and its file marked, before the second.
    killed = _killed_on_call(2, retention.audit_product)
    with (
        mock.patch.object(retention, "audit_product", killed),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Killed),
    ):
        _run_only("sharing-retention")
    statuses = set(
        BriefingProduct.objects.filter(pk__in=[p.pk for p in products]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {ProductStatus.RELEASED}
    assert all(path.exists() for path in paths)
    _next_due("sharing-retention")
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_only("sharing-retention") == ["sharing-retention"]
    assert set(
        BriefingProduct.objects.filter(pk__in=[p.pk for p in products]).values_list(
            "status", flat=True
        )
    ) == {ProductStatus.WITHDRAWN}
    assert not any(path.exists() for path in paths)
    assert sharing_services.attachment_path(kept.attachments.get()).exists()


def test_retention_killed_after_its_commit_deletes_the_files_left_on_its_next_run(
    django_capture_on_commit_callbacks: Any,
) -> None:
    g = gateway()
    product = released(g)
    path = sharing_services.attachment_path(product.attachments.get())
    BriefingProduct.objects.filter(pk=product.pk).update(
        retention_ends_on=timezone.localdate() - timedelta(days=1)
    )
    # Committed, then killed before the deletions that follow the commit ran.
    with django_capture_on_commit_callbacks(execute=False):
        assert _run_only("sharing-retention") == ["sharing-retention"]
    product.refresh_from_db()
    assert product.status == ProductStatus.WITHDRAWN
    assert product.attachments.get().file_deleted_at is not None
    assert path.exists()
    _next_due("sharing-retention")
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_only("sharing-retention") == ["sharing-retention"]
    assert not path.exists()


def test_reminders_killed_mid_way_are_each_sent_once_by_the_next_run(
    world: World,  # noqa: F811 - the fixture imported above
    mailoutbox: list[Any],
) -> None:
    today = timezone.localdate()
    assessment = world.cycle(2024, {"board": 1})
    actions = [
        world.raise_action(assessment, "board", due_on=today + timedelta(days=d), title=f"A{d}")
        for d in (3, 5)
    ]
    from lde.action_plans import services as action_services

    killed = _killed_on_call(2, action_services._reminder_queue)
    with (
        mock.patch.object(action_services, "_reminder_queue", killed),
        then_tasks_run(),
        pytest.raises(Killed),
    ):
        _run_only("action-due-reminders")
    # The first reminder was recorded and its email queued, then the kill rolled both back.
    assert OutgoingEmail.objects.count() == 0
    assert mailoutbox == []
    assert set(
        Action.objects.filter(pk__in=[a.pk for a in actions]).values_list(
            "reminder_sent_for", flat=True
        )
    ) == {None}
    _next_due("action-due-reminders")
    with then_tasks_run():
        assert _run_only("action-due-reminders") == ["action-due-reminders"]
    assert sorted(m.subject for m in mailoutbox) == sorted(
        f"Action due on {a.due_on:%-d %B %Y}: {a.title}" for a in actions
    )
    # A kill after the job's commit (the worker dies before noting it finished) changes
    # nothing: the run after that finds every reminder recorded and sends none again.
    _next_due("action-due-reminders")
    with then_tasks_run():
        assert _run_only("action-due-reminders") == ["action-due-reminders"]
    assert len(mailoutbox) == 2


def test_protocol_review_reminders_killed_mid_way_are_sent_once_by_the_next_run(
    mailoutbox: list[Any],
) -> None:
    g = gateway()
    g.protocol.review_on = timezone.localdate() + timedelta(days=3)
    g.protocol.save(update_fields=["review_on"])
    from lde.sharing.services import protocols

    with (
        mock.patch.object(protocols, "email_send", side_effect=Killed),
        then_tasks_run(),
        pytest.raises(Killed),
    ):
        _run_only("sharing-protocol-review-reminders")
    g.protocol.refresh_from_db()
    assert g.protocol.review_reminder_sent_for is None
    assert mailoutbox == []
    _next_due("sharing-protocol-review-reminders")
    with then_tasks_run():
        assert _run_only("sharing-protocol-review-reminders") == [
            "sharing-protocol-review-reminders"
        ]
    sent = len(mailoutbox)
    assert sent >= 1
    _next_due("sharing-protocol-review-reminders")
    with then_tasks_run():
        _run_only("sharing-protocol-review-reminders")
    assert len(mailoutbox) == sent


def test_the_worker_carries_on_when_the_database_goes_away_mid_round() -> None:
    """PostgreSQL restarted under the worker (`lde bench faults`): the round's query fails; the
    worker opens a new connection and goes on, rather than exiting (which under `lde serve
    --with-worker` would stop the web server with it)."""
    from django.db import OperationalError

    from lde.core.management.commands import worker

    stop = threading.Event()
    rounds: list[int] = []

    def round_of_jobs() -> list[str]:
        rounds.append(1)
        if len(rounds) == 1:
            raise OperationalError("terminating connection due to administrator command")
        stop.set()
        return []

    with (
        mock.patch.object(worker, "run_due_jobs", round_of_jobs),
        mock.patch.object(worker, "queued_tasks_run", lambda: None),
        # Closing connections would end this test's transaction; what is shown is the loop.
        mock.patch.object(worker, "close_old_connections", lambda: None),
        mock.patch.object(worker.connections, "close_all") as closed,
    ):
        worker.work(interval=0.01, stop=stop)
    assert len(rounds) == 2
    closed.assert_called_once()
    # `--once` (a cron-like single round) still fails loudly.
    with (
        mock.patch.object(worker, "run_due_jobs", side_effect=OperationalError("gone")),
        mock.patch.object(worker, "close_old_connections", lambda: None),
        pytest.raises(OperationalError),
    ):
        worker.work(once=True)
