"""lde assessment-workbook export|import ASSESSMENT_ID FILE --as EMAIL

Offline completion from the command line, as the named person: the same workbook the
assessment's "Complete it offline" page gives, and the same all-or-nothing import. A bad workbook
prints each problem with its row and column and exits non-zero, having changed nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lde.accounts.models import User
from lde.assessments import selectors
from lde.assessments.models import Assessment
from lde.assessments.workbook import MAX_WORKBOOK_BYTES, workbook_export, workbook_import
from lde.core.access.policy import PermissionDenied403


class Command(BaseCommand):
    help = "Export an assessment as an Excel workbook to complete offline, or import one back."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action, text in (
            ("export", "Write the workbook for ASSESSMENT_ID to FILE."),
            ("import", "Check every row of FILE and save all of it, or nothing."),
        ):
            command = sub.add_parser(action, help=text)
            command.add_argument("assessment_id", type=int)
            command.add_argument("file", type=Path)
            command.add_argument(
                "--as",
                dest="email",
                required=True,
                help="The email address of the person acting: what they may see and rate applies.",
            )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        user = self._user(options["email"])
        assessment = self._assessment(user, options["assessment_id"])
        path: Path = options["file"]
        try:
            if action == "export":
                self._export(user, assessment, path)
            else:
                self._import(user, assessment, path)
        except PermissionDenied403 as refusal:
            raise CommandError(refusal.who_can or refusal.message) from refusal

    def _user(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email address {email}.")
        return user

    def _assessment(self, user: User, assessment_id: int) -> Assessment:
        try:
            return selectors.assessment_get(user=user, assessment_id=assessment_id)
        except Http404 as error:
            # As on the pages: missing and not visible to this person look the same.
            raise CommandError(
                f"There is no assessment {assessment_id} that {user.email} may see."
            ) from error

    def _export(self, user: User, assessment: Assessment, path: Path) -> None:
        data = workbook_export(actor=user, assessment=assessment)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {path} ({len(data):,} bytes) for {assessment.title}.")

    def _import(self, user: User, assessment: Assessment, path: Path) -> None:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_WORKBOOK_BYTES + 1)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        result = workbook_import(actor=user, assessment=assessment, data=data, file_name=path.name)
        if not result.accepted:
            for problem in result.problems:
                self.stderr.write(f"{path}: {problem} [{problem.field}]")
            raise CommandError(f"{len(result.problems)} problem(s): nothing was changed.")
        count = len(result.changed)
        self.stdout.write(
            f"{count} criteri{'on' if count == 1 else 'a'} changed in {assessment.title}"
            + (f": {', '.join(result.changed)}." if count else ".")
        )
