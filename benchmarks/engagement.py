"""`lde bench engagement`: a partnership's engagement overview, at national scale.

On top of the national data, `extend` writes for every partnership its engagement records
(`--forums` forums each with four or five organisations taking part and `--meetings` meetings;
six community-led initiatives with three requests for support each, across the four states; four
audiences, eight channels, ten key messages across draft, agreed and retired, four spokespeople,
`--briefings` media briefings; and five schools and colleges, two with a Safer Schools
Partnership and each with three activities). It writes straight to the tables, as the national
data does: synthetic and unaudited by design.

A sample of coordinators (`--sample`, one per partnership) is signed in as `lde bench pages`
signs them in, and each opens:

- `overview`: /engagement/partnership/<id>/, the page the target is for (p95 150 ms);
- `forums`: /engagement/partnership/<id>/forums/, the forums with the organisations taking part;
- `communications`: /engagement/partnership/<id>/communications/, the strategy in full.

Each page is opened `--warmup` times per coordinator, then `--requests` requests go round the
coordinators, each timed from the client's call to the finished response. Queries are counted in
a separate pass, per coordinator.
"""

from __future__ import annotations

import random
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import reverse

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from lde.accounts.models import Organisation, OrganisationType, Post
from lde.engagement.models import (
    Audience,
    Channel,
    ChannelKind,
    Forum,
    ForumKind,
    ForumMeeting,
    ForumMember,
    Initiative,
    KeyMessage,
    MediaBriefing,
    MessageStatus,
    SchoolActivity,
    SchoolEngagement,
    Spokesperson,
    SupportRequest,
    SupportStatus,
)
from lde.partnerships.models import Role

NAME = "engagement"
TARGET_P95_MS = 150
TARGET_PAGE = "overview"

WORDS = (
    "partners",
    "schools",
    "youth",
    "faith",
    "forum",
    "community",
    "groups",
    "support",
    "mentoring",
    "cohesion",
    "events",
    "abroad",
    "families",
    "trust",
    "confidence",
    "language",
    "messages",
    "narrative",
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--forums", type=int, default=8, help="Forums per partnership (default 8).")
    parser.add_argument(
        "--meetings", type=int, default=12, help="Meetings of each forum (default 12)."
    )
    parser.add_argument(
        "--briefings", type=int, default=30, help="Media briefings per partnership (default 30)."
    )
    add_page_timing_arguments(parser)


@dataclass
class EngagementWorld:
    forums: int = 0
    members: int = 0
    meetings: int = 0
    initiatives: int = 0
    support_requests: int = 0
    key_messages: int = 0
    media_briefings: int = 0
    schools: int = 0
    activities: int = 0


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    forums_each = max(1, int(options["forums"]))
    meetings_each = max(0, int(options["meetings"]))
    briefings_each = max(0, int(options["briefings"]))
    rng = random.Random(world.seed * 7919 + 14)
    made = EngagementWorld()
    kinds = list(ForumKind.values)
    posts: dict[int, int] = {}
    for post_id, organisation_id in Post.objects.filter(
        organisation_id__in=list(world.council_of.values())
    ).values_list("pk", "organisation_id"):
        posts.setdefault(organisation_id, post_id)
    partnerships = world.partnership_ids
    for index, partnership_id in enumerate(partnerships):
        partners = world.partner_organisations.get(partnership_id, [])
        forums = Forum.objects.bulk_create(
            Forum(
                partnership_id=partnership_id,
                name=f"Forum {n}",
                kind=kinds[n % len(kinds)],
                purpose=_text(rng, 20),
                communities_reached=_text(rng, 10),
            )
            for n in range(forums_each)
        )
        members = [
            ForumMember(forum=forum, organisation_id=organisation, role="member")
            for forum in forums
            for organisation in rng.sample(partners, min(len(partners), rng.randint(4, 5)))
        ]
        ForumMember.objects.bulk_create(members)
        meetings = [
            ForumMeeting(
                forum=forum,
                held_on=world.day - timedelta(days=rng.randint(1, 900)),
                topics=_text(rng, 6),
                summary=_text(rng, 40),
            )
            for forum in forums
            for _ in range(meetings_each)
        ]
        ForumMeeting.objects.bulk_create(meetings)
        initiatives = Initiative.objects.bulk_create(
            Initiative(
                partnership_id=partnership_id,
                organisation_id=rng.choice(partners),
                title=f"Initiative {n}",
                what_it_does=_text(rng, 40),
            )
            for n in range(6)
        )
        statuses = list(SupportStatus.values)
        support = [
            SupportRequest(
                initiative=initiative,
                asked_for=_text(rng, 12),
                asked_on=world.day - timedelta(days=rng.randint(10, 400)),
                status=statuses[(i + n) % len(statuses)],
                response=_text(rng, 10),
            )
            for i, initiative in enumerate(initiatives)
            for n in range(3)
        ]
        SupportRequest.objects.bulk_create(support)
        Audience.objects.bulk_create(
            Audience(partnership_id=partnership_id, name=f"Audience {n}", internal=n == 0)
            for n in range(4)
        )
        channel_kinds = list(ChannelKind.values)
        Channel.objects.bulk_create(
            Channel(
                partnership_id=partnership_id,
                name=f"Channel {n}",
                kind=channel_kinds[n % len(channel_kinds)],
                community=f"Community {n % 4}",
                languages="English",
                reach=_text(rng, 3),
            )
            for n in range(8)
        )
        message_statuses = list(MessageStatus.values)
        KeyMessage.objects.bulk_create(
            KeyMessage(
                partnership_id=partnership_id,
                title=f"Message {n}",
                message=_text(rng, 25),
                words_to_use=_text(rng, 5),
                words_to_avoid=_text(rng, 5),
                why=_text(rng, 15),
                status=message_statuses[n % len(message_statuses)],
            )
            for n in range(10)
        )
        post = posts.get(world.council_of[partnership_id])
        if post is not None:
            MediaBriefing.objects.bulk_create(
                MediaBriefing(
                    partnership_id=partnership_id,
                    held_on=world.day - timedelta(days=rng.randint(1, 700)),
                    outlet=f"Outlet {n % 5}",
                    topic=_text(rng, 5),
                    spoke_id=post,
                    notes=_text(rng, 15),
                )
                for n in range(briefings_each)
            )
            Spokesperson.objects.bulk_create(
                Spokesperson(
                    partnership_id=partnership_id,
                    post_id=post,
                    speaks_for=f"Organisation {n}",
                    topics=_text(rng, 4),
                )
                for n in range(4)
            )
            made.media_briefings += briefings_each
        school_organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Synthetic School {partnership_id}-{n}",
                type=OrganisationType.SCHOOL
                if n < 4
                else OrganisationType.FURTHER_HIGHER_EDUCATION,
            )
            for n in range(5)
        )
        schools = SchoolEngagement.objects.bulk_create(
            SchoolEngagement(
                partnership_id=partnership_id,
                organisation=organisation,
                safer_schools_partnership=n < 2,
                ssp_started_on=world.day - timedelta(days=500) if n < 2 else None,
            )
            for n, organisation in enumerate(school_organisations)
        )
        SchoolActivity.objects.bulk_create(
            SchoolActivity(
                school=school,
                activity=_text(rng, 5),
                held_on=world.day - timedelta(days=rng.randint(1, 300)),
            )
            for school in schools
            for _ in range(3)
        )
        made.forums += len(forums)
        made.members += len(members)
        made.meetings += len(meetings)
        made.initiatives += len(initiatives)
        made.support_requests += len(support)
        made.key_messages += 10
        made.schools += len(schools)
        made.activities += 3 * len(schools)
        if (index + 1) % 25 == 0 or index + 1 == len(partnerships):
            progress("engagement", (index + 1) / len(partnerships))
    world.extensions[NAME] = made


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: EngagementWorld = world.extensions[NAME]
    clients = coordinator_clients(world, sample)
    pages: dict[str, Callable[[int], str]] = {
        "overview": lambda p: reverse("engagement:overview", args=[p]),
        "forums": lambda p: reverse("engagement:forum-list", args=[p]),
        "communications": lambda p: reverse("engagement:communications", args=[p]),
    }
    console.line(
        f"Measuring {len(pages)} pages as {len(clients)} coordinators over {made.forums} forums "
        f"({made.meetings} meetings), {made.initiatives} initiatives, {made.key_messages} key "
        f"messages and {made.schools} schools, {requests} requests each after {warmup} warm-up "
        "request(s) per coordinator:"
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
            "forums_per_partnership": int(options["forums"]),
            "meetings_per_forum": int(options["meetings"]),
            "briefings_per_partnership": int(options["briefings"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_coordinator": warmup,
        },
        "data": {
            "forums": made.forums,
            "forum_members": made.members,
            "meetings": made.meetings,
            "initiatives": made.initiatives,
            "support_requests": made.support_requests,
            "key_messages": made.key_messages,
            "media_briefings": made.media_briefings,
            "schools": made.schools,
            "school_activities": made.activities,
        },
        "coordinator_role": Role.COORDINATOR,
        "targets": {"page": TARGET_PAGE, "p95_ms": TARGET_P95_MS},
        "pages": results,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Time a partnership's engagement overview (and its forums and communications pages) "
    "for coordinators across the national partnerships, each with forums, meetings, "
    "initiatives, key messages, media briefings and schools.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
