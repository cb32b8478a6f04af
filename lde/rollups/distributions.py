"""Regional and national distributions of assessment scores (issue 17, "Roll-ups"): how the
counted scores of many partnerships spread, by box plot and histogram, never as a league table
and never naming a partnership.

**What is counted.** For one framework version (or two versions of one framework joined by a
chain of version mappings, ¶186: comparisons only within a version or across a mapping), one
theme or the overall score, and one cycle (the financial year, April to March, in which the
assessment's period starts), each partnership counts once: its latest *published*
self-assessment of those versions in that cycle. Its score is worked out by the assessments
app's one rule (`lde.assessments.analysis`: positions in each scale's range, weighted averages,
and the rating of record, so a moderated cycle counts at its agreed ratings), never restated
here. Published only: a draft is the partnership's own work in progress.

**What may be shown.** Every group goes through the one small-number rule,
`lde.core.suppression.suppress`, with the regions as groups and England as the whole:

- a region with fewer than 5 partnerships is withheld entirely (no figure, not even its count);
- the number of partnerships and each histogram bin's count are counts, so each under 10 is
  withheld ("fewer than 10");
- England's figures are withheld where England less the regions shown would leave fewer than 5
  partnerships (or a bin under 10), so that nothing withheld can be had by subtraction. The whole
  table is computed whatever the scope asked for, so a regional page shows exactly what the
  national one does.

**Speed.** A fixed number of queries whatever the number of partnerships: the versions, the
counted assessments (one), the versions' shapes (two), their ratings (one, and one more where a
moderated cycle is among them), and, for marks, the partnerships' names and their similar areas.
Scores are computed in Python because the rule that makes them (weights shared down the tree,
ratings of record) lives in Python in one place; a copy of it in SQL could disagree.

Quantiles follow the *inclusive* rule (Hyndman and Fan's type 7, numpy's default "linear",
Excel's QUARTILE.INC): for sorted scores x₁…xₙ, the p-quantile is at position 1 + (n − 1)p,
interpolating linearly between neighbours.

**No lowest or highest, and no box under 10** (ADR 0026). The lowest and the highest score are
each exactly one partnership's score, and the one at an end, so the box plot's whiskers are the
10th and 90th percentiles instead. The five figures of the box (10th, 25th, 50th, 75th and 90th
percentiles) are shown only for a group of at least `BOX_MIN` (11) partnerships: the house
rule's 10 for a count, and one more so that the 10th percentile's position, (n − 1) × 10%, is a
whole step from either end. Below that the inclusive rule lands on partnerships' own scores
(for 5, the quartiles are the 2nd, 3rd and 4th of them) or draws on the lowest and highest, so
a group of 5 to 10 shows its mean only. From 11, every percentile lies between the 2nd and the
(n − 1)th score and does not depend on the lowest or the highest at all.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F

from lde.assessments import analysis
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.core.access.facts import AnyUser, facts_for
from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS, Counts, Measure, suppress
from lde.frameworks.models import Framework, FrameworkVersion
from lde.partnerships.models import Partnership, Region
from lde.rollups.distributions_policies import distribution_policy
from lde.rollups.policies import area_neighbour_policy
from lde.rollups.selectors import area_data_current, national_figures_seconds

ENGLAND = ("E92000001", "England")
BIN_WIDTH = 20  # percentage points: five bins, so that a bin can reach 10 partnerships
BINS = 100 // BIN_WIDTH
OVERALL = ""  # the theme "identifier" of the overall score
T = TypeVar("T")


def cycle_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def cycle_of(day: date) -> int:
    """The financial year (April to March) holding `day`, by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Scale:
    """What a distribution's values are, how its histogram bins them and how a figure is
    written: scores in percent from 0 to 100 here, programme money in pounds in
    `money_distributions`, so that both go through the same figures and the same suppression.
    Bin i holds [edges[i], edges[i + 1]); the last holds its top edge too, or, where `open_top`,
    every value from its low edge up (money has no ceiling). `round_to` rounds every figure
    shown, so that a median or quartile that falls on one partnership's amount does not give it
    to the penny (ADR 0027); 0 leaves figures as worked out. `counted` says what puts a
    partnership in the count, for the message of a withheld area."""

    edges: tuple[int, ...]
    unit: str  # "%" or "£"
    counted: str
    open_top: bool = False
    round_to: int = 0

    @property
    def bins(self) -> int:
        return len(self.edges) - 1

    def bin_of(self, value: float) -> int:
        """The bin holding `value`; below the first edge, the first."""
        return next((i for i in range(self.bins - 1, 0, -1) if value >= self.edges[i]), 0)

    def write(self, value: float, places: int = 0) -> str:
        """A figure in its unit: "£85,000", or "57%" (`places` decimals of a percentage)."""
        return f"£{value:,.0f}" if self.unit == "£" else f"{value:.{places}f}%"

    def bin_label(self, i: int) -> str:
        low, high = self.edges[i], self.edges[i + 1]
        if i < self.bins - 1:
            return f"{self.write(low)} to {self.write(high)} (not included)"
        if self.open_top:
            return f"{self.write(low)} or more"
        return f"{self.write(low)} to {self.write(high)}"

    def rounded(self, figures: Figures) -> Figures:
        """Every figure that is not a count rounded to `round_to`, whatever figures a
        distribution shows."""
        if not self.round_to:
            return figures
        step = self.round_to
        rounded: dict[str, Any] = {
            k: float(round(v / step) * step)
            for k, v in vars(figures).items()
            if isinstance(v, float)
        }
        return replace(figures, **rounded)


SCORES = Scale(edges=tuple(range(0, 101, BIN_WIDTH)), unit="%", counted="have a counted score")


def _bin_key(i: int) -> str:
    return f"bin{i}"


def _bin_measure(key: str) -> Measure:
    """A histogram bin's count: a count of partnerships, so withheld under 10."""
    return Measure(key, lambda c: c.get(key, 0), lambda c: (c.get(key, 0),))


# The counts each region holds, and what rests on them (lde.core.suppression). "distribution"
# stands for the mean: not a count, so it rests on nothing but the group's own 5 partnerships —
# and on England less the regions shown having 5 too. "spread" stands for the box's five
# percentiles, which rest on the n − 1 steps between the lowest and the highest score as a
# count does (ADR 0026): shown from 11 partnerships (BOX_MIN), and England's only where England
# less the regions showing theirs has 11 too.
def measures(scale: Scale) -> tuple[Measure, ...]:
    return (
        Measure("partnerships", lambda c: c["partnerships"], lambda c: (c["partnerships"],)),
        Measure("distribution", lambda c: c["partnerships"], lambda c: ()),
        Measure("spread", lambda c: c["partnerships"], lambda c: (c["partnerships"] - 1,)),
        *(_bin_measure(_bin_key(i)) for i in range(scale.bins)),
    )


MEASURES = measures(SCORES)


@dataclass(frozen=True)
class Bin:
    low: int
    high: int  # not included, except in the last bin; where the scale has no top, drawn only
    count: int | None  # None: fewer than 10, withheld
    label: str


@dataclass(frozen=True)
class Figures:
    """A group's distribution. `partnerships` is None where it is under 10."""

    partnerships: int | None
    # The box: percentiles by the inclusive rule, each None where fewer than BOX_MIN (11)
    # partnerships count (ADR 0026). Never the lowest or highest score: each is one
    # partnership's own.
    tenth_percentile: float | None
    lower_quartile: float | None
    median: float | None
    upper_quartile: float | None
    ninetieth_percentile: float | None
    mean: float
    bins: list[Bin]


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    figures: Figures | None  # None: withheld, and `withheld` says why
    counted: str = SCORES.counted  # what puts a partnership in the count, for `withheld`

    @property
    def withheld(self) -> str:
        if self.figures is not None:
            return ""
        if self.code == ENGLAND[0]:
            return (
                f"England's figures are withheld: either fewer than {MIN_PARTNERSHIPS} "
                f"partnerships count, or England less the regions shown would leave fewer than "
                f"{MIN_PARTNERSHIPS}, which could be worked out by subtraction."
            )
        return (
            f"{self.name} is withheld: fewer than {MIN_PARTNERSHIPS} partnerships there "
            f"{self.counted}, too few to show without pointing at one."
        )

    @property
    def spread_withheld(self) -> str:
        """Why the box is not drawn for a group whose mean is shown; empty where it is."""
        if self.figures is None or self.figures.median is not None:
            return ""
        if self.code == ENGLAND[0]:
            return (
                f"England's percentiles are withheld: fewer than {BOX_MIN} partnerships "
                f"count, or England less the regions showing theirs would leave fewer than "
                f"{BOX_MIN}."
            )
        return (
            f"{self.name}'s percentiles are withheld: fewer than {BOX_MIN} partnerships count "
            "there, and in so few the quartiles fall on partnerships' own scores."
        )


@dataclass(frozen=True)
class Mark:
    """A point marked on the distribution for the person looking: their own partnership
    (named, as it is theirs) or one of its similar areas that published (never named)."""

    label: str
    score: float
    own: bool


@dataclass(frozen=True)
class Query:
    framework: Framework
    version: FrameworkVersion
    mapped: FrameworkVersion | None  # a second version, joined to `version` by mappings
    theme: str  # a theme's identifier, or OVERALL
    cycle: int
    region: str  # a region's GSS code, or "" for England

    @property
    def versions(self) -> list[FrameworkVersion]:
        return [self.version] + ([self.mapped] if self.mapped else [])


@dataclass
class Distribution:
    query: Query
    theme_title: str
    scope: Group  # the region asked for, or England
    england: Group  # always, for context (the same as `scope` for a national view)
    regions: list[Group] = field(default_factory=list)  # each region shown, in the usual order
    marks: list[Mark] = field(default_factory=list)

    @property
    def cycle_label(self) -> str:
        return cycle_label(self.query.cycle)

    @property
    def versions_label(self) -> str:
        names = " and ".join(v.version for v in self.query.versions)
        joined = " (joined by their version mapping)" if self.query.mapped else ""
        return f"{self.query.framework.title} version {names}{joined}"

    @property
    def shown_regions(self) -> list[Group]:
        return [g for g in self.regions if g.figures is not None]

    @property
    def withheld_regions(self) -> list[Group]:
        return [g for g in self.regions if g.figures is None]


# --- Choosing what to roll up --------------------------------------------------------------


def frameworks_offered() -> list[FrameworkVersion]:
    """Every version of every framework that is not the demo's example, for the choice."""
    return list(
        FrameworkVersion.objects.filter(framework__demonstration=False)
        .select_related("framework")
        .order_by("framework__title", "framework__identifier", "sort_key", "version")
    )


def _joined(framework: Framework, one: int, other: int) -> bool:
    """Whether a chain of version mappings joins the two versions, in either direction."""
    linked: dict[int, set[int]] = defaultdict(set)
    for step in analysis.mapping_steps(framework_ids=[framework.pk]):
        linked[step.from_version_id].add(step.to_version_id)
        linked[step.to_version_id].add(step.from_version_id)
    seen, todo = {one}, [one]
    while todo:
        here = todo.pop()
        for there in linked[here] - seen:
            seen.add(there)
            todo.append(there)
    return other in seen


def themes_of(version: FrameworkVersion) -> list[tuple[str, str]]:
    """The version's themes, (identifier, title), in the framework's order."""
    shape = analysis.version_shapes(versions=[version])[version.pk]
    return [(t.identifier, t.title) for t in shape.themes]


def latest_cycle(versions: Sequence[FrameworkVersion]) -> int | None:
    last = (
        Assessment.objects.filter(
            framework_version__in=list(versions),
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.PUBLISHED,
        )
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return None if last is None else cycle_of(last)


def query_from(
    *,
    framework: str,
    version: str,
    mapped: str = "",
    theme: str = "",
    cycle: int | None = None,
    region: str = "",
) -> Query:
    """The roll-up asked for, checked: every problem raised at once as a `ValidationError`
    naming its field (the page's error summary, the API's 400, the CLI's exit)."""
    errors: dict[str, str] = {}
    found = Framework.objects.filter(identifier=framework.strip()).first()
    chosen = extra = None
    if found is None:
        errors["framework"] = f"There is no framework {framework!r}."
    else:
        versions = {v.version: v for v in found.versions.all()}
        chosen = versions.get(version.strip())
        if chosen is None:
            errors["version"] = f"{found.title} has no version {version!r}."
        if mapped.strip():
            extra = versions.get(mapped.strip())
            if extra is None:
                errors["mapped"] = f"{found.title} has no version {mapped!r}."
            elif chosen is not None and (
                extra.pk == chosen.pk or not _joined(found, chosen.pk, extra.pk)
            ):
                errors["mapped"] = (
                    "Versions are compared only where a version mapping joins them: "
                    f"no mapping joins {version} and {mapped}."
                )
    if region and region not in Region.values:
        errors["region"] = f"{region!r} is not the GSS code of an English region."
    if chosen is not None and theme and theme not in {i for i, _ in themes_of(chosen)}:
        errors["theme"] = f"Version {chosen.version} has no theme {theme!r}."
    if errors:
        raise ValidationError(errors)
    assert found is not None and chosen is not None
    if cycle is None:
        cycle = latest_cycle([chosen] + ([extra] if extra else [])) or cycle_of(date.today())
    return Query(found, chosen, extra, theme, cycle, region)


# --- The figures ---------------------------------------------------------------------------


def counted_scores(query: Query) -> tuple[str, dict[int, tuple[str, float]]]:
    """Each partnership's region and counted score (see the module's docstring), and the
    theme's title. Never shown as they are: `distribution` aggregates them."""
    start = date(query.cycle, 4, 1)
    end = date(query.cycle + 1, 4, 1)
    assessments = list(
        Assessment.objects.filter(
            framework_version__in=[v.pk for v in query.versions],
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.PUBLISHED,
            period_start__gte=start,
            period_start__lt=end,
        )
        .annotate(region=F("partnership__region"))
        .only(
            "pk",
            "partnership_id",
            "framework_version_id",
            "kind",
            "status",
            "published_without_review",
            "period_end",
            "created_at",
        )
        .order_by("partnership_id", "period_end", "created_at", "pk")
    )
    latest: dict[int, Any] = {}  # Assessments, each annotated with its region
    for assessment in assessments:  # ordered, so the last of each partnership's stays
        latest[assessment.partnership_id] = assessment
    shapes = analysis.version_shapes(versions=query.versions)
    title = "Overall"
    if query.theme:
        for theme in shapes[query.version.pk].themes:
            if theme.identifier == query.theme:
                title = theme.title
    ratings = analysis.ratings_of(assessments=list(latest.values()))
    scores: dict[int, tuple[str, float]] = {}
    for partnership_id, assessment in latest.items():
        overall, themes = analysis.theme_scores(
            shapes[assessment.framework_version_id], ratings[assessment.pk]
        )
        if query.theme:
            score = next((t.score for t in themes if t.identifier == query.theme), None)
        else:
            score = overall.score
        if score is not None:  # nothing rated: no score, and so not counted, never zero
            scores[partnership_id] = (assessment.region, score)
    return title, scores


def counted_scores_recent(query: Query) -> tuple[str, dict[int, tuple[str, float]]]:
    """`counted_scores(query)` as worked out at most `national_figures_seconds()` ago (the
    period national coverage is kept for, `LDE_NATIONAL_FIGURES_SECONDS`). Scoring every
    partnership's counted cycle reads every rating of every one (about 14,000 rows for 350
    partnerships), and the figures move only when a self-assessment is published, while every
    person who opens the page asks for the same ones; the marks are worked out on each request
    from these scores. Nothing is invalidated on a write: a publication shows within the
    period, and the page says how long figures are kept."""
    versions = "-".join(str(v.pk) for v in query.versions)
    key = f"rollups:distribution:{versions}:{query.theme}:{query.cycle}"
    return kept(key, lambda: counted_scores(query))


def kept(key: str, work: Callable[[], T]) -> T:
    """What `work` returns, as worked out at most `national_figures_seconds()` ago under
    `key` in Django's cache (ADR 0025); worked out on every call where the period is 0."""
    seconds = national_figures_seconds()
    if seconds <= 0:
        return work()
    found = cache.get(key)
    if found is not None:
        return cast(T, found)
    worked_out = work()
    cache.set(key, worked_out, seconds)
    return worked_out


# The box's five figures, as percentiles, in the order of Figures' fields, and the fewest
# partnerships that show them: (n - 1) x 10% must reach one whole step, and n the house rule's
# 10 (MIN_COUNT), so that no percentile draws on the lowest or the highest score.
SPREAD_PERCENTS = (10, 25, 50, 75, 90)
BOX_MIN = MIN_COUNT + 1


def quantile(ordered: Sequence[float], percent: int) -> float:
    """The inclusive rule (type 7) for a whole percent: position 1 + (n − 1)p, counted from 0
    here as (n − 1)p, worked out in whole numbers so that a position that falls on a score is
    recognised as such and that score returned as it is."""
    j, rest = divmod((len(ordered) - 1) * percent, 100)
    if rest == 0:
        return ordered[j]
    return (ordered[j] * (100 - rest) + ordered[j + 1] * rest) / 100


def _figures(scores: list[float], counts: dict[str, int | None], scale: Scale) -> Figures:
    ordered = sorted(scores)
    box: list[float | None] = [None] * len(SPREAD_PERCENTS)
    if counts["spread"] is not None:  # BOX_MIN or more partnerships (ADR 0026)
        box = [quantile(ordered, percent) for percent in SPREAD_PERCENTS]
    return Figures(
        partnerships=counts["partnerships"],
        tenth_percentile=box[0],
        lower_quartile=box[1],
        median=box[2],
        upper_quartile=box[3],
        ninetieth_percentile=box[4],
        mean=statistics.fmean(ordered),
        bins=[
            Bin(scale.edges[i], scale.edges[i + 1], counts[_bin_key(i)], scale.bin_label(i))
            for i in range(scale.bins)
        ],
    )


def _counts(scores: list[float], scale: Scale) -> dict[str, int]:
    counts = {"partnerships": len(scores), **{_bin_key(i): 0 for i in range(scale.bins)}}
    for score in scores:
        counts[_bin_key(scale.bin_of(score))] += 1
    return counts


def suppressed_groups(
    by_region: dict[str, list[float]], scale: Scale = SCORES
) -> tuple[Group, list[Group]]:
    """England and every region, each with its figures or withheld, by the one rule in
    `lde.core.suppression` (see the module's docstring), the values binned and written by
    `scale`."""
    names = dict(Region.choices)
    counts: dict[str, Counts] = {code: _counts(s, scale) for code, s in by_region.items()}
    table = suppress(
        counts, order=list(Region.values), measures=measures(scale), whole_key=ENGLAND[0]
    )
    shown = {row.key: row.figures for row in table.rows}

    def group(code: str, name: str, scores: list[float], figures: dict | None) -> Group:
        if figures is None or figures["distribution"] is None:
            return Group(code, name, None, scale.counted)
        return Group(code, name, scale.rounded(_figures(scores, figures, scale)), scale.counted)

    everything = [s for scores in by_region.values() for s in scores]
    england = group(*ENGLAND, everything, table.whole.figures if table.whole else None)
    regions = [
        group(code, names[code], by_region.get(code, []), shown.get(code)) for code in Region.values
    ]
    return england, regions


def _marks(user: AnyUser, query: Query, scores: dict[int, tuple[str, float]]) -> list[Mark]:
    """The user's own partnerships' scores, and those of their similar areas that published a
    counted self-assessment (placed, never named), within the scope."""
    facts = facts_for(user)
    if not facts.is_authenticated:
        return []
    in_scope = {
        p: score
        for p, (region, score) in scores.items()
        if not query.region or region == query.region
    }
    own_ids = set(
        distribution_policy.visible_to(user, "mark")
        .filter(pk__in=list(in_scope))
        .values_list("pk", flat=True)
    )
    if not own_ids:
        # A person with no partnership here, a national analyst among them, sees no marks:
        # aggregates only.
        return []
    names = dict(Partnership.objects.filter(pk__in=own_ids).values_list("pk", "name"))
    marks = [Mark(f"Your partnership: {names[p]}", in_scope[p], own=True) for p in sorted(own_ids)]
    data_set = area_data_current()
    if data_set is not None:
        neighbours = set(
            area_neighbour_policy.visible_to(user)
            .filter(data_set=data_set, partnership_id__in=own_ids)
            .values_list("neighbour_id", flat=True)
        )
        for score in sorted(in_scope[n] for n in neighbours - own_ids if n in in_scope):
            marks.append(Mark("A similar area", score, own=False))
    return marks


def grouped(
    values: dict[int, tuple[str, float]], region: str, scale: Scale = SCORES
) -> tuple[Group, Group, list[Group]]:
    """The area asked for (a region's GSS code, or "" for England), England and every region,
    each with its figures or withheld, from each counted partnership's region and value: the
    one way both distributions (scores, and money in `money_distributions`) are grouped."""
    by_region: dict[str, list[float]] = defaultdict(list)
    for code, value in values.values():
        by_region[code].append(value)
    england, regions = suppressed_groups(by_region, scale)
    scope = next(g for g in regions if g.code == region) if region else england
    return scope, england, regions


def distribution(*, user: AnyUser, query: Query) -> Distribution:
    """The distribution asked for, suppressed, with the user's marks. The caller has checked
    that the user may see distributions (`distribution_policy`, "view")."""
    title, scores = counted_scores_recent(query)
    scope, england, regions = grouped(scores, query.region)
    marks = _marks(user, query, scores) if scope.figures is not None else []
    return Distribution(
        query=query, theme_title=title, scope=scope, england=england, regions=regions, marks=marks
    )


__all__ = ["MIN_COUNT", "MIN_PARTNERSHIPS"]
