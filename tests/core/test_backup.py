"""`lde backup` and `lde restore`: an archive restored into an empty instance gives back every
record and every file as they were, the audit trail verifies afterwards and still catches a
truncated tail, and an archive that was changed, made under another key or at other migrations,
or restored over an instance that holds records, is refused with nothing changed (ADR 0019)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from lde.core import backup
from lde.core.audit.chain import audit_checkpoint_write, audit_record, audit_verify
from lde.core.audit.models import AuditEvent, AuditHead
from lde.what_works import search
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UNCHANGED_BY_RESTORE = {"core.auditevent", "core.audithead"}


def records() -> dict[str, list[dict[str, Any]]]:
    """Every record of every model the archive covers, as the serialiser writes it."""
    return {
        model._meta.label_lower: json.loads(
            backup.serialised(model._base_manager.order_by(model._meta.pk.name))
        )
        for model in backup._models()
    }


def files() -> dict[str, str]:
    root = Path(settings.PRIVATE_FILES_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def emptied() -> None:
    """What a new instance is before anything is put in it: no records, no files."""
    backup.empty_every_table(connection)
    if connection.vendor == "sqlite":
        # The full-text table is not the migrations' to flush; a new instance starts without it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM what_works_entry_fts")
    for name in ("PRIVATE_FILES_ROOT", "AUDIT_CHECKPOINT_DIR"):
        path = Path(getattr(settings, name))
        for item in sorted(path.rglob("*"), reverse=True) if path.exists() else []:
            item.unlink() if item.is_file() else item.rmdir()


def small_world() -> None:
    coordinator = UserFactory()
    partnership = PartnershipFactory()
    for _number in range(3):
        audit_record(actor=coordinator, verb="PARTNERSHIP_UPDATED", target=partnership)
    root = Path(settings.PRIVATE_FILES_ROOT)
    (root / "evidence").mkdir(parents=True, exist_ok=True)
    (root / "evidence" / "minutes.pdf").write_bytes(b"%PDF-1.7 minutes of the board\n")
    (root / "attachments-2026.bin").write_bytes(bytes(range(256)) * 64)
    audit_checkpoint_write()


def test_the_demo_comes_back_whole_and_the_trail_verifies(tmp_path: Path) -> None:
    call_command("demo", stdout=io.StringIO())
    audit_checkpoint_write()
    before, before_files = records(), files()
    head = AuditHead.objects.get()
    assert sum(len(rows) for rows in before.values()) > 1000
    assert before_files, "the demo stores evidence and attachments"

    searched_before = search.matching_ids("Kirklees")
    assert searched_before, "the demo's library holds the report's case studies"
    archive = tmp_path / "demo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    emptied()
    assert not AuditEvent.objects.exists() and files() == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    after = records()
    for label, rows in before.items():
        if label in UNCHANGED_BY_RESTORE:
            continue
        assert after[label] == rows, label
    # The trail is as it was, followed by the restore's own event.
    restored_events = after["core.auditevent"]
    assert restored_events[: len(before["core.auditevent"])] == before["core.auditevent"]
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None and last.verb == "INSTANCE_RESTORED"
    assert last.sequence == head.sequence + 1
    assert files() == before_files
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checkpoint_sequence == last.sequence
    assert f"the restore is audit event #{last.sequence}" in out.getvalue()
    # The library's full-text search, kept in a table the archive does not hold, works again.
    assert search.matching_ids("Kirklees") == searched_before


def test_a_tail_cut_after_a_restore_is_caught(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "small.tar.gz"
    backup.backup_write(archive)
    emptied()
    backup.restore(archive)
    # Cut the restore's own event and rewrite the head to match, as someone hiding it would.
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    previous = AuditEvent.objects.get(sequence=last.sequence - 1)
    AuditEvent.objects.filter(pk=last.pk).delete()
    AuditHead.objects.update(sequence=previous.sequence, hash=previous.hash)
    report = audit_verify()
    assert not report.ok
    assert any("events were removed from the end" in problem for problem in report.problems)


def test_an_older_backup_restores_over_newer_checkpoints_and_verifies(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "older.tar.gz"
    manifest = backup.backup_write(archive)
    user = UserFactory()
    for _number in range(5):
        audit_record(actor=user, verb="PARTNERSHIP_UPDATED")
    newer = audit_checkpoint_write()
    assert newer["sequence"] > manifest["audit_head"]["sequence"]

    report = backup.restore(archive, replace=True)

    assert report.audit_sequence == manifest["audit_head"]["sequence"] + 1
    verified = audit_verify()
    assert verified.ok, verified.problems
    # The newer checkpoints are kept beside, for the record, not deleted.
    kept = [Path(path) for path in report.moved_aside]
    assert any(path.name.startswith("checkpoints.jsonl.before-restore-") for path in kept)
    assert any(
        json.dumps(newer["hash"])[1:-1] in path.read_text() for path in kept if path.is_file()
    )


def test_an_instance_with_records_is_not_replaced_unless_asked(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "b.tar.gz"
    backup.backup_write(archive)
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="already holds records"):
        call_command("restore", str(archive))
    assert AuditEvent.objects.count() == events


def rewritten(archive: Path, into: Path, change: Any) -> Path:
    """A copy of `archive` with its members passed through `change(name, bytes) -> bytes`."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(into, "w:gz") as target:
        for member in source.getmembers():
            stream = source.extractfile(member)
            assert stream is not None
            body = change(member.name, stream.read())
            info = tarfile.TarInfo(member.name)
            info.size = len(body)
            target.addfile(info, io.BytesIO(body))
    return into


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (
            lambda name, body: (
                body.replace(b"minutes", b"MINUTES") if name.endswith("minutes.pdf") else body
            ),
            "does not match the manifest's hash",
        ),
        (
            lambda name, body: (
                body.replace(b'"format": 1', b'"format": 1, "x": 1')
                if name == "manifest.json"
                else body
            ),
            "does not match its MAC",
        ),
    ],
    ids=["a file changed", "the manifest changed"],
)
def test_a_changed_archive_is_refused_and_nothing_changes(
    tmp_path: Path, change: Any, refusal: str
) -> None:
    small_world()
    backup.backup_write(tmp_path / "b.tar.gz")
    archive = rewritten(tmp_path / "b.tar.gz", tmp_path / "changed.tar.gz", change)
    emptied()
    with pytest.raises(backup.RestoreRefused, match=refusal):
        backup.restore(archive)
    assert not AuditEvent.objects.exists() and files() == {}


def test_an_archive_with_an_extra_member_is_refused(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "b.tar.gz"
    backup.backup_write(archive)
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(extra, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("files/planted.txt")
        info.size = 3
        target.addfile(info, io.BytesIO(b"bad"))
    emptied()
    with pytest.raises(backup.RestoreRefused, match=r"does not list: files/planted\.txt"):
        backup.restore(extra)


def test_a_restore_under_another_key_is_refused(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "b.tar.gz"
    backup.backup_write(archive)
    emptied()
    with (
        override_settings(LDE_AUDIT_KEY="another-key-entirely-" + "x" * 40),
        pytest.raises(backup.RestoreRefused, match="LDE_AUDIT_KEY is not the key"),
    ):
        backup.restore(archive)
    assert not AuditEvent.objects.exists()


def test_an_archive_made_at_other_migrations_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_world()
    archive = tmp_path / "b.tar.gz"
    backup.backup_write(archive)
    emptied()
    real = backup._migrations
    monkeypatch.setattr(
        backup, "_migrations", lambda: {**real(), "core": [*real()["core"], "9999_later"]}
    )
    with pytest.raises(backup.RestoreRefused, match="other migrations"):
        backup.restore(archive)
    assert not AuditEvent.objects.exists()


def test_the_archive_holds_no_sessions_and_no_audit_key(tmp_path: Path) -> None:
    small_world()
    archive = tmp_path / "b.tar.gz"
    manifest = backup.backup_write(archive)
    assert "sessions.session" not in manifest["records"]
    with tarfile.open(archive, "r:gz") as opened:
        everything = b"".join(
            stream.read()
            for member in opened.getmembers()
            if (stream := opened.extractfile(member)) is not None
        )
    assert str(settings.LDE_AUDIT_KEY).encode() not in everything


def test_a_missing_archive_exits_non_zero_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))
