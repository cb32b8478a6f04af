"""lde audit verify | lde audit checkpoint"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.core.audit.chain import audit_checkpoint_write, audit_verify, checkpoint_path


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or write a checkpoint of its head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "checkpoint":
            entry = audit_checkpoint_write()
            self.stdout.write(
                f"Checkpoint written at event #{entry['sequence']} to {checkpoint_path()}"
            )
            return
        report = audit_verify()
        if report.ok:
            where = (
                f", matching the checkpoint at #{report.checkpoint_sequence}"
                if report.checkpoint_sequence is not None
                else ", no checkpoint yet"
            )
            self.stdout.write(
                self.style.SUCCESS(f"Audit trail verified: {report.events} events{where}.")
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(f"Audit trail failed verification: {len(report.problems)} problem(s).")
