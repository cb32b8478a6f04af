"""What every `lde bench` benchmark shares: a throwaway database, national data, the results file.

A benchmark is a `Benchmark`: its name (the `lde bench` subcommand), its own arguments, a
`measure` function given the generated `NationalWorld`, and optionally an `extend` function that
adds the benchmark's own data to that world first (counted with the national data's rows and
time). `run()` does the rest: creates the throwaway database, migrates it, generates the national
data (and the benchmark's own), calls `measure`, records the machine, and writes
benchmarks/results/<name>-<database>.json.

The throwaway database comes from config/settings/bench.py: a new SQLite file in a temporary
folder, or, when DATABASE_URL is set, a separate PostgreSQL database `lde_bench` on that server,
created here and dropped afterwards. The database named in DATABASE_URL is never written to.
"""

from __future__ import annotations

import gc
import json
import shutil
import time
from argparse import ArgumentParser
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections

from benchmarks.console import Console
from benchmarks.machine import (
    cpu_times,
    cpu_use_between,
    database_info,
    load_average,
    machine_info,
    software_info,
)
from benchmarks.national import NationalWorld, generate_national
from lde.core.startup import load_and_freeze

BENCH_SETTINGS = "config.settings.bench"
RESULTS_DIR = Path(__file__).resolve().parent / "results"

Measure = Callable[[NationalWorld, Mapping[str, Any], Console], dict[str, Any]]
# Adds a benchmark's own data to the national world (its rows into `world.counts`, its steps'
# seconds through the callback), before the statistics are gathered and the timing starts.
Extend = Callable[[NationalWorld, Mapping[str, Any], Callable[[str, float], None]], None]


@dataclass(frozen=True)
class Benchmark:
    name: str
    help: str
    add_arguments: Callable[[ArgumentParser], None]
    measure: Measure
    extend: Extend | None = None


def add_page_timing_arguments(parser: ArgumentParser) -> None:
    """How a page benchmark times its pages: requests per page, people signed in as, and the
    untimed requests each makes first."""
    parser.add_argument(
        "--requests", type=int, default=200, help="Timed requests per page (default 200)."
    )
    parser.add_argument(
        "--sample", type=int, default=20, help="Coordinators to sign in as (default 20)."
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="Untimed requests per coordinator (default 2)."
    )


def add_common_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--partnerships", type=int, default=350, help="Partnerships to generate (default 350)."
    )
    parser.add_argument(
        "--users", type=int, default=20000, help="Users to generate (default 20000)."
    )
    parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_DIR,
        help="Folder for the results file (default benchmarks/results).",
    )
    parser.add_argument(
        "--results-name",
        default="",
        help="Name the results file NAME-<database>.json instead of after the benchmark (to "
        "keep a run at another size beside the default one).",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the throwaway database afterwards, and say where it is.",
    )


def _setting(name: str) -> str:
    """A setting only config/settings/bench.py defines."""
    return str(getattr(settings, name, ""))


def _sqlite_folder() -> Path:
    """The temporary folder holding the bench SQLite file; refuses anything else."""
    folder = Path(_setting("BENCH_SQLITE_DIR"))
    if not folder.name.startswith("lde-bench-") or not folder.is_absolute():
        raise ImproperlyConfigured(f"Not a bench folder: {folder!s}")
    return folder


def _postgres_admin(statement: str) -> None:
    """Run one statement on the server's own database named in DATABASE_URL (autocommit)."""
    import psycopg
    from psycopg import sql

    params = settings.DATABASES["default"]

    def param(key: str) -> str | None:
        return str(params.get(key) or "") or None

    with psycopg.connect(
        dbname=_setting("BENCH_SERVER_DATABASE"),
        user=param("USER"),
        password=param("PASSWORD"),
        host=param("HOST"),
        port=param("PORT"),
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL(statement).format(sql.Identifier(str(params["NAME"]))))


@contextmanager
def throwaway_database(*, keep: bool, console: Console) -> Iterator[str]:
    """Create the bench database, yield a description of it, then remove it (unless `keep`)."""
    if settings.SETTINGS_MODULE != BENCH_SETTINGS:
        raise ImproperlyConfigured(f"Benchmarks run only under {BENCH_SETTINGS}.")
    name = str(settings.DATABASES["default"]["NAME"])
    if connection.vendor == "postgresql":
        if _setting("BENCH_SERVER_DATABASE") == name:
            raise ImproperlyConfigured(f"DATABASE_URL names {name}, the bench database itself.")
        _postgres_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _postgres_admin("CREATE DATABASE {}")
        where = f"PostgreSQL database {name} (dropped afterwards)"
    else:
        folder = _sqlite_folder()
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        where = f"SQLite file {name} (removed afterwards)"
    console.line(f"Throwaway database: {where if not keep else name}")
    try:
        yield where
    finally:
        connections.close_all()
        if keep:
            console.line(f"Kept the database: {name}")
        elif connection.vendor == "postgresql":
            _postgres_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        else:
            shutil.rmtree(_sqlite_folder(), ignore_errors=True)


def run(benchmark: Benchmark, options: Mapping[str, Any], console: Console) -> Path:
    """Run one benchmark from a fresh database to its results file; return the file's path."""
    load_at_start = load_average()
    with throwaway_database(keep=options["keep"], console=console):
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_seconds = time.perf_counter() - started
        console.line(f"Migrated in {migrate_seconds:.1f} s. Generating national data:")

        def step_done(step: str, seconds: float) -> None:
            console.line(f"  {step:<14} {seconds:6.2f} s")

        started = time.perf_counter()
        world = generate_national(
            partnerships=options["partnerships"],
            users=options["users"],
            seed=options["seed"],
            progress=step_done,
        )
        if benchmark.extend is not None:
            benchmark.extend(world, options, step_done)
        generate_seconds = time.perf_counter() - started
        console.line(f"Generated in {generate_seconds:.1f} s.")
        if connection.vendor == "postgresql":
            # What autovacuum would do within a minute or so; without it the planner guesses.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        database = database_info()
        # As a served process starts (config/wsgi.py). The generated data's Python objects,
        # which a served process would not hold, are frozen with the rest: unfrozen, each full
        # garbage collection during the timed requests walked them all, about 130 ms a pass,
        # which was the trends page's 95th percentile.
        frozen_objects = load_and_freeze()
        cpu_at_start = cpu_times()
        measured = benchmark.measure(world, options, console)
        cpu_during = cpu_use_between(cpu_at_start, cpu_times())
        gc.unfreeze()
    result = {
        "benchmark": benchmark.name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            **machine_info(),
            "load_average_at_start": load_at_start,
            "cpu_during_measure": cpu_during,
        },
        "gc_frozen_objects": frozen_objects,
        "software": {
            **software_info(),
            "database": database["engine"],
            "database_version": database["version"],
        },
        "data": {
            "partnerships": options["partnerships"],
            "users": options["users"],
            "seed": options["seed"],
            "rows": world.counts,
            "migrate_seconds": round(migrate_seconds, 2),
            "generate_seconds": round(generate_seconds, 2),
            "generate_step_seconds": {k: round(v, 2) for k, v in world.timings.items()},
        },
        **measured,
    }
    output = Path(options["output"])
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{options.get('results_name') or benchmark.name}-{database['engine']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path
