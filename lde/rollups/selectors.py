"""Figures across partnerships, for national analysts: aggregates only, never a partnership's,
a post's or a person's row, and every figure through the one small-number rule in
`lde.core.suppression`.

Today: briefing coverage (¶59) by region and for England, counted exactly as each partnership's
own coverage page counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from lde.core.access.facts import AnyUser, today
from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS, Counts, Measure, suppress
from lde.partnerships.models import Partnership, Region
from lde.partnerships.selectors import strategic_posts_by_partnership, user_facts_load_many
from lde.rollups.models import AreaDataSet, AreaNeighbour, PeerReviewRequest
from lde.rollups.policies import (
    area_data_set_policy,
    area_neighbour_policy,
    peer_review_request_policy,
)
from lde.sharing.selectors import COVERAGE_WINDOW_DAYS, COVERED, briefing_status_many

__all__ = ["MIN_COUNT", "MIN_PARTNERSHIPS"]

ENGLAND = ("E92000001", "England")


@dataclass(frozen=True)
class CoverageTally:
    """Raw counts for a group of partnerships. Never shown as they are: see `suppressed`."""

    partnerships: int = 0
    posts: int = 0
    covered: int = 0

    def __add__(self, other: CoverageTally) -> CoverageTally:
        return CoverageTally(
            self.partnerships + other.partnerships,
            self.posts + other.posts,
            self.covered + other.covered,
        )

    def counts(self) -> dict[str, int]:
        return {"partnerships": self.partnerships, "posts": self.posts, "covered": self.covered}


def _percent(counts: Counts) -> int:
    return round(100 * counts["covered"] / counts["posts"])


# The share covered rests on the posts, those covered and those not: any under 10 would let a
# reader work out who was or was not briefed.
MEASURES = (
    Measure("partnerships", lambda c: c["partnerships"], lambda c: (c["partnerships"],)),
    Measure("posts", lambda c: c["posts"], lambda c: (c["posts"],)),
    Measure(
        "percent",
        _percent,
        lambda c: (c["posts"], c["covered"], c["posts"] - c["covered"]),
    ),
)


@dataclass(frozen=True)
class NationalCoverageRow:
    """One region, or England: each figure is a number or None (withheld, "fewer than 10")."""

    code: str
    name: str
    partnerships: int | None
    posts: int | None
    percent: int | None


@dataclass(frozen=True)
class NationalCoverage:
    regions: list[NationalCoverageRow]  # only those with at least 5 partnerships
    national: NationalCoverageRow | None  # None when England has fewer than 5 partnerships
    window_days: int
    # When the figures were worked out: the pages show it, as they may be kept a few minutes
    # (`national_briefing_coverage_recent`).
    as_at: datetime = field(default_factory=timezone.now)


def coverage_tallies() -> dict[int, tuple[str, CoverageTally]]:
    """Each partnership's region and raw coverage counts, decided exactly as on its own page
    (`lde.partnerships.selectors.briefing_coverage`), in a fixed number of queries whatever the
    number of partnerships, posts and products. Never shown as they are:
    `national_briefing_coverage` aggregates them."""
    regions = dict(Partnership.objects.order_by().values_list("pk", "region"))
    posts, holder = strategic_posts_by_partnership()
    people = {user.pk: user for user in holder.values() if user is not None}
    held_by = {post: user.pk for post, user in holder.items() if user is not None}
    facts = user_facts_load_many(people.values()) if people else {}
    status = briefing_status_many(
        holders={
            p: {held_by[post]: facts[held_by[post]] for post in posts[p] if post in held_by}
            for p in regions
        },
        day=today(),
    )
    tallies = {}
    for partnership_id, region in regions.items():
        mine = posts[partnership_id]
        seen = status.get(partnership_id, {})
        covered = len([post for post in mine if seen.get(held_by.get(post, 0)) == COVERED])
        tallies[partnership_id] = (region, CoverageTally(1, len(mine), covered))
    return tallies


def national_briefing_coverage() -> NationalCoverage:
    """Briefing coverage by region and for England, for national analysts: the number of
    partnerships, of strategic posts and the share covered (see `coverage_tallies`). No
    partnership, post or person leaves this function. The caller has checked the user is a
    national analyst."""
    by_region: dict[str, CoverageTally] = defaultdict(CoverageTally)
    for region, tally in coverage_tallies().values():
        by_region[region] += tally
    regions, national = suppressed(by_region)
    return NationalCoverage(
        regions=regions, national=national, window_days=COVERAGE_WINDOW_DAYS, as_at=timezone.now()
    )


# The cache key of the figures as last worked out; the version changes with their shape, so that
# an instance running newer code never reads an older instance's figures from a shared cache.
NATIONAL_COVERAGE_CACHE_KEY = "lde:rollups:national-briefing-coverage:1"


def national_figures_seconds() -> int:
    """How long the national figures are kept once worked out (`LDE_NATIONAL_FIGURES_SECONDS`,
    5 minutes; 0 works them out on every request, as the tests do)."""
    return int(getattr(settings, "LDE_NATIONAL_FIGURES_SECONDS", 300))


def national_briefing_coverage_recent() -> NationalCoverage:
    """`national_briefing_coverage()` as worked out at most `national_figures_seconds()` ago,
    for the coverage page, the home panel and the API, which show its `as_at` time.

    Working the figures out reads every strategic post, holder and release in England (about
    10,000 rows for 350 partnerships, half a second of a server's time), and they move only when
    a post, its holder, a release or an acknowledgement does — over days, against a 90-day
    window — while every national analyst's home page shows them. So they are kept for a few
    minutes in Django's cache rather than counted on each request. The default cache is each
    process's own memory: several processes may each hold figures of a slightly different
    minute, which is why the time they were worked out is shown beside them. Nothing is
    invalidated on a write: a change shows within the period."""
    seconds = national_figures_seconds()
    if seconds <= 0:
        return national_briefing_coverage()
    found = cache.get(NATIONAL_COVERAGE_CACHE_KEY)
    if isinstance(found, NationalCoverage):
        return found
    coverage = national_briefing_coverage()
    cache.set(NATIONAL_COVERAGE_CACHE_KEY, coverage, seconds)
    return coverage


def suppressed(
    by_region: dict[str, CoverageTally],
) -> tuple[list[NationalCoverageRow], NationalCoverageRow | None]:
    """The rows a national analyst may see, by the rule in `lde.core.suppression`: the regions
    of England in their usual order, and England itself. Partnerships outside those regions
    count towards England only."""
    names = dict(Region.choices)
    table = suppress(
        {code: tally.counts() for code, tally in by_region.items()},
        order=list(Region.values),
        measures=MEASURES,
        whole_key=ENGLAND[0],
    )

    def row(code: str, name: str, figures: dict[str, int | None]) -> NationalCoverageRow:
        return NationalCoverageRow(
            code=code,
            name=name,
            partnerships=figures["partnerships"],
            posts=figures["posts"],
            percent=figures["percent"],
        )

    regions = [row(r.key, names[r.key], r.figures) for r in table.rows]
    national = row(*ENGLAND, table.whole.figures) if table.whole else None
    return regions, national


# --- Similar areas --------------------------------------------------------------------------


def area_data_current() -> AreaDataSet | None:
    """The area data in use: the newest import."""
    return AreaDataSet.objects.order_by("-created_at", "-pk").first()


def area_data_sets(*, user: AnyUser) -> QuerySet[AreaDataSet]:
    return area_data_set_policy.visible_to(user).select_related("imported_by").defer("values")


@dataclass(frozen=True)
class Contribution:
    """One variable's part in how far apart two areas are."""

    name: str
    label: str
    here: float
    there: float
    contribution: float  # to the squared distance
    share: int  # percent of the squared distance


@dataclass(frozen=True)
class SimilarArea:
    row: AreaNeighbour
    neighbour: Partnership
    contributions: list[Contribution]  # smallest first: what brings the two together
    request: PeerReviewRequest | None  # the latest request from the partnership to this one

    @property
    def closest(self) -> list[Contribution]:
        return self.contributions[:3]


@dataclass(frozen=True)
class SimilarAreas:
    data_set: AreaDataSet | None
    areas: list[SimilarArea]


def _contributions(
    data_set: AreaDataSet, row: AreaNeighbour, values: dict[str, list[float]]
) -> list[Contribution]:
    total = sum(row.contributions) or 1.0
    here = values.get(row.area_code, [])
    there = values.get(row.neighbour_code, [])
    found = [
        Contribution(
            name=str(variable["name"]),
            label=str(variable["label"]),
            here=here[i] if i < len(here) else 0.0,
            there=there[i] if i < len(there) else 0.0,
            contribution=row.contributions[i],
            share=round(100 * row.contributions[i] / total),
        )
        for i, variable in enumerate(data_set.variables)
    ]
    return sorted(found, key=lambda c: (c.contribution, c.name))


def similar_areas(*, user: AnyUser, partnership: Partnership) -> SimilarAreas:
    """The partnership's nearest neighbours in the area data in use, each with what brings it
    close and the partnership's latest request to it for a peer review. Four queries, whatever
    the number of areas: the data set, the rows with their partnerships, and the requests.
    Nothing of a neighbour's own work is read: its scores are its own."""
    data_set = area_data_current()
    if data_set is None:
        return SimilarAreas(None, [])
    rows = list(
        area_neighbour_policy.visible_to(user)
        .filter(data_set=data_set, partnership=partnership)
        .select_related("neighbour")
        .order_by("area_code", "rank")
    )
    codes = {r.area_code for r in rows} | {r.neighbour_code for r in rows}
    values = {c: v for c, v in data_set.values.items() if c in codes}
    latest: dict[int, PeerReviewRequest] = {}
    for request in PeerReviewRequest.objects.filter(
        requester=partnership, asked_id__in=[r.neighbour_id for r in rows]
    ).order_by("created_at", "pk"):
        latest[request.asked_id] = request
    return SimilarAreas(
        data_set,
        [
            SimilarArea(
                r, r.neighbour, _contributions(data_set, r, values), latest.get(r.neighbour_id)
            )
            for r in rows
        ],
    )


def similar_area_get(*, user: AnyUser, partnership: Partnership, neighbour_id: int) -> SimilarArea:
    """One pair, for "why close": 404 where the row is not one of the partnership's own in the
    area data in use, or not visible."""
    found = similar_areas(user=user, partnership=partnership)
    for area in found.areas:
        if area.row.pk == neighbour_id:
            return area
    raise Http404


def peer_review_requests(
    *, user: AnyUser, partnership: Partnership
) -> tuple[list[PeerReviewRequest], list[PeerReviewRequest]]:
    """The requests the partnership sent and those it was sent, that the user may see."""
    visible = peer_review_request_policy.visible_to(user).select_related(
        "requester", "asked", "requested_by", "decided_by"
    )
    return (
        list(visible.filter(requester=partnership)),
        list(visible.filter(asked=partnership)),
    )


def peer_review_request_get(*, user: AnyUser, request_id: int) -> PeerReviewRequest:
    return peer_review_request_policy.get_or_404(
        user, request_id, PeerReviewRequest.objects.select_related("requester", "asked")
    )
