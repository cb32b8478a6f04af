"""`lde bench rollups`: the neighbour computation of similar areas (issue 17, "Speed").

Times `lde.rollups.areas.nearest` — standardise every variable, the weighted Euclidean distance
of every pair, each area's 15 nearest and each variable's part of every kept pair's squared
distance — for `--areas` areas (default 350, one per partnership) of `--variables` variables
(default 10), `--repeat` times, and traces its peak memory (tracemalloc) in the first, untimed
run. The figures are invented (a fixed seed); every area is its own partnership's. The national
data the harness generates is not used: the computation reads the imported figures, not the
database. The pages part of issue 17's benchmark (one measure across 350 partnerships x 10 cycles)
is not here yet.
"""

from __future__ import annotations

import time
import tracemalloc
from argparse import ArgumentParser
from collections.abc import Mapping
from typing import Any

import numpy as np

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from lde.rollups.areas import nearest
from lde.rollups.models import NEIGHBOURS

NAME = "rollups"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--areas", type=int, default=350, help="Areas (default 350).")
    parser.add_argument("--variables", type=int, default=10, help="Variables (default 10).")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs (default 5).")


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
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
    help="Similar areas: the 15 nearest neighbours of 350 areas, time and peak memory.",
    add_arguments=add_arguments,
    measure=measure,
)
