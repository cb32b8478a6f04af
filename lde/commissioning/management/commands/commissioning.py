"""lde commissioning export-360giving FILE.json [--xlsx]: the public register as 360Giving data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.commissioning import exports


class Command(BaseCommand):
    help = "Commissioning: write the register of awards as 360Giving data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export-360giving",
            help="Write every award as a 360Giving package (validated against the official "
            "schema), or as the standard's spreadsheet with --xlsx.",
        )
        export.add_argument("file", type=Path, help="Where to write it, FILE.json or FILE.xlsx.")
        export.add_argument("--xlsx", action="store_true", help="Write the spreadsheet instead.")

    def handle(self, *args: Any, action: str, file: Path, xlsx: bool, **options: Any) -> None:
        try:
            body = (exports.feed_xlsx if xlsx else exports.feed_json)(exports.awards())
        except exports.ExportRefused as refused:
            raise CommandError(str(refused)) from None
        try:
            file.write_bytes(body)
        except OSError as error:
            raise CommandError(f"file: cannot write {file}: {error.strerror}") from None
        self.stdout.write(f"Wrote {file} ({len(body):,} bytes), valid 360Giving data.")
