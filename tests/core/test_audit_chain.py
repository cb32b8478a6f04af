"""The audit trail: appends, verification, and each kind of tampering caught."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, models, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from lde.core.audit.chain import (
    GENESIS_HASH,
    audit_checkpoint_write,
    audit_record,
    audit_verify,
    canonical_json,
    checkpoint_path,
    value_digest,
)
from lde.core.audit.models import AuditEvent, AuditHead, AuditScope
from lde.core.middleware import RequestIdMiddleware
from lde.core.scheduler import ScheduledJobRun, jobs, run_due_jobs
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


# Serialized: what the migrations wrote is kept, and put back after it (see tests/conftest.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
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


def _checkpoints() -> list[tuple[int, str]]:
    if not checkpoint_path().exists():
        return []
    lines = checkpoint_path().read_text(encoding="utf-8").splitlines()
    return [(entry["sequence"], entry["hash"]) for entry in map(json.loads, lines)]


def _recorded_in_a_request(**kwargs: Any) -> AuditEvent:
    """An event recorded while a request is served, so that it carries a request id."""
    recorded: list[AuditEvent] = []

    def view(request: HttpRequest) -> HttpResponse:
        recorded.append(audit_record(**kwargs))
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/"))
    return recorded[0]


def _edited(field: models.Field[Any, Any], value: Any) -> Any:
    """A different value of the same kind and length, as someone editing the row might write."""
    kind = field.get_internal_type()
    if kind in {"CharField", "TextField"}:
        return value[:-1] + ("1" if value[-1:] == "0" else "0")
    if kind in {"BigIntegerField", "PositiveBigIntegerField", "IntegerField"}:
        return (value or 0) + 1000
    if kind == "DateTimeField":
        return value + timedelta(seconds=1)
    raise AssertionError(f"Say how to edit a {kind} column ({field.name}) in this test.")


_EDITABLE_COLUMNS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
_HASH_MISMATCH = (
    "Event #2 does not match its hash: it was edited, or the chain was recomputed without the "
    "audit key."
)
# What verify says when a column of the chain itself is edited on event #2 of 3; every other
# column repeats a payload field and must be reported as disagreeing with it.
_CHAIN_COLUMN_PROBLEMS = {
    "sequence": [
        "Event #2 is missing (the next present is #3).",
        "Event #3 does not follow the event before it.",
        "Event #4 is missing (the next present is #1002).",
        "Event #1002 does not follow the event before it.",
        "Event #1002 has columns that disagree with its payload: sequence.",
        "The chain ends at #1002 but its head row says #3: events were removed from the end, or "
        "the head was rewritten.",
    ],
    "payload": [_HASH_MISMATCH, "Event #2 has a payload that is not canonical."],
    "previous_hash": ["Event #2 does not follow the event before it.", _HASH_MISMATCH],
    "hash": [_HASH_MISMATCH, "Event #3 does not follow the event before it."],
}


def test_every_column_is_covered_by_an_expectation() -> None:
    names = {field.name for field in _EDITABLE_COLUMNS}
    assert set(_CHAIN_COLUMN_PROBLEMS) <= names
    assert {"occurred_at", "scope", "partnership_id", "actor_label"} <= names


@pytest.mark.parametrize("field", _EDITABLE_COLUMNS, ids=lambda field: field.name)
def test_an_edit_of_any_column_fails_verification(field: models.Field[Any, Any]) -> None:
    """Every column but the primary key is edited in turn, as a raw UPDATE would: the pages show
    and filter on these columns, so none of them may change without verify saying so."""
    actor = UserFactory()
    audit_record(actor=actor, verb="THING_CHANGED")
    middle = _recorded_in_a_request(
        actor=actor,
        verb="THING_CHANGED",
        target=actor,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=7,
        organisation_id=8,
        changes={"title": "new title"},
        detail={"count": 2},
    )
    audit_record(actor=actor, verb="THING_CHANGED")
    audit_checkpoint_write()
    assert [f.name for f in _EDITABLE_COLUMNS if getattr(middle, f.attname) in (None, "")] == []
    assert audit_verify().problems == []

    value = getattr(middle, field.attname)
    AuditEvent.objects.filter(pk=middle.pk).update(**{field.attname: _edited(field, value)})

    report = audit_verify()
    assert report.problems == _CHAIN_COLUMN_PROBLEMS.get(
        field.name, [f"Event #2 has columns that disagree with its payload: {field.name}."]
    )
    with pytest.raises(CommandError, match="failed verification") as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1  # the exit status `lde audit verify` ends with


def test_an_unchanged_time_read_back_from_the_database_verifies() -> None:
    event = _chain_of(1)[0]
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == event.occurred_at
    assert json.loads(stored.payload)["occurred_at"] == event.occurred_at.isoformat()
    assert audit_verify().problems == []


def test_the_hundredth_event_writes_a_checkpoint_once_it_commits(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        events = _chain_of(99)
    assert _checkpoints() == []

    with django_capture_on_commit_callbacks(execute=True):
        events += _chain_of(1)
    assert _checkpoints() == [(100, events[99].hash)]

    with django_capture_on_commit_callbacks(execute=True):
        events += _chain_of(99)
    assert _checkpoints() == [(100, events[99].hash)]

    with django_capture_on_commit_callbacks(execute=True):
        events += _chain_of(1)
    assert _checkpoints() == [(100, events[99].hash), (200, events[199].hash)]
    report = audit_verify()
    assert (report.problems, report.checkpoint_sequence) == ([], 200)


def test_a_rolled_back_hundredth_event_writes_no_checkpoint(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A checkpoint of a head that was rolled back would later read as a truncated tail."""
    actor = UserFactory()
    _chain_of(99)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="the write failed"),
        transaction.atomic(),
    ):
        audit_record(actor=actor, verb="THING_CHANGED")
        raise RuntimeError("the write failed")
    assert _checkpoints() == []
    assert AuditHead.objects.get().sequence == 99

    with django_capture_on_commit_callbacks(execute=True):
        hundredth = audit_record(actor=actor, verb="THING_CHANGED")
    assert hundredth.sequence == 100
    assert _checkpoints() == [(100, hundredth.hash)]
    assert audit_verify().problems == []


def test_the_worker_writes_a_checkpoint_every_hour() -> None:
    from lde.core import tasks  # noqa: F401 - registers the audit checkpoint job

    job = next(job for job in jobs() if job.name == "audit-checkpoint")
    assert job.every == timedelta(hours=1)
    events = _chain_of(2)

    assert "audit-checkpoint" in run_due_jobs()
    assert "audit-checkpoint" not in run_due_jobs()
    assert _checkpoints()[-1] == (2, events[1].hash)
    runs = ScheduledJobRun.objects.filter(name="audit-checkpoint")

    runs.update(last_run_at=models.F("last_run_at") - timedelta(minutes=59))
    assert "audit-checkpoint" not in run_due_jobs()
    runs.update(last_run_at=models.F("last_run_at") - timedelta(minutes=1))
    assert "audit-checkpoint" in run_due_jobs()
    assert len(_checkpoints()) == 2
