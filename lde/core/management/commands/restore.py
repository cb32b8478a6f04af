"""lde restore FILE.tar.gz [--replace]: restore an archive made by `lde backup` into this
instance. Everything is checked before anything changes (lde/core/backup.py); an instance that
already holds records is refused unless --replace is given, and what it held in files and
checkpoints is moved aside, not deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.core.backup import RestoreRefused, restore


class Command(BaseCommand):
    help = "Restore a backup archive made by lde backup (checked before anything changes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the records this instance holds (they are not kept; files are moved "
            "aside)",
        )

    def handle(self, *args: Any, archive: Path, replace: bool, **options: Any) -> None:
        try:
            report = restore(archive, replace=replace)
        except RestoreRefused as refusal:
            raise CommandError(f"Nothing was restored: {refusal}") from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.records} records and {report.files} files; the restore is "
                f"audit event #{report.audit_sequence}."
            )
        )
        for path in report.moved_aside:
            self.stdout.write(f"What was there before is kept at {path}.")
