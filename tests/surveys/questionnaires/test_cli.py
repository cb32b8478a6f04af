"""`lde surveys import-xlsform`, `export-answers` and `demo-link`: through the services and the
questionnaire policy as the pages are. A workbook with a bad row saves nothing and the command
exits non-zero naming the sheet, row and column; the export holds the pseudonymous codes and
answers, only for a coordinator."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lde.core.audit.models import AuditEvent
from lde.surveys.models import Choice, Question, Questionnaire, Response, Wave
from lde.surveys.questionnaires import services
from tests.surveys.questionnaires.builders import (
    SURVEY,
    collection,
    protocol,
    questionnaire,
    xlsform,
)
from tests.surveys.questionnaires.conftest import Cast

pytestmark = pytest.mark.django_db


def _bad_survey() -> list[list[Any]]:
    survey = [list(row) for row in SURVEY]
    survey[9][0] = "geopoint"  # row 10 of the sheet: a type the platform does not read
    survey[4][6] = ". >= "  # row 5: a constraint that cannot be read
    return survey


def test_a_bad_row_saves_nothing_and_names_sheet_row_and_column(cast: Cast, tmp_path: Path) -> None:
    bad = tmp_path / "youth.xlsx"
    bad.write_bytes(xlsform(_bad_survey()))
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command(
            "surveys",
            "import-xlsform",
            str(cast.partnership.pk),
            str(bad),
            "--as",
            cast.coordinator.email,
        )
    assert refused.value.returncode == 1  # the exit status `lde surveys import-xlsform` ends with
    said = str(refused.value)
    assert said.startswith("Nothing was saved.")
    assert "youth.xlsx: survey sheet, row 10, column type: geopoint is not a type" in said
    assert "survey sheet, row 5, column constraint:" in said
    assert not Questionnaire.objects.exists()
    assert not Question.objects.exists() and not Choice.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_good_workbook_is_imported_under_a_protocol_with_its_title(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "youth.xlsx"
    good.write_bytes(xlsform())
    in_force = protocol()
    # A protocol the coordinator's organisation is a party to: one they may name.
    in_force.parties.add(cast.coordinator.organisation)
    call_command(
        "surveys",
        "import-xlsform",
        str(cast.partnership.pk),
        str(good),
        "--as",
        cast.coordinator.email,
        "--title",
        "Youth voice, spring",
        "--protocol",
        str(in_force.pk),
    )
    made = Questionnaire.objects.get()
    assert (made.title, made.protocol, made.partnership) == (
        "Youth voice, spring",
        in_force,
        cast.partnership,
    )
    assert made.questions.count() == len(SURVEY) - 1
    assert f"Imported questionnaire {made.pk}, Youth voice, spring" in capsys.readouterr().out
    assert AuditEvent.objects.filter(verb="QUESTIONNAIRE_IMPORTED").count() == 1


def test_only_a_coordinator_imports_and_only_into_a_partnership_they_see(
    cast: Cast, tmp_path: Path
) -> None:
    good = tmp_path / "youth.xlsx"
    good.write_bytes(xlsform())
    args = ["surveys", "import-xlsform", str(cast.partnership.pk), str(good), "--as"]
    with pytest.raises(CommandError, match=r"may not\. The partnership's coordinators add"):
        call_command(*args, cast.viewer.email)
    with pytest.raises(CommandError, match=r"does not exist or .* cannot see it"):
        call_command(*args, cast.outsider.email)
    with pytest.raises(CommandError, match=r"--as: no active person"):
        call_command(*args, "nobody@example.invalid")
    ended = protocol(status="ended")
    with pytest.raises(CommandError, match=r"--protocol: protocol .* has ended"):
        call_command(*args, cast.coordinator.email, "--protocol", str(ended.pk))
    with pytest.raises(CommandError, match=r"FILE: .*missing.xlsx"):
        call_command(
            "surveys",
            "import-xlsform",
            str(cast.partnership.pk),
            str(tmp_path / "missing.xlsx"),
            "--as",
            cast.coordinator.email,
        )
    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_bytes(b"just some text")
    with pytest.raises(CommandError, match=r"Nothing was saved.\nFILE: "):
        call_command(
            "surveys",
            "import-xlsform",
            str(cast.partnership.pk),
            str(not_a_workbook),
            "--as",
            cast.coordinator.email,
        )
    assert not Questionnaire.objects.exists()


def _answered(cast: Cast) -> Questionnaire:
    made = questionnaire(cast.partnership)
    before, after = collection(made, Wave.BEFORE), collection(made, Wave.AFTER)
    for wave, value in ((before, "2"), (after, "4")):
        (token,) = services.links_issue(actor=cast.coordinator, collection=wave, count=1)
        services.response_submit(
            token=token,
            code="BCDF-2345",
            data={"confidence": value, "trusted": "3", "comment": "=SUM(A1)"},
        )
    return made


def test_the_answers_are_exported_by_code_as_csv_and_xlsx(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _answered(cast)
    out = tmp_path / "answers.csv"
    call_command(
        "surveys", "export-answers", str(made.pk), "--as", cast.coordinator.email, "--out", str(out)
    )
    assert capsys.readouterr().out.strip() == f"Wrote {out}: 2 responses."
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == [
        "code",
        "wave",
        "collection",
        "submitted_at",
        "confidence",
        "trusted",
        "comment",
    ]
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        ("BCDF-2345", "after", "4"),
        ("BCDF-2345", "before", "2"),
    ]
    # What a spreadsheet would run as a formula is written as text.
    assert {r[6] for r in rows[1:]} == {"'=SUM(A1)"}
    book = tmp_path / "answers.xlsx"
    call_command(
        "surveys",
        "export-answers",
        str(made.pk),
        "--as",
        cast.coordinator.email,
        "--out",
        str(book),
    )
    assert capsys.readouterr().out.strip() == f"Wrote {book}: 2 responses."
    sheet = load_workbook(book, read_only=True)["answers"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:2] == ["code", "wave"]
    assert len(cells) == 1 + Response.objects.count()
    call_command(
        "surveys", "export-answers", str(made.pk), "--as", cast.coordinator.email, "--out", "-"
    )
    assert capsys.readouterr().out.startswith("code,wave,collection")


def test_only_a_coordinator_exports_the_answers(cast: Cast, tmp_path: Path) -> None:
    made = _answered(cast)
    out = tmp_path / "answers.csv"
    args = ["surveys", "export-answers", str(made.pk), "--out", str(out), "--as"]
    # A viewer reads the questionnaire and its change, but not the answers row by row.
    with pytest.raises(CommandError, match=r"may not\. The partnership's coordinators export"):
        call_command(*args, cast.viewer.email)
    with pytest.raises(CommandError, match=r"does not exist or .* cannot see it"):
        call_command(*args, cast.outsider.email)
    with pytest.raises(CommandError, match=r"--out: .* must end .csv or .xlsx"):
        call_command(
            "surveys",
            "export-answers",
            str(made.pk),
            "--out",
            str(tmp_path / "answers.txt"),
            "--as",
            cast.coordinator.email,
        )
    assert not out.exists()


def test_the_demo_link_needs_the_demo() -> None:
    with pytest.raises(CommandError, match=r"run `lde demo` first"):
        call_command("surveys", "demo-link")
