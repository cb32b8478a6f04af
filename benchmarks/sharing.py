"""`lde bench sharing`: the information sharing gateway at national scale.

On top of the national data, `benchmarks.sharing_data` writes 100,000 briefing products (by
default) with their recipients, dissemination lists, protocols, markings, caveats, people and
acknowledgements across the national partnerships, and chooses readers of every kind in the
partnership that receives the most: a coordinator, a board member, a viewer, a reader with a
live clearance and every caveat, a reader with neither, and an author. Each reader is signed in
(Django's test client, a session verified with a TOTP device, as in `lde bench pages`) and opens:

- `product_list`: /sharing/products/, every product the gateway rule lets them see;
- `product_page`: /sharing/products/<id>/, the newest product in their list (each opening is
  recorded and audited, as it is for real);
- `home_page`: /, the home page, whose gateway panel counts what waits for them.

Each page is opened `--warmup` times per reader, then `--requests` requests go round the readers
in turn, each timed from the client's call to the finished response; the figures are given for
all readers together and for each. Queries are counted in a separate pass, per reader.

`home_panel` times the gateway's home panel alone (`lde.sharing.panels.sharing_panel`), called
directly for each reader with their facts loaded afresh each time, as a request would.

`per_object` is the same visible list worked out the other way, in the same run: the candidate
products (those addressed to one of the reader's partnerships or naming them, with every fact
the rule reads prefetched) checked one by one with `product_policy.user_can`, against the
gateway filter (`product_policy.visible_to`). Both must give the same products; `ratio` is the
per-object time over the filter's, each the median of `--per-object-runs` runs per reader.
"""

from __future__ import annotations

import gc
import statistics
import time
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection
from django.db.models import Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from benchmarks.pages import signed_in_client
from benchmarks.sharing_data import SharingWorld, generate_sharing
from benchmarks.timing import p95, spread, timed_get
from lde.accounts.models import User
from lde.core.access.facts import facts_for
from lde.sharing import selectors
from lde.sharing.models import BriefingProduct
from lde.sharing.panels import sharing_panel
from lde.sharing.policies import product_policy, user_partnerships

NAME = "sharing"
TARGET_P95_MS = 150
TARGET_RATIO = 10
_FACTS = "_lde_user_facts"  # where facts_for keeps a user's facts for the rest of a request


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--products", type=int, default=100_000, help="Briefing products (default 100000)."
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=120,
        help="Timed requests per page, round the readers (default 120).",
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="Untimed requests per reader and page (default 2)."
    )
    parser.add_argument(
        "--per-object-runs",
        type=int,
        default=3,
        help="Runs of the filter and the per-object check per reader (default 3).",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="Print the SQL of one request to each page."
    )


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    world.extensions[NAME] = generate_sharing(
        world, products=int(options["products"]), progress=progress
    )


def _candidates(user: User) -> list[BriefingProduct]:
    """The products a per-object check would start from: addressed to one of the reader's
    partnerships, or naming them, with every fact the gateway rule reads prefetched."""
    facts = facts_for(user)
    ids = (
        BriefingProduct.objects.filter(
            Q(recipients__in=sorted(user_partnerships(facts))) | Q(people__user_id=user.pk)
        )
        .values("pk")
        .distinct()
    )
    return list(
        BriefingProduct.objects.filter(pk__in=ids)
        .select_related("marking", "marking__maps_to", "protocol")
        .prefetch_related(
            "recipients",
            "dissemination",
            "people",
            "caveats",
            "contributing_organisations",
            "protocol__parties",
        )
    )


def _per_object(user: User, runs: int) -> dict[str, Any]:
    facts_for(user)  # both ways start from the reader's facts, loaded once
    filtered: list[float] = []
    checked: list[float] = []
    visible: set[int] = set()
    candidates = 0
    for _ in range(runs):
        started = time.perf_counter()
        by_filter = list(product_policy.visible_to(user, "view"))
        filtered.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        loaded = _candidates(user)
        by_object = [p for p in loaded if product_policy.user_can(user, "view", p)]
        checked.append((time.perf_counter() - started) * 1000)
        visible = {p.pk for p in by_filter}
        if visible != {p.pk for p in by_object}:
            raise RuntimeError(f"The filter and the per-object check disagree for user {user.pk}.")
        candidates = len(loaded)
    return {
        "visible": len(visible),
        "candidates": candidates,
        "filter_ms": round(statistics.median(filtered), 2),
        "per_object_ms": round(statistics.median(checked), 2),
        "ratio": round(statistics.median(checked) / statistics.median(filtered), 1),
    }


def _home_panel(users: dict[str, User], requests: int, warmup: int) -> dict[str, Any]:
    factory = RequestFactory()

    def call(user: User) -> float:
        user.__dict__.pop(_FACTS, None)  # facts are loaded once per request, not once per run
        request = factory.get("/")
        request.user = user
        started = time.perf_counter()
        sharing_panel(request)
        return (time.perf_counter() - started) * 1000

    readers = list(users.values())
    for _ in range(warmup):
        for user in readers:
            call(user)
    timings = [call(readers[n % len(readers)]) for n in range(requests)]
    queries = []
    for user in readers:
        user.__dict__.pop(_FACTS, None)
        request = factory.get("/")
        request.user = user
        with CaptureQueriesContext(connection) as captured:
            sharing_panel(request)
        queries.append(len(captured))
    return {**spread(timings), "queries": max(queries), "queries_min": min(queries)}


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests = int(options["requests"])
    warmup = int(options["warmup"])
    runs = int(options["per_object_runs"])
    if requests < 1 or runs < 1:
        raise ValueError("--requests and --per-object-runs must be at least 1.")
    made: SharingWorld = world.extensions[NAME]
    users = {kind: User.objects.get(pk=user_id) for kind, user_id in made.readers.items()}
    devices = TOTPDevice.objects.in_bulk([world.two_factor_device_of[u.pk] for u in users.values()])
    clients = {
        kind: signed_in_client(user, devices[world.two_factor_device_of[user.pk]])
        for kind, user in users.items()
    }
    # Each reader's product page: the newest product in their own list.
    first = {
        kind: selectors.product_list(user=User.objects.get(pk=user.pk)).first()
        for kind, user in users.items()
    }
    missing = [kind for kind, product in first.items() if product is None]
    if missing:
        raise RuntimeError(f"Readers who see no product: {', '.join(missing)}.")
    pages: dict[str, Callable[[str], str]] = {
        "product_list": lambda kind: reverse("sharing:product-list"),
        "product_page": lambda kind: reverse(
            "sharing:product-detail",
            args=[first[kind].pk],  # type: ignore[union-attr]
        ),
        "home_page": lambda kind: reverse("core:home"),
    }
    kinds = list(clients)
    console.line(
        f"Measuring {len(pages)} pages as {len(kinds)} readers ({', '.join(kinds)}) over "
        f"{made.products} products, {requests} requests each after {warmup} warm-up request(s) "
        "per reader:"
    )
    results: dict[str, dict[str, Any]] = {}
    for name, url in pages.items():
        for _ in range(warmup):
            for kind in kinds:
                timed_get(clients[kind], url(kind))
        gc.collect()
        timings: list[float] = []
        by_reader: dict[str, list[float]] = {kind: [] for kind in kinds}
        sizes: list[int] = []
        for n in range(requests):
            kind = kinds[n % len(kinds)]
            elapsed, size = timed_get(clients[kind], url(kind))
            timings.append(elapsed)
            by_reader[kind].append(elapsed)
            sizes.append(size)
            if (n + 1) % 10 == 0 or n + 1 == requests:
                console.progress(name, n + 1, requests)
        queries: dict[str, int] = {}
        for kind in kinds:
            with CaptureQueriesContext(connection) as captured:
                timed_get(clients[kind], url(kind))
            queries[kind] = len(captured)
            if options.get("show_queries") and kind == kinds[0]:
                console.line(f"  {name}: {len(captured)} queries for {url(kind)}")
                for query in captured.captured_queries:
                    console.line(f"    {query['sql']}")
        results[name] = {
            **spread(timings),
            "queries": max(queries.values()),
            "queries_min": min(queries.values()),
            "response_bytes_median": int(statistics.median(sizes)),
            "within_target": p95(timings) <= TARGET_P95_MS,
            "by_reader": {
                kind: {**spread(by_reader[kind]), "queries": queries[kind]} for kind in kinds
            },
        }
    results["home_panel"] = _home_panel(users, requests, warmup)
    results["home_panel"]["within_target"] = results["home_panel"]["p95_ms"] <= TARGET_P95_MS
    console.line("The visible list by the filter and by a per-object check:")
    per_object = {}
    for kind in kinds:
        per_object[kind] = _per_object(User.objects.get(pk=users[kind].pk), runs)
        console.line(
            f"  {kind:<13} {per_object[kind]['visible']:5d} visible of "
            f"{per_object[kind]['candidates']:5d} candidates: filter "
            f"{per_object[kind]['filter_ms']:8.2f} ms, per object "
            f"{per_object[kind]['per_object_ms']:9.2f} ms, x{per_object[kind]['ratio']}"
        )
    filter_total = sum(r["filter_ms"] for r in per_object.values())
    object_total = sum(r["per_object_ms"] for r in per_object.values())
    ratio = round(object_total / filter_total, 1)
    for name, page in results.items():
        console.line(
            f"  {name:<13} median {page['median_ms']:7.2f} ms   p95 {page['p95_ms']:7.2f} ms   "
            f"{page['queries_min']}-{page['queries']} queries"
        )
    console.line(f"  ratio (per object / filter, all readers) x{ratio}")
    return {
        "settings": {
            "products": made.products,
            "requests": requests,
            "warmup_per_reader": warmup,
            "per_object_runs": runs,
        },
        "readers": {
            kind: {
                "user_id": users[kind].pk,
                "product_page_id": first[kind].pk,  # type: ignore[union-attr]
                "visible_products": per_object[kind]["visible"],
            }
            for kind in kinds
        },
        "partnership_id": made.partnership_id,
        "targets": {"p95_ms": TARGET_P95_MS, "ratio": TARGET_RATIO},
        "pages": results,
        "per_object": per_object,
        "ratio": ratio,
        "ratio_meets_target": ratio >= TARGET_RATIO,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Time the visible-products list, a product page and the home page's gateway panel for "
    "readers of every kind over 100,000 briefing products, and the same visible list worked out "
    "by a per-object check.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
