"""The command line's part of the cross-site learning: `lde inspections report-pdf PROGRAMME_ID
--as EMAIL --out FILE.pdf` writes the programme report as the person named would read it (the
same selectors and policies as the page: a programme they may not read is refused, naming it).

The `inspections` command adds this subcommand with `report_pdf_parser_add` and runs it with
`report_pdf_write`, so that the two halves of the app share one command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.http import Http404

from lde.accounts.models import User
from lde.inspections import learning_report as report
from lde.inspections import learning_selectors as selectors


def report_pdf_parser_add(sub: Any) -> None:
    parser = sub.add_parser(
        "report-pdf", help="Write a programme's report as a PDF, as the person named reads it."
    )
    parser.add_argument("programme_id")
    parser.add_argument("--as", dest="email", required=True, help="The reader's email address.")
    parser.add_argument("--out", dest="out", type=Path, required=True, help="The PDF to write.")


def report_pdf_write(*, programme_id: str, email: str, out: Path, **_: Any) -> str:
    reader = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if reader is None:
        raise CommandError(f"--as: no one with an active account has the email address {email}")
    try:
        programme = selectors.programme_for_learning(user=reader, programme_id=programme_id)
    except Http404:
        raise CommandError(
            f"PROGRAMME_ID: programme {programme_id} does not exist or {email} may not read its "
            "report"
        ) from None
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"--out: {out} must be a .pdf file")
    data = report.report_pdf(report.report_read(user=reader, programme=programme))
    out.write_bytes(data)
    return f"The report of {programme.title} ({len(data):,} bytes) was written to {out}"
