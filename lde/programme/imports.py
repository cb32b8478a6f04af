"""Importing an existing project list, or a budget's allocations, from CSV or an Excel workbook.

Every row is checked, through the same services as the pages, inside one transaction: if any
row has a problem, nothing is written and every problem is named with its row (as the
spreadsheet numbers it, the header being row 1) and its column. The file is judged by its
content first, as every upload is (lde.core.uploads).

Projects: title, delivered_by, audiences, strand, tier, forms_of_extremism (separated by ";"),
and optionally summary, exit_plan, narrative_priority, starts_on, ends_on, and stream, year and
amount to draw on that stream's allocation for that year.
Allocations: stream, year, amount, and optionally confirmed (yes or no).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from lde.accounts.models import Organisation, User
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.uploads import CSV, XLSX, UploadRefused, upload_check
from lde.narratives.sections import SectionKey
from lde.partnerships.models import Partnership
from lde.programme import services
from lde.programme.models import Allocation, ExtremismForm, FundingStream, Strand, Tier
from lde.programme.policies import KEEP, project_policy

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000

PROJECT_COLUMNS = (
    "title",
    "delivered_by",
    "audiences",
    "strand",
    "tier",
    "forms_of_extremism",
    "summary",
    "exit_plan",
    "narrative_priority",
    "starts_on",
    "ends_on",
    "stream",
    "year",
    "amount",
)
PROJECT_REQUIRED = ("title", "delivered_by", "audiences", "strand", "tier", "forms_of_extremism")
ALLOCATION_COLUMNS = ("stream", "year", "amount", "confirmed")
ALLOCATION_REQUIRED = ("stream", "year", "amount")
# A service names the field it refuses; the person importing knows the column.
FIELD_TO_COLUMN = {"allocation": "stream", "pot": "stream", "partnership": "title"}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, column {self.column}" if self.row else f"The {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    kind: str  # "projects" or "allocations"
    rows: int
    projects: int
    funded: int
    allocations: int


def _whole(message: str) -> ImportRefused:
    return ImportRefused([ImportProblem(None, "file", message)])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_rows(data: bytes, name: str) -> list[list[str]]:
    """The file's rows as text, header first. Refuses what is not a CSV or a workbook."""
    if len(data) > MAX_BYTES:
        raise _whole("The file must be smaller than 5 MB")
    try:
        kind = upload_check(data, name=name, accepted=(CSV, XLSX))
    except UploadRefused as refused:
        raise _whole(str(refused.reason)) from refused
    if kind is XLSX:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                    raise _whole("The workbook is too large to read")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ImportRefused:
            raise
        except Exception as error:
            # openpyxl reports a damaged workbook in many ways; they mean the same to the person.
            raise _whole("The file is not an Excel workbook that can be read") from error
        try:
            sheet = book.worksheets[0]
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    else:
        text = data.decode("utf-8-sig")
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if len(rows) > MAX_ROWS + 1:
        raise _whole(f"The file has more than {MAX_ROWS:,} rows: split it")
    return rows


def _choice(value: str, choices: Any, column: str, what: str) -> str:
    wanted = value.strip().lower()
    for choice in choices:
        if wanted in (str(choice.value).lower(), str(choice.label).lower()):
            return str(choice.value)
    raise ValidationError({column: f"“{value}” is not {what}"})


def _tier(value: str) -> int:
    text = value.strip().lower().removeprefix("tier").strip()
    if text.isdigit() and int(text) in Tier.values:
        return int(text)
    raise ValidationError({"tier": f"“{value}” is not a tier: enter 1, 2, 3 or 4"})


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValidationError(
            {column: f"“{value}” is not a date: write it as 2026-04-01"}
        ) from None


class _Rows:
    """Runs each row through a service, keeping the problems with their row and column."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def run(self, number: int, write: Any) -> Any:
        try:
            with transaction.atomic():
                return write()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.message_dict.items():
                    column = FIELD_TO_COLUMN.get(field_name, field_name)
                    for message in errors:
                        self.problems.append(ImportProblem(number, column, message))
            else:
                for message in error.messages:
                    self.problems.append(ImportProblem(number, "row", message))
        return None


def _header(rows: list[list[str]]) -> list[str]:
    if not rows:
        raise _whole("The file is empty")
    return [h.strip().lower().replace(" ", "_") for h in rows[0]]


@transaction.atomic
def programme_import(
    *, actor: User, partnership: Partnership, data: bytes, name: str
) -> ImportResult:
    """Import the file's projects or allocations, all or nothing. Raises ImportRefused naming
    every problem by row and column, PermissionDenied when the actor may not keep the
    programme."""
    if not project_policy.user_can_in(actor, "add", partnership.pk):
        raise PermissionDenied(KEEP)
    rows = read_rows(data, name)
    header = _header(rows)
    known: tuple[str, ...]
    required: tuple[str, ...]
    if "title" in header:
        kind, known, required = "projects", PROJECT_COLUMNS, PROJECT_REQUIRED
    elif "stream" in header:
        kind, known, required = "allocations", ALLOCATION_COLUMNS, ALLOCATION_REQUIRED
    else:
        raise ImportRefused(
            [
                ImportProblem(
                    1,
                    "header",
                    "The first row must name the columns: title, delivered_by, audiences, "
                    "strand, tier and forms_of_extremism for projects; stream, year and amount "
                    "for allocations",
                )
            ]
        )
    problems = [
        ImportProblem(1, column, f"The column “{column}” is missing")
        for column in required
        if column not in header
    ]
    problems += [
        ImportProblem(1, column or "(blank)", f"“{column}” is not a column this import reads")
        for column in header
        if column not in known
    ]
    if problems:
        raise ImportRefused(problems)
    streams = {s.name.lower(): s for s in FundingStream.objects.filter(partnership=partnership)}
    organisations = {o.name.lower(): o for o in Organisation.objects.all()}
    runner = _Rows()
    counts = {"rows": 0, "projects": 0, "funded": 0, "allocations": 0}
    for index, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        counts["rows"] += 1
        record = {column: (raw[i] if i < len(raw) else "") for i, column in enumerate(header)}
        if kind == "projects":
            done = runner.run(
                index, lambda r=record: _project_row(actor, partnership, r, streams, organisations)
            )
            if done is not None:
                counts["projects"] += 1
                counts["funded"] += int(done)
        else:
            done = runner.run(index, lambda r=record: _allocation_row(actor, r, streams))
            if done is not None:
                counts["allocations"] += 1
    if not counts["rows"]:
        runner.problems.append(ImportProblem(None, "file", "The file has no rows under its header"))
    if runner.problems:
        raise ImportRefused(runner.problems)
    audit_record(
        actor=actor,
        verb="PROGRAMME_IMPORTED",
        target=partnership,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=partnership.pk,
        detail={"kind": kind, **counts},
    )
    return ImportResult(kind=kind, **counts)


def _stream(record: dict[str, str], streams: dict[str, FundingStream]) -> FundingStream:
    stream = streams.get(record.get("stream", "").strip().lower())
    if stream is None:
        raise ValidationError(
            {"stream": f"“{record.get('stream', '')}” is not one of the partnership's streams"}
        )
    return stream


def _project_row(
    actor: User,
    partnership: Partnership,
    record: dict[str, str],
    streams: dict[str, FundingStream],
    organisations: dict[str, Organisation],
) -> bool:
    errors: dict[str, str] = {}

    def attempt(column: str, read: Any) -> Any:
        try:
            return read()
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
            return None

    delivered_by = organisations.get(record["delivered_by"].strip().lower())
    if delivered_by is None:
        errors["delivered_by"] = (
            f"“{record['delivered_by']}” is not an organisation in the register"
        )
    strand = attempt(
        "strand",
        lambda: _choice(record["strand"], Strand, "strand", "a strand or work stream"),
    )
    tier = attempt("tier", lambda: _tier(record["tier"]))
    forms = []
    for part in record["forms_of_extremism"].split(";"):
        if part.strip():
            form = attempt(
                "forms_of_extremism",
                lambda p=part: _choice(
                    p, ExtremismForm, "forms_of_extremism", "a form of extremism on the list"
                ),
            )
            forms.append(form)
    priority = ""
    if record.get("narrative_priority", "").strip():
        priority = (
            attempt(
                "narrative_priority",
                lambda: _choice(
                    record["narrative_priority"],
                    SectionKey,
                    "narrative_priority",
                    "a section of the narrative",
                ),
            )
            or ""
        )
    starts_on = attempt("starts_on", lambda: _date(record.get("starts_on", ""), "starts_on"))
    ends_on = attempt("ends_on", lambda: _date(record.get("ends_on", ""), "ends_on"))
    funding = any(record.get(c, "").strip() for c in ("stream", "year", "amount"))
    allocation = None
    if funding:
        stream = attempt("stream", lambda: _stream(record, streams))
        year = attempt("year", lambda: services.year_of(record.get("year", "")))
        amount = attempt("amount", lambda: services.money(record.get("amount", "")))
        if stream is not None and year is not None:
            allocation = Allocation.objects.filter(stream=stream, year=year).first()
            if allocation is None:
                errors["year"] = f"{stream.name} has no allocation for {record['year']}"
    if errors:
        raise ValidationError(errors)
    project = services.project_add(
        actor=actor,
        partnership=partnership,
        title=record["title"],
        delivered_by=delivered_by,
        audiences=record["audiences"],
        strand=strand,
        tier=tier,
        forms_of_extremism=forms,
        summary=record.get("summary", ""),
        exit_plan=record.get("exit_plan", ""),
        narrative_priority=priority,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if allocation is not None:
        services.funding_add(actor=actor, project=project, allocation=allocation, amount=amount)
        return True
    return False


def _allocation_row(
    actor: User, record: dict[str, str], streams: dict[str, FundingStream]
) -> Allocation:
    stream = _stream(record, streams)
    confirmed = record.get("confirmed", "").strip().lower()
    if confirmed not in ("", "yes", "no", "true", "false", "y", "n"):
        raise ValidationError({"confirmed": f"“{record['confirmed']}” is not yes or no"})
    return services.allocation_set(
        actor=actor,
        stream=stream,
        year=record["year"],
        amount=record["amount"],
        confirmed=confirmed in ("yes", "true", "y"),
    )
