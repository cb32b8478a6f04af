"""Running the background tasks a test queued, as `lde worker` does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.core import mail

from lde.core.management.commands.worker import queued_tasks_run


def tasks_run() -> None:
    """Run every task that is due, in this test's transaction: the worker's own closing of idle
    connections (between tasks) would end that transaction, so it is skipped here."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        queued_tasks_run()


def emails_sent() -> list[mail.EmailMessage]:
    """Run the queued tasks and return every email sent so far in this test."""
    tasks_run()
    return list(mail.outbox)


@contextmanager
def then_tasks_run() -> Iterator[None]:
    """Run the block, then the tasks it queued (the emails it caused, say), as the worker
    would once the block's writes have committed."""
    yield
    tasks_run()
