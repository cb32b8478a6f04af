"""`lde bench surveys`: design-based estimates on 1,000,000 responses, beside samplics.

Generates `--responses` responses (default 1,000,000) in a stratified, clustered design: 50
strata of 20 PSUs each, a weight per response, a continuous outcome, a 0/1 answer and a domain
with five values. Then times, `--repeat` times each, the same three estimates with their standard
errors from this platform's engine (lde.surveys.statistics) and from samplics (TaylorEstimator),
in the same run:

- `mean`: the outcome's mean;
- `proportion`: the share answering 1;
- `domain_mean`: the outcome's mean in each of the five domains (each keeping the full design).

Both are timed from columns already read: samplics is given numpy arrays, ours a Table whose
columns were parsed once in the untimed first run (as a stored data set is read once); the
design (strata, PSU and domain codes) is built again in every timed run. The first, untimed run
of each is the one whose peak memory is traced, and for ours it includes parsing the text.
The figure is `ratio`: samplics's best time over ours (target at least 1). The estimates and
SEs of both are recorded and checked equal (1e-9 relative); peak memory is traced
(tracemalloc) for each. samplics is a benchmark-only
dependency (`pip install -e .[bench]`); without it, ours is recorded alone.

The national data the harness generates is not used: the survey engine reads files, not the
database.
"""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from lde.surveys.statistics import Design, Table, estimate

NAME = "surveys"
STRATA = 50
PSUS_PER_STRATUM = 20
DOMAINS = 5
REL = 1e-9


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--responses", type=int, default=1_000_000, help="Responses (default 1,000,000)."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of each (default 3).")


def _generate(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    psus = STRATA * PSUS_PER_STRATUM
    psu = np.sort(rng.integers(0, psus, n))
    stratum = psu // PSUS_PER_STRATUM
    return {
        "stratum": stratum,
        "psu": psu,
        "weight": np.round(rng.uniform(1, 50, n), 3),
        "score": np.round(rng.normal(50, 10, n) + stratum * 0.1, 2),
        "agree": (rng.random(n) < 0.3).astype(np.int64),
        "area": rng.integers(0, DOMAINS, n),
    }


def _table(data: dict[str, np.ndarray]) -> Table:
    return Table(columns={name: values.astype(str).tolist() for name, values in data.items()})


def _ours(data: dict[str, np.ndarray]) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        table = _table_cache["table"]
        design = Design.from_table(table, weights="weight", strata="stratum", clusters=["psu"])
        [mean] = estimate(design, "mean", "score")
        [share] = estimate(design, "proportion", "agree", value="1")
        by_area = estimate(design, "mean", "score", by="area")
        return {
            "mean": [mean.estimate, mean.se],
            "proportion": [share.estimate, share.se],
            "domain_mean": {d.domain: [d.estimate, d.se] for d in by_area},
        }

    _table_cache["table"] = _table(data)
    return run


_table_cache: dict[str, Table] = {}


def _samplics(data: dict[str, np.ndarray]) -> Callable[[], dict[str, Any]] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from samplics import PopParam
            from samplics.estimation import TaylorEstimator
    except ImportError:
        return None

    def run() -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            common: dict[str, Any] = {
                "samp_weight": data["weight"],
                "stratum": data["stratum"],
                "psu": data["psu"],
            }
            mean = TaylorEstimator(PopParam.mean)
            mean.estimate(y=data["score"], **common)
            share = TaylorEstimator(PopParam.prop)
            share.estimate(y=data["agree"].astype(float), **common)
            by_area = TaylorEstimator(PopParam.mean)
            by_area.estimate(y=data["score"], domain=data["area"], **common)
        ones = next(k for k in share.point_est if float(k) == 1.0)
        return {
            "mean": [float(mean.point_est), float(mean.stderror)],
            "proportion": [float(share.point_est[ones]), float(share.stderror[ones])],
            "domain_mean": {
                str(int(k)): [float(by_area.point_est[k]), float(by_area.stderror[k])]
                for k in sorted(by_area.point_est)
            },
        }

    return run


def _time(
    run: Callable[[], dict[str, Any]], repeat: int
) -> tuple[list[float], float, dict[str, Any]]:
    tracemalloc.start()
    result = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return seconds, peak / 2**20, result


def _equal(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    differences = []
    for key in ("mean", "proportion"):
        for label, a, b in zip(("estimate", "se"), ours[key], theirs[key], strict=True):
            if not math.isclose(a, b, rel_tol=REL):
                differences.append(f"{key} {label}: ours {a!r}, samplics {b!r}")
    for domain, (a_est, a_se) in ours["domain_mean"].items():
        b_est, b_se = theirs["domain_mean"][domain]
        if not (math.isclose(a_est, b_est, rel_tol=REL) and math.isclose(a_se, b_se, rel_tol=REL)):
            differences.append(
                f"domain {domain}: ours {a_est!r} ({a_se!r}), samplics {b_est!r} ({b_se!r})"
            )
    return differences


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    n = options["responses"]
    repeat = options["repeat"]
    console.line(f"Generating {n:,} responses ({STRATA} strata x {PSUS_PER_STRATUM} PSUs)...")
    data = _generate(n, options["seed"])
    ours_seconds, ours_peak, ours_result = _time(_ours(data), repeat)
    console.line(f"ours: best {min(ours_seconds):.3f} s, peak {ours_peak:.0f} MiB")
    samplics_run = _samplics(data)
    result: dict[str, Any] = {
        "responses": n,
        "strata": STRATA,
        "psus": STRATA * PSUS_PER_STRATUM,
        "domains": DOMAINS,
        "repeat": repeat,
        "estimates": ["mean", "proportion", "domain_mean"],
        "ours": {
            "seconds": [round(s, 4) for s in ours_seconds],
            "best_seconds": round(min(ours_seconds), 4),
            "peak_memory_mib": round(ours_peak, 1),
            "includes": "building the design from the parsed columns, then the three estimates",
            "results": ours_result,
        },
    }
    if samplics_run is None:
        console.line("samplics is not installed (pip install -e .[bench]): ours recorded alone.")
        result["samplics"] = None
        result["ratio"] = None
        return result
    import samplics

    theirs_seconds, theirs_peak, theirs_result = _time(samplics_run, repeat)
    differences = _equal(ours_result, theirs_result)
    ratio = min(theirs_seconds) / min(ours_seconds)
    console.line(f"samplics: best {min(theirs_seconds):.3f} s, peak {theirs_peak:.0f} MiB")
    console.line(f"ratio (samplics / ours): {ratio:.1f}; numbers equal: {not differences}")
    for line in differences:
        console.line(f"  {line}")
    result["samplics"] = {
        "version": getattr(samplics, "__version__", "unknown"),
        "seconds": [round(s, 4) for s in theirs_seconds],
        "best_seconds": round(min(theirs_seconds), 4),
        "peak_memory_mib": round(theirs_peak, 1),
        "results": theirs_result,
    }
    result["ratio"] = round(ratio, 2)
    result["target_ratio"] = 1
    result["numbers_equal"] = not differences
    result["differences"] = differences
    return result


BENCHMARK = Benchmark(
    name=NAME,
    help="Survey estimates on 1,000,000 responses (stratified, clustered), beside samplics.",
    add_arguments=add_arguments,
    measure=measure,
)
