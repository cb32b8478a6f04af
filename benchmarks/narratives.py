"""`lde bench narratives`: the local narrative's version page and the difference between two
versions, at national scale.

On top of the national data, `extend` writes for every partnership three versions of its
narrative (`--versions`): the first superseded and published, the next approved and published,
the latest a draft, each with every section written (several paragraphs each, changed a little
from one version to the next), a register of three plans, the council and the BCU named to sign,
and `--comments` comments on each version. It writes straight to the tables, as the national
data does: synthetic and unaudited by design.

A sample of coordinators (`--sample`, one per partnership) is signed in as `lde bench pages`
signs them in, and each opens:

- `version_page`: /narratives/version/<id>/, their partnership's latest version;
- `difference`: /narratives/version/<id>/compare/<other>/, the latest against the one before.

Each page is opened `--warmup` times per coordinator, then `--requests` requests go round the
coordinators, each timed from the client's call to the finished response. The target is a 95th
percentile of 150 ms. Queries are counted in a separate pass, per coordinator.
"""

from __future__ import annotations

import random
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from lde.narratives.models import (
    Comment,
    CommentFrom,
    MainstreamPlan,
    NarrativeVersion,
    PlanKind,
    Section,
    Signatory,
    VersionStatus,
)
from lde.narratives.sections import GUIDES

NAME = "narratives"
TARGET_P95_MS = 150

WORDS = (
    "partners",
    "schools",
    "colleges",
    "youth",
    "services",
    "faith",
    "forum",
    "councillors",
    "neighbourhood",
    "policing",
    "community",
    "groups",
    "support",
    "mentoring",
    "cohesion",
    "safeguarding",
    "online",
    "tension",
    "events",
    "abroad",
    "families",
    "young",
    "people",
    "trust",
    "confidence",
    "delivery",
    "plan",
    "review",
    "priorities",
    "joint",
    "resources",
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--versions", type=int, default=3, help="Versions per partnership (default 3, at least 2)."
    )
    parser.add_argument(
        "--comments", type=int, default=8, help="Comments on each version (default 8)."
    )
    add_page_timing_arguments(parser)


@dataclass
class NarrativeWorld:
    versions: int = 0
    sections: int = 0
    comments: int = 0
    # partnership -> (latest version id, the one before it)
    pairs: dict[int, tuple[int, int]] = field(default_factory=dict)


def _paragraphs(rng: random.Random, lines: int) -> list[str]:
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(18, 30))).capitalize() + "."
        for _ in range(lines)
    ]


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    count = max(2, int(options["versions"]))
    comments = int(options["comments"])
    rng = random.Random(world.seed * 7919 + 12)
    now = timezone.now()
    made = NarrativeWorld()
    coordinators = dict(world.coordinators())
    partnerships = world.partnership_ids
    for index, partnership_id in enumerate(partnerships):
        author_id = coordinators.get(partnership_id)
        statuses = [VersionStatus.SUPERSEDED] * (count - 2) + [
            VersionStatus.APPROVED,
            VersionStatus.DRAFT,
        ]
        versions = NarrativeVersion.objects.bulk_create(
            NarrativeVersion(
                partnership_id=partnership_id,
                number=number,
                status=status,
                review_on=world.day,
                influences_reviewed_on=world.day,
                public_summary=" ".join(_paragraphs(rng, 3)),
                created_by_id=author_id,
                approved_at=now if status != VersionStatus.DRAFT else None,
                published_at=now if status != VersionStatus.DRAFT else None,
                published_by_id=author_id if status != VersionStatus.DRAFT else None,
            )
            for number, status in enumerate(statuses, start=1)
        )
        base = {g.key: _paragraphs(rng, 6) for g in GUIDES}
        sections = []
        for version in versions:
            for guide in GUIDES:
                lines = base[guide.key]
                # Each version changes one line of each section and adds one.
                lines[rng.randrange(len(lines))] = _paragraphs(rng, 1)[0]
                lines = [*lines, *_paragraphs(rng, 1)]
                base[guide.key] = lines
                sections.append(Section(version=version, key=guide.key, text="\n".join(lines)))
        Section.objects.bulk_create(sections)
        MainstreamPlan.objects.bulk_create(
            MainstreamPlan(
                version=version,
                kind=kind,
                name=f"Plan {n}",
                organisation_id=world.council_of[partnership_id],
                how_carried=" ".join(_paragraphs(rng, 1)),
            )
            for version in versions
            for n, kind in enumerate(
                (PlanKind.COMMUNITY_SAFETY, PlanKind.CHILDREN_YOUNG_PEOPLE, PlanKind.OTHER)
            )
        )
        Signatory.objects.bulk_create(
            Signatory(
                version=version,
                organisation_id=organisation,
                signed_by_id=author_id if version.status != VersionStatus.DRAFT else None,
                signed_at=now if version.status != VersionStatus.DRAFT and author_id else None,
            )
            for version in versions
            for organisation in (world.council_of[partnership_id], world.bcu_of[partnership_id])
        )
        if author_id:
            Comment.objects.bulk_create(
                Comment(
                    version=version,
                    author_id=author_id,
                    written_as=CommentFrom.PARTNER,
                    text=" ".join(_paragraphs(rng, 2)),
                )
                for version in versions
                for _ in range(comments)
            )
        made.versions += len(versions)
        made.sections += len(sections)
        made.comments += len(versions) * comments if author_id else 0
        made.pairs[partnership_id] = (versions[-1].pk, versions[-2].pk)
        if (index + 1) % 25 == 0 or index + 1 == len(partnerships):
            progress("narratives", (index + 1) / len(partnerships))
    world.extensions[NAME] = made


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: NarrativeWorld = world.extensions[NAME]
    clients = coordinator_clients(world, sample, among=made.pairs)
    pages: dict[str, Callable[[int], str]] = {
        "version_page": lambda p: reverse("narratives:version-detail", args=[made.pairs[p][0]]),
        "difference": lambda p: reverse(
            "narratives:version-compare", args=[made.pairs[p][0], made.pairs[p][1]]
        ),
    }
    console.line(
        f"Measuring {len(pages)} pages as {len(clients)} coordinators over {made.versions} "
        f"versions ({made.sections} sections, {made.comments} comments), {requests} requests "
        f"each after {warmup} warm-up request(s) per coordinator:"
    )
    results = measure_pages(
        pages,
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
    )
    return {
        "settings": {
            "versions_per_partnership": max(2, int(options["versions"])),
            "comments_per_version": int(options["comments"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_coordinator": warmup,
        },
        "narratives": {
            "versions": made.versions,
            "sections": made.sections,
            "comments": made.comments,
        },
        "targets": {"p95_ms": TARGET_P95_MS},
        "pages": results,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Time a narrative version's page and the difference between two versions for "
    "coordinators across the national partnerships, each with several versions of its "
    "narrative.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
