"""Offline completion: an assessment as an Excel workbook, filled in away from the platform and
imported back.

Partnerships often rate a framework in a meeting, or pass it round partner organisations who
work in spreadsheets. The workbook carries everything the criterion page shows beside the rating
control (the theme, the guidance, what each level looks like, the independent ratings) and lets
the person who downloaded it change only what they could change online: the rating, target,
commentary and consensus reason of the criteria they may rate, and the confirmation of a rating
carried forward from the last cycle.

Importing is all or nothing. Every row is read and checked first, against the same rules the
criterion page applies (the scale, the consensus reason, who may rate what) and against the
revision the row was exported at, so that a change made online since the download is never
silently overwritten. If any row has a problem nothing is written, and each problem is returned
with its row and column. Otherwise every changed row is saved through `services.response_update`
in one transaction, so revisions, carried-forward confirmation and the audit trail behave exactly
as they do online.

A hidden sheet records which assessment the workbook is for and, for each criterion, the revision
and a digest of the values exported. The digest is how a row the person did not touch is told
apart from one they changed: an untouched row is skipped even if someone has changed that
criterion online since, and only a changed row is held to its exported revision.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from lde.accounts.models import User
from lde.assessments import selectors, services
from lde.assessments.models import Assessment, CriterionResponse, RaterRating
from lde.assessments.policies import assessment_policy
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.limits import limit_of, too_long
from lde.core.uploads import XLSX, UploadRefused, upload_check
from lde.frameworks.models import Criterion, RatingScale, RubricDescriptor, ScaleLevel

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT = "prevent-lde-assessment-workbook/1"
# An upload is refused before it is opened if it is larger than this, or if its parts would
# unpack to more than the second figure: an .xlsx is a zip archive, and a small archive can
# unpack to gigabytes.
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Excel keeps at most this many characters in a cell. A longer commentary could not come back
# intact, so its row is exported read only rather than truncated.
MAX_CELL_CHARACTERS = 32_767

GUIDE_SHEET = "How to fill it in"
CRITERIA_SHEET = "Criteria"
LEVELS_SHEET = "Levels"
ABOUT_SHEET = "About this workbook"

CONTINUES = " … [continues online]"
NOT_RATED = "Not rated"
NO_TARGET = "No target"
YES, NO = "Yes", "No"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False
    about: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("theme", "Theme", 20, about="The theme the criterion belongs to."),
    Column("identifier", "Identifier", 20, about="Names the criterion. Do not change it."),
    Column("title", "Criterion", 36, about="What is assessed."),
    Column("guidance", "Guidance", 48, about="The framework's guidance on the criterion."),
    Column(
        "rubric",
        "What each level looks like",
        56,
        about="The criterion's own descriptor of each level, or its scale's.",
    ),
    Column(
        "raters",
        "Independent ratings",
        16,
        about="The spread of people's own ratings, made before the agreed one.",
    ),
    Column(
        "assigned", "You may change it", 14, about="Whether you may change this row's white cells."
    ),
    Column(
        "rating",
        "Rating",
        24,
        editable=True,
        about="The agreed rating: a level from the list, or its number. Empty means not rated: "
        "treated as missing, never as zero.",
    ),
    Column(
        "target",
        "Target",
        24,
        editable=True,
        about="The level the partnership aims to reach by the next cycle, or empty.",
    ),
    Column(
        "commentary",
        "Commentary",
        56,
        editable=True,
        about="What the rating rests on. Do not name or describe any member of the public.",
    ),
    Column(
        "consensus_reason",
        "Why this is the agreed rating",
        40,
        editable=True,
        about="Needed when the independent ratings differ.",
    ),
    Column(
        "carried_forward",
        "Carried forward",
        16,
        editable=True,
        about="Yes while a rating copied from the last cycle is unconfirmed. Change it to No to "
        "confirm the rating as it is; changing anything else in the row confirms it too.",
    ),
    Column(
        "revision",
        "Revision (do not change)",
        12,
        about="How many times the criterion had been saved when you downloaded the workbook.",
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# The columns an import reads. The others are there to be read by people and may be deleted.
REQUIRED_COLUMNS = (
    "identifier",
    "rating",
    "target",
    "commentary",
    "consensus_reason",
    "carried_forward",
    "revision",
)
# Whole-workbook problems name one of these instead of a column.
FIELD_LABELS = {"file": "File", "workbook": "Workbook", **{c.key: c.header for c in COLUMNS}}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
READ_ONLY_FILL = PatternFill("solid", fgColor="F3F2F1")
TITLE_FONT = Font(bold=True, size=16)
HEADING_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


# --- What the workbook is built from -------------------------------------------------------


@dataclass
class Line:
    """One criterion's row: the criterion, its scale and rubric, the response as it stands, the
    independent ratings, and whether this person may change it."""

    criterion: Criterion
    theme: str
    response: CriterionResponse
    scale: RatingScale | None
    levels: dict[int, ScaleLevel]
    descriptors: dict[int, str]
    rater_values: list[int]
    editable: bool

    @property
    def raters_differ(self) -> bool:
        return len(set(self.rater_values)) > 1

    @property
    def representable(self) -> bool:
        """Whether a cell can hold this row's texts exactly, so that they come back unchanged."""
        return _representable(_text(self.response.commentary)) and _representable(
            _text(self.response.consensus_reason)
        )


def workbook_lines(
    *, assessment: Assessment, rateable: frozenset[int] | None, lock: bool = False
) -> list[Line]:
    """Every criterion with a response, in document order. Six queries whatever the size of the
    framework or the number of raters."""
    version_id = assessment.framework_version_id
    scales = {
        s.pk: s
        for s in RatingScale.objects.filter(framework_version_id=version_id)
        .prefetch_related("levels")
        .order_by("position")
    }
    default_scale = next(iter(scales.values()), None)
    criteria = list(Criterion.objects.filter(framework_version_id=version_id).order_by("position"))
    rubrics: dict[int, dict[int, str]] = {}
    for criterion_id, value, descriptor in RubricDescriptor.objects.filter(
        criterion__framework_version_id=version_id
    ).values_list("criterion_id", "value", "descriptor"):
        rubrics.setdefault(criterion_id, {})[value] = descriptor
    responses = CriterionResponse.objects.filter(assessment=assessment).order_by()
    if lock:
        responses = responses.select_for_update()
    by_criterion = {r.criterion_id: r for r in responses}
    raters: dict[int, list[int]] = {}
    for response_id, rating in (
        RaterRating.objects.filter(response__assessment=assessment)
        .order_by()
        .values_list("response_id", "rating")
    ):
        if rating is not None:
            raters.setdefault(response_id, []).append(rating)
    themes = {c.identifier: c.title for c in criteria if c.parent_id is None}
    lines = []
    for criterion in criteria:
        response = by_criterion.get(criterion.pk)
        if response is None:
            continue  # a theme, or a parent criterion rated through its sub-criteria
        scale = scales.get(criterion.scale_id or 0, default_scale)
        levels = (
            {level.value: level for level in sorted(scale.levels.all(), key=lambda v: v.value)}
            if scale
            else {}
        )
        # Spare the services a query or two a row for what is already loaded.
        criterion.framework_version = assessment.framework_version
        if criterion.scale_id is not None and criterion.scale_id in scales:
            criterion.scale = scales[criterion.scale_id]
        response.assessment = assessment
        response.criterion = criterion
        lines.append(
            Line(
                criterion=criterion,
                theme=themes.get(criterion.path.split("/")[0], ""),
                response=response,
                scale=scale,
                levels=levels,
                descriptors={
                    **{value: level.descriptor for value, level in levels.items()},
                    **rubrics.get(criterion.pk, {}),
                },
                rater_values=raters.get(response.pk, []),
                editable=rateable is None or criterion.pk in rateable,
            )
        )
    return lines


def _text(value: Any) -> str:
    """Text as the workbook compares it: line endings as Excel writes them, no surrounding
    space (the pages strip it too)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _cell_text(text: str) -> str:
    """Text as a cell holds it: without the control characters the file format cannot store,
    and within Excel's length."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_CHARACTERS:
        text = text[: MAX_CELL_CHARACTERS - len(CONTINUES)] + CONTINUES
    return text


def _representable(text: str) -> bool:
    """Whether a cell can hold this text exactly: within Excel's length, with no control
    characters, which the file format cannot store."""
    return len(text) <= MAX_CELL_CHARACTERS and not ILLEGAL_CHARACTERS_RE.search(text)


def _digest(
    rating: int | None, target: int | None, commentary: str, reason: str, carried: bool
) -> str:
    body = json.dumps([rating, target, commentary, reason, carried], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _current_digest(response: CriterionResponse) -> str:
    return _digest(
        response.rating,
        response.target,
        _text(response.commentary),
        _text(response.consensus_reason),
        response.carried_forward,
    )


def level_label(level: ScaleLevel) -> str:
    # As the criterion page's rating control words it.
    return f"{level.value} – {level.label}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _spread(values: list[int]) -> str:
    if not values:
        return "None yet"
    low, high = min(values), max(values)
    return f"All {low}" if low == high else f"{low} to {high}: they differ"


# --- Export --------------------------------------------------------------------------------


def _put(sheet: Any, row: int, column: int, value: Any, *, bold: bool = False) -> Any:
    """Write a cell. Text is always stored as text: a commentary that begins with "=" must not
    become a formula when the workbook is opened."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    cell.alignment = WRAP
    if bold:
        cell.font = BOLD
    return cell


def _protect(sheet: Any) -> None:
    """Protect the sheet without a password. It only stops accidental changes to the cells the
    import ignores or relies on; columns may still be resized and rows filtered."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False


def _guide_sheet(
    book: Workbook,
    *,
    actor: User,
    assessment: Assessment,
    lines: list[Line],
    scales: list[RatingScale],
) -> None:
    sheet = book.active
    sheet.title = GUIDE_SHEET
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 90
    version = assessment.framework_version
    editable = sum(1 for line in lines if line.editable)
    row = 1
    _put(sheet, row, 1, f"Complete {assessment.title} offline").font = TITLE_FONT
    row += 2
    for label, value in (
        ("Assessment", assessment.title),
        ("Partnership", assessment.partnership.name),
        ("Framework", f"{version.title} {version.version}"),
        (
            "Period",
            f"{_day(assessment.period_start)} to {_day(assessment.period_end)}",
        ),
        ("Downloaded", f"{_day(timezone.localtime())} at {timezone.localtime():%H:%M}"),
        ("Downloaded by", f"{actor.full_name or actor.email} ({actor.email})"),
        ("Criteria you may change", f"{editable} of {len(lines)}"),
    ):
        _put(sheet, row, 1, label, bold=True)
        _put(sheet, row, 2, value)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        row += 1
    row += 1
    _put(sheet, row, 1, "How to fill it in").font = HEADING_FONT
    row += 1
    steps = [
        f"Work on the “{CRITERIA_SHEET}” sheet: one row per criterion. Change only the white "
        "cells. Grey cells are read only: the sheet is protected, without a password, only to "
        "stop accidental changes.",
        "Choose each rating and target from the cell's list, or type the level's number. "
        f"Leave a rating empty, or choose “{NOT_RATED}”, for not rated: it is treated as "
        "missing, never as zero.",
        "Where the independent ratings differ, say why the rating is the agreed one.",
        "A rating carried forward from the last cycle stays unconfirmed until you change "
        f"“Carried forward” to “{NO}”, or change something else in its row.",
        "Do not change the Identifier or Revision columns, rename the sheets or add rows. You "
        "may resize, hide and filter columns and rows.",
        "Upload the workbook on the assessment's “Complete it offline” page. Every row is "
        "checked first. If any row has a problem, nothing is saved and each problem is listed "
        "with its row, so that you can fix it and upload again.",
        "If someone changes a criterion online after you download the workbook, your change "
        "to that criterion is refused rather than overwriting theirs. Download a new workbook "
        "to start from their version. Rows you have not changed are left as they are online.",
    ]
    if editable < len(lines):
        steps.insert(
            1,
            f"You may change the {editable} criteri{'on' if editable == 1 else 'a'} assigned to "
            "you or your organisation; the others are there to read.",
        )
    for number, step in enumerate(steps, start=1):
        _put(sheet, row, 1, f"{number}.")
        _put(sheet, row, 2, step)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        # Excel does not fit a merged cell's height to its text: about 100 characters a line.
        sheet.row_dimensions[row].height = 15 * (1 + len(step) // 100)
        row += 1
    row += 1
    _put(sheet, row, 1, "The columns").font = HEADING_FONT
    row += 1
    for column, text in enumerate(("Column", "You may change it", "What it holds"), start=1):
        _put(sheet, row, column, text, bold=True)
    row += 1
    for spec in COLUMNS:
        _put(sheet, row, 1, spec.header)
        _put(
            sheet,
            row,
            2,
            ("Only where a rating was carried forward" if spec.key == "carried_forward" else YES)
            if spec.editable
            else NO,
        )
        _put(sheet, row, 3, spec.about)
        row += 1
    for scale in scales:
        row += 1
        _put(sheet, row, 1, f"The {scale.title} scale").font = HEADING_FONT
        row += 1
        for column, text in enumerate(("Level", "In the list as", "What it looks like"), 1):
            _put(sheet, row, column, text, bold=True)
        row += 1
        for level in sorted(scale.levels.all(), key=lambda v: v.value):
            _put(sheet, row, 1, level.value)
            _put(sheet, row, 2, level_label(level))
            _put(sheet, row, 3, level.descriptor)
            row += 1
        _put(sheet, row, 1, "Empty")
        _put(sheet, row, 2, f"{NOT_RATED} / {NO_TARGET}")
        _put(sheet, row, 3, "Not rated, or no target. Never counted as zero.")
        row += 1
    _protect(sheet)


def _levels_sheet(book: Workbook, scales: list[RatingScale]) -> dict[tuple[int, str], str]:
    """The lists the rating and target cells offer, one pair of columns per scale. Returns the
    range each list validation refers to."""
    sheet = book.create_sheet(LEVELS_SHEET)
    ranges: dict[tuple[int, str], str] = {}
    for index, scale in enumerate(scales):
        levels = [level_label(level) for level in sorted(scale.levels.all(), key=lambda v: v.value)]
        for offset, (key, empty) in enumerate((("rating", NOT_RATED), ("target", NO_TARGET))):
            column = 2 * index + offset + 1
            letter = get_column_letter(column)
            _put(sheet, 1, column, f"{scale.title}: {key}", bold=True)
            for row, text in enumerate([*levels, empty], start=2):
                _put(sheet, row, column, text)
            sheet.column_dimensions[letter].width = 28
            ranges[(scale.pk, key)] = (
                f"{quote_sheetname(LEVELS_SHEET)}!${letter}$2:${letter}${len(levels) + 2}"
            )
    _protect(sheet)
    sheet.sheet_state = "hidden"
    return ranges


def _criteria_sheet(book: Workbook, lines: list[Line], ranges: dict[tuple[int, str], str]) -> None:
    sheet = book.create_sheet(CRITERIA_SHEET)
    position = {c.key: index for index, c in enumerate(COLUMNS, start=1)}
    for index, spec in enumerate(COLUMNS, start=1):
        cell = _put(sheet, 1, index, spec.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = spec.width
    validations: dict[tuple[int, str], DataValidation] = {}
    confirm = DataValidation(
        type="list",
        formula1=f'"{YES},{NO}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Yes or No",
        error=f"Change it to {NO} to confirm the carried-forward rating.",
    )
    sheet.add_data_validation(confirm)
    for row, line in enumerate(lines, start=2):
        response = line.response
        commentary = _cell_text(_text(response.commentary))
        reason = _cell_text(_text(response.consensus_reason))
        # A text that a cell cannot hold exactly would come back changed: its row is read only.
        editable = line.editable and line.representable
        values: dict[str, Any] = {
            "theme": line.theme,
            "identifier": line.criterion.identifier,
            "title": line.criterion.title,
            "guidance": line.criterion.guidance,
            "rubric": "\n".join(
                f"{level_label(level)}: {line.descriptors.get(value, '')}"
                for value, level in line.levels.items()
            ),
            "raters": _spread(line.rater_values),
            "assigned": YES
            if editable
            else (
                "No: not assigned to you"
                if not line.editable
                else "No: its text does not fit a spreadsheet cell; change it online"
            ),
            "rating": level_label(line.levels[response.rating])
            if response.rating in line.levels
            else response.rating,
            "target": level_label(line.levels[response.target])
            if response.target in line.levels
            else response.target,
            "commentary": commentary,
            "consensus_reason": reason,
            "carried_forward": YES if response.carried_forward else NO,
            "revision": response.revision,
        }
        for spec in COLUMNS:
            cell = _put(sheet, row, position[spec.key], values[spec.key])
            open_here = (
                editable
                and spec.editable
                and (spec.key != "carried_forward" or response.carried_forward)
            )
            if open_here:
                cell.protection = UNLOCKED
            else:
                cell.fill = READ_ONLY_FILL
        if not editable or line.scale is None:
            continue
        for key in ("rating", "target"):
            found = validations.get((line.scale.pk, key))
            if found is None:
                found = DataValidation(
                    type="list",
                    formula1=ranges[(line.scale.pk, key)],
                    allow_blank=True,
                    showErrorMessage=True,
                    # A warning, not a stop: typing the level's bare number is allowed too.
                    errorStyle="warning",
                    errorTitle="Not in the list",
                    error="Choose a level from the list, or type the level's number. Leave it "
                    "empty for none.",
                )
                sheet.add_data_validation(found)
                validations[(line.scale.pk, key)] = found
            found.add(sheet.cell(row=row, column=position[key]))
        if response.carried_forward:
            confirm.add(sheet.cell(row=row, column=position["carried_forward"]))
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(lines) + 1}"
    sheet.freeze_panes = "C2"
    _protect(sheet)


def _about_sheet(book: Workbook, *, actor: User, assessment: Assessment, lines: list[Line]) -> None:
    """What the import needs and people do not: hidden, and not shown by Excel's Unhide."""
    sheet = book.create_sheet(ABOUT_SHEET)
    for row, (label, value) in enumerate(
        (
            ("format", FORMAT),
            ("assessment", assessment.pk),
            ("exported_at", timezone.now().isoformat()),
            ("exported_for", actor.pk),
        ),
        start=1,
    ):
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=value)
    sheet.cell(row=6, column=1, value="identifier")
    sheet.cell(row=6, column=2, value="revision")
    sheet.cell(row=6, column=3, value="digest")
    for row, line in enumerate(lines, start=7):
        sheet.cell(row=row, column=1, value=line.criterion.identifier)
        sheet.cell(row=row, column=2, value=line.response.revision)
        sheet.cell(row=row, column=3, value=_current_digest(line.response))
    _protect(sheet)
    sheet.sheet_state = "veryHidden"


def workbook_export(*, actor: User, assessment: Assessment) -> bytes:
    """The assessment as an .xlsx workbook for `actor` to complete offline.

    Six reads whatever the size of the framework (one more for a contributor's assignments;
    the user's facts are loaded once per user), and one audit event: the workbook carries the
    assessment's commentary off the platform.
    """
    assessment_policy.require(actor, "rate", assessment)
    rateable = selectors.rateable_criterion_ids(user=actor, assessment=assessment)
    lines = workbook_lines(assessment=assessment, rateable=rateable)
    scales: list[RatingScale] = list(
        {line.scale.pk: line.scale for line in lines if line.scale is not None}.values()
    )
    book = Workbook()
    book.properties.title = f"{assessment.title}: offline completion"
    book.properties.subject = assessment.partnership.name
    book.properties.identifier = f"assessment:{assessment.pk}"
    book.properties.creator = "Prevent LDE"
    _guide_sheet(book, actor=actor, assessment=assessment, lines=lines, scales=scales)
    ranges = _levels_sheet(book, scales)
    _criteria_sheet(book, lines, ranges)
    _about_sheet(book, actor=actor, assessment=assessment, lines=lines)
    # Open on the guide: it is what to read first.
    book.active = 0
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == GUIDE_SHEET
    output = io.BytesIO()
    book.save(output)
    audit_record(
        actor=actor,
        verb="ASSESSMENT_WORKBOOK_EXPORTED",
        target=assessment,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=assessment.partnership_id,
        detail={
            "assessment": assessment.pk,
            "rows": len(lines),
            "editable": sum(1 for line in lines if line.editable),
        },
    )
    return output.getvalue()


def workbook_file_name(assessment: Assessment) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", assessment.title.lower()).strip("-")[:60]
    return f"assessment-{assessment.pk}-{slug or 'workbook'}.xlsx"


# --- Import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookProblem:
    """One thing wrong with an uploaded workbook. `row` is the row number Excel shows on the
    Criteria sheet, or None for the workbook as a whole; `field` is the column's key."""

    row: int | None
    field: str
    message: str

    @property
    def column(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}" if self.row is not None else self.column
        return f"{where}: {self.message}"


@dataclass
class WorkbookImport:
    """What an import did: the identifiers of the criteria it saved, or the problems that
    stopped it (and then it saved nothing)."""

    changed: list[str] = field(default_factory=list)
    problems: list[WorkbookProblem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems


class _Refused(Exception):
    def __init__(self, problems: list[WorkbookProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


NOT_AN_XLSX = (
    "The file is not an Excel workbook (.xlsx). Download the assessment's workbook, fill it in "
    "and upload it as it is saved, in .xlsx."
)


@dataclass
class SheetRow:
    number: int
    cells: dict[str, Any]


@dataclass
class ParsedWorkbook:
    assessment_id: int | None
    exported: dict[str, tuple[Any, str]]  # identifier -> (revision, digest) as exported
    rows: list[SheetRow]


def _whole(field_name: str, message: str) -> _Refused:
    return _Refused([WorkbookProblem(None, field_name, message)])


def _open(data: bytes, file_name: str) -> Any:
    if not data:
        raise _whole("file", "The file is empty.")
    if len(data) > MAX_WORKBOOK_BYTES:
        raise _whole("file", "The file must be smaller than 10 MB.")
    # What the file is, by its content, as for every upload: a PDF, a CSV or a web page is
    # named as what it is, before openpyxl is asked to read it.
    try:
        upload_check(data, name=file_name, accepted=(XLSX,))
    except UploadRefused as refused:
        raise _whole("file", f"{refused.reason}.") from refused
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _whole("file", NOT_AN_XLSX) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise _whole("file", "The workbook is too large to read.")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl reports a zip that is not a workbook through many exception types (a missing
        # part, bad XML, an unknown content type): to the person uploading, all of them mean
        # the same thing.
        raise _whole("file", NOT_AN_XLSX) from error


def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    return sheet.iter_rows(values_only=True)


def _workbook_read(data: bytes, file_name: str = "") -> ParsedWorkbook:
    """Read an uploaded workbook's rows, without judging them yet. Raises `_Refused` when the
    file is not a workbook from this platform."""
    book = _open(data, file_name)
    try:
        return _read(book)
    except _Refused:
        raise
    except Exception as error:
        # A damaged part can fail only once its rows are read; the answer is the same.
        raise _whole("file", NOT_AN_XLSX) from error
    finally:
        book.close()


def _read(book: Any) -> ParsedWorkbook:
    if ABOUT_SHEET not in book.sheetnames or CRITERIA_SHEET not in book.sheetnames:
        raise _whole(
            "workbook",
            "This is not an assessment workbook from this platform, or its sheets have been "
            "renamed. Download the assessment's workbook and fill that in.",
        )
    about = list(_rows(book[ABOUT_SHEET]))
    about_values = {
        str(row[0]): row[1] for row in about[:5] if row and len(row) > 1 and row[0] is not None
    }
    if about_values.get("format") != FORMAT:
        raise _whole("workbook", "This workbook was made for another version of the platform.")
    raw_id = about_values.get("assessment")
    assessment_id = int(raw_id) if isinstance(raw_id, int | float) else None
    exported = {
        str(row[0]): (row[1], str(row[2]))
        for row in about[6:]
        if row and len(row) > 2 and row[0] is not None
    }
    criteria = _rows(book[CRITERIA_SHEET])
    header = next(criteria, None) or ()
    by_header = {c.header.casefold(): c.key for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = by_header.get(_text(text).casefold())
        if key is not None and key not in positions:
            positions[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise _Refused(
            [
                WorkbookProblem(
                    1,
                    key,
                    f"The {CRITERIA_SHEET} sheet has no “{COLUMN_BY_KEY[key].header}” column. "
                    "Put it back, or download a new workbook.",
                )
                for key in missing
            ]
        )
    rows = []
    for number, values in enumerate(criteria, start=2):
        cells = {
            key: values[index] if index < len(values) else None for key, index in positions.items()
        }
        if all(_text(value) == "" for value in cells.values()):
            continue
        rows.append(SheetRow(number=number, cells=cells))
    return ParsedWorkbook(assessment_id=assessment_id, exported=exported, rows=rows)


LEVEL_TEXT = re.compile(r"(-?\d+)(?:\s*[–—-]\s*(.*))?", re.S)


def _level(raw: Any, line: Line, key: str) -> tuple[int | None, str | None]:
    """A rating or target cell as a level of the criterion's scale: what the list offers
    ("2 – Developing"), a bare number, or empty for none. Returns (value, problem)."""
    empty_word = NOT_RATED if key == "rating" else NO_TARGET
    if raw is None:
        return None, None
    value: int | None = None
    label = ""
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        value = int(raw) if raw.is_integer() else None
    else:
        text = _text(raw)
        if text == "" or text.casefold() == empty_word.casefold():
            return None, None
        matched = LEVEL_TEXT.fullmatch(text)
        if matched:
            value, label = int(matched.group(1)), _text(matched.group(2))
    level = line.levels.get(value) if value is not None else None
    if level is not None and (not label or label.casefold() == level.label.casefold()):
        return value, None
    choices = ", ".join(level_label(level) for level in line.levels.values())
    scale = f"the {line.scale.title} scale" if line.scale else "this criterion's scale"
    return None, (
        f"“{_text(raw)}” is not a level of {scale}. Choose one from the list ({choices}), type "
        f"the level's number, or leave it empty for {empty_word.lower()}."
    )


def _flag(raw: Any) -> bool | None:
    text = _text(raw).casefold()
    if text in ("", "no", "n", "false", "0"):
        return False
    if text in ("yes", "y", "true", "1"):
        return True
    return None


@dataclass
class _Change:
    line: Line
    row: int
    rating: int | None
    target: int | None
    commentary: str
    consensus_reason: str


def _check_row(
    row: SheetRow, line: Line, exported: tuple[Any, str]
) -> tuple[list[WorkbookProblem], _Change | None]:
    """One row of a known criterion: its cells as values, then, if the row was changed in the
    workbook, the rules the criterion page applies to saving it."""
    problems: list[WorkbookProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(WorkbookProblem(row.number, key, message))

    cells = row.cells
    rating, rating_problem = _level(cells["rating"], line, "rating")
    if rating_problem:
        problem("rating", rating_problem)
    target, target_problem = _level(cells["target"], line, "target")
    if target_problem:
        problem("target", target_problem)
    carried = _flag(cells["carried_forward"])
    if carried is None:
        problem("carried_forward", f"Write {YES} or {NO}.")
    raw_revision = cells["revision"]
    revision = (
        int(raw_revision)
        if isinstance(raw_revision, int | float)
        and not isinstance(raw_revision, bool)
        and float(raw_revision).is_integer()
        else None
    )
    exported_revision, exported_digest = exported
    if revision is None or (exported_revision is not None and revision != exported_revision):
        problem(
            "revision",
            "The revision has been changed. Do not change the Revision column: download a new "
            "workbook.",
        )
    commentary = _text(cells["commentary"])
    reason = _text(cells["consensus_reason"])
    # The criterion page's limits, from the model, so that a cell too long is named here by its
    # sheet, row and column rather than failing somewhere the user never typed.
    for key, text, label in (
        ("commentary", commentary, "Commentary"),
        ("consensus_reason", reason, "Reason for the agreed rating"),
    ):
        limit = limit_of(CriterionResponse, key)
        if len(text) > limit:
            problem(key, f"{too_long(label, limit)} (it has {len(text):,})")
    if problems:
        return problems, None
    response = line.response
    if not line.representable:
        # Its texts were cut to fit a cell, so only the values can be compared: the row is
        # read only, and a change to it is refused rather than saving the shortened text.
        if (rating, target, bool(carried)) == (
            response.rating,
            response.target,
            response.carried_forward,
        ):
            return [], None
        problem(
            "rating" if rating != response.rating else "target",
            "This criterion's text does not fit a spreadsheet cell: change it online.",
        )
        return problems, None
    if _digest(rating, target, commentary, reason, bool(carried)) == (
        exported_digest or _current_digest(response)
    ):
        return [], None  # not touched in the workbook: whatever is online stands
    wanted = {
        "rating": rating,
        "target": target,
        "commentary": commentary,
        "consensus_reason": reason,
    }
    current = {
        "rating": response.rating,
        "target": response.target,
        "commentary": _text(response.commentary),
        "consensus_reason": _text(response.consensus_reason),
    }
    differing = [key for key in wanted if wanted[key] != current[key]]
    if not differing and bool(carried) == response.carried_forward:
        return [], None  # changed to what is already saved online
    if not line.editable:
        problem(
            differing[0] if differing else "carried_forward",
            "This criterion is not assigned to you, so you cannot change it. Undo the change, "
            "or ask a coordinator to assign it to you or your organisation.",
        )
    elif revision != response.revision:
        problem(
            "revision",
            "Someone changed this criterion online after the workbook was downloaded "
            f"(revision {revision} then, {response.revision} now). Your change would overwrite "
            "theirs: download a new workbook, or make this change online.",
        )
    else:
        if carried and not response.carried_forward:
            problem(
                "carried_forward",
                f"Only a rating copied from the last cycle is carried forward: write {NO}.",
            )
        # The criterion page's rule (services.response_update), checked here so that every
        # row's problem is listed at once rather than the first one refusing the rest.
        if rating is not None and line.raters_differ and not reason:
            problem(
                "consensus_reason",
                f"The independent ratings differ ({_spread(line.rater_values)}): say why this "
                "is the agreed rating.",
            )
    if problems:
        return problems, None
    return [], _Change(
        line=line,
        row=row.number,
        rating=rating,
        target=target,
        commentary=commentary,
        consensus_reason=reason,
    )


def _check(
    parsed: ParsedWorkbook, lines: list[Line]
) -> tuple[list[WorkbookProblem], list[_Change]]:
    """Every row against the rules; the changes to make if there is no problem at all."""
    by_identifier = {line.criterion.identifier: line for line in lines}
    problems: list[WorkbookProblem] = []
    changes: list[_Change] = []
    seen: dict[str, int] = {}
    for row in parsed.rows:
        identifier = _text(row.cells["identifier"])
        line = by_identifier.get(identifier)
        if not identifier:
            message = "The row has no identifier. Do not change the Identifier column."
        elif identifier in seen:
            message = (
                f"“{identifier}” is also on row {seen[identifier]}. Each criterion has one row."
            )
        elif line is None:
            message = (
                f"There is no criterion “{identifier}” in this assessment's framework. Do not "
                "change the Identifier column."
            )
        else:
            seen[identifier] = row.number
            found, change = _check_row(row, line, parsed.exported.get(identifier, (None, "")))
            problems += found
            if change is not None:
                changes.append(change)
            continue
        problems.append(WorkbookProblem(row.number, "identifier", message))
    return sorted(problems, key=_problem_order), changes


def _problem_order(problem: WorkbookProblem) -> tuple[int, int]:
    keys = [c.key for c in COLUMNS]
    return (
        problem.row if problem.row is not None else 0,
        keys.index(problem.field) if problem.field in keys else -1,
    )


def workbook_import(
    *, actor: User, assessment: Assessment, data: bytes, file_name: str = ""
) -> WorkbookImport:
    """Check every row of an uploaded workbook and apply all of it, or none of it.

    Refused outright (403) when the actor may not rate the assessment, which includes its no
    longer being a draft. Otherwise the answer lists either the criteria saved or the problems,
    each with its row, in which case nothing was saved.
    """
    assessment_policy.require(actor, "rate", assessment)
    # Reading the file is the slow part, and needs nothing locked: it comes first.
    try:
        parsed = _workbook_read(data, file_name)
    except _Refused as refused:
        return WorkbookImport(problems=refused.problems)
    if parsed.assessment_id != assessment.pk:
        return WorkbookImport(
            problems=[
                WorkbookProblem(
                    None,
                    "workbook",
                    "This workbook is for another assessment. Download this assessment's "
                    "workbook and fill that in.",
                )
            ]
        )
    try:
        with transaction.atomic():
            # The status and every response are locked while the rows are checked and saved,
            # so that what was checked is what is saved over.
            assessment.status = (
                Assessment.objects.select_for_update()
                .values_list("status", flat=True)
                .get(pk=assessment.pk)
            )
            assessment_policy.require(actor, "rate", assessment)
            rateable = selectors.rateable_criterion_ids(user=actor, assessment=assessment)
            lines = workbook_lines(assessment=assessment, rateable=rateable, lock=True)
            problems, changes = _check(parsed, lines)
            if problems:
                raise _Refused(problems)
            for change in changes:
                _apply(actor, change)
            if changes:
                audit_record(
                    actor=actor,
                    verb="ASSESSMENT_WORKBOOK_IMPORTED",
                    target=assessment,
                    scope=AuditScope.PARTNERSHIP,
                    partnership_id=assessment.partnership_id,
                    detail={"assessment": assessment.pk, "changed": len(changes)},
                )
    except _Refused as refused:
        return WorkbookImport(problems=refused.problems)
    return WorkbookImport(changed=[change.line.criterion.identifier for change in changes])


def _apply(actor: User, change: _Change) -> None:
    """Save one row as the criterion page would. The rows were checked under lock, so a refusal
    here would be a rule the check does not know: it undoes the whole import, naming the row."""
    line = change.line
    try:
        services.response_update(
            actor=actor,
            response=line.response,
            seen_revision=line.response.revision,
            rating=change.rating,
            target=change.target,
            commentary=change.commentary,
            consensus_reason=change.consensus_reason,
        )
    except services.EditConflict as conflict:
        raise _Refused(
            [
                WorkbookProblem(
                    change.row,
                    "revision",
                    "Someone saved this criterion while the workbook was being imported "
                    f"(revision {conflict.theirs.revision} now). Upload it again.",
                )
            ]
        ) from conflict
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        raise _Refused(
            [
                WorkbookProblem(change.row, key if key in COLUMN_BY_KEY else "rating", message)
                for key, texts in messages.items()
                for message in texts
            ]
        ) from error
    except PermissionDenied403 as refusal:
        raise _Refused(
            [WorkbookProblem(change.row, "identifier", refusal.who_can or refusal.message)]
        ) from refusal
