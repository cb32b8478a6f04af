"""lde what-works search TEXT [--json] | export FILE.csv | load-report

Reads the published library only: the command line speaks for no one signed in, so it sees
what everyone signed in sees and nothing of a partnership's that is not published."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.what_works import scales
from lde.what_works.models import EMMIE, Entry
from lde.what_works.report import REPORT_ENTRIES, report_entries_load
from lde.what_works.selectors import published_entries, published_search

COLUMNS = [
    "id",
    "kind",
    "title",
    "summary",
    "strands",
    "tier",
    "audiences",
    "setting",
    "design",
    "maryland_level",
    "effect_direction",
    *(c for name in EMMIE for c in (name, f"{name}_quality")),
    "source",
    "paragraphs",
    "rated_on",
    "published_on",
]


def row_of(entry: Entry) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": entry.pk,
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "strands": ";".join(entry.strand_list),
        "tier": entry.tier,
        "audiences": ";".join(entry.audience_list),
        "setting": entry.setting,
        "design": entry.design,
        "maryland_level": scales.maryland_level(entry.design),
        "effect_direction": entry.effect_direction,
        "source": entry.source,
        "paragraphs": entry.paragraphs,
        "rated_on": entry.rated_on.isoformat() if entry.rated_on else None,
        "published_on": entry.published_on.isoformat() if entry.published_on else None,
    }
    for name in EMMIE:
        row[name] = getattr(entry, name)
        row[f"{name}_quality"] = getattr(entry, f"{name}_quality")
    return row


def _cell(value: Any) -> Any:
    # A cell a spreadsheet would run as a formula is written as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


class Command(BaseCommand):
    help = "Search and export the published library of what works; load the report's entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        search = sub.add_parser("search", help="Published entries the words find, best first.")
        search.add_argument("text")
        search.add_argument("--json", action="store_true", dest="as_json")
        export = sub.add_parser("export", help="Write the published library to a CSV file.")
        export.add_argument("file", type=Path)
        load = sub.add_parser("load-report", help="Load the report's entries (again, in place).")
        load.add_argument("--file", type=Path, default=REPORT_ENTRIES)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action.replace('-', '_')}")(**options)

    def _search(self, *, text: str, as_json: bool, **_: Any) -> None:
        found = published_search(text)
        if as_json:
            self.stdout.write(json.dumps([row_of(e) for e in found], ensure_ascii=False, indent=2))
            return
        for entry in found:
            level = scales.maryland_level(entry.design)
            where = f"level {level}" if level else "not on the scale"
            self.stdout.write(f"{entry.pk}\t{entry.get_kind_display()}\t{where}\t{entry.title}")
        self.stdout.write(f"{len(found)} found")

    def _export(self, *, file: Path, **_: Any) -> None:
        entries = list(published_entries())
        with file.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            for entry in entries:
                writer.writerow({k: _cell(v) for k, v in row_of(entry).items()})
        self.stdout.write(f"{len(entries)} entries written to {file}")

    def _load_report(self, *, file: Path, **_: Any) -> None:
        try:
            result = report_entries_load(path=file)
        except ValidationError as error:
            problems = (
                [f"{field}: {m}" for field, msgs in error.message_dict.items() for m in msgs]
                if hasattr(error, "error_dict")
                else list(error.messages)
            )
            raise CommandError("Nothing was loaded. " + "; ".join(problems)) from None
        self.stdout.write(f"{result.added} entries added, {result.changed} changed")
