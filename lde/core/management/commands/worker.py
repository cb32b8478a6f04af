"""lde worker: runs queued background tasks and the periodic jobs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone

from lde.core.scheduler import run_due_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (reminders, audit checkpoints)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=IDLE_INTERVAL,
            help=f"Most seconds to wait when there is nothing to do (default {IDLE_INTERVAL}); "
            "a task queued for sooner is woken for.",
        )
        parser.add_argument(
            "--once", action="store_true", help="Run due jobs and queued tasks once, then stop."
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        tasks_import()
        self.stdout.write("Worker started.")
        work(interval=interval, once=once, say=self.stdout.write)


# A cascade's sender task is queued by the write that starts it, and someone is waiting for the
# first message (issue 15: under 2 s): the worker looks for new tasks every second when idle.
# The look is one indexed query on the task table.
IDLE_INTERVAL = 1.0


def tasks_import() -> None:
    """Import every app's tasks, so their periodic jobs are registered."""
    for config in apps.get_app_configs():
        if config.name.startswith("lde."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.tasks":
                    raise


def work(
    *,
    interval: float = IDLE_INTERVAL,
    once: bool = False,
    stop: threading.Event | None = None,
    say: Callable[[str], object] = lambda text: None,
) -> None:
    """The worker's loop: the due periodic jobs, then every queued task that is due, then a
    wait of `interval` seconds, or less when a task is queued to run sooner (a paced sender
    waiting for the provider's minute to pass wakes when it ends, not up to `interval` later).
    `stop` ends it between rounds (a benchmark runs it in a thread)."""
    while stop is None or not stop.is_set():
        close_old_connections()
        try:
            for name in run_due_jobs():
                say(f"Ran periodic job {name}.")
            queued_tasks_run()
            if once:
                return
            wait = min(interval, _seconds_to_next_task())
        except (OperationalError, InterfaceError) as error:
            # The database went away (restarted, failed over) mid-round. What was running is
            # left as a kill leaves it (docs/how-to/run-in-production.md, "Faults"): the job
            # runs when next due, a claimed email is not sent again. The worker itself carries
            # on with a new connection rather than exiting, which under `lde serve
            # --with-worker` would stop the web server too.
            if once:
                raise
            logger.warning("Database unavailable, trying again in %s s: %s", interval, error)
            connections.close_all()
            wait = interval
        _pause(wait, stop)


def _pause(seconds: float, stop: threading.Event | None) -> None:
    if stop is not None:
        stop.wait(seconds)
    else:
        time.sleep(seconds)


def _seconds_to_next_task() -> float:
    """Seconds until the earliest queued task may run (0.0 if one is already due)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    if DBTaskResult.objects.ready().exists():  # queued while the last round ran
        return 0.0
    soonest = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .exclude(run_after=get_date_max())
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    if soonest is None:
        return float("inf")
    return max(0.0, (soonest - timezone.now()).total_seconds())


def queued_tasks_run() -> None:
    """Run every queued task that is due, one at a time, until none is left (a retry queued for
    later waits for a later round). django-tasks-db's worker claims each task row with
    select_for_update(skip_locked=True), so several workers never run the same task."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="lde-worker",
        excluded_queue_names=[],
    ).run()
