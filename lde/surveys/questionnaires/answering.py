"""Reading a participant's answers against the questionnaire: relevance applied, types read,
required answers and constraints checked, free text passed through the personal-data guard.

Nothing here writes: `read_answers` returns the values to store and the problems to show, each
keyed by the question's name, in the order the questions come.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lde.core import limits
from lde.core.personal_data import scan_text
from lde.surveys.models import Choice, Question, QuestionKind
from lde.surveys.questionnaires.expressions import ExpressionError, evaluate

__all__ = ["CODE", "ReadAnswers", "StoredAnswer", "code_new", "code_normal", "read_answers"]

# A pseudonymous code: eight letters and digits, shown as two groups of four. The alphabet
# leaves out letters and digits people confuse (O and 0, I and 1), and no vowel, so that no
# word, and so no name, can be spelt with it.
CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"
# Only codes the platform could have given are accepted: a name or a date of birth cannot be
# typed as one.
CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def code_new() -> str:
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def code_normal(text: str) -> str:
    """The code as kept: capitals, the dash between the fours, spaces ignored."""
    squeezed = re.sub(r"[\s-]", "", text or "").upper()
    return f"{squeezed[:4]}-{squeezed[4:]}" if len(squeezed) == 8 else squeezed


@dataclass(frozen=True)
class StoredAnswer:
    question: Question
    value: str
    number: Decimal | None
    withheld: str = ""


@dataclass
class ReadAnswers:
    answers: list[StoredAnswer] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    withheld: list[str] = field(default_factory=list)


def _date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _label(question: Question) -> str:
    label = (question.label or question.name).strip().rstrip("?:.")
    return label[:80]


def _relevant(question: Question, answers: Mapping[str, Any]) -> bool:
    if not question.relevant:
        return True
    try:
        return evaluate(question.relevant, answers)
    except ExpressionError:
        return True


def read_answers(
    *,
    questions: Sequence[Question],
    choices: Mapping[str, Sequence[Choice]],
    data: Mapping[str, Any],
) -> ReadAnswers:
    """`data` maps a question's name to its raw value: a string, or a list of strings for a
    select_multiple. A group's relevance applies to every question in it."""
    found = ReadAnswers()
    known: dict[str, Any] = {}
    hidden_depth = 0  # inside a group that is not relevant, how deep
    for question in questions:
        if question.kind == QuestionKind.END_GROUP:
            hidden_depth = max(0, hidden_depth - 1) if hidden_depth else 0
            continue
        if hidden_depth:
            if question.kind == QuestionKind.BEGIN_GROUP:
                hidden_depth += 1
            continue
        if not _relevant(question, known):
            if question.kind == QuestionKind.BEGIN_GROUP:
                hidden_depth = 1
            continue
        if not question.answerable:
            continue
        raw = data.get(question.name)
        label = _label(question)
        if question.kind == QuestionKind.SELECT_MULTIPLE:
            picked = [
                str(v) for v in (raw if isinstance(raw, list | tuple) else [raw] if raw else [])
            ]
            allowed = {c.name for c in choices.get(question.list_name, [])}
            if any(p not in allowed for p in picked):
                found.problems[question.name] = f"Select from the choices for {label}"
                continue
            value, number = " ".join(picked), None
        else:
            value = str(raw or "").strip()
            number = None
        if not value:
            if question.required:
                verb = "Select" if question.kind.startswith("select") else "Enter"
                found.problems[question.name] = f"{verb} an answer for {label}"
            continue
        stored_value: Any = value
        withheld = ""
        if question.kind == QuestionKind.INTEGER:
            if not re.fullmatch(r"-?\d{1,12}", value):
                found.problems[question.name] = f"{label} must be a whole number, like 3"
                continue
            number = Decimal(value)
            stored_value = number
        elif question.kind == QuestionKind.DECIMAL:
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 12:
                found.problems[question.name] = f"{label} must be a number, like 2.5"
                continue
            stored_value = number
        elif question.kind == QuestionKind.DATE:
            day = _date(value)
            if day is None:
                found.problems[question.name] = f"{label} must be a real date, like 27/3/2026"
                continue
            value = day.isoformat()
            stored_value = value
        elif question.kind == QuestionKind.SELECT_ONE:
            options = {c.name for c in choices.get(question.list_name, [])}
            if value not in options:
                found.problems[question.name] = f"Select one of the choices for {label}"
                continue
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
        elif question.kind == QuestionKind.TEXT and len(value) > limits.TEXT:
            found.problems[question.name] = f"{label} must be {limits.TEXT:,} characters or fewer"
            continue
        if question.constraint:
            try:
                holds = evaluate(question.constraint, known, stored_value)
            except ExpressionError:
                holds = True
            if not holds:
                found.problems[question.name] = question.constraint_message or (
                    f"Check your answer for {label}"
                )
                continue
        known[question.name] = stored_value
        if question.kind == QuestionKind.TEXT:
            # The guard runs before the answer is stored for analysis: what looks like a
            # person's identifier is not kept at all, and the answer says what was found.
            findings = scan_text(value)
            if findings:
                withheld = ", ".join(sorted({f.kind for f in findings}))[:200]
                value = ""
                found.withheld.append(f"{label}: it looked like it held a {withheld.lower()}")
        found.answers.append(StoredAnswer(question, value, number, withheld))
    return found
