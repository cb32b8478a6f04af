"""lde programme export PARTNERSHIP_ID --as EMAIL [--format json|csv] [--output FILE]
lde programme import PARTNERSHIP_ID FILE --as EMAIL"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.partnerships import selectors as partnership_selectors
from lde.partnerships.models import Partnership
from lde.programme.exports import FORMATS, programme_export
from lde.programme.imports import MAX_BYTES, ImportRefused, programme_import
from lde.programme.policies import KEEP, project_policy


class Command(BaseCommand):
    help = "Export a partnership's programme as a named reader may read it, or import a project "
    "list or allocations (CSV or XLSX, all or nothing) as a named coordinator."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Write the programme out as JSON (portfolio, projects, budget) or CSV."
        )
        export.add_argument("partnership_id", help="The partnership's number.")
        export.add_argument("--as", dest="reader", required=True, help="The reader's email.")
        export.add_argument("--format", dest="output_format", choices=FORMATS, default="json")
        export.add_argument("--output", "-o", type=Path)
        imported = sub.add_parser(
            "import",
            help="Import projects or allocations from CSV or XLSX: every row is checked, and "
            "nothing is saved if any has a problem.",
        )
        imported.add_argument("partnership_id", help="The partnership's number.")
        imported.add_argument("file", type=Path, help="The CSV file or Excel workbook.")
        imported.add_argument("--as", dest="reader", required=True, help="The coordinator's email.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            self._export(**options)
        else:
            self._import(**options)

    def _reader_and_partnership(self, partnership_id: str, reader: str) -> tuple[User, Partnership]:
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
        return user, partnership

    def _export(
        self,
        *,
        partnership_id: str,
        reader: str,
        output_format: str,
        output: Path | None,
        **_: Any,
    ) -> None:
        user, partnership = self._reader_and_partnership(partnership_id, reader)
        if not project_policy.user_can_in(user, "view", partnership.pk):
            raise CommandError(
                f"--as: {reader} may not read {partnership.name}'s programme. "
                + project_policy.who_can["view"]
            )
        text = programme_export(reader=user, partnership=partnership, output_format=output_format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--output: {output}: {error.strerror}") from error
        self.stdout.write(f"Wrote {partnership.name}'s programme to {output}")

    def _import(self, *, partnership_id: str, file: Path, reader: str, **_: Any) -> None:
        user, partnership = self._reader_and_partnership(partnership_id, reader)
        if not project_policy.user_can_in(user, "add", partnership.pk):
            raise CommandError(f"--as: {reader} may not import into {partnership.name}. {KEEP}")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"file: {file}: {error.strerror}") from error
        try:
            result = programme_import(
                actor=user, partnership=partnership, data=data, name=file.name
            )
        except ImportRefused as refused:
            lines = "\n".join(str(p) for p in refused.problems)
            raise CommandError(
                f"{file.name} has {len(refused.problems)} problem(s); nothing was saved.\n{lines}"
            ) from None
        self.stdout.write(
            f"Imported {result.rows} row(s) of {result.kind} into {partnership.name}: "
            f"{result.projects} project(s), {result.funded} funded, "
            f"{result.allocations} allocation(s)."
        )
