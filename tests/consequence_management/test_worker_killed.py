"""A real `lde worker` process, killed with SIGKILL in the middle of a 1,000-recipient cascade and
started again: every recipient gets exactly one message, and nobody who acknowledged gets another.

The worker runs as a separate process on the test's own database (committed rows, so the test
is transactional) under `worker_settings.py`, with the fake Notify kept in a file (`FileNotify`)
that this test reads to count what each recipient was handed. The first worker is told to stop
right after the provider accepts its 400th message and before it can record it
(`LDE_FAKE_NOTIFY_HANG_AFTER`), and is killed there: the worst moment, a message handed over
that the database still holds as "being sent". Runs on SQLite and on PostgreSQL
(`scripts/with-postgres .venv/bin/pytest tests/consequence_management/test_worker_killed.py`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from lde.consequence_management import services, tasks
from lde.consequence_management.models import (
    CascadeRecipient,
    ContactKind,
    KeyContact,
    MessageStatus,
    OutboxMessage,
)
from lde.consequence_management.notify import FileNotify
from tests.consequence_management.builders import TEMPLATE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECIPIENTS = 1000
KILLED_AFTER = 400
ACKNOWLEDGED = 25  # of those already sent, and as many of those not yet sent


@pytest.fixture
def fake_file(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "notify.jsonl")
    with override_settings(
        LDE_NOTIFY_PROVIDER="lde.consequence_management.notify.FileNotify",
        LDE_FAKE_NOTIFY_FILE=path,
    ):
        yield path


def _worker(tmp_path: Path, fake_file: str, name: str, **extra: str) -> subprocess.Popen[bytes]:
    files = tmp_path / "worker-files"
    files.mkdir(exist_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.consequence_management.worker_settings",
        "LDE_TEST_WORKER_DATABASE": str(connection.settings_dict["NAME"]),
        "LDE_FAKE_NOTIFY_FILE": fake_file,
        "LDE_TEST_WORKER_FILES": str(files),
        **extra,
    }
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "lde.cli", "worker", "--interval", "0.2"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(
    what: str, done: Callable[[], bool], worker: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 180
    while not done():
        if worker.poll() is not None:
            pytest.fail(
                f"The worker stopped ({worker.returncode}) before {what}:\n{log.read_text()}"
            )
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"Timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.05)


def _directory(cast: dict[str, Any]) -> None:
    partnership = cast["partnership"]
    today = timezone.localdate()
    KeyContact.objects.bulk_create(
        KeyContact(
            partnership=partnership,
            kind=ContactKind.COMMUNITY,
            organisation=cast["council"],
            role=f"Contact {n + 1}",
            mobile=f"+447700{n:06d}",
            phone=f"0161 496 {n:04d}",
            consented_on=today - timedelta(days=100),
            verified_on=today - timedelta(days=10),
        )
        for n in range(RECIPIENTS)
    )


def _queued_and_sending() -> int:
    return OutboxMessage.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]
    ).count()


def test_a_worker_killed_mid_cascade_resumes_with_each_message_sent_exactly_once(
    cast: dict[str, Any], fake_file: str, tmp_path: Path
) -> None:
    _directory(cast)
    cascade = services.cascade_start(
        actor=cast["coordinator"],
        partnership=cast["partnership"],
        fields=services.CascadeFields(
            title="Exercise Harbour",
            kind="exercise",
            mode="broadcast",
            template=TEMPLATE,
            start_key=services.new_start_key(),
        ),
    )
    assert OutboxMessage.objects.filter(recipient__cascade=cascade).count() == RECIPIENTS

    first = _worker(tmp_path, fake_file, "first", LDE_FAKE_NOTIFY_HANG_AFTER=str(KILLED_AFTER))
    try:
        _wait_for(
            f"the provider to hold {KILLED_AFTER} messages",
            lambda: len(FileNotify.handed(fake_file)) >= KILLED_AFTER,
            first,
            tmp_path / "first.log",
        )
        time.sleep(0.5)  # it is now waiting, the message handed over and not recorded
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL

    # Killed mid-send: the 400th handed over, and its batch (claimed together, recorded together)
    # still "being sent", handed over or not.
    assert len(FileNotify.handed(fake_file)) == KILLED_AFTER
    statuses = Counter(
        OutboxMessage.objects.filter(recipient__cascade=cascade).values_list("status", flat=True)
    )
    assert statuses[MessageStatus.SENT] < KILLED_AFTER
    assert 1 <= statuses[MessageStatus.SENDING] <= services.CLAIM_BATCH
    assert sum(statuses.values()) == RECIPIENTS

    # While no worker runs, some acknowledge: some who had their message, some who had not.
    recipients = CascadeRecipient.objects.filter(cascade=cascade).order_by("pk")
    sent_to = list(recipients.filter(first_sent_at__isnull=False)[:ACKNOWLEDGED])
    not_yet = list(
        recipients.filter(messages__status=MessageStatus.QUEUED).order_by("-pk")[:ACKNOWLEDGED]
    )
    for recipient in [*sent_to, *not_yet]:
        services.ack_by_link(token=services.ack_token(recipient))

    # The recovery job, run as the worker's periodic job runs it, once the claim is stale.
    resumed = tasks.cascades_resume(
        now=timezone.now() + services.STALE_SENDING + timedelta(seconds=1)
    )
    assert resumed == [cascade.pk]
    assert OutboxMessage.objects.filter(status=MessageStatus.SENDING).count() == 0

    second = _worker(tmp_path, fake_file, "second")
    try:
        _wait_for(
            "the cascade to be handed over",
            lambda: _queued_and_sending() == 0,
            second,
            tmp_path / "second.log",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait(timeout=30)

    per_reference = Counter(record["reference"] for record in FileNotify.handed(fake_file))
    assert max(per_reference.values()) == 1, "a message was sent twice"
    got = Counter(
        recipient_id
        for recipient_id, key in OutboxMessage.objects.filter(
            recipient__cascade=cascade
        ).values_list("recipient_id", "key")
        if per_reference.get(key)
    )
    acknowledged_first = {r.pk for r in not_yet}
    for recipient_id in recipients.values_list("pk", flat=True):
        expected = 0 if recipient_id in acknowledged_first else 1
        assert got[recipient_id] == expected, (recipient_id, got[recipient_id])
    assert sum(per_reference.values()) == RECIPIENTS - ACKNOWLEDGED
    statuses = Counter(
        OutboxMessage.objects.filter(recipient__cascade=cascade).values_list("status", flat=True)
    )
    assert statuses == {
        MessageStatus.SENT: RECIPIENTS - ACKNOWLEDGED,
        MessageStatus.WITHHELD: ACKNOWLEDGED,
    }
