"""Appending to the audit trail, checkpointing its head, and verifying it.

Each event's hash is HMAC-SHA256(key, previous hash + newline + canonical payload). The key lives
outside the database (LDE_AUDIT_KEY), so someone who can rewrite rows cannot recompute a chain
that verifies. A checkpoint copies the head to a file outside the database, so a truncated tail
is caught even if the head row was rewritten to match. Checkpoints are written after every
hundredth event and hourly by the worker, so at most a hundred events, and no more than about an
hour's worth while the worker runs, can be cut from the end unseen.

Every column of an event is covered: the payload and the links are the chain itself, and every
other column repeats a payload field that verification compares it with (`_FROM_PAYLOAD`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from lde.core.access.facts import AnyUser
from lde.core.audit.models import AuditEvent, AuditHead, AuditScope
from lde.core.middleware import current_request_id

GENESIS_HASH = "0" * 64

# The append that brings the chain to a multiple of this writes a checkpoint once it commits, so a
# busy hour cannot leave more than this many events unprotected against a truncated tail.
CHECKPOINT_EVERY_EVENTS = 100


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _key() -> bytes:
    return str(settings.LDE_AUDIT_KEY).encode()


def chain_hash(previous_hash: str, payload: str) -> str:
    return hmac.new(_key(), f"{previous_hash}\n{payload}".encode(), hashlib.sha256).hexdigest()


def value_digest(value: Any) -> str:
    """A keyed hash of a changed value: the trail records that a field changed, never what it
    says. Keyed, so that short values (a role, a date) cannot be guessed by hashing candidates."""
    message = canonical_json(_plain(value)).encode()
    return hmac.new(_key(), b"value\n" + message, hashlib.sha256).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _locked_head() -> AuditHead:
    """The head row, locked. A database with no events and no head (one freshly flushed) gets
    its genesis head; a head missing beside existing events is tampering, and appending stops."""
    head = AuditHead.objects.select_for_update().first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        raise RuntimeError("The audit chain's head row is missing: run `lde audit verify`.")
    return AuditHead.objects.create(sequence=0, hash=GENESIS_HASH)


def audit_record(
    *,
    actor: AnyUser | None,
    verb: str,
    target: models.Model | None = None,
    scope: str = AuditScope.SITE,
    partnership_id: int | None = None,
    organisation_id: int | None = None,
    changes: Mapping[str, Any] | Iterable[str] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event under the head's lock.

    `changes` maps field names to their new values (only a hash of each is kept) or lists the
    names alone. `detail` is for identifiers and counts, never for marked text.
    """
    if isinstance(changes, Mapping):
        changed = {name: value_digest(value) for name, value in sorted(changes.items())}
    else:
        changed = dict.fromkeys(sorted(changes or []), "")
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = str(getattr(actor, "email", "") or "") if actor is not None else "system"
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    with transaction.atomic():
        head = _locked_head()
        sequence = head.sequence + 1
        occurred_at = timezone.now()
        body = {
            "sequence": sequence,
            "occurred_at": occurred_at.isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "verb": verb,
            "target_type": target_type,
            "target_id": target_id,
            "scope": str(scope),
            "partnership_id": partnership_id,
            "organisation_id": organisation_id,
            "request_id": current_request_id(),
            "changes": changed,
            "detail": _plain(dict(detail or {})),
        }
        payload = canonical_json(body)
        digest = chain_hash(head.hash, payload)
        event = AuditEvent.objects.create(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            verb=verb,
            target_type=target_type,
            target_id=target_id,
            scope=str(scope),
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            request_id=body["request_id"],
            payload=payload,
            previous_hash=head.hash,
            hash=digest,
        )
        head.sequence = sequence
        head.hash = digest
        head.save(update_fields=["sequence", "hash"])
        if sequence % CHECKPOINT_EVERY_EVENTS == 0:
            # After commit: a checkpoint of a head that is then rolled back would make verify
            # report a truncated tail that never existed. If the caller's transaction fails, the
            # next append reuses this sequence number and schedules the checkpoint again. Robust,
            # because the write has already committed: a checkpoint that cannot be written is
            # logged rather than failing the request, and the hourly job writes the next one.
            transaction.on_commit(audit_checkpoint_write, robust=True)
    return event


# Every column of AuditEvent except the primary key and the chain's own columns (payload,
# previous_hash, hash) repeats a payload field, and verify compares each with the payload: the
# pages filter on scope and partnership_id and show occurred_at, so none may drift from what was
# hashed. The hash format is unchanged (the payload always held all of these), so chains written
# before occurred_at was compared verify as they are, with no version field or re-chaining.
# A test edits every concrete column in turn, taken from the model's _meta, so a new column that
# is neither listed here nor part of the chain fails it.
_FROM_PAYLOAD = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "scope",
    "partnership_id",
    "organisation_id",
    "request_id",
)


@dataclass
class VerifyReport:
    events: int = 0
    head_sequence: int = 0
    checkpoint_sequence: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / "checkpoints.jsonl"


def _checkpoint_mac(sequence: int, digest: str, written_at: str) -> str:
    message = f"checkpoint\n{sequence}\n{digest}\n{written_at}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def audit_checkpoint_write() -> dict[str, Any]:
    """Copy the head to the checkpoint file, outside the database."""
    head = AuditHead.objects.get()
    written_at = timezone.now().isoformat()
    entry = {
        "sequence": head.sequence,
        "hash": head.hash,
        "written_at": written_at,
        "mac": _checkpoint_mac(head.sequence, head.hash, written_at),
    }
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write() on a file opened for appending, so lines from several processes (web workers
    # checkpointing after their hundredth event, the worker's hourly job) never interleave.
    # The mode is left to the umask, as before: the web and worker processes both append here.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(descriptor, (canonical_json(entry) + "\n").encode())
    finally:
        os.close(descriptor)
    return entry


def _last_checkpoint(report: VerifyReport, path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        entry: dict[str, Any] = json.loads(lines[-1])
        expected = _checkpoint_mac(entry["sequence"], entry["hash"], entry["written_at"])
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"The last checkpoint in {path} cannot be read.")
        return None
    if not hmac.compare_digest(expected, str(entry.get("mac", ""))):
        report.problems.append(f"The last checkpoint in {path} was not written with this key.")
        return None
    return entry


def _payload_value(body: dict[str, Any], name: str) -> Any:
    """The payload's value for a column, as the column holds it."""
    value = body.get(name)
    if name == "occurred_at":
        # Compared as instants, not text: the column reads back in UTC with or without
        # microseconds, and either way the same moment is not an edit.
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return value


def audit_verify(*, batch_size: int = 2000, checkpoints: Path | None = None) -> VerifyReport:
    """Recompute the whole chain and compare its end with the head row and the last checkpoint
    (of the instance's checkpoint file, or of `checkpoints`: a restore checks the records it
    loaded against the checkpoints in the archive before putting them in place)."""
    report = VerifyReport()
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    hashes_by_sequence: dict[int, str] = {}
    checkpoint = _last_checkpoint(report, checkpoints or checkpoint_path())
    wanted = checkpoint["sequence"] if checkpoint else None
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        report.events += 1
        if event.sequence != expected_sequence:
            report.problems.append(
                f"Event #{expected_sequence} is missing (the next present is #{event.sequence})."
            )
            expected_sequence = event.sequence
        if event.previous_hash != previous_hash:
            report.problems.append(f"Event #{event.sequence} does not follow the event before it.")
        if not hmac.compare_digest(chain_hash(event.previous_hash, event.payload), event.hash):
            report.problems.append(
                f"Event #{event.sequence} does not match its hash: it was edited, or the chain "
                "was recomputed without the audit key."
            )
        try:
            body = json.loads(event.payload)
        except ValueError:
            body = None
        if not isinstance(body, dict) or canonical_json(body) != event.payload:
            report.problems.append(f"Event #{event.sequence} has a payload that is not canonical.")
        else:
            mismatched = [
                name for name in _FROM_PAYLOAD if _payload_value(body, name) != getattr(event, name)
            ]
            if mismatched:
                report.problems.append(
                    f"Event #{event.sequence} has columns that disagree with its payload: "
                    + ", ".join(mismatched)
                    + "."
                )
        if wanted is not None and event.sequence == wanted:
            hashes_by_sequence[event.sequence] = event.hash
        previous_hash = event.hash
        expected_sequence = event.sequence + 1
    head = AuditHead.objects.first()
    if head is None:
        report.problems.append("The chain's head row is missing: it was deleted.")
        return report
    report.head_sequence = head.sequence
    if head.sequence != expected_sequence - 1 or head.hash != previous_hash:
        report.problems.append(
            f"The chain ends at #{expected_sequence - 1} but its head row says #{head.sequence}: "
            "events were removed from the end, or the head was rewritten."
        )
    if checkpoint is not None:
        report.checkpoint_sequence = checkpoint["sequence"]
        if checkpoint["sequence"] > expected_sequence - 1:
            report.problems.append(
                f"The last checkpoint saw event #{checkpoint['sequence']}, but the chain ends at "
                f"#{expected_sequence - 1}: events were removed from the end."
            )
        elif checkpoint["sequence"] > 0 and (
            hashes_by_sequence.get(checkpoint["sequence"]) != checkpoint["hash"]
        ):
            report.problems.append(
                f"Event #{checkpoint['sequence']} no longer matches the last checkpoint."
            )
    return report
