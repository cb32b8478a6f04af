"""lde bench BENCHMARK: measure the service at national scale on a throwaway database.

    lde bench pages                                  # SQLite
    scripts/with-postgres .venv/bin/lde bench pages  # PostgreSQL, from DATABASE_URL

Each benchmark is a subcommand, listed in BENCHMARKS; add one by writing a
`benchmarks.harness.Benchmark` and naming it there. The command always runs under
config/settings/bench.py (a throwaway database, never the service's own): started under any
other settings, it runs itself again under those. It lives in the benchmarks package, which sits
above every app in the import graph (docs/architecture.md) and which no app imports, because the
benchmarks generate and measure the data of all of them. See benchmarks/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchmarks.assessments import BENCHMARK as ASSESSMENTS
from benchmarks.capacity import BENCHMARK as CAPACITY
from benchmarks.cascades import BENCHMARK as CASCADES
from benchmarks.commissioning import BENCHMARK as COMMISSIONING
from benchmarks.console import Console
from benchmarks.engagement import BENCHMARK as ENGAGEMENT
from benchmarks.faults import BENCHMARK as FAULTS
from benchmarks.harness import BENCH_SETTINGS, Benchmark, add_common_arguments, run
from benchmarks.indicators import BENCHMARK as INDICATORS
from benchmarks.load import BENCHMARK as LOAD
from benchmarks.narratives import BENCHMARK as NARRATIVES
from benchmarks.pages import BENCHMARK as PAGES
from benchmarks.programme import BENCHMARK as PROGRAMME
from benchmarks.rollups import BENCHMARK as ROLLUPS
from benchmarks.sharing import BENCHMARK as SHARING
from benchmarks.survey_pages import BENCHMARK as SURVEY_PAGES
from benchmarks.surveys import BENCHMARK as SURVEYS

BENCHMARKS: dict[str, Benchmark] = {
    PAGES.name: PAGES,
    ASSESSMENTS.name: ASSESSMENTS,
    SHARING.name: SHARING,
    CAPACITY.name: CAPACITY,
    COMMISSIONING.name: COMMISSIONING,
    ENGAGEMENT.name: ENGAGEMENT,
    NARRATIVES.name: NARRATIVES,
    PROGRAMME.name: PROGRAMME,
    CASCADES.name: CASCADES,
    LOAD.name: LOAD,
    FAULTS.name: FAULTS,
    SURVEYS.name: SURVEYS,
    INDICATORS.name: INDICATORS,
    SURVEY_PAGES.name: SURVEY_PAGES,
    ROLLUPS.name: ROLLUPS,
}


class Command(BaseCommand):
    help = "Measure the service at national scale on a throwaway database (benchmarks/)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    _argv: list[str] | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK")
        subcommands.required = True
        for name, benchmark in BENCHMARKS.items():
            subparser = subcommands.add_parser(
                name, help=benchmark.help, description=benchmark.help
            )
            add_common_arguments(subparser)
            benchmark.add_arguments(subparser)

    def run_from_argv(self, argv: list[str]) -> None:
        self._argv = argv[2:]  # what followed `lde bench`, to run again under bench settings
        super().run_from_argv(argv)

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
        if options.get("settings") not in (None, BENCH_SETTINGS):
            raise CommandError(f"lde bench always runs under {BENCH_SETTINGS}; drop --settings.")
        if settings.SETTINGS_MODULE != BENCH_SETTINGS:
            self._rerun_under_bench_settings()
            return
        console = Console(
            lambda text: self.stdout.write(text, ending=""), interactive=self.stdout.isatty()
        )
        path = run(BENCHMARKS[benchmark], options, console)
        self.stdout.write(self.style.SUCCESS(f"Results written to {path}"))

    def _rerun_under_bench_settings(self) -> None:
        if self._argv is None:
            raise CommandError(
                f"Run `lde bench` from the command line, or with "
                f"DJANGO_SETTINGS_MODULE={BENCH_SETTINGS}."
            )
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
        completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "lde.cli", "bench", *self._argv],
            env=environment,
            check=False,
        )
        if completed.returncode:
            raise CommandError(f"lde bench failed (exit status {completed.returncode}).")
