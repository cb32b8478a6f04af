"""`lde surveys import-xlsform`, `lde surveys export-answers` and `lde surveys demo-link`: the
questionnaires' subcommands of `lde surveys` (registered in its SUBCOMMANDS table).

    lde surveys import-xlsform PARTNERSHIP_ID FILE.xlsx --as EMAIL [--title T] [--protocol ID]
    lde surveys export-answers QUESTIONNAIRE_ID --as EMAIL --out FILE.csv|FILE.xlsx|-
    lde surveys demo-link

They go through the same services, selectors and policies as the pages. A workbook with a bad
row saves nothing and exits non-zero naming each problem's sheet, row and column.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from lde.accounts.models import User
from lde.partnerships import selectors as partnership_selectors
from lde.surveys.datasets.cli import nothing_saved
from lde.surveys.questionnaires import exports, selectors, services
from lde.surveys.questionnaires.demo import demo_link
from lde.surveys.questionnaires.policies import questionnaire_policy

__all__ = ["DemoLinkCommand", "ExportAnswersCommand", "ImportXlsformCommand"]


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"--as: no active person has the email {email!r}")
    return user


def _number(raw: Any, what: str) -> int:
    text = str(raw)
    if not text.isdigit() or len(text) > 18:
        raise CommandError(f"{what}: {text!r} is not a number")
    return int(text)


class ImportXlsformCommand:
    help = (
        "Import a questionnaire from an XLSForm workbook (survey, choices and settings sheets) "
        "into a partnership, as the import page does: all of it, or nothing, naming the sheet, "
        "row and column of each problem."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("partnership_id", help="The partnership's number.")
        parser.add_argument("file", type=Path, help="The XLSForm workbook (.xlsx).")
        parser.add_argument("--as", dest="actor", required=True, help="A coordinator's email.")
        parser.add_argument(
            "--title", default="", help="The questionnaire's title (else the form_title)."
        )
        parser.add_argument(
            "--protocol",
            default="",
            metavar="ID",
            help="The number of the information sharing protocol the answers are collected "
            "under (one in force is needed before a collection opens).",
        )

    def handle(self, command: BaseCommand, **options: Any) -> None:
        user = _user(options["actor"])
        raw_id = _number(options["partnership_id"], "partnership_id")
        try:
            partnership = partnership_selectors.partnership_get(user=user, partnership_id=raw_id)
        except Http404:
            raise CommandError(
                f"partnership_id: partnership {raw_id} does not exist or {user.email} cannot see it"
            ) from None
        protocol = None
        if options["protocol"]:
            protocol_id = _number(options["protocol"], "--protocol")
            protocol = selectors.protocol_choices(user=user).filter(pk=protocol_id).first()
            if protocol is None:
                raise CommandError(
                    f"--protocol: protocol {protocol_id} does not exist, has ended, or "
                    f"{user.email} cannot see it"
                )
        path: Path = options["file"]
        try:
            with path.open("rb") as handle:
                data = handle.read(services.MAX_XLSFORM_BYTES + 1)
        except OSError as error:
            raise CommandError(f"FILE: {path}: {error.strerror}") from None
        try:
            questionnaire = services.questionnaire_import_xlsform(
                actor=user,
                partnership=partnership,
                data=data,
                name=path.name,
                protocol=protocol,
                title=options["title"].strip(),
            )
        except PermissionDenied:
            raise CommandError(
                f"--as: {user.email} may not. {questionnaire_policy.who_can['create']}"
            ) from None
        except services.XlsformRefused as refused:
            said = "\n".join(f"{path.name}: {problem}" for problem in refused.problems)
            raise CommandError(f"Nothing was saved.\n{said}") from None
        except ValidationError as error:
            raise nothing_saved(error, {"file": "FILE"}, prefix="--") from None
        questions = questionnaire.questions.count()
        command.stdout.write(
            f"Imported questionnaire {questionnaire.pk}, {questionnaire.title}: {questions} "
            f"row{'' if questions == 1 else 's'} of the survey sheet."
        )


class ExportAnswersCommand:
    help = (
        "Write a questionnaire's answers by pseudonymous code (one row per response: code, "
        "wave, collection, when, then each question) as CSV or XLSX, as the export page does."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("questionnaire_id", help="The questionnaire's number.")
        parser.add_argument("--as", dest="reader", required=True, help="A coordinator's email.")
        parser.add_argument(
            "--out", required=True, help="FILE.csv or FILE.xlsx, or - for CSV on stdout."
        )

    def handle(self, command: BaseCommand, **options: Any) -> None:
        user = _user(options["reader"])
        raw_id = str(options["questionnaire_id"])
        try:
            questionnaire = selectors.questionnaire_get(user=user, questionnaire_id=raw_id)
        except Http404:
            raise CommandError(
                f"questionnaire_id: questionnaire {raw_id} does not exist or {user.email} "
                "cannot see it"
            ) from None
        if not questionnaire_policy.user_can(user, "export", questionnaire):
            raise CommandError(
                f"--as: {user.email} may not. {questionnaire_policy.who_can['export']}"
            )
        target = str(options["out"])
        fmt = "xlsx" if target.lower().endswith(".xlsx") else "csv"
        if target != "-" and not target.lower().endswith((".csv", ".xlsx")):
            raise CommandError(f"--out: {target!r} must end .csv or .xlsx (or be - for stdout)")
        content, rows = exports.answers_file(questionnaire, fmt)
        if target == "-":
            command.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(target).write_bytes(content)
        except OSError as error:
            raise CommandError(f"--out: cannot write {target}: {error.strerror}") from None
        command.stdout.write(f"Wrote {target}: {rows} response{'' if rows == 1 else 's'}.")


class DemoLinkCommand:
    help = (
        "Print a fresh participant link to the demo's open questionnaire (the parents' pilot "
        "evening), issued as Harrowfield's coordinator: open it in a browser, no sign-in."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        pass

    def handle(self, command: BaseCommand, **options: Any) -> None:
        try:
            command.stdout.write(demo_link())
        except LookupError as error:
            raise CommandError(str(error)) from None
