"""`lde bench commissioning`: the public register of awards and its 360Giving export at national
scale.

On top of the national data, `extend` writes for every partnership one decided call with its
criteria, and spreads `--awards` awarded bids (default 2,000) from invented voluntary
organisations (each with an org-id) across them, with each lead council given an org-id. It
writes straight to the tables, as the national data does: synthetic and unaudited by design.

`measure` opens the public register (/commissioning/public/register/) signed out, `--warmup`
times and then `--requests` times, each timed from the client's call to the finished response
(target: a 95th percentile of 150 ms), and counts its queries; then writes the 360Giving JSON
export of every award, validated against the official schema, reporting its time and peak
memory (tracemalloc), and the spreadsheet's.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from lde.accounts.models import Organisation
from lde.commissioning import exports
from lde.commissioning.models import (
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    CallStatus,
    Criterion,
    Decision,
)

NAME = "commissioning"
TARGET_P95_MS = 150


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--awards", type=int, default=2000, help="Awards (default 2000).")
    parser.add_argument(
        "--requests", type=int, default=50, help="Timed requests of the register (default 50)."
    )
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests (default 3).")


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    started = time.perf_counter()
    rng = random.Random(world.seed * 7919 + 16)
    awards = int(options["awards"])
    partnerships = world.partnership_ids
    day = world.day
    for partnership_id in partnerships:
        Organisation.objects.filter(pk=world.council_of[partnership_id], org_id="").update(
            org_id=f"360G-preventlde-council-{partnership_id}"
        )
    calls = Call.objects.bulk_create(
        Call(
            partnership_id=p,
            title=f"Community fund {p}",
            purpose="Work that builds resilience to extremist messages.",
            eligibility="Community, voluntary and faith organisations.",
            maximum_amount=Decimal("10000"),
            opens_on=day - timedelta(days=200),
            closes_on=day - timedelta(days=150),
            status=CallStatus.DECIDED,
            published_at=timezone.now(),
        )
        for p in partnerships
    )
    CallPartnership.objects.bulk_create(
        CallPartnership(call=c, partnership_id=c.partnership_id) for c in calls
    )
    Criterion.objects.bulk_create(
        Criterion(call=c, title=title, weight=weight)
        for c in calls
        for title, weight in (("Need", 60), ("Value for money", 40))
    )
    groups = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench community group {n}", type="voluntary", org_id=f"GB-CHC-{3000000 + n}"
        )
        for n in range(awards)
    )
    author = world.user_ids[0]
    bids = Bid.objects.bulk_create(
        Bid(
            call=calls[n % len(calls)],
            organisation=groups[n],
            title=f"Youth and family project {n}",
            summary="Weekly sessions with young people and their families, run with schools.",
            amount=Decimal(rng.randrange(500, 10000)),
            status=BidStatus.AWARDED,
            created_by_id=author,
        )
        for n in range(awards)
    )
    Decision.objects.bulk_create(
        Decision(
            bid=bid,
            outcome="award",
            amount=min(bid.amount, Decimal("9000")),
            reasons="Answers the narrative's priorities; good value for the reach.",
            decided_by_id=author,
            decided_on=day - timedelta(days=rng.randrange(1, 140)),
        )
        for bid in bids
    )
    world.counts["commissioning.Call"] = len(calls)
    world.counts["commissioning.Decision"] = len(bids)
    world.extensions[NAME] = {"awards": awards}
    progress("commissioning", time.perf_counter() - started)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup = int(options["requests"]), int(options["warmup"])
    if requests < 1:
        raise ValueError("--requests must be at least 1.")
    client = Client()
    path = "/commissioning/public/register/"
    for _ in range(warmup):
        assert client.get(path).status_code == 200
    times = []
    gc.collect()
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    register = {
        "path": path,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
        "target_p95_ms": TARGET_P95_MS,
        "within_target": _percentile(times, 0.95) <= TARGET_P95_MS,
    }
    console.line(f"register: p95 {register['p95_ms']} ms, {register['queries']} queries")

    def timed(make: Callable[[], bytes]) -> dict[str, Any]:
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        body = make()
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "seconds": round(seconds, 2),
            "peak_memory_mib": round(peak / 2**20, 1),
            "bytes": len(body),
        }

    feed = timed(lambda: exports.feed_json(exports.awards()))
    sheet = timed(lambda: exports.feed_xlsx(exports.awards()))
    console.line(f"360Giving JSON: {feed['seconds']} s, peak {feed['peak_memory_mib']} MiB")
    return {
        "awards": world.extensions[NAME]["awards"],
        "public_register": register,
        "export_360giving_json": feed,
        "export_360giving_xlsx": sheet,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Time the public register of awards and the 360Giving export (JSON validated against "
    "the official schema, and XLSX) at national scale, with its peak memory.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
