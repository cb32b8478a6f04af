"""`lde bench rollups`: the neighbour computation of similar areas (issue 17, "Speed").

Times `lde.rollups.areas.nearest` — standardise every variable, the weighted Euclidean distance
of every pair, each area's 15 nearest and each variable's part of every kept pair's squared
distance — for `--areas` areas (default 350, one per partnership) of `--variables` variables
(default 10), `--repeat` times, and traces its peak memory (tracemalloc) in the first, untimed
run. The figures are invented (a fixed seed); every area is its own partnership's. The
computation reads the imported figures, not the database.

**The pages** (issue 17's "one measure across 350 partnerships x 10 cycles"): `extend` loads the
Prevent partnership model as shipped and writes, for every generated partnership, a published
self-assessment of it in each of `--cycles` cycles (default 10) with every criterion rated
(`lde.rollups.distributions_data.scored_cycles`, bulk_create), and an area data set in which each
partnership has 15 nearest neighbours. Then `--sample` coordinators (one per partnership) open
the distribution of the overall score in the latest cycle for England (`coordinator_england`,
their partnership and its published neighbours marked) and for their own region
(`coordinator_region`), and the national analysts open it for England (`analyst_england`):
`--warmup` untimed requests each, then `--requests` timed ones, and queries counted apart. The
target is a p95 within 150 ms for every page; the query counts are asserted constant in
tests/rollups/test_distributions_query_counts.py.
"""

from __future__ import annotations

import time
import tracemalloc
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from benchmarks.pages import signed_in_client
from lde.accounts.models import User
from lde.core.access.facts import today
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.services import framework_load_file
from lde.partnerships.models import Partnership
from lde.rollups.areas import nearest
from lde.rollups.distributions import cycle_of
from lde.rollups.distributions_data import scored_cycles
from lde.rollups.models import NEIGHBOURS, AreaDataSet, AreaNeighbour

NAME = "rollups"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--areas", type=int, default=350, help="Areas (default 350).")
    parser.add_argument("--variables", type=int, default=10, help="Variables (default 10).")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs (default 5).")
    parser.add_argument(
        "--cycles", type=int, default=10, help="Published cycles per partnership (default 10)."
    )
    add_page_timing_arguments(parser)


FRAMEWORK_FILE = (
    Path(__file__).resolve().parent.parent
    / "lde"
    / "frameworks"
    / "data"
    / "prevent-partnership-model-1.0.yaml"
)
TARGET_P95_MS = 150


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    """Every partnership's published cycles of one framework, and 15 neighbours each."""
    version = FrameworkVersion.objects.filter(
        framework__identifier="prevent-partnership-model"
    ).first()
    if version is None:
        version = framework_load_file(actor=None, path=FRAMEWORK_FILE).version
    partnerships = list(Partnership.objects.filter(pk__in=world.partnership_ids).order_by("pk"))
    last = cycle_of(today()) - 1
    years = list(range(last - int(options["cycles"]) + 1, last + 1))
    written = 0
    step = 25
    for start in range(0, len(partnerships), step):
        written += scored_cycles(
            partnerships=partnerships[start : start + step],
            version=version,
            years=years,
            seed=world.seed + start,
        )
        progress("distributions", min(1.0, (start + step) / len(partnerships)))
    data_set = AreaDataSet.objects.create(file_name="bench.csv", areas=len(partnerships))
    count = len(partnerships)
    AreaNeighbour.objects.bulk_create(
        (
            AreaNeighbour(
                data_set=data_set,
                area_code=f"E06{i:06d}",
                neighbour_code=f"E06{(i + k) % count:06d}",
                partnership=partnerships[i],
                neighbour=partnerships[(i + k) % count],
                rank=k,
                distance=float(k),
            )
            for i in range(count)
            for k in range(1, min(NEIGHBOURS, count - 1) + 1)
        ),
        batch_size=2000,
    )
    world.extensions[NAME] = {
        "assessments": written,
        "cycles": len(years),
        "latest_cycle": last,
        "framework_version": version.pk,
    }


def _pages(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made = world.extensions[NAME]
    clients = coordinator_clients(world, sample)
    region_of = dict(Partnership.objects.values_list("pk", "region"))
    base = (
        reverse("rollups:distributions")
        + f"?version=prevent-partnership-model:1.0&cycle={made['latest_cycle']}"
    )
    analysts = User.objects.in_bulk(world.national_analyst_ids)
    analyst_clients = []
    for user in analysts.values():
        device = world.two_factor_device_of.get(user.pk)
        if device is None:
            client = Client()
            client.force_login(user)
        else:
            client = signed_in_client(user, TOTPDevice.objects.get(pk=device))
        analyst_clients.append((0, client))
    console.line(
        f"Distributions over {len(world.partnership_ids)} partnerships x {made['cycles']} "
        f"cycles ({made['assessments']} published self-assessments): {requests} requests per "
        f"page after {warmup} warm-up request(s) per person:"
    )
    results = measure_pages(
        {
            "coordinator_england": lambda p: base,
            "coordinator_region": lambda p: f"{base}&region={region_of[p]}",
        },
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
    )
    results.update(
        measure_pages(
            {"analyst_england": lambda p: base},
            analyst_clients,
            requests=requests,
            warmup=warmup,
            console=console,
            target_p95_ms=TARGET_P95_MS,
        )
    )
    return {
        "settings": {
            "cycles": made["cycles"],
            "requests": requests,
            "sample": len(clients),
            "analysts": len(analyst_clients),
            "warmup_per_person": warmup,
        },
        "data": made,
        "targets": {"p95_ms": TARGET_P95_MS},
        "pages": results,
    }


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    pages = _pages(world, options, console)
    n, k, repeat = options["areas"], options["variables"], options["repeat"]
    rng = np.random.default_rng(options["seed"])
    codes = [f"E06{i:06d}" for i in range(n)]
    values = {code: list(rng.normal(50, 15, k)) for code in codes}
    owners = {code: i for i, code in enumerate(codes)}
    weights = [1.0] * k
    tracemalloc.start()
    found = nearest(values, weights, owners)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        nearest(values, weights, owners)
        seconds.append(time.perf_counter() - started)
    console.line(
        f"{n} areas x {k} variables: best {min(seconds) * 1000:.1f} ms, peak {peak / 2**20:.1f} MiB"
    )
    return {
        "distribution_pages": pages,
        "areas": n,
        "variables": k,
        "neighbours_per_area": int(found.index.shape[1]),
        "kept": NEIGHBOURS,
        "repeat": repeat,
        "seconds": [round(s, 5) for s in seconds],
        "best_seconds": round(min(seconds), 5),
        "peak_memory_mib": round(peak / 2**20, 2),
        "includes": "z-scores, every pair's weighted squared differences, the 15 nearest of "
        "every area and each variable's part of their squared distance",
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Similar areas (the 15 nearest neighbours of 350 areas, time and peak memory) and the "
    "distribution pages over 350 partnerships x 10 cycles.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
