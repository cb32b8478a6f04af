"""`lde bench capacity`: a partnership's capacity overview, at national scale.

On top of the national data, `extend` writes for every partnership its capacity records: a board
of six member posts, three versions of its terms of reference, `--meetings` board meetings each
attended by four posts with two decisions, four scrutiny sessions, `--courses` courses of four
sessions each (joint with two partners, three attendance records each), ten teams, and
`--relationships` relationships with community organisations, each held by one to three posts.
It writes straight to the tables, as the national data does: synthetic and unaudited by design.

A sample of coordinators (`--sample`, one per partnership) is signed in as `lde bench pages`
signs them in, and each opens:

- `overview`: /capacity/<id>/, the page the target is for (p95 150 ms);
- `training`: /capacity/<id>/training/, every course, session and team;
- `relationships`: /capacity/<id>/relationships/, with single points of failure and deputies.

Each page is opened `--warmup` times per coordinator, then `--requests` requests go round the
coordinators, each timed from the client's call to the finished response. Queries are counted in
a separate pass, per coordinator.
"""

from __future__ import annotations

import random
from argparse import ArgumentParser
from collections import defaultdict
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
from lde.capacity.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    CommunityRelationship,
    Course,
    CourseKind,
    ScrutinyBody,
    ScrutinySession,
    Team,
    TeamKind,
    TermsOfReference,
    TrainingAttendance,
    TrainingSession,
)
from lde.partnerships.models import Role

NAME = "capacity"
TARGET_P95_MS = 150
TARGET_PAGE = "overview"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--meetings", type=int, default=16, help="Board meetings per partnership (default 16)."
    )
    parser.add_argument(
        "--courses", type=int, default=8, help="Courses per partnership (default 8)."
    )
    parser.add_argument(
        "--relationships",
        type=int,
        default=15,
        help="Relationships with community organisations per partnership (default 15).",
    )
    add_page_timing_arguments(parser)


@dataclass
class CapacityWorld:
    board_members: int = 0
    meetings: int = 0
    decisions: int = 0
    sessions: int = 0
    attendance: int = 0
    teams: int = 0
    relationships: int = 0


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    meetings_each = max(1, int(options["meetings"]))
    courses_each = max(1, int(options["courses"]))
    relationships_each = max(1, int(options["relationships"]))
    rng = random.Random(world.seed * 7919 + 13)
    made = CapacityWorld()
    partner_ids = {o for orgs in world.partner_organisations.values() for o in orgs}
    posts_of: dict[int, list[int]] = defaultdict(list)
    for post_id, organisation_id in Post.objects.filter(
        organisation_id__in=list(partner_ids)
    ).values_list("pk", "organisation_id"):
        posts_of[organisation_id].append(post_id)
    attended = BoardMeeting.attended_by.through
    joint = TrainingSession.joint_with.through
    held = CommunityRelationship.held_by.through
    team_kinds = list(TeamKind.values)
    partnerships = world.partnership_ids
    for index, partnership_id in enumerate(partnerships):
        partners = world.partner_organisations.get(partnership_id, [])
        posts = [p for o in partners for p in posts_of[o]]
        if len(posts) < 6 or len(partners) < 2:
            continue
        board = rng.sample(posts, 6)
        BoardMember.objects.bulk_create(
            BoardMember(partnership_id=partnership_id, post_id=p, joined_on=world.day)
            for p in board
        )
        TermsOfReference.objects.bulk_create(
            TermsOfReference(
                partnership_id=partnership_id,
                agreed_on=world.day - timedelta(days=365 * n),
                text="The board steers the partnership's Prevent work. " * 20,
            )
            for n in range(3)
        )
        meetings = BoardMeeting.objects.bulk_create(
            BoardMeeting(partnership_id=partnership_id, held_on=world.day - timedelta(days=30 * n))
            for n in range(meetings_each)
        )
        attended.objects.bulk_create(
            attended(boardmeeting_id=m.pk, post_id=p) for m in meetings for p in board[:4]
        )
        BoardDecision.objects.bulk_create(
            BoardDecision(meeting=m, decision=f"Decision {n} of the board.")
            for m in meetings
            for n in range(2)
        )
        ScrutinySession.objects.bulk_create(
            ScrutinySession(
                partnership_id=partnership_id,
                body=ScrutinyBody.COUNCILLORS if n % 2 else ScrutinyBody.POLICE_AUTHORITY,
                held_on=world.day - timedelta(days=90 * n),
                examined="The Prevent action plan.",
                outcome="Asked for a report.",
            )
            for n in range(4)
        )
        teams = Team.objects.bulk_create(
            Team(
                partnership_id=partnership_id,
                organisation_id=partners[n % len(partners)],
                name=f"Team {n}",
                kind=team_kinds[n % len(team_kinds)],
                headcount=rng.randint(10, 120),
            )
            for n in range(10)
        )
        courses = Course.objects.bulk_create(
            Course(
                partnership_id=partnership_id,
                title=f"Course {n}",
                provider="Provider",
                kind=CourseKind.values[n % 3],
            )
            for n in range(courses_each)
        )
        sessions = TrainingSession.objects.bulk_create(
            TrainingSession(
                course=c,
                held_on=world.day - timedelta(days=rng.randint(1, 700)),
                feedback_to_staff="Staff heard what their referrals led to.",
            )
            for c in courses
            for _ in range(4)
        )
        joint.objects.bulk_create(
            joint(trainingsession_id=s.pk, organisation_id=o)
            for s in sessions
            for o in rng.sample(partners, 2)
        )
        attendance = [
            TrainingAttendance(session=s, team=rng.choice(teams), number_trained=rng.randint(1, 9))
            for s in sessions
            for _ in range(2)
        ] + [TrainingAttendance(session=s, post_id=rng.choice(posts)) for s in sessions]
        TrainingAttendance.objects.bulk_create(attendance)
        communities = Organisation.objects.bulk_create(
            Organisation(
                name=f"Synthetic Community {partnership_id}-{n}",
                type=OrganisationType.VOLUNTARY_COMMUNITY,
            )
            for n in range(relationships_each)
        )
        relationships = CommunityRelationship.objects.bulk_create(
            CommunityRelationship(
                partnership_id=partnership_id, organisation=o, nature="Liaison on youth work."
            )
            for o in communities
        )
        held.objects.bulk_create(
            held(communityrelationship_id=r.pk, post_id=p)
            for r in relationships
            for p in rng.sample(posts, rng.randint(1, 3))
        )
        made.board_members += len(board)
        made.meetings += len(meetings)
        made.decisions += 2 * len(meetings)
        made.sessions += len(sessions)
        made.attendance += len(attendance)
        made.teams += len(teams)
        made.relationships += len(relationships)
        if (index + 1) % 25 == 0 or index + 1 == len(partnerships):
            progress("capacity", (index + 1) / len(partnerships))
    world.extensions[NAME] = made


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: CapacityWorld = world.extensions[NAME]
    with_records = set(BoardMember.objects.values_list("partnership_id", flat=True).distinct())
    clients = coordinator_clients(world, sample, among=with_records)
    pages: dict[str, Callable[[int], str]] = {
        "overview": lambda p: reverse("capacity:overview", args=[p]),
        "training": lambda p: reverse("capacity:training", args=[p]),
        "relationships": lambda p: reverse("capacity:relationships", args=[p]),
    }
    console.line(
        f"Measuring {len(pages)} pages as {len(clients)} coordinators over {made.meetings} board "
        f"meetings, {made.sessions} training sessions ({made.attendance} attendance records), "
        f"{made.teams} teams and {made.relationships} relationships, {requests} requests each "
        f"after {warmup} warm-up request(s) per coordinator:"
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
            "meetings_per_partnership": int(options["meetings"]),
            "courses_per_partnership": int(options["courses"]),
            "relationships_per_partnership": int(options["relationships"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_coordinator": warmup,
        },
        "data": {
            "board_members": made.board_members,
            "board_meetings": made.meetings,
            "board_decisions": made.decisions,
            "training_sessions": made.sessions,
            "training_attendance": made.attendance,
            "teams": made.teams,
            "relationships": made.relationships,
        },
        "coordinator_role": Role.COORDINATOR,
        "targets": {"page": TARGET_PAGE, "p95_ms": TARGET_P95_MS},
        "pages": results,
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="Time a partnership's capacity overview (and its training and relationships pages) "
    "for coordinators across the national partnerships, each with a board, meetings, courses, "
    "sessions, teams and relationships with community organisations.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
