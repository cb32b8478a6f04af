"""`lde inspections …`: the inspections app's commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lde.inspections.learning_cli import report_pdf_parser_add, report_pdf_write


class Command(BaseCommand):
    help = "Inspection programmes: write a programme's report as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report_pdf_parser_add(sub)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "report-pdf":
            self.stdout.write(report_pdf_write(**options))
