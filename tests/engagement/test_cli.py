"""lde engagement export: what the named reader may read, as JSON or CSV, and a non-zero exit
naming the problem on bad input."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("engagement", "export", *args, stdout=out)
    return out.getvalue()


def test_json_holds_every_part_for_a_reader(cast: dict[str, Any]) -> None:
    found = json.loads(export(str(cast["partnership"].pk), "--as", cast["people"]["viewer"].email))
    assert [f["name"] for f in found["forums"]] == ["Matrix Faith Forum"]
    assert found["forums"][0]["engaged"] == "Not engaged for 3 months"
    assert sorted(m["status"] for m in found["key_messages"]) == ["agreed", "draft", "retired"]
    assert [s["status"] for s in found["initiatives"][0]["support"]].count("declined") == 1
    assert found["schools"][0]["safer_schools_partnership"] is True
    assert found["media_briefings"][0]["spoke"].startswith("Communications lead, ")


def test_a_community_reviewer_exports_only_their_forums(cast: dict[str, Any]) -> None:
    found = json.loads(
        export(str(cast["partnership"].pk), "--as", cast["people"]["community_reviewer"].email)
    )
    assert set(found) == {"partnership", "forums"}
    assert [f["name"] for f in found["forums"]] == ["Matrix Faith Forum"]


def test_csv_is_one_row_a_record_its_kind_first(cast: dict[str, Any]) -> None:
    text = export(
        str(cast["partnership"].pk), "--as", cast["people"]["coordinator"].email, "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = [row["kind"] for row in rows]
    assert kinds.count("forum") == 1
    assert kinds.count("forum_member") == 2
    assert kinds.count("support_request") == 4
    assert kinds.count("key_message") == 3
    assert kinds.count("school_activity") == 1


@pytest.mark.parametrize(
    ("partnership", "reader", "message"),
    [
        ("abc", "viewer", "partnership_id: 'abc' is not a partnership's number"),
        ("999999", "viewer", "partnership_id: partnership 999999 does not exist"),
        ("{p}", "nobody@example.test", "--as: no active person has the email"),
        ("{p}", "outsider", "does not exist or"),
    ],
)
def test_bad_input_exits_non_zero_naming_the_problem(
    cast: dict[str, Any], partnership: str, reader: str, message: str
) -> None:
    email = (
        cast["outsider"].email
        if reader == "outsider"
        else cast["people"][reader].email
        if reader in cast["people"]
        else reader
    )
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        export(partnership.format(p=cast["partnership"].pk), "--as", email)


def test_a_format_not_offered_is_refused_by_name(cast: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        export(
            str(cast["partnership"].pk), "--as", cast["people"]["viewer"].email, "--format", "xml"
        )
