"""lde capacity export PARTNERSHIP_ID --as EMAIL [--format json|csv] [--output FILE]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.capacity.exports import FORMATS, capacity_export
from lde.capacity.policies import board_member_policy
from lde.partnerships import selectors as partnership_selectors


class Command(BaseCommand):
    help = "Export a partnership's capacity (board, partners, leadership, training, "
    "relationships), as a named reader may read it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Write the partnership's capacity out as JSON or CSV (one row a record)."
        )
        export.add_argument("partnership_id", help="The partnership's number.")
        export.add_argument(
            "--as",
            dest="reader",
            required=True,
            help="The email of the person reading it: the export holds what they may read.",
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
        if not board_member_policy.user_can_in(user, "view", partnership.pk):
            raise CommandError(
                f"--as: {reader} may not read {partnership.name}'s capacity. "
                + board_member_policy.who_can["view"]
            )
        text = capacity_export(reader=user, partnership=partnership, output_format=output_format)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--output: {output}: {error.strerror}") from error
            self.stdout.write(f"Wrote {partnership.name}'s capacity to {output}")
