"""The audit trail: appends, verification, and each kind of tampering caught."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from lde.core.audit.chain import (
    GENESIS_HASH,
    audit_checkpoint_write,
    audit_record,
    audit_verify,
    canonical_json,
    value_digest,
)
from lde.core.audit.models import AuditEvent, AuditHead
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _chain_of(n: int) -> list[AuditEvent]:
    actor = UserFactory()
    return [
        audit_record(actor=actor, verb="THING_CHANGED", changes={"title": f"value {i}"})
        for i in range(n)
    ]


def test_appends_link_each_event_to_the_one_before() -> None:
    events = _chain_of(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    head = AuditHead.objects.get()
    assert (head.sequence, head.hash) == (3, events[2].hash)
    assert audit_verify().problems == []


def test_payload_keeps_field_names_and_hashes_never_values() -> None:
    event = _chain_of(1)[0]
    body = json.loads(event.payload)
    assert body["changes"] == {"title": value_digest("value 0")}
    assert value_digest("value 0") != hashlib.sha256(b'"value 0"').hexdigest()  # keyed
    assert "value 0" not in event.payload
    assert canonical_json(body) == event.payload


def test_an_edited_row_is_caught() -> None:
    events = _chain_of(4)
    AuditEvent.objects.filter(pk=events[1].pk).update(
        payload=events[1].payload.replace("THING_CHANGED", "THING_VIEWED")
    )
    problems = audit_verify().problems
    assert any("#2 does not match its hash" in p for p in problems)


def test_an_edited_column_that_disagrees_with_its_payload_is_caught() -> None:
    events = _chain_of(2)
    AuditEvent.objects.filter(pk=events[0].pk).update(verb="SOMETHING_ELSE")
    problems = audit_verify().problems
    assert problems == ["Event #1 has columns that disagree with its payload: verb."]


def test_a_deleted_middle_row_is_caught() -> None:
    events = _chain_of(5)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    problems = audit_verify().problems
    assert "Event #3 is missing (the next present is #4)." in problems
    assert "Event #4 does not follow the event before it." in problems


def test_a_deleted_last_row_is_caught_by_the_head() -> None:
    events = _chain_of(3)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    problems = audit_verify().problems
    assert len(problems) == 1
    assert problems[0].startswith("The chain ends at #2 but its head row says #3")


def test_a_truncated_tail_with_a_rewritten_head_is_caught_by_the_checkpoint() -> None:
    events = _chain_of(3)
    audit_checkpoint_write()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    AuditHead.objects.update(sequence=2, hash=events[1].hash)
    problems = audit_verify().problems
    assert problems == [
        "The last checkpoint saw event #3, but the chain ends at #2: events were removed "
        "from the end."
    ]


def test_a_chain_recomputed_without_the_key_is_caught() -> None:
    _chain_of(3)
    previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence"):
        forged = hashlib.sha256(f"{previous}\n{event.payload}".encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(previous_hash=previous, hash=forged)
        previous = forged
    AuditHead.objects.update(hash=previous)
    problems = audit_verify().problems
    assert [p.split(" does ")[0] for p in problems] == ["Event #1", "Event #2", "Event #3"]


def test_lde_audit_verify_exits_non_zero_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    events = _chain_of(2)
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    assert "Audit trail verified: 2 events, matching the checkpoint at #2." in (
        capsys.readouterr().out
    )
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    """Eight threads, each with its own connection, append at once; the chain stays linear."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.fail("Concurrent writers need a file database")
    actor = UserFactory()
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                audit_record(actor=actor, verb="CONCURRENT_WRITE", detail={"writer": n, "i": i})
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 81))
    assert audit_verify().problems == []


def test_a_deleted_head_row_is_reported_not_crashed_on() -> None:
    _chain_of(2)
    AuditHead.objects.all().delete()
    assert audit_verify().problems == ["The chain's head row is missing: it was deleted."]


def test_the_worker_runs_a_daily_job_once_a_day() -> None:
    from lde.core import tasks  # noqa: F401 - registers the audit checkpoint job
    from lde.core.audit.chain import checkpoint_path
    from lde.core.scheduler import run_due_jobs

    assert "audit-checkpoint" in run_due_jobs()
    assert "audit-checkpoint" not in run_due_jobs()
    assert checkpoint_path().exists()
