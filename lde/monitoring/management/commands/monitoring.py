"""lde monitoring export-returns FILE.csv | overdue | import-spend RETURN_ID FILE --as EMAIL: the
returns made on every agreement, as a spreadsheet-ready CSV (one row per return and budget line,
with what the rules find); the list of returns past their due date and not made; and a return's
spend filled from a spend list (CSV or XLSX, all or nothing, exiting non-zero naming each bad
row and column)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from lde.accounts.models import User
from lde.monitoring import imports, selectors
from lde.monitoring.models import Agreement
from lde.monitoring.policies import return_policy
from lde.monitoring.services import rules_for
from lde.programme.imports import MAX_BYTES, ImportRefused

HEADER = [
    "partnership",
    "agreement",
    "organisation",
    "period_start",
    "period_end",
    "due_on",
    "status",
    "line",
    "line_amount",
    "spent_this_period",
    "spent_to_date",
    "flags",
]


def returns_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    agreements = (
        Agreement.objects.exclude(status="draft")
        .select_related("partnership", "organisation")
        .prefetch_related(
            "lines",
            "targets",
            "milestones",
            "returns__spend",
            "returns__outputs",
            "returns__milestones",
        )
        .order_by("partnership__name", "title", "pk")
    )
    rules: dict[int, Any] = {}
    for agreement in agreements:
        if agreement.partnership_id not in rules:
            rules[agreement.partnership_id] = rules_for(agreement.partnership_id)
        for state in selectors.return_states(agreement, rules=rules[agreement.partnership_id]):
            row = state.return_made
            flags = "; ".join(f.words for f in state.flags)
            for spend in state.spend_rows or [{"line": None, "this_period": None, "to_date": ""}]:
                line = spend["line"]
                writer.writerow(
                    [
                        agreement.partnership.name,
                        agreement.title,
                        agreement.organisation.name,
                        row.period_start.isoformat(),
                        row.period_end.isoformat(),
                        row.due_on.isoformat(),
                        row.status,
                        line.heading if line else "",
                        line.amount if line else "",
                        "" if spend["this_period"] is None else spend["this_period"],
                        spend["to_date"],
                        flags,
                    ]
                )
    return out.getvalue()


class Command(BaseCommand):
    help = "Monitoring: export every return as CSV, or list the returns that are overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export-returns",
            help="Write every return on every active or closed agreement as CSV: one row per "
            "return and budget line, with the rules' findings in words.",
        )
        export.add_argument("file", type=Path, help="Where to write it, FILE.csv (- for stdout).")
        sub.add_parser("overdue", help="List the returns past their due date and not submitted.")
        spend = sub.add_parser(
            "import-spend",
            help="Fill a due or sent-back return's spend from CSV or XLSX (columns budget_line "
            "and amount): every row is checked, and nothing is saved if any has a problem.",
        )
        spend.add_argument("return_id", help="The return's number.")
        spend.add_argument("file", type=Path, help="The CSV file or Excel workbook.")
        spend.add_argument(
            "--as",
            dest="reader",
            required=True,
            help="The email of the delivering organisation's applicant, or of a coordinator.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import-spend":
            self._import_spend(**options)
            return
        if action == "overdue":
            today = timezone.localdate()
            late = selectors.overdue_all(today=today)
            for row in late:
                self.stdout.write(
                    f"{row.agreement.partnership.name}: {row.agreement.title} "
                    f"({row.agreement.organisation.name}), return for {row.period_start} to "
                    f"{row.period_end}. Late: due {row.due_on:%-d %B %Y}, not submitted"
                )
            self.stdout.write(f"{len(late)} overdue return{'s' if len(late) != 1 else ''}.")
            return
        body = returns_csv()
        file: Path = options["file"]
        if str(file) == "-":
            self.stdout.write(body, ending="")
            return
        try:
            file.write_text(body, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"file: cannot write {file}: {error.strerror}") from None
        self.stdout.write(f"Wrote {file} ({body.count(chr(10)) - 1} rows).")

    def _import_spend(self, *, return_id: str, file: Path, reader: str, **_: Any) -> None:
        if not return_id.isdigit() or len(return_id) > 18:
            raise CommandError(f"return_id: {return_id!r} is not a return's number")
        user = User.objects.filter(email__iexact=reader.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active person has the email {reader!r}")
        try:
            row = selectors.return_get(user=user, return_id=int(return_id))
        except Http404:
            raise CommandError(
                f"return_id: return {return_id} does not exist or {reader} cannot see it"
            ) from None
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"file: {file}: {error.strerror}") from error
        try:
            result = imports.spend_import(actor=user, return_made=row, data=data, name=file.name)
        except ImportRefused as refused:
            lines = "\n".join(str(p) for p in refused.problems)
            raise CommandError(
                f"{file.name} has {len(refused.problems)} problem(s); nothing was saved.\n{lines}"
            ) from None
        except PermissionDenied:
            raise CommandError(
                f"--as: {reader} may not make this return. {return_policy.who_can['make']}"
            ) from None
        except ValidationError as error:
            said = "; ".join(f"{k}: {', '.join(v)}" for k, v in error.message_dict.items())
            raise CommandError(said) from None
        self.stdout.write(
            f"Saved the spend of {result.rows} row(s), £{result.total:,.2f}, on return "
            f"{row.pk} ({row.agreement.title})."
        )
        for words in result.beyond_tolerance:
            self.stdout.write(
                f"Beyond the tolerance: {words}. Explain the variance before submitting."
            )
