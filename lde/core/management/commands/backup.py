"""lde backup FILE.tar.gz: the database, the uploaded files and the audit checkpoints in one
archive with a manifest of hashes (lde/core/backup.py). The audit key is not in it: keep the
key apart from the archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lde.core.backup import backup_write


class Command(BaseCommand):
    help = "Back up the database, uploaded files and audit checkpoints to one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="where to write the .tar.gz archive")

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        manifest = backup_write(archive)
        records = sum(manifest["records"].values())
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {records} records, {files} files and the audit trail to "
                f"#{manifest['audit_head']['sequence']} in {archive}. Keep LDE_AUDIT_KEY apart "
                "from it: a restore needs the same key."
            )
        )
