"""lde narratives export PARTNERSHIP_ID --as EMAIL [--version N] [--format json|csv|md]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.narratives import selectors
from lde.narratives.exports import FORMATS, version_export
from lde.partnerships import selectors as partnership_selectors


class Command(BaseCommand):
    help = "Export a partnership's local narrative, as a named reader may read it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Write a version out as JSON, CSV (one row a section) or Markdown."
        )
        export.add_argument("partnership_id", help="The partnership's number.")
        export.add_argument(
            "--as",
            dest="reader",
            required=True,
            help="The email of the person reading it: the export holds what they may read.",
        )
        export.add_argument(
            "--version", dest="number", help="The version number (the latest you may read if not)."
        )
        export.add_argument("--format", dest="output_format", choices=FORMATS, default="json")
        export.add_argument("--output", "-o", type=Path)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self._export(**options)

    def _export(
        self,
        *,
        partnership_id: str,
        reader: str,
        number: str | None,
        output_format: str,
        output: Path | None,
        **_: Any,
    ) -> None:
        if not partnership_id.isdigit() or len(partnership_id) > 18:
            raise CommandError(f"partnership_id: {partnership_id!r} is not a partnership's number")
        user = User.objects.filter(email__iexact=reader.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active person has the email {reader!r}")
        try:
            partnership = partnership_selectors.partnership_get(
                user=user, partnership_id=int(partnership_id)
            )
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {partnership_id} does not exist or {reader} "
                "cannot see it"
            ) from None
        versions = selectors.version_list(user=user, partnership=partnership)
        if number is not None:
            if not number.isdigit() or len(number) > 9:
                raise CommandError(f"--version: {number!r} is not a version number")
            versions = versions.filter(number=int(number))
        found = versions.first()
        if found is None:
            raise CommandError(
                f"--version: {partnership.name} has no version {number} that {reader} may read"
                if number
                else f"partnership_id: {partnership.name} has no version {reader} may read"
            )
        version = selectors.version_get(user=user, version_id=found.pk)
        text = version_export(version=version, reader=user, output_format=output_format)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote version {version.number} to {output}")
