"""lde worker: runs queued background tasks and the periodic jobs."""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from lde.core.scheduler import run_due_jobs


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (reminders, audit checkpoints)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds to wait when there is nothing to do.",
        )
        parser.add_argument(
            "--once", action="store_true", help="Run due jobs and queued tasks once, then stop."
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        for config in apps.get_app_configs():
            if config.name.startswith("lde."):
                try:
                    import_module(f"{config.name}.tasks")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.tasks":
                        raise
        self.stdout.write("Worker started.")
        while True:
            close_old_connections()
            for name in run_due_jobs():
                self.stdout.write(f"Ran periodic job {name}.")
            queued_tasks_run()
            if once:
                return
            time.sleep(interval)


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
