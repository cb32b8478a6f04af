"""`lde inspections programme-export`: the programme's sites as the person named sees them, as
CSV or JSON; an unknown reader, a programme they may not read and a wrong suffix refused, each
naming the argument."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory
from tests.inspections.builders import inspection_world, site_to

pytestmark = pytest.mark.django_db


def test_the_lead_exports_the_sites_as_csv_and_json(tmp_path: Path) -> None:
    world = inspection_world()
    site_to(world, "visited")
    out = tmp_path / "programme.csv"
    call_command(
        "inspections",
        "programme-export",
        str(world.programme.pk),
        "--as",
        world.lead.email,
        "--out",
        str(out),
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["partnership"], r["status"], r["inspectors"]) for r in rows] == [
        ("Inspected partnership", "Visited", "Ivan Inspector")
    ]
    assert (rows[0]["documents_requested"], rows[0]["visits"]) == ("2", "1")
    out_json = tmp_path / "programme.json"
    call_command(
        "inspections",
        "programme-export",
        str(world.programme.pk),
        "--as",
        world.coordinator.email,
        "--out",
        str(out_json),
    )
    document = json.loads(out_json.read_text(encoding="utf-8"))
    assert document["programme"]["title"] == world.programme.title
    assert [s["partnership"] for s in document["sites"]] == ["Inspected partnership"]


def test_refusals_name_the_argument(tmp_path: Path) -> None:
    world = inspection_world()
    out = tmp_path / "programme.csv"
    with pytest.raises(CommandError, match=r"^--as:"):
        call_command(
            "inspections",
            "programme-export",
            str(world.programme.pk),
            "--as",
            "nobody@example.test",
            "--out",
            str(out),
        )
    with pytest.raises(CommandError, match=r"^PROGRAMME_ID:"):
        call_command(
            "inspections",
            "programme-export",
            str(world.programme.pk),
            "--as",
            UserFactory(is_site_administrator=True).email,
            "--out",
            str(out),
        )
    with pytest.raises(CommandError, match=r"^--out:"):
        call_command(
            "inspections",
            "programme-export",
            str(world.programme.pk),
            "--as",
            world.lead.email,
            "--out",
            str(tmp_path / "programme.xlsx"),
        )
    assert not out.exists()
