"""The `lde` command: the platform's own commands and Django's, under one name.

    lde demo | serve | worker | migrate | createadmin | audit verify | audit checkpoint | bench …

Every subcommand is a Django management command. `lde`, `lde help` and `lde --help` describe the
platform and list its own commands; Django's administrative ones (migrate, flush, shell, …) stay
available, listed by `lde help --django`, rather than in one alphabetical list where `flush`,
which empties the database, sits beside `demo`. `lde help SUBCOMMAND` explains one.
"""

from __future__ import annotations

import os
import sys
import textwrap
from typing import TextIO

INTRODUCTION = (
    "Prevent LDE: self-assessment, peer review, action plans and information sharing for local "
    "Prevent partnerships."
)
# The packages whose commands are the platform's own (the `benchmarks` app is installed only so
# that `lde bench` exists).
OWN_PACKAGES = ("lde.", "benchmarks")


def _commands() -> dict[str, str]:
    from django.core.management import get_commands

    return dict(sorted(get_commands().items()))


def own_commands() -> dict[str, str]:
    """The platform's commands, each with its one-line help, by name."""
    from django.core.management import load_command_class

    return {
        name: str(load_command_class(app, name).help or "").strip()
        for name, app in _commands().items()
        if app.startswith(OWN_PACKAGES)
    }


def help_print(out: TextIO) -> None:
    """What `lde`, `lde help` and `lde --help` print."""
    commands = own_commands()
    width = max(len(name) for name in commands) + 2
    djangos = (
        "Django's administrative commands are also available, among them migrate (creates or "
        "updates the database) and flush (empties it): lde help --django lists them. "
        "lde help COMMAND explains any one command."
    )
    lines = [
        *textwrap.wrap(INTRODUCTION, width=88),
        "",
        "Usage: lde COMMAND [OPTIONS]",
        "",
        "The platform's commands:",
        *(f"  {name.ljust(width)}{text}" for name, text in commands.items()),
        "",
        "To start: lde migrate, then lde demo (the fictional demo), then lde serve.",
        "",
        *textwrap.wrap(djangos, width=88),
    ]
    out.write("\n".join(lines) + "\n")


def django_help_print(out: TextIO) -> None:
    """What `lde help --django` prints: Django's and its add-ons' commands, by application."""
    by_app: dict[str, list[str]] = {}
    for name, app in _commands().items():
        if not app.startswith(OWN_PACKAGES):
            by_app.setdefault(app.rpartition(".")[2], []).append(name)
    lines = [
        "Django's administrative commands, by application (the platform's own: lde help).",
        "Take care with those that change data, such as flush, which empties the database.",
    ]
    for app, names in sorted(by_app.items()):
        lines += ["", f"[{app}]", *(f"    {name}" for name in names)]
    out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["lde", *argv])
    args[0] = "lde"
    asked = args[1:]
    if asked in ([], ["help"], ["--help"], ["-h"], ["help", "--django"]):
        import django
        from django.core.exceptions import ImproperlyConfigured

        try:
            django.setup()
        except ImproperlyConfigured:
            # Settings that cannot load (production without its environment): Django's own
            # help says so and still lists its commands.
            pass
        else:
            (django_help_print if asked == ["help", "--django"] else help_print)(sys.stdout)
            return
        args = args[:2]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
