"""`lde bench programme`: a partnership's programme portfolio and budget, at national scale.

On top of the national data, `extend` writes `--projects` projects (default 5,000) spread over the
partnerships, each with two activities, every strand and tier but Tier 3 used; per partnership,
three funding streams allocated over three financial years; two thirds of the projects drawing on
an allocation; and an alliance of every ten partnerships with a pooled pot, a contribution from
each member and projects drawing on it. It writes straight to the tables, as the national data
does: synthetic and unaudited by design.

A sample of coordinators (`--sample`, one per partnership) is signed in as `lde bench pages`
signs them in, and each opens:

- `portfolio`: /programme/<id>/, the page the target is for (p95 150 ms);
- `budget`: /programme/<id>/budget/, streams, allocations by year and the pots;
- `projects`: /programme/<id>/projects/, the project list.

Each page is opened `--warmup` times per coordinator, then `--requests` requests go round the
coordinators, each timed from the client's call to the finished response. Queries are counted in
a separate pass, per coordinator: the same for every partnership whatever its number of projects.
"""

from __future__ import annotations

import random
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from lde.partnerships.models import Alliance, Role
from lde.programme.models import (
    Activity,
    AlliancePot,
    Allocation,
    FundingStream,
    PotContribution,
    Project,
    ProjectFunding,
    Strand,
    StreamKind,
    Tier,
)
from lde.programme.selectors import plan_start

NAME = "programme"
TARGET_P95_MS = 150
TARGET_PAGE = "portfolio"
TIERS = [t for t in Tier if t != Tier.TARGETED]


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--projects", type=int, default=5000, help="Projects in all (default 5000)."
    )
    add_page_timing_arguments(parser)


@dataclass
class ProgrammeWorld:
    projects: int = 0
    activities: int = 0
    streams: int = 0
    allocations: int = 0
    funding: int = 0
    pots: int = 0
    contributions: int = 0


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    total = max(1, int(options["projects"]))
    rng = random.Random(world.seed * 7919 + 15)
    made = ProgrammeWorld()
    partnerships = world.partnership_ids
    first = plan_start(world.day)
    strands = list(Strand)
    per = [total // len(partnerships)] * len(partnerships)
    for i in range(total - sum(per)):
        per[i] += 1
    allocations_of: dict[int, list[Allocation]] = {}
    for index, partnership_id in enumerate(partnerships):
        source = world.council_of[partnership_id]
        streams = FundingStream.objects.bulk_create(
            FundingStream(
                partnership_id=partnership_id,
                name=f"Stream {n}",
                source_id=source,
                kind=list(StreamKind)[n],
                amount=Decimal("300000"),
                starts_on=date(first, 4, 1),
                ends_on=date(first + 3, 3, 31),
                ring_fenced=n == 0,
            )
            for n in range(3)
        )
        allocations = Allocation.objects.bulk_create(
            Allocation(stream=s, year=first + y, amount=Decimal("100000"), confirmed=y == 0)
            for s in streams
            for y in range(3)
        )
        allocations_of[partnership_id] = allocations
        projects = Project.objects.bulk_create(
            Project(
                partnership_id=partnership_id,
                title=f"Project {n}",
                delivered_by_id=source,
                audiences="Young people and community groups",
                strand=strands[n % len(strands)],
                tier=int(TIERS[rng.randrange(len(TIERS))]),
                forms_of_extremism=["all_forms"],
                exit_plan="Mainstreamed after three years.",
            )
            for n in range(per[index])
        )
        Activity.objects.bulk_create(
            Activity(project=p, title=f"Activity {k}") for p in projects for k in range(2)
        )
        funded = [p for n, p in enumerate(projects) if n % 3]
        ProjectFunding.objects.bulk_create(
            ProjectFunding(
                project=p,
                allocation=allocations[n % len(allocations)],
                year=allocations[n % len(allocations)].year,
                amount=Decimal("1000"),
            )
            for n, p in enumerate(funded)
        )
        made.projects += len(projects)
        made.activities += 2 * len(projects)
        made.streams += 3
        made.allocations += len(allocations)
        made.funding += len(funded)
        if (index + 1) % 25 == 0 or index + 1 == len(partnerships):
            progress("programme", (index + 1) / len(partnerships))
    for start in range(0, len(partnerships), 10):
        members = partnerships[start : start + 10]
        alliance = Alliance.objects.create(name=f"Synthetic alliance {start // 10}")
        alliance.partnerships.set(members)
        pot = AlliancePot.objects.create(alliance=alliance, name="Pooled pot")
        PotContribution.objects.bulk_create(
            PotContribution(pot=pot, partnership_id=p, year=first, amount=Decimal("5000"))
            for p in members
        )
        project = Project.objects.filter(partnership_id=members[0]).first()
        if project is not None:
            ProjectFunding.objects.create(
                project=project, pot=pot, year=first, amount=Decimal("2000")
            )
            made.funding += 1
        made.pots += 1
        made.contributions += len(members)
    world.extensions[NAME] = made


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: ProgrammeWorld = world.extensions[NAME]
    clients = coordinator_clients(world, sample)
    pages: dict[str, Callable[[int], str]] = {
        "portfolio": lambda p: reverse("programme:portfolio", args=[p]),
        "budget": lambda p: reverse("programme:budget", args=[p]),
        "projects": lambda p: reverse("programme:project-list", args=[p]),
    }
    console.line(
        f"Measuring {len(pages)} pages as {len(clients)} coordinators over {made.projects} "
        f"projects ({made.funding} funding lines, {made.allocations} allocations, {made.pots} "
        f"pots), {requests} requests each after {warmup} warm-up request(s) per coordinator:"
    )
    results = measure_pages(
        pages,
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
        target_pages={TARGET_PAGE},
    )
    return {
        "settings": {
            "projects": int(options["projects"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_coordinator": warmup,
        },
        "data": made.__dict__,
        "coordinator_role": Role.COORDINATOR,
        "targets": {"page": TARGET_PAGE, "p95_ms": TARGET_P95_MS},
        "pages": results,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="The programme portfolio, budget and project list at national scale, with 5,000 projects.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
