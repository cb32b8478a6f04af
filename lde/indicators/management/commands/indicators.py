"""lde indicators import-observations INDICATOR_ID FILE --as EMAIL | export-observations
INDICATOR_ID FILE.csv --as EMAIL: an indicator's figures filled from a CSV file or a workbook
(all or nothing, exiting non-zero naming each bad row and column), and written out as CSV in the
same columns. Both act as the person named, under the same policy as the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.indicators import imports, selectors
from lde.indicators.models import Indicator
from lde.indicators.policies import indicator_policy
from lde.programme.imports import MAX_BYTES, ImportRefused


class Command(BaseCommand):
    help = "Indicators: import an indicator's figures from CSV or XLSX, or export them as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import-observations",
            help="Record an indicator's figures from CSV or XLSX (columns period, value or "
            "numerator and denominator, area_code, area_name): every row is checked, and "
            "nothing is saved if any has a problem.",
        )
        load.add_argument("indicator_id", help="The indicator's number.")
        load.add_argument("file", type=Path, help="The CSV file or Excel workbook.")
        load.add_argument(
            "--as",
            dest="reader",
            required=True,
            help="The email of a coordinator, or of a contributor of the reporting organisation.",
        )
        export = sub.add_parser(
            "export-observations",
            help="Write an indicator's figures as CSV, in the columns the import reads.",
        )
        export.add_argument("indicator_id", help="The indicator's number.")
        export.add_argument("file", type=Path, help="Where to write it, FILE.csv (- for stdout).")
        export.add_argument(
            "--as", dest="reader", required=True, help="The email of one of its readers."
        )

    def _user(self, reader: str) -> User:
        user = User.objects.filter(email__iexact=reader.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active person has the email {reader!r}")
        return user

    def _indicator(self, user: User, indicator_id: str, reader: str) -> Indicator:
        if not indicator_id.isdigit() or len(indicator_id) > 18:
            raise CommandError(f"indicator_id: {indicator_id!r} is not an indicator's number")
        try:
            return selectors.indicator_get(user=user, indicator_id=int(indicator_id))
        except Http404:
            raise CommandError(
                f"indicator_id: indicator {indicator_id} does not exist or {reader} cannot see it"
            ) from None

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import-observations":
            self._import(**options)
        else:
            self._export(**options)

    def _export(self, *, indicator_id: str, file: Path, reader: str, **_: Any) -> None:
        user = self._user(reader)
        indicator = self._indicator(user, indicator_id, reader)
        if not selectors.reads_inside(user, indicator):
            raise CommandError(f"--as: {reader} reads only what is published of this indicator")
        body = imports.observations_csv(
            indicator, indicator.observations.order_by("period_start", "area_code", "area_name")
        )
        if str(file) == "-":
            self.stdout.write(body, ending="")
            return
        try:
            file.write_text(body, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"file: cannot write {file}: {error.strerror}") from None
        self.stdout.write(f"Wrote {file} ({body.count(chr(10)) - 1} rows).")

    def _import(self, *, indicator_id: str, file: Path, reader: str, **_: Any) -> None:
        user = self._user(reader)
        indicator = self._indicator(user, indicator_id, reader)
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"file: {file}: {error.strerror}") from error
        try:
            result = imports.observations_import(
                actor=user, indicator=indicator, data=data, name=file.name
            )
        except ImportRefused as refused:
            lines = "\n".join(str(p) for p in refused.problems)
            raise CommandError(
                f"{file.name} has {len(refused.problems)} problem(s); nothing was saved.\n{lines}"
            ) from None
        except PermissionDenied:
            raise CommandError(
                f"--as: {reader} may not record this indicator's figures. "
                f"{indicator_policy.who_can['record']}"
            ) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"Saved {result.rows} figure(s) on indicator {indicator.pk} ({indicator.title}): "
            f"{result.created} new, {result.replaced} replaced."
        )
