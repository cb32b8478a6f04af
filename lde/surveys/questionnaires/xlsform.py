"""Reading an XLSForm workbook (the `survey`, `choices` and `settings` sheets) into questions.

The whole workbook is read and checked before anything is written: every problem is collected,
each naming its sheet, row (as the spreadsheet numbers it, the header being row 1) and column,
and the import writes the questionnaire only when there are none.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from lde.surveys.models import QuestionKind
from lde.surveys.questionnaires.expressions import ExpressionError, names_in, parse

__all__ = ["FormProblem", "ParsedChoice", "ParsedForm", "ParsedQuestion", "read_xlsform"]

NAME = re.compile(r"^[A-Za-z_][\w.-]{0,63}$")
TRUE = {"yes", "true", "true()", "1", "y"}
FALSE = {"", "no", "false", "false()", "0", "n"}
MAX_ROWS = 2_000

_TYPES = {
    "integer": QuestionKind.INTEGER,
    "decimal": QuestionKind.DECIMAL,
    "text": QuestionKind.TEXT,
    "date": QuestionKind.DATE,
    "note": QuestionKind.NOTE,
    "begin group": QuestionKind.BEGIN_GROUP,
    "begin_group": QuestionKind.BEGIN_GROUP,
    "end group": QuestionKind.END_GROUP,
    "end_group": QuestionKind.END_GROUP,
}
SUPPORTED = "integer, decimal, text, select_one, select_multiple, date, note, begin/end group"


@dataclass(frozen=True)
class FormProblem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} sheet" + (f", row {self.row}" if self.row else "")
        return (
            f"{where}, column {self.column}: {self.message}"
            if self.column
            else (f"{where}: {self.message}")
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedQuestion:
    kind: str
    name: str
    label: str = ""
    hint: str = ""
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""
    list_name: str = ""


@dataclass
class ParsedChoice:
    list_name: str
    name: str
    label: str


@dataclass
class ParsedForm:
    title: str = ""
    form_id: str = ""
    version: str = ""
    questions: list[ParsedQuestion] = field(default_factory=list)
    choices: list[ParsedChoice] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(sheet: Any) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header's column names (lower case, `label::English` read as `label`) and each
    non-empty row with its spreadsheet number."""
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    header = [_text(cell).lower().split("::")[0].strip() for cell in header_row]
    found = []
    for number, row in enumerate(rows, start=2):
        values = {
            header[i]: _text(cell) for i, cell in enumerate(row) if i < len(header) and header[i]
        }
        if any(values.values()):
            found.append((number, values))
    return header, found


def _expression(text: str, names: set[str], where: tuple[str, int, str], form: ParsedForm) -> None:
    sheet, row, column = where
    try:
        node = parse(text)
    except ExpressionError as error:
        form.problems.append(FormProblem(sheet, row, column, f"cannot read it: {error}"))
        return
    for unknown in sorted(names_in(node) - names):
        form.problems.append(
            FormProblem(sheet, row, column, f"${{{unknown}}} is not the name of a question")
        )


def _survey(sheet: Any, form: ParsedForm) -> None:
    header, rows = _rows(sheet)
    for needed in ("type", "name"):
        if needed not in header:
            form.problems.append(FormProblem("survey", 1, needed, "the column is missing"))
    if form.problems:
        return
    if len(rows) > MAX_ROWS:
        form.problems.append(
            FormProblem("survey", None, "", f"it has {len(rows):,} rows; at most {MAX_ROWS:,}")
        )
        return
    names = {values.get("name", "") for _, values in rows}
    seen: set[str] = set()
    depth = 0
    for number, values in rows:
        kind_text = " ".join(values.get("type", "").split())
        kind, list_name = "", ""
        first, _, rest = kind_text.partition(" ")
        if first in ("select_one", "select_multiple"):
            kind, list_name = first, rest.strip()
            if not list_name or " " in list_name:
                form.problems.append(
                    FormProblem("survey", number, "type", f"{first} needs one choices list name")
                )
                continue
        elif kind_text.lower() in _TYPES:
            kind = _TYPES[kind_text.lower()]
        else:
            shown = kind_text or "(empty)"
            form.problems.append(
                FormProblem(
                    "survey",
                    number,
                    "type",
                    f"{shown} is not a type this platform reads ({SUPPORTED})",
                )
            )
            continue
        name = values.get("name", "")
        if kind == QuestionKind.END_GROUP:
            depth -= 1
            if depth < 0:
                form.problems.append(
                    FormProblem("survey", number, "type", "end group with no begin group")
                )
                depth = 0
        else:
            if not NAME.match(name):
                form.problems.append(
                    FormProblem(
                        "survey",
                        number,
                        "name",
                        f"{name or '(empty)'} is not a name: start with a letter, then letters, "
                        "digits, _ . or -, at most 64",
                    )
                )
            elif name in seen:
                form.problems.append(
                    FormProblem("survey", number, "name", f"{name} is used by an earlier row")
                )
            seen.add(name)
            if kind == QuestionKind.BEGIN_GROUP:
                depth += 1
        required_text = values.get("required", "").lower()
        if required_text not in TRUE | FALSE:
            form.problems.append(
                FormProblem("survey", number, "required", f"{required_text} is not yes or no")
            )
        question = ParsedQuestion(
            kind=kind,
            name=name,
            label=values.get("label", "")[:2000],
            hint=values.get("hint", "")[:2000],
            required=required_text in TRUE,
            relevant=values.get("relevant", ""),
            constraint=values.get("constraint", ""),
            constraint_message=values.get("constraint_message", "")[:200],
            list_name=list_name,
        )
        for column in ("relevant", "constraint"):
            text = getattr(question, column)
            if len(text) > 480:
                form.problems.append(
                    FormProblem("survey", number, column, "the expression is over 480 characters")
                )
            elif text:
                _expression(text, names, ("survey", number, column), form)
        form.questions.append(question)
    if depth > 0:
        form.problems.append(FormProblem("survey", None, "type", "a begin group is never ended"))


def _choices(sheet: Any, form: ParsedForm) -> None:
    header, rows = _rows(sheet)
    name_column = "name" if "name" in header else "value"
    for needed in ("list_name", name_column, "label"):
        if needed not in header:
            form.problems.append(FormProblem("choices", 1, needed, "the column is missing"))
            return
    seen: set[tuple[str, str]] = set()
    for number, values in rows:
        list_name, name, label = (
            values.get("list_name", ""),
            values.get(name_column, ""),
            values.get("label", ""),
        )
        if not list_name:
            form.problems.append(FormProblem("choices", number, "list_name", "it is empty"))
            continue
        if not name or len(name) > 64 or " " in name:
            form.problems.append(
                FormProblem(
                    "choices", number, name_column, "give a name without spaces, 64 at most"
                )
            )
            continue
        if (list_name, name) in seen:
            form.problems.append(
                FormProblem("choices", number, name_column, f"{name} is already in {list_name}")
            )
            continue
        if not label or len(label) > 200:
            form.problems.append(
                FormProblem("choices", number, "label", "give a label of 200 characters at most")
            )
            continue
        seen.add((list_name, name))
        form.choices.append(ParsedChoice(list_name, name, label))


def read_xlsform(data: bytes) -> ParsedForm:
    """The form the workbook holds, with every problem found; nothing is written here."""
    form = ParsedForm()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        form.problems.append(FormProblem("workbook", None, "", "it cannot be read as XLSX"))
        return form
    sheets = {name.lower(): book[name] for name in book.sheetnames}
    if "survey" not in sheets:
        form.problems.append(FormProblem("survey", None, "", "the workbook has no survey sheet"))
        return form
    _survey(sheets["survey"], form)
    if "choices" in sheets:
        _choices(sheets["choices"], form)
    lists = {choice.list_name for choice in form.choices}
    # A select's list is checked once both sheets are read: name the survey row that needs it.
    _header, rows = _rows(sheets["survey"])
    by_name = {q.name: q for q in form.questions}
    for number, values in rows:
        question = by_name.get(values.get("name", ""))
        if question and question.list_name and question.list_name not in lists:
            form.problems.append(
                FormProblem(
                    "survey",
                    number,
                    "type",
                    f"the choices list {question.list_name} is not on the choices sheet",
                )
            )
    if "settings" in sheets:
        _, settings_rows = _rows(sheets["settings"])
        if settings_rows:
            values = settings_rows[0][1]
            form.title = values.get("form_title", "")[:200]
            form.form_id = values.get("form_id", "")[:120]
            form.version = values.get("version", "")[:120]
    if (
        not any(
            q.kind not in (QuestionKind.BEGIN_GROUP, QuestionKind.END_GROUP) for q in form.questions
        )
        and not form.problems
    ):
        form.problems.append(FormProblem("survey", None, "", "it has no questions"))
    return form
