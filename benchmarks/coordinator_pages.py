"""Timing a capability's pages as coordinators of many partnerships: the loop the capability
benchmarks (`lde bench narratives`, `capacity`, `engagement`, `programme`, …) share.

A benchmark chooses its coordinators with `coordinator_clients`, names its pages as functions
of a partnership's id, and gets each page's spread of timings, query counts and response size
from `measure_pages`, measured the way `benchmarks/README.md` describes for `lde bench pages`.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.console import Console
from benchmarks.national import NationalWorld
from benchmarks.pages import signed_in_client
from benchmarks.timing import p95, spread, timed_get
from lde.accounts.models import User

PageUrl = Callable[[int], str]


def counts(options: Mapping[str, Any]) -> tuple[int, int, int]:
    """`--requests`, `--warmup` and `--sample`, refused if there would be nothing to time."""
    requests, warmup, sample = (
        int(options["requests"]),
        int(options["warmup"]),
        int(options["sample"]),
    )
    if requests < 1 or sample < 1:
        raise ValueError("--requests and --sample must be at least 1.")
    return requests, warmup, sample


def coordinator_clients(
    world: NationalWorld, sample: int, among: Container[int] | None = None
) -> list[tuple[int, Client]]:
    """A signed-in client (second factor passed) for one coordinator of each of the first
    `sample` partnerships, of those `among` when given: the partnerships that have records."""
    chosen: list[tuple[int, int]] = []
    seen: set[int] = set()
    for partnership_id, user_id in world.coordinators():
        if partnership_id not in seen and (among is None or partnership_id in among):
            seen.add(partnership_id)
            chosen.append((partnership_id, user_id))
        if len(chosen) == sample:
            break
    users = User.objects.in_bulk([u for _, u in chosen])
    devices = TOTPDevice.objects.in_bulk([world.two_factor_device_of[u] for _, u in chosen])
    return [
        (p, signed_in_client(users[u], devices[world.two_factor_device_of[u]])) for p, u in chosen
    ]


def measure_pages(
    pages: Mapping[str, PageUrl],
    clients: Sequence[tuple[int, Client]],
    *,
    requests: int,
    warmup: int,
    console: Console,
    target_p95_ms: float,
    target_pages: Container[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Each page opened `warmup` times by every coordinator, then `requests` timed requests
    going round the coordinators, then one more per coordinator with its queries counted (apart,
    because counting slows queries down). `within_target` is given for the `target_pages` (every
    page when None)."""
    results: dict[str, dict[str, Any]] = {}
    width = max(len(name) for name in pages) + 2
    for name, url in pages.items():
        for _ in range(warmup):
            for p, client in clients:
                timed_get(client, url(p))
        gc.collect()
        timings: list[float] = []
        sizes: list[int] = []
        for n in range(requests):
            p, client = clients[n % len(clients)]
            elapsed, size = timed_get(client, url(p))
            timings.append(elapsed)
            sizes.append(size)
            if (n + 1) % 10 == 0 or n + 1 == requests:
                console.progress(name, n + 1, requests)
        queries = []
        for p, client in clients:
            with CaptureQueriesContext(connection) as captured:
                timed_get(client, url(p))
            queries.append(len(captured))
        results[name] = {
            **spread(timings),
            "queries": max(queries),
            "queries_min": min(queries),
            "response_bytes_median": int(statistics.median(sizes)),
        }
        if target_pages is None or name in target_pages:
            results[name]["within_target"] = p95(timings) <= target_p95_ms
        console.line(
            f"  {name:<{width}} median {results[name]['median_ms']:7.2f} ms   p95 "
            f"{results[name]['p95_ms']:7.2f} ms   {min(queries)}-{max(queries)} queries"
        )
    return results
