"""Backing up an instance and restoring it: the database, the uploaded files and the audit
checkpoints, in one archive with a manifest of hashes (ADR 0019).

An archive holds:

- `manifest.json`: when it was made, the migrations it was made at, the audit chain's head, the
  number of records of each model, and the SHA-256 and size of every other member, with a MAC
  under the audit key so that an archive edited after the fact, or restored under a different
  key, is refused before anything is touched;
- `database.json`: every record of every model the migrations manage, as Django's serialiser
  writes them, with their primary keys (so links between records, and the audit trail's
  references, stay as they were). Sessions are left out: a restored instance signs everyone out;
- `files/…`: the private files (evidence, attachments, briefing products);
- `audit-checkpoints/checkpoints.jsonl`: the checkpoints as they stood.

The audit key is never in the archive: it is kept apart, as the chain's protection depends on it
(a copy of the archive and the key together could rewrite history unseen).

A restore checks everything before it changes anything: the MAC, every member's hash, that no
member is missing or extra, that the code's migrations are the archive's, and that the instance
is empty (or that `replace` was asked for). It then empties the tables and loads the records in
one transaction, checks that the chain's head is the manifest's and that the chain verifies
against the archive's own checkpoints, and only then puts the files and checkpoints in place
(what was there is moved aside, never deleted). Finally it records the restore in the trail and
writes a checkpoint, so the restore itself is on the record and any later truncation is caught.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal
from django.utils import timezone

from lde.core.audit.chain import (
    audit_checkpoint_write,
    audit_record,
    audit_verify,
    canonical_json,
    checkpoint_path,
)
from lde.core.audit.models import AuditEvent, AuditHead

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
FILES = "files"
CHECKPOINTS = "audit-checkpoints"
# Sessions are credentials, not records: carrying them would let a stolen archive sign in.
LEFT_OUT = frozenset({"sessions.session"})
CHUNK = 1024 * 1024


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; an archive keeps them to the microsecond,
    as the database does (and as the audit trail's payloads record them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def serialised(records: Any) -> str:
    """Records as the archive holds them: Django's JSON, times to the microsecond."""
    return serializers.serialize("json", records, cls=ExactEncoder)


# Sent inside the restore's transaction once the records are loaded, for an app that keeps
# something derived from them in a table the migrations do not manage (a full-text index).
restored = Signal()


class RestoreRefused(Exception):
    """The archive cannot be restored here; nothing was changed. The message says why."""


@dataclass(frozen=True)
class RestoreReport:
    records: int
    files: int
    audit_sequence: int
    moved_aside: tuple[str, ...]


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest_mac(manifest: dict[str, Any]) -> str:
    body = canonical_json({name: value for name, value in manifest.items() if name != "mac"})
    key = str(settings.LDE_AUDIT_KEY).encode()
    return hmac.new(key, b"backup\n" + body.encode(), hashlib.sha256).hexdigest()


def _models() -> list[Any]:
    """Every model whose table the migrations manage, in dependency order for loading."""
    return [
        model
        for model in serializers.sort_dependencies(
            [(config, None) for config in apps.get_app_configs()], allow_cycles=True
        )
        if model._meta.label_lower not in LEFT_OUT
        and not model._meta.proxy
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _tree(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(path for path in root.rglob("*") if path.is_file())


def backup_write(destination: Path) -> dict[str, Any]:
    """Write an archive of this instance to `destination` (a .tar.gz) and return its manifest.

    The records are read in one repeatable-read snapshot where the database offers one, so an
    archive never holds a record whose parent was written after its dump began."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    files_root = Path(settings.PRIVATE_FILES_ROOT)
    checkpoints = checkpoint_path()
    members: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=destination.parent) as work:
        database = Path(work) / DATABASE
        counts: dict[str, int] = {}
        connection = connections[DEFAULT_DB_ALIAS]
        # Only a transaction's first statement may set its isolation; inside an outer one (a
        # test's) the outer transaction's snapshot is what is read.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = AuditHead.objects.get()
            with database.open("w", encoding="utf-8") as stream:
                stream.write("[")
                first = True
                for model in _models():
                    queryset = model._base_manager.order_by(model._meta.pk.name)
                    counts[model._meta.label_lower] = 0
                    for chunk in _chunks(queryset):
                        text = serialised(chunk)[1:-1]
                        if not text:
                            continue
                        stream.write(("" if first else ",") + text)
                        first = False
                        counts[model._meta.label_lower] += len(chunk)
                stream.write("]")
            audit_head = {"sequence": head.sequence, "hash": head.hash}
        members[DATABASE] = {"sha256": _digest(database), "size": database.stat().st_size}
        sources: list[tuple[str, Path]] = [(DATABASE, database)]
        for path in _tree(files_root):
            name = str(PurePosixPath(FILES, *path.relative_to(files_root).parts))
            members[name] = {"sha256": _digest(path), "size": path.stat().st_size}
            sources.append((name, path))
        if checkpoints.exists():
            name = f"{CHECKPOINTS}/{checkpoints.name}"
            members[name] = {"sha256": _digest(checkpoints), "size": checkpoints.stat().st_size}
            sources.append((name, checkpoints))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": _migrations(),
            "audit_head": audit_head,
            "records": counts,
            "members": members,
        }
        manifest["mac"] = _manifest_mac(manifest)
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
            for name, path in sources:
                archive.add(path, arcname=name, recursive=False)
        # Renamed into place only when whole, so a full disk or a kill leaves no archive that
        # looks finished.
        os.replace(partial, destination)
    return manifest


def _chunks(queryset: Any, size: int = 2000) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for record in queryset.iterator(chunk_size=size):
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _is_empty() -> bool:
    """An instance that has only what `lde migrate` makes: no events, no accounts."""
    from django.contrib.auth import get_user_model

    return not AuditEvent.objects.exists() and not get_user_model().objects.exists()


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def _unpack(source: Path, into: Path) -> dict[str, Any]:
    """Extract and check the archive: the manifest's MAC, every member's hash and size, nothing
    missing or extra, no name that could land outside `into`."""
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as error:
        raise RestoreRefused(f"{source} is not a backup archive: {error}.") from error
    with archive:
        entries = archive.getmembers()
        names = [entry.name for entry in entries]
        if MANIFEST not in names:
            raise RestoreRefused(f"{source} has no {MANIFEST}: it is not a backup archive.")
        for entry in entries:
            if not entry.isfile() or not _safe_name(entry.name):
                raise RestoreRefused(f"The archive member {entry.name!r} is not a plain file.")
        extracted = archive.extractfile(MANIFEST)
        assert extracted is not None  # a plain file, checked above
        try:
            manifest: dict[str, Any] = json.loads(extracted.read())
        except ValueError as error:
            raise RestoreRefused("The archive's manifest cannot be read.") from error
        if manifest.get("format") != FORMAT:
            raise RestoreRefused(f"The archive is format {manifest.get('format')}, not {FORMAT}.")
        if not hmac.compare_digest(_manifest_mac(manifest), str(manifest.get("mac", ""))):
            raise RestoreRefused(
                "The archive's manifest does not match its MAC: the archive was changed after it "
                "was made, or LDE_AUDIT_KEY is not the key kept with it."
            )
        expected = set(manifest["members"])
        present = set(names) - {MANIFEST}
        if expected - present:
            raise RestoreRefused(
                "The archive is missing " + ", ".join(sorted(expected - present)) + "."
            )
        if present - expected:
            raise RestoreRefused(
                "The archive holds members its manifest does not list: "
                + ", ".join(sorted(present - expected))
                + "."
            )
        for entry in entries:
            if entry.name == MANIFEST:
                continue
            target = into / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            stream = archive.extractfile(entry)
            assert stream is not None
            with target.open("wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            listed = manifest["members"][entry.name]
            if target.stat().st_size != listed["size"] or _digest(target) != listed["sha256"]:
                raise RestoreRefused(f"{entry.name} does not match the manifest's hash.")
    return manifest


def empty_every_table(connection: Any) -> None:
    """Empty every table the migrations manage, resetting their sequences. PostgreSQL will not
    truncate a table with foreign-key checks still pending in the transaction, so they are made
    now, then deferred again for the load."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    statements = sql_flush(no_style(), connection, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _move_aside(path: Path, stamp: str) -> str | None:
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    os.replace(path, aside)
    return str(aside)


def restore(source: Path, *, replace: bool = False) -> RestoreReport:
    """Restore the archive at `source` into this instance (see the module's docstring)."""
    source = Path(source)
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix="restore-") as work:
        unpacked = Path(work)
        manifest = _unpack(source, unpacked)
        if manifest["migrations"] != _migrations():
            raise RestoreRefused(
                "The archive was made at other migrations than this instance's: run the release "
                "it was made with, or migrate this instance to match, before restoring."
            )
        if not replace and not _is_empty():
            raise RestoreRefused(
                "This instance already holds records: restore into an empty instance, or ask to "
                "replace them (lde restore --replace)."
            )
        connection = connections[DEFAULT_DB_ALIAS]
        archived_checkpoints = unpacked / CHECKPOINTS / checkpoint_path().name
        with transaction.atomic():
            empty_every_table(connection)
            call_command("loaddata", str(unpacked / DATABASE), verbosity=0)
            restored.send(sender=None)
            head = AuditHead.objects.get()
            wanted = manifest["audit_head"]
            if head.sequence != wanted["sequence"] or head.hash != wanted["hash"]:
                raise RestoreRefused(
                    f"The restored audit trail ends at #{head.sequence}, not at the manifest's "
                    f"#{wanted['sequence']}."
                )
            report = audit_verify(
                checkpoints=archived_checkpoints if archived_checkpoints.exists() else None
            )
            if not report.ok:
                shown = " ".join(report.problems[:3])
                more = len(report.problems) - 3
                raise RestoreRefused(
                    "The restored audit trail does not verify: "
                    + shown
                    + (f" (and {more} more problems)" if more > 0 else "")
                )
        # The records are in; now the files. What was there is moved aside, not deleted, so a
        # restore over the wrong instance can itself be undone by hand.
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        moved = [
            _move_aside(Path(settings.PRIVATE_FILES_ROOT), stamp),
            _move_aside(checkpoint_path(), stamp),
        ]
        files = unpacked / FILES
        Path(settings.PRIVATE_FILES_ROOT).parent.mkdir(parents=True, exist_ok=True)
        if files.exists():
            os.replace(files, settings.PRIVATE_FILES_ROOT)
        else:
            Path(settings.PRIVATE_FILES_ROOT).mkdir(parents=True, exist_ok=True)
        checkpoint_path().parent.mkdir(parents=True, exist_ok=True)
        if archived_checkpoints.exists():
            os.replace(archived_checkpoints, checkpoint_path())
    audit_record(
        actor=None,
        verb="INSTANCE_RESTORED",
        detail={
            "backup_created_at": manifest["created_at"],
            "backup_audit_sequence": manifest["audit_head"]["sequence"],
            "records": sum(manifest["records"].values()),
        },
    )
    entry = audit_checkpoint_write()
    return RestoreReport(
        records=sum(manifest["records"].values()),
        files=sum(1 for name in manifest["members"] if name.startswith(FILES + "/")),
        audit_sequence=entry["sequence"],
        moved_aside=tuple(path for path in moved if path),
    )
