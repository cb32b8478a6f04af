"""The `lde` command: the platform's own commands and Django's, under one name.

    lde demo | serve | worker | migrate | createadmin | audit verify | audit checkpoint | bench …

Every subcommand is a Django management command, so `lde help` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["lde", *argv])
    args[0] = "lde"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
