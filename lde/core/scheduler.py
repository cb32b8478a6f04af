"""Periodic jobs run by `lde worker`: a small scheduler with no broker.

Each job has a name and an interval; the last run of each is kept in the database, so a restarted
worker does not run a job again before it is due, and two workers do not both run it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone


class ScheduledJobRun(models.Model):
    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], object]


_JOBS: dict[str, Job] = {}


def schedule(name: str, every: timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        _JOBS[name] = Job(name=name, every=every, run=func)
        return func

    return register


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def run_due_jobs() -> list[str]:
    """Run every job whose interval has passed; return the names of those run."""
    now = timezone.now()
    ran = []
    for job in jobs():
        # The row exists before it is locked, so that two workers starting together queue on the
        # same row even for a job's very first run.
        ScheduledJobRun.objects.get_or_create(
            name=job.name, defaults={"last_run_at": now - job.every}
        )
        with transaction.atomic():
            record = ScheduledJobRun.objects.select_for_update().get(name=job.name)
            if record.last_run_at + job.every > now:
                continue
            record.last_run_at = now
            record.save(update_fields=["last_run_at"])
        job.run()
        ran.append(job.name)
    return ran
