"""`lde inspections …`: the inspections app's commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lde.inspections.cli import programme_export_parser_add, programme_export_write
from lde.inspections.learning_cli import report_pdf_parser_add, report_pdf_write


class Command(BaseCommand):
    help = "Inspection programmes: export a programme's sites; write its report as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        programme_export_parser_add(sub)
        report_pdf_parser_add(sub)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "programme-export":
            self.stdout.write(programme_export_write(**options))
        elif action == "report-pdf":
            self.stdout.write(report_pdf_write(**options))
