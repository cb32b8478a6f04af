"""Analysis of assessments: gaps and scores of one cycle, what moved between two, and trends
across a partnership's cycles — the "assess" step of the cycle in Figure 5 of the report.

**Scoring.** A rating says where a criterion sits on its scale. Scales differ between criteria
and between framework versions (four maturity levels here, a yes/no there), so each rating is
first put on one footing: its position in its scale's range, (rating − lowest level) ÷ (highest
level − lowest level), shown as a percentage — the lowest level is 0% and the highest 100% on
every scale. A theme's score is the weighted average of the positions of its rated criteria (a
criterion with sub-criteria shares its weight among them), and the overall score the weighted
average of the themes' scores. A criterion that is not rated is *missing*, not poor: it is left
out of every average and counted, never treated as zero, because a zero would read as "not in
place" when nobody has said so.

**Ratings of record.** Moderation exists to settle the rating that stands. So in a
self-assessment that has been moderated (or published after moderation; not one published
without review), a criterion with a moderation decision counts at its agreed rating, and
everywhere else at the response's own rating (`ratings_of`, `moderation_settles_ratings`). Every
reading of ratings — gaps, comparisons, trends, the board report and the action plans' "before
and after" — takes them from `ratings_of`, so they cannot disagree.

**Crossing framework versions.** Cycles pinned to different versions of a framework are matched
through the version mappings the frameworks app loads (`VersionMapping`, `MappingChange`): each
criterion of the later version is traced back, step by step, to the criteria it came from, so a
criterion that was split, merged or renamed is shown as such rather than as new. Where no chain
of mappings joins two versions, criteria are matched by identifier, as the frameworks app's
version difference does.

The reads here take assessments the caller has already fetched through the selectors (so the
policy has been applied) and run a fixed number of queries whatever the number of criteria,
ratings or cycles: each table is read once with `.values()`, and everything else is computed on
the plain dataclasses below.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from lde.assessments import selectors
from lde.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    ModerationDecision,
)
from lde.assessments.policies import assessment_policy
from lde.frameworks.models import (
    Criterion,
    CriterionKind,
    Framework,
    FrameworkVersion,
    MappingChange,
    MappingKind,
    ScaleLevel,
)
from lde.partnerships.models import Partnership

NOT_RATED = "Not rated"

# --- The shape of a framework version ------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A rating scale with its levels, lowest first."""

    id: int
    identifier: str
    title: str
    levels: tuple[tuple[int, str], ...]

    @property
    def lowest(self) -> int:
        return self.levels[0][0]

    @property
    def highest(self) -> int:
        return self.levels[-1][0]

    def position(self, value: int) -> float:
        """Where `value` sits in the scale's range, from 0 (lowest level) to 1 (highest)."""
        span = self.highest - self.lowest
        if span <= 0:
            return 0.0  # a one-level scale says nothing about position; frameworks need two
        # A rating carried forward from a version whose scale was wider may fall outside this
        # range; it still counts, at the nearest end, rather than above 100% or below 0%.
        return min(1.0, max(0.0, (value - self.lowest) / span))

    @cached_property
    def _labels(self) -> dict[int, str]:
        # Built once: trends and comparisons label thousands of ratings on a few scales.
        labels: dict[int, str] = {}
        for level, label in self.levels:
            labels.setdefault(level, f"{level} – {label}")
        return labels

    def label(self, value: int | None) -> str:
        if value is None:
            return NOT_RATED
        found = self._labels.get(value)
        return found if found is not None else str(value)

    @property
    def description(self) -> str:
        return f"{self.title} ({self.lowest} to {self.highest})"


@dataclass(frozen=True)
class Node:
    """A theme, criterion or sub-criterion of one framework version."""

    id: int
    identifier: str
    title: str
    kind: str
    parent_id: int | None
    weight: float
    scale_id: int | None
    position: int


@dataclass
class Shape:
    """One framework version: its tree of themes and criteria, and its scales."""

    version_id: int
    version: str
    sort_key: tuple[int, ...]
    nodes: dict[int, Node] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    scales: dict[int, Scale] = field(default_factory=dict)
    default_scale: Scale | None = None

    @property
    def themes(self) -> list[Node]:
        return [self.nodes[i] for i in self.children.get(None, [])]

    def is_rated(self, node: Node) -> bool:
        """A criterion takes a rating when it has no sub-criteria; themes never do."""
        return node.kind == CriterionKind.CRITERION and not self.children.get(node.id)

    def scale_of(self, node: Node) -> Scale | None:
        return self.scales.get(node.scale_id or 0, self.default_scale)

    def theme_of(self, node: Node) -> Node:
        while node.parent_id is not None:
            node = self.nodes[node.parent_id]
        return node

    @cached_property
    def by_identifier(self) -> dict[str, Node]:
        # Built once: trends look criteria up by identifier for every cycle of every row.
        return {n.identifier: n for n in self.nodes.values()}

    @cached_property
    def rated_criteria(self) -> list[Node]:
        return [n for n in self.nodes.values() if self.is_rated(n)]


def version_shapes(*, versions: Iterable[FrameworkVersion]) -> dict[int, Shape]:
    """The shapes of the given versions, by version id: two queries however many versions and
    criteria (the criteria, and the scales' levels)."""
    shapes = {
        v.pk: Shape(
            version_id=v.pk,
            version=v.version,
            sort_key=tuple(int(part) for part in (v.sort_key or [])),
        )
        for v in versions
    }
    if not shapes:
        return shapes
    for criterion in (
        Criterion.objects.filter(framework_version_id__in=list(shapes))
        .order_by("position")
        .values(
            "id",
            "framework_version_id",
            "identifier",
            "title",
            "kind",
            "parent_id",
            "weight",
            "scale_id",
            "position",
        )
    ):
        shape = shapes[criterion["framework_version_id"]]
        node = Node(
            id=criterion["id"],
            identifier=criterion["identifier"],
            title=criterion["title"],
            kind=criterion["kind"],
            parent_id=criterion["parent_id"],
            weight=float(criterion["weight"]),
            scale_id=criterion["scale_id"],
            position=criterion["position"],
        )
        shape.nodes[node.id] = node
        shape.children[node.parent_id].append(node.id)
    levels: dict[int, list[tuple[int, str]]] = defaultdict(list)
    scale_rows: dict[int, tuple[int, str, str]] = {}
    for level in (
        ScaleLevel.objects.filter(scale__framework_version_id__in=list(shapes))
        .order_by("scale__framework_version_id", "scale__position", "value")
        .values(
            "scale_id",
            "value",
            "label",
            "scale__identifier",
            "scale__title",
            "scale__framework_version_id",
        )
    ):
        levels[level["scale_id"]].append((level["value"], level["label"]))
        scale_rows.setdefault(
            level["scale_id"],
            (
                level["scale__framework_version_id"],
                level["scale__identifier"],
                level["scale__title"],
            ),
        )
    for scale_id, (version_id, identifier, title) in scale_rows.items():
        shape = shapes[version_id]
        scale = Scale(
            id=scale_id, identifier=identifier, title=title, levels=tuple(levels[scale_id])
        )
        shape.scales[scale_id] = scale
        # The rows come lowest position first: a criterion naming no scale uses the first.
        if shape.default_scale is None:
            shape.default_scale = scale
    return shapes


# --- Ratings -------------------------------------------------------------------------------


def moderation_settles_ratings(assessment: Assessment) -> bool:
    """Whether the agreed ratings of the assessment's moderation are its ratings of record: a
    self-assessment that has been moderated (or published after moderation), not one published
    without review. Until moderation closes, the partnership's own ratings stand; decisions
    taken along the way are still open to change."""
    return (
        assessment.kind == AssessmentKind.SELF
        and assessment.status in (AssessmentStatus.MODERATED, AssessmentStatus.PUBLISHED)
        and not assessment.published_without_review
    )


@dataclass(frozen=True)
class Rated:
    """A criterion's rating of record, with the response's target and text, as the analysis
    needs them.

    The rating of record is the response's own rating, except in a self-assessment whose
    moderation settles its ratings (`moderation_settles_ratings`): there a criterion with a
    moderation decision counts at the agreed rating, and `agreed` says so. "Not rated" is
    None, whichever of the two it comes from."""

    rating: int | None
    target: int | None
    commentary: str = ""
    consensus_reason: str = ""
    agreed: bool = False  # the rating was agreed at moderation


def ratings_of(
    *, assessments: Sequence[Assessment], with_text: bool = False
) -> dict[int, dict[int, Rated]]:
    """Each assessment's ratings of record by criterion id: one query for the responses, and
    one more for the moderation decisions only when an assessment whose moderation settles
    its ratings is among them."""
    fields = ["assessment_id", "criterion_id", "rating", "target"]
    if with_text:
        fields += ["commentary", "consensus_reason"]
    found: dict[int, dict[int, Rated]] = {a.pk: {} for a in assessments}
    for row in (
        CriterionResponse.objects.filter(assessment_id__in=list(found)).order_by().values(*fields)
    ):
        found[row["assessment_id"]][row["criterion_id"]] = Rated(
            rating=row["rating"],
            target=row["target"],
            commentary=row.get("commentary", ""),
            consensus_reason=row.get("consensus_reason", ""),
        )
    moderated = [a.pk for a in assessments if moderation_settles_ratings(a)]
    if not moderated:
        return found
    for row in (
        ModerationDecision.objects.filter(assessment_id__in=moderated)
        .order_by()
        .values("assessment_id", "criterion_id", "agreed_rating")
    ):
        ratings = found[row["assessment_id"]]
        own = ratings.get(row["criterion_id"], Rated(rating=None, target=None))
        ratings[row["criterion_id"]] = replace(own, rating=row["agreed_rating"], agreed=True)
    return found


# --- Scores --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A theme's (or the whole assessment's) score, target score and gap, in percent of the
    scales' ranges, with how many criteria were rated."""

    identifier: str
    title: str
    number: int  # the theme's place in the framework, from 1; 0 for the overall score
    weight: float
    score: float | None  # None when nothing under it is rated
    target: float | None
    criteria: int
    rated: int
    with_target: int

    @property
    def not_rated(self) -> int:
        return self.criteria - self.rated

    @property
    def gap(self) -> float | None:
        if self.score is None or self.target is None:
            return None
        return self.target - self.score


@dataclass
class _Sum:
    """A weighted average being built: positions, the positions reached at target, counts."""

    score: float | None = None
    target: float | None = None
    criteria: int = 0
    rated: int = 0
    with_target: int = 0


def _average(parts: list[tuple[float, _Sum]]) -> _Sum:
    """The weighted average of the parts that have a score; the rest are left out, not zero."""
    total = _Sum()
    weight = 0.0
    score = target = 0.0
    for part_weight, part in parts:
        total.criteria += part.criteria
        total.rated += part.rated
        total.with_target += part.with_target
        if part.score is None or part.target is None:
            continue
        weight += part_weight
        score += part_weight * part.score
        target += part_weight * part.target
    if weight > 0:
        total.score, total.target = score / weight, target / weight
    return total


def _leaf(shape: Shape, node: Node, ratings: dict[int, Rated]) -> _Sum:
    scale = shape.scale_of(node)
    rated = ratings.get(node.id)
    if rated is None or rated.rating is None or scale is None:
        return _Sum(criteria=1)
    position = scale.position(rated.rating)
    # "If it reached its target": a criterion with no target, or already at or above it,
    # stays where it is, so the gap only ever counts what is still to do.
    aim = position if rated.target is None else max(position, scale.position(rated.target))
    return _Sum(
        score=position,
        target=aim,
        criteria=1,
        rated=1,
        with_target=int(rated.target is not None),
    )


def _node_sum(shape: Shape, node: Node, ratings: dict[int, Rated]) -> _Sum:
    if shape.is_rated(node):
        return _leaf(shape, node, ratings)
    return _average(
        [
            (shape.nodes[child].weight, _node_sum(shape, shape.nodes[child], ratings))
            for child in shape.children.get(node.id, [])
        ]
    )


def _score(identifier: str, title: str, number: int, weight: float, total: _Sum) -> Score:
    return Score(
        identifier=identifier,
        title=title,
        number=number,
        weight=weight,
        score=None if total.score is None else total.score * 100,
        target=None if total.target is None else total.target * 100,
        criteria=total.criteria,
        rated=total.rated,
        with_target=total.with_target,
    )


def theme_scores(shape: Shape, ratings: dict[int, Rated]) -> tuple[Score, list[Score]]:
    """The overall score and each theme's, in the framework's order."""
    sums = [(theme, _node_sum(shape, theme, ratings)) for theme in shape.themes]
    themes = [
        _score(theme.identifier, theme.title, number, theme.weight, total)
        for number, (theme, total) in enumerate(sums, start=1)
    ]
    overall = _average([(theme.weight, total) for theme, total in sums])
    return _score("", "Overall", 0, 1.0, overall), themes


# --- Gap analysis of one assessment --------------------------------------------------------


@dataclass(frozen=True)
class CriterionGap:
    identifier: str
    title: str
    theme_identifier: str
    theme_title: str
    theme_number: int
    position: int  # document order
    weight: float
    scale: Scale | None
    rating: int | None
    target: int | None
    agreed: bool = False  # the rating was agreed at moderation

    @property
    def rating_label(self) -> str:
        return self.scale.label(self.rating) if self.scale else NOT_RATED

    @property
    def target_label(self) -> str:
        if self.target is None:
            return "No target set"
        return self.scale.label(self.target) if self.scale else str(self.target)

    @property
    def score(self) -> float | None:
        """The rating's position in its scale's range, in percent."""
        if self.rating is None or self.scale is None:
            return None
        return self.scale.position(self.rating) * 100

    @property
    def gap_levels(self) -> int | None:
        """Target less rating, in the scale's levels (negative: above target)."""
        if self.rating is None or self.target is None:
            return None
        return self.target - self.rating

    @property
    def gap_points(self) -> float | None:
        """The same gap as a share of the scale's range, in percentage points, so that gaps on
        different scales can be put in one order."""
        if self.rating is None or self.target is None or self.scale is None:
            return None
        return (self.scale.position(self.target) - self.scale.position(self.rating)) * 100

    @property
    def standing(self) -> str:
        if self.rating is None:
            return "not rated"
        if self.target is None:
            return "no target"
        gap = self.gap_levels or 0
        if gap > 0:
            return "below target"
        return "at target" if gap == 0 else "above target"


@dataclass(frozen=True)
class GapAnalysis:
    overall: Score
    themes: list[Score]
    criteria: list[CriterionGap]  # largest gap first; then no target; then not rated
    scales: list[Scale]  # the scales the rated criteria use, in the framework's order
    method: str

    @property
    def not_rated(self) -> list[CriterionGap]:
        return [c for c in self.criteria if c.rating is None]

    @property
    def below_target(self) -> list[CriterionGap]:
        return [c for c in self.criteria if (c.gap_levels or 0) > 0]


def _gap_order(gap: CriterionGap) -> tuple[int, float, int, int]:
    if gap.rating is None:
        return (2, 0.0, 0, gap.position)
    if gap.target is None:
        return (1, 0.0, 0, gap.position)
    return (0, -(gap.gap_points or 0.0), -(gap.gap_levels or 0), gap.position)


def gap_analysis(
    shape: Shape, ratings: dict[int, Rated], *, moderated: bool = False
) -> GapAnalysis:
    """Scores per theme and overall, the gap to target, and the criteria, largest gap first.
    `moderated` says the ratings are those of a self-assessment whose moderation settles its
    ratings (`moderation_settles_ratings`), for the method statement."""
    overall, themes = theme_scores(shape, ratings)
    numbers = {t.identifier: t.number for t in themes}
    criteria = []
    for node in shape.rated_criteria:
        theme = shape.theme_of(node)
        rated = ratings.get(node.id)
        criteria.append(
            CriterionGap(
                identifier=node.identifier,
                title=node.title,
                theme_identifier=theme.identifier,
                theme_title=theme.title,
                theme_number=numbers.get(theme.identifier, 0),
                position=node.position,
                weight=node.weight,
                scale=shape.scale_of(node),
                rating=rated.rating if rated else None,
                target=rated.target if rated else None,
                agreed=rated.agreed if rated else False,
            )
        )
    criteria.sort(key=_gap_order)
    used = {c.scale.id: c.scale for c in criteria if c.scale is not None}
    scales = [s for s in shape.scales.values() if s.id in used]
    weights = {n.weight for n in shape.nodes.values()}
    return GapAnalysis(
        overall=overall,
        themes=themes,
        criteria=criteria,
        scales=scales,
        method=method_statement(
            scales=scales,
            criteria=overall.criteria,
            not_rated=overall.not_rated,
            equal_weights=len(weights) <= 1,
            moderated=moderated,
            agreed=sum(1 for c in criteria if c.agreed),
        ),
    )


def method_statement(
    *,
    scales: Sequence[Scale],
    criteria: int,
    not_rated: int,
    equal_weights: bool,
    moderated: bool = False,
    agreed: int = 0,
) -> str:
    """How the scores were worked out, in words a board member can check by hand."""
    if len(scales) == 1:
        on_scales = f"Every criterion here is rated on one scale: {scales[0].description}."
    elif scales:
        named = "; ".join(s.description for s in scales)
        on_scales = (
            f"Criteria here are rated on {len(scales)} different scales, each put on this "
            f"footing from its own range: {named}."
        )
    else:
        on_scales = ""
    weights = (
        "All themes and criteria weigh the same, so these are plain averages."
        if equal_weights
        else "The weights are the framework's own."
    )
    missing = (
        f"{not_rated} of {criteria} criteria are not rated: they are left out of every average "
        "and counted here, never treated as zero."
        if not_rated
        else f"All {criteria} criteria are rated."
    )
    if not moderated:
        which = (
            "Each criterion counts at its own rating here; in a moderated self-assessment, the "
            "rating agreed at moderation counts instead."
        )
    elif agreed:
        which = (
            "This self-assessment has been moderated, so the ratings agreed at moderation are "
            f"the ones that count: {agreed} criteri{'on' if agreed == 1 else 'a'} where its "
            "rating and the review's differed count at the agreed rating, the rest at their "
            "own."
        )
    else:
        which = (
            "This self-assessment has been moderated and no rating needed agreeing, so each "
            "criterion counts at its own rating."
        )
    return " ".join(
        part
        for part in (
            "Each rated criterion counts as its position in its scale's range: (rating − "
            "lowest level) ÷ (highest level − lowest level), as a percentage, so the lowest "
            "level is 0% and the highest 100% on every scale.",
            which,
            on_scales,
            "A theme's score is the weighted average of its rated criteria (a criterion with "
            "sub-criteria shares its weight among them), and the overall score is the "
            "weighted average of the themes' scores.",
            weights,
            missing,
            "The target score is what the score would be if every rated criterion reached its "
            "target (one with no target, or already above it, stays at its rating); the gap is "
            "the target score less the score, in percentage points. A criterion's gap is its "
            "target less its rating, in levels and as a share of its scale's range.",
        )
        if part
    )


def assessment_gaps(*, assessment: Assessment) -> GapAnalysis:
    """The gap analysis of an assessment the caller may see (three queries; four when its
    moderation settles its ratings)."""
    version = assessment.framework_version
    shape = version_shapes(versions=[version])[version.pk]
    ratings = ratings_of(assessments=[assessment])[assessment.pk]
    return gap_analysis(shape, ratings, moderated=moderation_settles_ratings(assessment))


# --- Matching criteria across framework versions -------------------------------------------


@dataclass(frozen=True)
class Step:
    """One loaded version mapping: for each criterion of the newer version, where it came from."""

    from_version_id: int
    to_version_id: int
    sources: dict[str, frozenset[str]]  # newer identifier -> older identifiers


def mapping_steps(*, framework_ids: Iterable[int]) -> list[Step]:
    """Every version mapping of the given frameworks, in one query. Steps join version ids,
    which no two frameworks share, so the steps of several frameworks can be searched as one."""
    found: dict[tuple[int, int], dict[str, set[str]]] = {}
    for row in (
        MappingChange.objects.filter(mapping__framework_id__in=list(framework_ids))
        .order_by("mapping_id", "position")
        .values(
            "mapping__from_version_id",
            "mapping__to_version_id",
            "from_identifiers",
            "to_identifiers",
        )
    ):
        key = (row["mapping__from_version_id"], row["mapping__to_version_id"])
        sources = found.setdefault(key, {})
        for identifier in row["to_identifiers"]:
            sources.setdefault(identifier, set()).update(row["from_identifiers"])
    return [
        Step(
            from_version_id=older,
            to_version_id=newer,
            sources={k: frozenset(v) for k, v in sources.items()},
        )
        for (older, newer), sources in found.items()
    ]


def _path(steps: Sequence[Step], start: int, end: int) -> list[Step] | None:
    """The shortest chain of mappings from version `start` to version `end`, if any."""
    if start == end:
        return []
    by_start: dict[int, list[Step]] = defaultdict(list)
    for step in steps:
        by_start[step.from_version_id].append(step)
    queue: deque[tuple[int, list[Step]]] = deque([(start, [])])
    seen = {start}
    while queue:
        here, taken = queue.popleft()
        for step in by_start.get(here, []):
            if step.to_version_id in seen:
                continue
            if step.to_version_id == end:
                return [*taken, step]
            seen.add(step.to_version_id)
            queue.append((step.to_version_id, [*taken, step]))
    return None


def _traced(start: Iterable[str], chain: Sequence[Step]) -> dict[str, set[str]]:
    """For each identifier at the end of the chain, the identifiers at its start that it
    came from, one mapping after another."""
    relation = {i: {i} for i in start}
    for step in chain:
        relation = {
            newer: set().union(*(relation.get(o, set()) for o in olders))
            for newer, olders in step.sources.items()
        }
    return relation


@dataclass(frozen=True)
class Link:
    """Where a criterion of the later version came from in the earlier one."""

    kind: str  # a MappingKind: same, renamed, split, merged or new
    sources: tuple[str, ...]  # identifiers in the earlier version, in its order


# What became of a criterion when no chain of mappings joins the versions and the later one
# has no criterion of the same identifier: nothing says it was retired, only that it is gone.
UNMAPPED = "unmapped"


@dataclass(frozen=True)
class Successor:
    """What a criterion of the earlier version became in the later one: the other way round
    from a `Link`, as an action's "before and after" reads it."""

    kind: str  # a MappingKind (same, renamed, split, merged, retired) or UNMAPPED
    identifiers: tuple[str, ...]  # in the later version, in its order; none when retired
    merged_with: tuple[str, ...] = ()  # other criteria of the earlier version merged with it


@dataclass(frozen=True)
class Correspondence:
    links: dict[str, Link]  # by identifier in the later version
    retired: tuple[str, ...]  # identifiers of the earlier version that lead nowhere
    method: str  # "same version", "mapping" or "identifiers"

    @cached_property
    def _successors(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for identifier, link in self.links.items():  # the later version's order
            for source in link.sources:
                found[source].append(identifier)
        return found

    def successor(self, identifier: str) -> Successor:
        """What the earlier version's criterion `identifier` became in the later version."""
        became = tuple(self._successors.get(identifier, ()))
        if not became:
            retired = self.method == "mapping"
            return Successor(kind=str(MappingKind.RETIRED) if retired else UNMAPPED, identifiers=())
        merged_with: list[str] = []
        for later in became:
            merged_with += [
                s for s in self.links[later].sources if s != identifier and s not in merged_with
            ]
        if len(became) > 1:
            kind = MappingKind.SPLIT
        elif merged_with:
            kind = MappingKind.MERGED
        elif became[0] != identifier:
            kind = MappingKind.RENAMED
        else:
            kind = MappingKind.SAME
        return Successor(kind=str(kind), identifiers=became, merged_with=tuple(merged_with))


def correspondence(earlier: Shape, later: Shape, steps: Sequence[Step]) -> Correspondence:
    """Trace each criterion of `later` back to the criteria of `earlier` it came from."""
    old = earlier.by_identifier
    new = later.by_identifier
    relation: dict[str, set[str]]
    if earlier.version_id == later.version_id:
        relation = {i: {i} for i in new}
        method = "same version"
    elif (forward := _path(steps, earlier.version_id, later.version_id)) is not None:
        relation = _traced(old, forward)
        method = "mapping"
    elif (backward := _path(steps, later.version_id, earlier.version_id)) is not None:
        # The "later" cycle uses the older version (a review can lag behind): trace the other
        # way and turn the answer round.
        relation = defaultdict(set)
        for old_identifier, new_identifiers in _traced(new, backward).items():
            for identifier in new_identifiers:
                relation[identifier].add(old_identifier)
        method = "mapping"
    else:
        relation = {i: {i} for i in new if i in old}
        method = "identifiers"
    shared: dict[str, int] = defaultdict(int)
    for identifier in new:
        for source in relation.get(identifier, set()):
            shared[source] += 1
    links = {}
    for identifier in new:
        sources = tuple(
            sorted(
                (s for s in relation.get(identifier, set()) if s in old),
                key=lambda s: old[s].position,
            )
        )
        if not sources:
            kind = MappingKind.NEW
        elif len(sources) > 1:
            kind = MappingKind.MERGED
        elif shared[sources[0]] > 1:
            kind = MappingKind.SPLIT
        elif sources[0] != identifier:
            kind = MappingKind.RENAMED
        else:
            kind = MappingKind.SAME
        links[identifier] = Link(kind=str(kind), sources=sources)
    reached = {s for link in links.values() for s in link.sources}
    retired = tuple(n.identifier for n in earlier.rated_criteria if n.identifier not in reached)
    return Correspondence(links=links, retired=retired, method=method)


def link_note(link: Link, earlier_version: str) -> str:
    """A link in words: "Split from x", "Merged from a and b", "New in this version"."""
    sources = " and ".join(link.sources)
    if link.kind == MappingKind.SPLIT:
        return f"Split from {sources} (version {earlier_version})"
    if link.kind == MappingKind.MERGED:
        return f"Merged from {sources} (version {earlier_version})"
    if link.kind == MappingKind.RENAMED:
        return f"Was {sources} (version {earlier_version})"
    if link.kind == MappingKind.NEW:
        return f"New since version {earlier_version}"
    return ""


# --- Comparing two assessments -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A criterion of the earlier assessment that a compared criterion came from."""

    identifier: str
    title: str
    rating: int | None
    label: str
    position: float | None  # 0 to 1


class Movement:
    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"
    NEWLY_RATED = "newly rated"
    NO_LONGER_RATED = "no longer rated"
    NOT_RATED = "not rated"


MOVEMENT_LABELS = {
    Movement.UP: "Moved up",
    Movement.DOWN: "Moved down",
    Movement.UNCHANGED: "Unchanged",
    Movement.NEWLY_RATED: "Newly rated",
    Movement.NO_LONGER_RATED: "No longer rated",
    Movement.NOT_RATED: "Not rated in either",
}


UNMOVED = (Movement.UNCHANGED, Movement.NOT_RATED)


@dataclass(frozen=True)
class CriterionChange:
    identifier: str
    title: str
    theme_title: str
    theme_number: int
    link: Link
    note: str  # the link in words, empty when it is the same criterion
    before: tuple[Source, ...]
    after_rating: int | None
    after_label: str
    after_position: float | None
    change_levels: int | None  # only when one criterion on the same range on both sides
    change_points: float | None  # percentage points of the scales' ranges
    movement: str
    reason: str | None  # None when the reader may see only the summary
    moderation_reason: str | None

    @property
    def before_label(self) -> str:
        if not self.before:
            return "Not in the earlier framework"
        if len(self.before) == 1:
            return self.before[0].label
        return "; ".join(f"{s.identifier}: {s.label}" for s in self.before)

    @property
    def movement_label(self) -> str:
        return MOVEMENT_LABELS[self.movement]


@dataclass(frozen=True)
class ThemeChange:
    identifier: str
    title: str
    number: int
    before: float | None
    after: float | None
    in_before: bool = True  # False for a theme the earlier framework version did not have

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Comparison:
    before: Assessment
    after: Assessment
    method: str  # how criteria were matched: "same version", "mapping" or "identifiers"
    overall: ThemeChange
    themes: list[ThemeChange]
    criteria: list[CriterionChange]
    retired: list[Source]  # criteria of the earlier assessment with no successor
    in_full: bool

    @property
    def counts(self) -> dict[str, int]:
        """How many criteria moved each way, by `Movement`."""
        counts = dict.fromkeys(MOVEMENT_LABELS, 0)
        for change in self.criteria:
            counts[change.movement] += 1
        return counts

    @property
    def summary(self) -> list[tuple[str, int]]:
        """The counts in words, leaving out those that are nought."""
        return [(MOVEMENT_LABELS[key], n) for key, n in self.counts.items() if n]

    @property
    def moved(self) -> list[CriterionChange]:
        """Criteria whose standing changed, the largest move first, then those rated on one
        side only."""
        moved = [c for c in self.criteria if c.movement not in UNMOVED]
        return sorted(moved, key=lambda c: (c.change_points is None, -abs(c.change_points or 0.0)))

    @property
    def unmoved(self) -> list[CriterionChange]:
        return [c for c in self.criteria if c.movement in UNMOVED]

    @property
    def method_statement(self) -> str:
        versions = (
            f"version {self.before.framework_version.version} and version "
            f"{self.after.framework_version.version}"
        )
        if self.method == "same version":
            matched = "Both use the same framework version, so each criterion is matched to itself."
        elif self.method == "mapping":
            matched = (
                f"They use {versions} of the framework: criteria are matched through the version "
                "mapping, and a criterion that was split, merged or renamed says so."
            )
        else:
            matched = (
                f"They use {versions} of the framework and no version mapping joins them, so "
                "criteria are matched by identifier."
            )
        return (
            f"{matched} Change is the later rating less the earlier one: in levels where both "
            "sit on the same scale, and always in percentage points of the scale's range. A "
            "criterion merged from several is compared with the average of their positions. "
            "Criteria not rated on either side are shown as such, never as zero."
            f"{_moderated_sentence([self.before, self.after])}"
        )


def _moderated_sentence(assessments: Sequence[Assessment]) -> str:
    """Which of the assessments count at the ratings agreed at moderation, if any, as the end
    of a method statement."""
    moderated = [a.title for a in assessments if moderation_settles_ratings(a)]
    if not moderated:
        return ""
    if len(moderated) == 1:
        return (
            f" {moderated[0]} has been moderated, so it counts at the ratings agreed at "
            "moderation where its ratings and the review's differed."
        )
    return (
        f" {len(moderated)} of these have been moderated, so each counts at the ratings agreed "
        "at moderation where its ratings and the review's differed."
    )


def _chronological(assessment: Assessment) -> tuple[date, Any, int]:
    return (assessment.period_end, assessment.created_at, assessment.pk)


def _reason(rated: Rated | None) -> str:
    if rated is None:
        return ""
    return rated.consensus_reason or rated.commentary


def comparison(
    *,
    before: Assessment,
    after: Assessment,
    shapes: dict[int, Shape],
    ratings: dict[int, dict[int, Rated]],
    steps: Sequence[Step],
    in_full: bool,
    decisions: dict[int, tuple[int | None, str]] | None = None,
) -> Comparison:
    """What moved from `before` to `after`, criterion by criterion and theme by theme."""
    earlier = shapes[before.framework_version_id]
    later = shapes[after.framework_version_id]
    matched = correspondence(earlier, later, steps)
    old_nodes = earlier.by_identifier
    old_ratings, new_ratings = ratings[before.pk], ratings[after.pk]

    def source(identifier: str) -> Source:
        node = old_nodes[identifier]
        scale = earlier.scale_of(node)
        rated = old_ratings.get(node.id)
        value = rated.rating if rated else None
        return Source(
            identifier=identifier,
            title=node.title,
            rating=value,
            label=scale.label(value) if scale else NOT_RATED,
            position=scale.position(value) if scale and value is not None else None,
        )

    old_overall, old_themes = theme_scores(earlier, old_ratings)
    new_overall, new_themes = theme_scores(later, new_ratings)
    numbers = {t.identifier: t.number for t in new_themes}
    changes = []
    for node in later.rated_criteria:
        link = matched.links[node.identifier]
        sources = tuple(source(s) for s in link.sources)
        scale = later.scale_of(node)
        rated = new_ratings.get(node.id)
        value = rated.rating if rated else None
        after_position = scale.position(value) if scale and value is not None else None
        known = [s.position for s in sources if s.position is not None]
        before_position = sum(known) / len(known) if known else None
        change_levels = change_points = None
        if after_position is not None and before_position is not None:
            change_points = (after_position - before_position) * 100
            if len(sources) == 1 and sources[0].rating is not None and value is not None:
                old_scale = earlier.scale_of(old_nodes[sources[0].identifier])
                if (
                    scale is not None
                    and old_scale is not None
                    and (old_scale.lowest, old_scale.highest) == (scale.lowest, scale.highest)
                ):
                    change_levels = value - sources[0].rating
            if abs(change_points) < 1e-9:
                movement = Movement.UNCHANGED
            else:
                movement = Movement.UP if change_points > 0 else Movement.DOWN
        elif after_position is not None:
            movement = Movement.NEWLY_RATED
        elif before_position is not None:
            movement = Movement.NO_LONGER_RATED
        else:
            movement = Movement.NOT_RATED
        theme = later.theme_of(node)
        decision = (decisions or {}).get(node.id)
        changes.append(
            CriterionChange(
                identifier=node.identifier,
                title=node.title,
                theme_title=theme.title,
                theme_number=numbers.get(theme.identifier, 0),
                link=link,
                note=link_note(link, earlier.version),
                before=sources,
                after_rating=value,
                after_label=scale.label(value) if scale else NOT_RATED,
                after_position=after_position,
                change_levels=change_levels,
                change_points=change_points,
                movement=movement,
                reason=_reason(rated) if in_full else None,
                moderation_reason=(
                    f"Agreed at moderation: {scale.label(decision[0]) if scale else decision[0]}. "
                    f"{decision[1]}"
                    if decision is not None
                    else None
                ),
            )
        )
    old_by_identifier = {t.identifier: t for t in old_themes}
    themes = [
        ThemeChange(
            identifier=t.identifier,
            title=t.title,
            number=t.number,
            before=old_by_identifier[t.identifier].score
            if t.identifier in old_by_identifier
            else None,
            after=t.score,
            in_before=t.identifier in old_by_identifier,
        )
        for t in new_themes
    ]
    return Comparison(
        before=before,
        after=after,
        method=matched.method,
        overall=ThemeChange(
            identifier="",
            title="Overall",
            number=0,
            before=old_overall.score,
            after=new_overall.score,
        ),
        themes=themes,
        criteria=changes,
        retired=[source(i) for i in matched.retired],
        in_full=in_full,
    )


def comparable_assessments(*, user: Any, assessment: Assessment) -> list[Assessment]:
    """The partnership's other assessments of the same framework that the user may see, newest
    first (one query). Assessments of another framework have no criteria in common to compare;
    an abandoned draft was set aside, so it is not offered (it can still be named in the URL)."""
    return list(
        selectors.assessment_list(user=user, partnership=assessment.partnership)
        .filter(framework_version__framework_id=assessment.framework_version.framework_id)
        .exclude(pk=assessment.pk)
        .exclude(status=AssessmentStatus.ABANDONED)
    )


def default_comparison(assessment: Assessment, others: Sequence[Assessment]) -> Assessment | None:
    """What to compare with first: the cycle it was carried from, else the self-assessment it
    reviews, else the latest earlier one, else the latest of any."""
    by_id = {a.pk: a for a in others}
    for candidate in (assessment.carried_from_id, assessment.reviews_id):
        if candidate in by_id:
            return by_id[candidate]
    earlier = [a for a in others if _chronological(a) < _chronological(assessment)]
    if earlier:
        return max(earlier, key=_chronological)
    return others[0] if others else None


class NotComparable(ValueError):
    """Two assessments that cannot be compared, with the reason in words."""


def assessment_comparison(*, user: Any, assessment: Assessment, other: Assessment) -> Comparison:
    """Compare two assessments the user may see, of the same partnership and framework (four
    queries; one more when the user may see the moderation, and one more when either's
    moderation settles its ratings)."""
    if other.pk == assessment.pk:
        raise NotComparable("Choose a different assessment to compare with.")
    if other.partnership_id != assessment.partnership_id:
        raise NotComparable("Only assessments of the same partnership can be compared.")
    framework = assessment.framework_version.framework_id
    if other.framework_version.framework_id != framework:
        raise NotComparable(
            "Only assessments against the same framework can be compared: "
            f"{other.title} uses {other.framework_version.title}."
        )
    before, after = sorted([assessment, other], key=_chronological)
    shapes = version_shapes(versions={before.framework_version, after.framework_version})
    ratings = ratings_of(assessments=[before, after], with_text=True)
    steps = mapping_steps(framework_ids=[framework])
    decisions = None
    # Moderation reasons are shown only to those who may see the moderation (permissions.md).
    if assessment_policy.user_can(user, "view_moderation", after):
        decisions = {
            row["criterion_id"]: (row["agreed_rating"], row["reason"])
            for row in ModerationDecision.objects.filter(assessment_id=after.pk)
            .order_by()
            .values("criterion_id", "agreed_rating", "reason")
        }
    return comparison(
        before=before,
        after=after,
        shapes=shapes,
        ratings=ratings,
        steps=steps,
        in_full=assessment_policy.user_can(user, "view_in_full", after),
        decisions=decisions,
    )


# --- Trends across cycles ------------------------------------------------------------------


def period_label(start: date, end: date) -> str:
    """A cycle's short name for an axis: "2024", "2024–25" or "2024–2026"."""
    if start.year == end.year:
        return str(start.year)
    if end.year == start.year + 1:
        return f"{start.year}–{end.year % 100:02d}"
    return f"{start.year}–{end.year}"


@dataclass(frozen=True)
class Cycle:
    assessment_id: int
    title: str
    label: str
    status: str
    version: str
    published: bool


@dataclass(frozen=True)
class TrendCell:
    """One criterion in one cycle: its rating there, through the mapping where it changed."""

    kind: str  # how the cycle's criterion relates to today's: a MappingKind
    sources: tuple[Source, ...]

    @property
    def label(self) -> str:
        if not self.sources:
            return "Not in this version"
        if len(self.sources) == 1:
            return self.sources[0].label
        return "; ".join(f"{s.identifier}: {s.label}" for s in self.sources)

    @property
    def note(self) -> str:
        identifiers = " and ".join(s.identifier for s in self.sources)
        if self.kind == MappingKind.SPLIT:
            return f"as {identifiers}, before it was split"
        if self.kind == MappingKind.MERGED:
            return f"as {identifiers}, before they were merged"
        if self.kind == MappingKind.RENAMED:
            return f"as {identifiers}"
        return ""


@dataclass(frozen=True)
class CriterionTrend:
    identifier: str
    title: str
    theme_title: str
    theme_number: int
    cells: list[TrendCell]

    @property
    def kinds(self) -> list[str]:
        """The ways this criterion changed between versions, if it did."""
        return sorted({c.kind for c in self.cells} - {MappingKind.SAME})

    @property
    def note(self) -> str:
        words = {
            MappingKind.SPLIT: "split",
            MappingKind.MERGED: "merged",
            MappingKind.RENAMED: "renamed",
            MappingKind.NEW: "new",
        }
        found = [word for kind, word in words.items() if kind in self.kinds and kind != "new"]
        if found:
            return f"{' and '.join(found).capitalize()} across framework versions"
        return "New in a later framework version" if self.kinds else ""


@dataclass(frozen=True)
class ScoreTrend:
    identifier: str
    title: str
    number: int  # 0 for the overall score
    scores: list[float | None]  # one per cycle
    present: list[bool] | None = None  # per cycle, whether its version has the theme

    @property
    def cells(self) -> list[tuple[float | None, bool]]:
        """Each cycle's score, and whether the theme was there to score ("not rated" and "not
        in this version" are different things)."""
        present = self.present or [True] * len(self.scores)
        return list(zip(self.scores, present, strict=True))


@dataclass(frozen=True)
class RetiredTrend:
    identifier: str
    title: str
    labels: list[str | None]  # one per cycle; None where the cycle's version lacks it


@dataclass(frozen=True)
class Trends:
    framework: Framework
    cycles: list[Cycle]
    overall: ScoreTrend
    themes: list[ScoreTrend]
    criteria: list[CriterionTrend]
    retired: list[RetiredTrend]
    versions: list[str]  # the framework versions the cycles use, oldest first
    reference: str  # the version criteria are read against: the latest cycle's
    method: str

    @property
    def changed_criteria(self) -> list[CriterionTrend]:
        return [c for c in self.criteria if c.kinds]


def partnership_self_assessments(*, user: Any, partnership: Partnership) -> list[Assessment]:
    """The partnership's self-assessments the user may see, newest first (one query): the
    cycles trends are drawn from."""
    return list(
        selectors.assessment_list(user=user, partnership=partnership).filter(
            kind=AssessmentKind.SELF
        )
    )


def trend_frameworks(assessments: Sequence[Assessment]) -> list[Framework]:
    """The frameworks the given assessments were made against, by title."""
    found = {a.framework_version.framework_id: a.framework_version.framework for a in assessments}
    return sorted(found.values(), key=lambda f: (f.title, f.identifier))


def trend_cycles(
    assessments: Sequence[Assessment], *, framework_id: int, include_current: bool
) -> list[Assessment]:
    """The published cycles against one framework, oldest first, and the current one (the
    latest open cycle after them, never an abandoned one) when asked for."""
    own = sorted(
        (a for a in assessments if a.framework_version.framework_id == framework_id),
        key=_chronological,
    )
    cycles = [a for a in own if a.status == AssessmentStatus.PUBLISHED]
    if include_current:
        last = _chronological(cycles[-1]) if cycles else None
        current = [
            a
            for a in own
            if a.status in OPEN_STATUSES and (last is None or _chronological(a) > last)
        ]
        if current:
            cycles.append(current[-1])
    return cycles


def trends(
    *,
    framework: Framework,
    cycles: Sequence[Assessment],
    shapes: dict[int, Shape],
    ratings: dict[int, dict[int, Rated]],
    steps: Sequence[Step],
) -> Trends:
    """Scores by theme and overall, and each criterion's rating, across the cycles (oldest
    first), read against the framework version of the latest cycle."""
    reference = shapes[cycles[-1].framework_version_id]
    labels = [period_label(c.period_start, c.period_end) for c in cycles]
    scores = [theme_scores(shapes[c.framework_version_id], ratings[c.pk]) for c in cycles]
    # Themes are matched by identifier: version mappings speak of criteria, not themes. A theme
    # that is gone from the latest version keeps its line, after today's themes.
    titles: dict[str, tuple[int, str]] = {
        t.identifier: (n, t.title) for n, t in enumerate(reference.themes, start=1)
    }
    for _, themes in reversed(scores):
        for theme in themes:
            titles.setdefault(theme.identifier, (len(titles) + 1, theme.title))
    by_cycle = [{t.identifier: t for t in themes} for _, themes in scores]
    theme_trends = [
        ScoreTrend(
            identifier=identifier,
            title=title,
            number=number,
            scores=[found[identifier].score if identifier in found else None for found in by_cycle],
            present=[identifier in found for found in by_cycle],
        )
        for identifier, (number, title) in sorted(titles.items(), key=lambda i: i[1][0])
    ]
    overall = ScoreTrend(
        identifier="", title="Overall", number=0, scores=[o.score for o, _ in scores]
    )
    # Cycles against the same version share one correspondence: worked out once per version.
    by_version: dict[int, Correspondence] = {}
    for cycle in cycles:
        if cycle.framework_version_id not in by_version:
            by_version[cycle.framework_version_id] = correspondence(
                shapes[cycle.framework_version_id], reference, steps
            )
    matches = [by_version[c.framework_version_id] for c in cycles]
    # What each cycle's cells read, looked up once per cycle rather than once per cell.
    columns = [
        (
            shapes[cycle.framework_version_id],
            shapes[cycle.framework_version_id].by_identifier,
            matched.links,
            ratings[cycle.pk],
        )
        for cycle, matched in zip(cycles, matches, strict=True)
    ]
    criteria = []
    for node in reference.rated_criteria:
        theme_node = reference.theme_of(node)
        cells = []
        for shape, nodes, links, rated_in in columns:
            link = links[node.identifier]
            sources = []
            for identifier in link.sources:
                found = nodes[identifier]
                scale = shape.scale_of(found)
                rated = rated_in.get(found.id)
                value = rated.rating if rated else None
                sources.append(
                    Source(
                        identifier=identifier,
                        title=found.title,
                        rating=value,
                        label=scale.label(value) if scale else NOT_RATED,
                        position=scale.position(value) if scale and value is not None else None,
                    )
                )
            cells.append(TrendCell(kind=link.kind, sources=tuple(sources)))
        criteria.append(
            CriterionTrend(
                identifier=node.identifier,
                title=node.title,
                theme_title=theme_node.title,
                theme_number=titles[theme_node.identifier][0],
                cells=cells,
            )
        )
    retired: dict[str, RetiredTrend] = {}
    for index, (cycle, matched) in enumerate(zip(cycles, matches, strict=True)):
        shape = shapes[cycle.framework_version_id]
        nodes = shape.by_identifier
        for identifier in matched.retired:
            node = nodes[identifier]
            scale = shape.scale_of(node)
            rated = ratings[cycle.pk].get(node.id)
            row = retired.setdefault(
                identifier,
                RetiredTrend(identifier=identifier, title=node.title, labels=[None] * len(cycles)),
            )
            row.labels[index] = scale.label(rated.rating if rated else None) if scale else NOT_RATED
    used = {
        shapes[c.framework_version_id].version_id: shapes[c.framework_version_id] for c in cycles
    }
    versions = [s.version for s in sorted(used.values(), key=lambda s: s.sort_key)]
    return Trends(
        framework=framework,
        cycles=[
            Cycle(
                assessment_id=c.pk,
                title=c.title,
                label=label,
                status=c.status,
                version=shapes[c.framework_version_id].version,
                published=c.status == AssessmentStatus.PUBLISHED,
            )
            for c, label in zip(cycles, labels, strict=True)
        ],
        overall=overall,
        themes=theme_trends,
        criteria=criteria,
        retired=list(retired.values()),
        versions=versions,
        reference=reference.version,
        method=_trend_method(versions, reference.version, {m.method for m in matches})
        + _moderated_sentence(cycles),
    )


def _trend_method(versions: list[str], reference: str, methods: set[str]) -> str:
    if len(versions) <= 1:
        return "Every cycle uses the same framework version."
    how = {
        "mapping": "through the version mappings",
        "identifiers": "by identifier where no mapping joins two versions",
    }
    matched = " and ".join(how[m] for m in ("mapping", "identifiers") if m in methods)
    return (
        f"The cycles use versions {', '.join(versions)} of the framework. Each cycle's scores "
        f"are worked out in its own version; its criteria are matched to those of version "
        f"{reference} {matched}, and a criterion that was split, merged or renamed says so."
    )


def partnership_trends(
    *, assessments: Sequence[Assessment], framework: Framework, include_current: bool = False
) -> Trends:
    """Trends across the given cycles (the partnership's self-assessments the user may see)
    for one framework: four queries however many cycles and criteria, and one more when a
    cycle's moderation settles its ratings."""
    cycles = trend_cycles(assessments, framework_id=framework.pk, include_current=include_current)
    shapes = version_shapes(versions={c.framework_version for c in cycles})
    ratings = ratings_of(assessments=cycles)
    steps = mapping_steps(framework_ids=[framework.pk])
    if not cycles:
        return Trends(
            framework=framework,
            cycles=[],
            overall=ScoreTrend(identifier="", title="Overall", number=0, scores=[]),
            themes=[],
            criteria=[],
            retired=[],
            versions=[],
            reference="",
            method="",
        )
    return trends(framework=framework, cycles=cycles, shapes=shapes, ratings=ratings, steps=steps)
