"""`lde exercises list|report`: a partnership's exercises, and an exercise's after-action report
written to a file, for the person named by --as and as the pages' policy allows; bad input exits
non-zero naming the argument."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from lde.consequence_management import services
from tests.consequence_management.test_exercises import closed_exercise, exercise_make

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("exercises", *args, stdout=out)
    return out.getvalue()


def test_the_list_gives_each_exercise_with_its_status(cast: dict[str, Any]) -> None:
    closed = closed_exercise(cast)
    planned = exercise_make(cast, title="Exercise Lantern")
    email = cast["coordinator"].email
    text = _run("list", str(cast["partnership"].pk), "--as", email)
    assert "Testbridge: 2 exercise(s)" in text
    assert f"{closed.pk}: Exercise Harbour" in text and "closed" in text
    assert f"{planned.pk}: Exercise Lantern" in text and "planned" in text
    rows = json.loads(_run("list", str(cast["partnership"].pk), "--as", email, "--json"))
    assert {(r["id"], r["status"]) for r in rows} == {
        (closed.pk, "closed"),
        (planned.pk, "planned"),
    }


def test_the_report_is_written_to_a_file_as_the_page_gives_it(
    cast: dict[str, Any], tmp_path: Path
) -> None:
    exercise = closed_exercise(cast)
    services.lesson_record(
        actor=cast["coordinator"],
        exercise=exercise,
        lesson="The ring-round list had no out-of-hours numbers.",
        title="Collect out-of-hours numbers",
        description="Ask each centre for a second channel.",
        owner=cast["coordinator"],
        owner_organisation=cast["council"],
        due_on=exercise.held_on.replace(year=exercise.held_on.year + 1),
    )
    target = tmp_path / "harbour.pdf"
    said = _run("report", str(exercise.pk), "--as", cast["coordinator"].email, "--out", str(target))
    assert f"to {target}" in said
    content = target.read_bytes()
    assert content.startswith(b"%PDF-")
    # Table cells wrap, so the words are compared with their spacing made one.
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Exercise Harbour" in text
    assert "Collect out-of-hours numbers" in text
    # A viewer may read the exercise's report too (without the cascade's figures).
    viewer = tmp_path / "viewer.pdf"
    _run("report", str(exercise.pk), "--as", cast["people"]["viewer"].email, "--out", str(viewer))
    assert viewer.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("list", "abc", "--as", "{coordinator}"), "partnership_id: 'abc' is not a number"),
        (("list", "{partnership}", "--as", "nobody@example.test"), "--as: no active person"),
        (("list", "{partnership}", "--as", "{outsider}"), "partnership_id: partnership"),
        (("report", "{exercise}", "--as", "{outsider}", "--out", "{tmp}/a.pdf"), "exercise_id:"),
        (("report", "999999", "--as", "{coordinator}", "--out", "{tmp}/a.pdf"), "exercise_id:"),
        (("report", "{exercise}", "--as", "{coordinator}", "--out", "{tmp}/a.txt"), "must end"),
        (("report", "{exercise}", "--as", "{coordinator}", "--out", "{tmp}/no/a.pdf"), "folder"),
        (("report", "{exercise}", "--as", "{coordinator}", "--out", "{tmp}/old.pdf"), "exists"),
    ],
)
def test_bad_input_exits_naming_the_argument(
    cast: dict[str, Any], tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    exercise = closed_exercise(cast)
    (tmp_path / "old.pdf").write_bytes(b"kept")
    values = {
        "coordinator": cast["coordinator"].email,
        "outsider": cast["outsider"].email,
        "partnership": str(cast["partnership"].pk),
        "exercise": str(exercise.pk),
        "tmp": str(tmp_path),
    }
    with pytest.raises(CommandError, match=words.replace("(", r"\(")):
        _run(*(a.format(**values) for a in args))
    assert (tmp_path / "old.pdf").read_bytes() == b"kept"
    assert not (tmp_path / "a.pdf").exists()
