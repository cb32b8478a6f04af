"""Builders for the questionnaire tests: an XLSForm workbook, a protocol in force, and a
partnership with a questionnaire whose collections are open."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from lde.sharing.models import Protocol, ProtocolStatus
from lde.surveys.models import (
    Choice,
    Collection,
    CollectionStatus,
    Question,
    Questionnaire,
    Wave,
)

SURVEY = [
    ["type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message"],
    ["note", "intro", "About the project", "", "", "", "", ""],
    ["begin group", "views", "Your views", "", "", "", "", ""],
    [
        "select_one agree5",
        "confidence",
        "I feel confident reporting a hate crime",
        "",
        "yes",
        "",
        "",
        "",
    ],
    [
        "integer",
        "trusted",
        "How many adults do you trust to talk to?",
        "",
        "yes",
        "",
        ". >= 0 and . <= 50",
        "Between 0 and 50",
    ],
    ["end group", "", "", "", "", "", "", ""],
    ["select_multiple where", "where", "Where did you hear of the project?", "", "", "", "", ""],
    ["text", "where_other", "Where else?", "", "", "selected(${where}, 'other')", "", ""],
    ["decimal", "hours", "Hours a week online", "", "", "", ". < 100", ""],
    ["date", "joined", "When did you join?", "", "", "", "", ""],
    ["text", "comment", "Anything else?", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label"],
    *[
        ["agree5", str(i), label]
        for i, label in enumerate(
            ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"], 1
        )
    ],
    ["where", "school", "School"],
    ["where", "friend", "A friend"],
    ["where", "other", "Somewhere else"],
]
SETTINGS = [["form_title", "form_id", "version"], ["Youth voice", "youth_voice", "2026-1"]]


def xlsform(
    survey: list[list[Any]] | None = None,
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey if survey is not None else SURVEY:
        sheet.append(row)
    for title, rows in (("choices", choices or CHOICES), ("settings", settings or SETTINGS)):
        other = book.create_sheet(title)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def protocol(status: str = ProtocolStatus.IN_FORCE, **overrides: Any) -> Protocol:
    fields: dict[str, Any] = {
        "title": "Youth project evaluation",
        "purpose": "Evaluating the youth project (¶165)",
        "legal_basis": "Public task",
        "dpia_reference": "DPIA-2026-07",
        "information_shared": "Pseudonymous answers",
        "who_may_see": "The partnership's coordinators",
        "handling": "Official",
        "retention_days": 365,
        "review_on": date(2030, 1, 1),
        "status": status,
    }
    fields.update(overrides)
    return Protocol.objects.create(**fields)


def questionnaire(partnership: Any, *, with_protocol: bool = True) -> Questionnaire:
    """A small before-and-after questionnaire: a 1 to 5 scale, a count and a comment."""
    made = Questionnaire.objects.create(
        partnership=partnership,
        title="Confidence before and after",
        protocol=protocol() if with_protocol else None,
    )
    Question.objects.create(
        questionnaire=made,
        position=1,
        kind="select_one",
        name="confidence",
        label="I feel confident reporting a hate crime",
        required=True,
        list_name="agree5",
    )
    Question.objects.create(
        questionnaire=made,
        position=2,
        kind="integer",
        name="trusted",
        label="Adults you trust",
        constraint=". <= 50",
        constraint_message="50 at most",
    )
    Question.objects.create(
        questionnaire=made, position=3, kind="text", name="comment", label="Anything else?"
    )
    for i in range(1, 6):
        Choice.objects.create(
            questionnaire=made, list_name="agree5", name=str(i), label=f"Point {i}", position=i
        )
    return made


def collection(made: Questionnaire, wave: str = Wave.BEFORE, status: str = "open") -> Collection:
    return Collection.objects.create(
        questionnaire=made,
        wave=wave,
        title=f"{wave.title()} the project",
        status=status,
    )


__all__ = ["CollectionStatus", "collection", "protocol", "questionnaire", "xlsform"]
