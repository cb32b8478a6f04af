"""`lde` on its own, `lde help` and `lde --help` describe the platform and its own commands
first; Django's administrative commands are listed apart, by `lde help --django`."""

from __future__ import annotations

from typing import Any

import pytest

from lde import cli

OWN = [
    "assessment-workbook",
    "audit",
    "backup",
    "bench",
    "capacity",
    "cascades",
    "commissioning",
    "createadmin",
    "demo",
    "engagement",
    "exercises",
    "frameworks",
    "indicators",
    "inspections",
    "monitoring",
    "narratives",
    "oidc-fake-provider",
    "programme",
    "restore",
    "rollups",
    "serve",
    "surveys",
    "what-works",
]


@pytest.mark.parametrize("argv", [[], ["help"], ["--help"], ["-h"]])
def test_the_help_lists_the_platforms_commands_and_not_djangos(
    argv: list[str], capsys: Any
) -> None:
    cli.main(argv)
    out = capsys.readouterr().out
    assert out.startswith("Prevent LDE: self-assessment, peer review")
    listed = [
        line.split()[0]
        for line in out.split("The platform's commands:\n")[1].split("\n\n")[0].splitlines()
    ]
    assert listed == [*OWN, "worker"]
    assert "  demo                 Load the fictional demo" in out
    assert "lde help --django lists them" in out
    # Django's commands are named only as examples, never listed beside the platform's.
    assert "flush (empties it)" in out
    for name in ("createsuperuser", "dbshell", "sqlflush", "collectstatic"):
        assert name not in out


def test_help_django_lists_djangos_commands_by_application_and_not_the_platforms(
    capsys: Any,
) -> None:
    cli.main(["help", "--django"])
    out = capsys.readouterr().out
    assert "[core]\n    check\n" in out
    assert "    flush\n" in out and "    migrate\n" in out and "    createsuperuser\n" in out
    assert "[staticfiles]\n    collectstatic" in out
    for name in OWN:
        assert f"    {name}\n" not in out


def test_help_for_one_command_is_still_djangos(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    assert capsys.readouterr().out.startswith("usage: lde demo")
