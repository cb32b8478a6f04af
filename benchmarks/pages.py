"""`lde bench pages`: server time and query count of the pages a coordinator opens most.

A sample of coordinators, each in a different partnership, sign in (Django's test client,
`force_login`, and a session already verified with their confirmed TOTP device, exactly as a
signed-in coordinator's session is after the second factor). For each page, every coordinator
first opens it `--warmup` times; then `--requests` requests go round the coordinators in turn,
each timed from the client's call to the finished response: URL routing, all middleware
(sessions, authentication, OTP, CSP…), the view, its queries and the template rendering, but no
network and no web server. Queries are counted in a separate pass, one request per coordinator,
because capturing them slows the database layer down.
"""

from __future__ import annotations

import random
import statistics
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.console import Console
from benchmarks.harness import Benchmark
from benchmarks.national import NationalWorld
from benchmarks.timing import p95, timed_get
from lde.accounts.models import User
from lde.partnerships.models import Membership, PartnerOrganisation

BACKEND = "django.contrib.auth.backends.ModelBackend"

# name -> the URL of the page for a coordinator of the given partnership
PAGES: dict[str, Callable[[int], str]] = {
    "home": lambda partnership_id: reverse("core:home"),
    "partnership_detail": lambda partnership_id: reverse(
        "partnerships:partnership-detail", args=[partnership_id]
    ),
    "members": lambda partnership_id: reverse(
        "partnerships:membership-list", args=[partnership_id]
    ),
}


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--requests", type=int, default=200, help="Timed requests per page (default 200)."
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=20,
        help="Coordinators to sign in as, each of a different partnership (default 20).",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="Untimed requests per coordinator and page first (default 2).",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="Print the SQL of one request to each page."
    )


def _sample(world: NationalWorld, size: int, seed: int) -> list[tuple[int, int]]:
    """(partnership, coordinator) pairs: one coordinator from each of `size` partnerships."""
    first: dict[int, int] = {}
    for partnership_id, user_id in world.coordinators():
        first.setdefault(partnership_id, user_id)
    chosen = random.Random(f"pages:{seed}").sample(sorted(first), k=min(size, len(first)))
    return [(partnership_id, first[partnership_id]) for partnership_id in chosen]


def signed_in_client(user: User, device: TOTPDevice) -> Client:
    """A client whose session has passed the second factor with `device`."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _sizes(partnership_ids: list[int]) -> dict[str, Any]:
    def spread(counts: dict[int, int]) -> dict[str, float]:
        values = [counts.get(p, 0) for p in partnership_ids]
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}

    memberships = dict(
        Membership.objects.filter(partnership_id__in=partnership_ids)
        .values_list("partnership_id")
        .annotate(n=Count("id"))
    )
    partners = dict(
        PartnerOrganisation.objects.filter(partnership_id__in=partnership_ids)
        .values_list("partnership_id")
        .annotate(n=Count("id"))
    )
    return {"memberships": spread(memberships), "partner_organisations": spread(partners)}


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests = int(options["requests"])
    warmup = int(options["warmup"])
    if requests < 1:
        raise ValueError("--requests must be at least 1.")
    sample = _sample(world, int(options["sample"]), int(options["seed"]))
    users = User.objects.in_bulk([u for _, u in sample])
    devices = TOTPDevice.objects.in_bulk([world.two_factor_device_of[u] for _, u in sample])
    signed_in = [
        (
            signed_in_client(users[user_id], devices[world.two_factor_device_of[user_id]]),
            partnership_id,
        )
        for partnership_id, user_id in sample
    ]
    console.line(
        f"Measuring {len(PAGES)} pages as {len(signed_in)} coordinators, {requests} requests "
        f"each after {warmup} warm-up request(s) per coordinator:"
    )
    pages: dict[str, dict[str, Any]] = {}
    for name, url in PAGES.items():
        for _ in range(warmup):
            for client, partnership_id in signed_in:
                timed_get(client, url(partnership_id))
        timings: list[float] = []
        sizes: list[int] = []
        for n in range(requests):
            client, partnership_id = signed_in[n % len(signed_in)]
            elapsed, size = timed_get(client, url(partnership_id))
            timings.append(elapsed)
            sizes.append(size)
            if (n + 1) % 10 == 0 or n + 1 == requests:
                console.progress(name, n + 1, requests)
        queries: list[int] = []
        for index, (client, partnership_id) in enumerate(signed_in):
            with CaptureQueriesContext(connection) as captured:
                timed_get(client, url(partnership_id))
            queries.append(len(captured))
            if options.get("show_queries") and index == 0:
                console.line(f"  {name}: {len(captured)} queries for {url(partnership_id)}")
                for query in captured.captured_queries:
                    console.line(f"    {query['sql']}")
        pages[name] = {
            "example_path": url(signed_in[0][1]),
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(p95(timings), 2),
            "mean_ms": round(statistics.fmean(timings), 2),
            "min_ms": round(min(timings), 2),
            "max_ms": round(max(timings), 2),
            "queries": max(queries),
            "queries_min": min(queries),
            "queries_vary_between_users": min(queries) != max(queries),
            "response_bytes_median": int(statistics.median(sizes)),
        }
    for name, page in pages.items():
        console.line(
            f"  {name:<20} median {page['median_ms']:7.2f} ms   p95 {page['p95_ms']:7.2f} ms   "
            f"{page['queries']} queries"
        )
    return {
        "settings": {
            "requests": requests,
            "warmup_per_user": warmup,
            "sample_coordinators": len(signed_in),
        },
        "sample": {
            "partnership_ids": [p for p, _ in sample],
            "coordinator_ids": [u for _, u in sample],
            **_sizes([p for p, _ in sample]),
        },
        "pages": pages,
    }


BENCHMARK = Benchmark(
    name="pages",
    help="Time the home, partnership and members pages as coordinators, at national scale.",
    add_arguments=add_arguments,
    measure=measure,
)
