"""lde monitoring export-returns FILE.csv | overdue: the returns made on every agreement, as a
spreadsheet-ready CSV (one row per return and budget line, with what the rules find), and the
list of returns past their due date and not made."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lde.monitoring import selectors
from lde.monitoring.models import Agreement
from lde.monitoring.services import rules_for

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

    def handle(self, *args: Any, action: str, **options: Any) -> None:
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
