"""How every benchmark times a request and summarises the timings."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from django.test import Client


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method); the value itself when there is only one."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def spread(timings: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(p95(timings), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "min_ms": round(min(timings), 2),
        "max_ms": round(max(timings), 2),
    }


def timed_get(client: Client, path: str) -> tuple[float, int]:
    """Milliseconds to answer `path`, and the answer's size. Anything but a 200 stops the run:
    a page that refused, redirected or failed was not measured."""
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(
            f"GET {path} gave {response.status_code}"
            f"{' to ' + response['Location'] if response.has_header('Location') else ''}; "
            "the benchmark must measure the page itself."
        )
    return elapsed * 1000, len(response.content)
