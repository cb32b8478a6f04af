"""`lde bench commissioning`: the money in the open at national scale (issue 14, "Speed").

On top of the national data, `extend` (benchmarks/commissioning_data.py) writes `--projects`
programme projects (default 5,000), `--awards` awards of calls (default 2,000), `--agreements`
agreements (default 2,000) with budget lines, output targets and milestones, and `--returns`
monitoring returns (default 20,000) with spend and outputs; `--heavy` partnerships (default 3,
the members of the first alliance) carry `--heavy-share` of it (default 30%), so that their
coordinators' pages are the heaviest there are. Synthetic and unaudited, as the national data.

`measure` then times, each `--warmup` times per reader untimed and then `--requests` times, each
request from the client's call to the finished response (target: a 95th percentile of 150 ms),
with its queries counted in a separate pass:

- `portfolio`: /programme/<id>/, the strand × tier matrix, as the heavy partnerships'
  coordinators;
- `value_for_money`: /monitoring/<id>/value-for-money/, as the same coordinators;
- `alliance_value_for_money`: /monitoring/alliances/<id>/value-for-money/, the first alliance's,
  as the same coordinators;
- `public_register` and `public_register_last_page`: /commissioning/public/register/, signed
  out, the first page and the last.

The coordinator pages are counted again for a coordinator of a light partnership
(`queries_light`): the counts must be the same, whatever the data. Last, the 360Giving export of
the whole register, JSON and spreadsheet: its time, peak Python memory (tracemalloc, in a second
run, because tracing slows it down), the growth of the process's peak resident size, its grants,
and the schema's complaints about the JSON (none expected).
"""

from __future__ import annotations

import gc
import json
import resource
import time
import tracemalloc
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.commissioning_data import CommissioningWorld, describe, generate_commissioning
from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, measure_pages
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from lde.commissioning import exports
from lde.commissioning.selectors import register
from lde.commissioning.views import REGISTER_PAGE
from lde.partnerships.models import Alliance

NAME = "commissioning"
TARGET_P95_MS = 150


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--projects", type=int, default=5000, help="Projects (default 5000).")
    parser.add_argument("--awards", type=int, default=2000, help="Awards (default 2000).")
    parser.add_argument("--agreements", type=int, default=2000, help="Agreements (default 2000).")
    parser.add_argument(
        "--returns", type=int, default=20000, help="Monitoring returns (default 20000)."
    )
    parser.add_argument(
        "--heavy",
        type=int,
        default=3,
        help="Partnerships carrying a large share of it, whose pages are timed (default 3).",
    )
    parser.add_argument(
        "--heavy-share",
        type=float,
        default=0.3,
        help="The heavy partnerships' share of projects, awards and agreements (default 0.3).",
    )
    parser.add_argument(
        "--requests", type=int, default=100, help="Timed requests per page (default 100)."
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="Untimed requests per reader (default 2)."
    )


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    made = generate_commissioning(
        world,
        projects=int(options["projects"]),
        awards=int(options["awards"]),
        agreements=int(options["agreements"]),
        returns=int(options["returns"]),
        heavy=int(options["heavy"]),
        heavy_share=float(options["heavy_share"]),
        progress=progress,
    )
    for label, rows in made.rows.items():  # added to the national data's own (organisations)
        world.counts[label] = world.counts.get(label, 0) + rows
    world.extensions[NAME] = made


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} gave {response.status_code}.")
    return len(captured)


def _alliance_members(alliance_id: int | None) -> set[int]:
    if alliance_id is None:
        return set()
    through = Alliance.partnerships.through
    return set(
        through.objects.filter(alliance_id=alliance_id).values_list("partnership_id", flat=True)
    )


def _export(make: Callable[[], tuple[bytes, int]]) -> dict[str, Any]:
    """Time `make` untraced, with the growth of the process's peak resident size, then once
    more under tracemalloc for the peak of Python's own allocations."""
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    body, grants = make()
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del body
    gc.collect()
    tracemalloc.start()
    body, _ = make()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "grants": grants,
        "bytes": len(body),
        "peak_memory_mib": round(peak / 2**20, 1),
        # ru_maxrss is in KiB on Linux; 0 when the export stayed below the process's earlier
        # peak (generating the data), which is then the bound.
        "peak_rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
        "peak_rss_mib": round(rss_after / 1024, 1),
    }


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup = int(options["requests"]), int(options["warmup"])
    if requests < 1:
        raise ValueError("--requests must be at least 1.")
    made: CommissioningWorld = world.extensions[NAME]
    clients = coordinator_clients(world, len(made.heavy), among=set(made.heavy))
    pages: dict[str, Callable[[int], str]] = {
        "portfolio": lambda p: reverse("programme:portfolio", args=[p]),
        "value_for_money": lambda p: reverse("monitoring:value-for-money", args=[p]),
    }
    console.line(
        f"Measuring {len(pages)} pages as the coordinators of {len(clients)} heavy partnerships "
        f"({describe(made)['heavy']}), {requests} requests each:"
    )
    results = measure_pages(
        pages,
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
    )
    members = _alliance_members(made.alliance_id)
    in_alliance = [(p, c) for p, c in clients if p in members]
    if made.alliance_id is not None and in_alliance:
        alliance = made.alliance_id
        pages["alliance_value_for_money"] = lambda _: reverse(
            "monitoring:alliance-value", args=[alliance]
        )
        console.line("The alliance's page, as the coordinators of its heavy members:")
        results.update(
            measure_pages(
                {"alliance_value_for_money": pages["alliance_value_for_money"]},
                in_alliance,
                requests=requests,
                warmup=warmup,
                console=console,
                target_p95_ms=TARGET_P95_MS,
            )
        )
    light = [p for p in world.partnership_ids if p not in set(made.heavy)]
    # A light partnership in the alliance if there is one, so that its page is counted too.
    light.sort(key=lambda p: p not in members)
    light_clients = coordinator_clients(world, 1, among={light[0]}) if light else []
    for name, url in pages.items():
        for p, client in light_clients:
            if name == "alliance_value_for_money" and p not in members:
                continue
            results[name]["queries_light"] = _queries(client, url(p))
            results[name]["queries_constant"] = (
                results[name]["queries_light"] == results[name]["queries"]
            )
    awards = register().count()
    last = max(1, -(-awards // REGISTER_PAGE))
    path = reverse("commissioning:public-register")
    public = {
        "public_register": lambda _: path,
        "public_register_last_page": lambda _: f"{path}?page={last}",
    }
    console.line(f"The public register, signed out ({awards} awards, {last} pages):")
    results.update(
        measure_pages(
            public,
            [(0, Client())],
            requests=requests,
            warmup=warmup,
            console=console,
            target_p95_ms=TARGET_P95_MS,
        )
    )

    def feed() -> tuple[bytes, int]:
        body = exports.feed_json(exports.awards())
        return body, len(json.loads(body)["grants"])

    everything = sum(1 for _ in exports.awards())  # the awards and any small grants

    def sheet() -> tuple[bytes, int]:
        return exports.feed_xlsx(exports.awards()), everything

    console.line("The 360Giving export of the whole register:")
    export_json = _export(feed)
    console.line(
        f"  JSON  {export_json['seconds']} s, {export_json['grants']} grants, "
        f"peak {export_json['peak_memory_mib']} MiB traced"
    )
    started = time.perf_counter()
    package = exports.package(exports.awards())
    problems = exports.validate(package)
    export_json["validate_seconds"] = round(time.perf_counter() - started, 2)
    export_json["schema_errors"] = len(problems)
    export_json["schema_errors_first"] = problems[:3]
    console.line(f"  JSON validates against the 360Giving schema: {len(problems)} errors")
    export_xlsx = _export(sheet)
    console.line(
        f"  XLSX  {export_xlsx['seconds']} s, peak {export_xlsx['peak_memory_mib']} MiB traced"
    )
    return {
        "settings": {
            "projects": int(options["projects"]),
            "awards": int(options["awards"]),
            "agreements": int(options["agreements"]),
            "returns": int(options["returns"]),
            "heavy": int(options["heavy"]),
            "heavy_share": float(options["heavy_share"]),
            "requests": requests,
            "warmup_per_reader": warmup,
        },
        "spread": describe(made),
        "targets": {"p95_ms": TARGET_P95_MS},
        "pages": results,
        "export_360giving_json": export_json,
        "export_360giving_xlsx": export_xlsx,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="The portfolio, value-for-money and public register pages, and the 360Giving export of "
    "the whole register, over 5,000 projects, 2,000 agreements and 20,000 returns.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
