"""Reads of action plans, scoped by the policy, in a fixed number of queries whatever their size.

`action_outcomes` sets each criterion's rating in the assessment an action was raised from
("before") beside its rating in the partnership's next published self-assessment ("after"). When
that cycle uses a newer version of the framework, the criterion is followed through the version
mappings: kept or renamed criteria map one to one, a split one to each of its parts, a merged one
to the criterion it became (and says what it was merged with), a retired one to nothing. A
rating left empty is "Not rated", never zero, and is never counted as a move up or down. Where a
moderation agreed a different rating, the agreed rating is the one shown, and it says so.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lde.accounts.models import Organisation, User
from lde.action_plans.models import (
    Action,
    ActionStatus,
    ActionTransition,
    ProgressUpdate,
    overdue_q,
)
from lde.action_plans.policies import action_policy
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    ModerationDecision,
)
from lde.assessments.selectors import assessment_list, rated_criterion_choices
from lde.core.access.facts import facts_for
from lde.frameworks.models import Criterion, MappingChange, ScaleLevel, VersionMapping
from lde.partnerships.models import Partnership, Role
from lde.partnerships.reach import READER_ROLES

OVERDUE = "overdue"
STATUS_FILTERS = [*ActionStatus.values, OVERDUE]

MOVEMENT_LABELS = {
    "up": "Moved up",
    "down": "Moved down",
    "same": "No change",
    "unrated": "Cannot compare: not rated",
    "pending": "Not re-assessed yet",
    "retired": "No longer assessed",
    "unmapped": "Not in the newer version",
    "split": "Split",
}

MAPPING_LABELS = {
    "same": "",
    "renamed": "Renamed",
    "split": "Split",
    "merged": "Merged",
    "retired": "Retired",
    "unmapped": "Not in the newer version",
}


# --- Lists and single actions --------------------------------------------------------------


def _with_relations(actions: QuerySet[Action]) -> QuerySet[Action]:
    return actions.select_related(
        "partnership",
        "owner",
        "owner_organisation",
        "assessment__framework_version__framework",
    ).prefetch_related(
        Prefetch(
            "criteria",
            queryset=Criterion.objects.defer("guidance", "evidence").order_by("position"),
        )
    )


def action_list(
    *,
    user: Any,
    partnership: Partnership | None = None,
    status: str = "",
    owner_id: int | None = None,
    assessment_id: int | None = None,
    day: date | None = None,
) -> QuerySet[Action]:
    """Actions the user may see, soonest due first; `status` may also be "overdue"."""
    actions = action_policy.visible_to(user, "view")
    if partnership is not None:
        actions = actions.filter(partnership=partnership)
    if status == OVERDUE:
        actions = actions.filter(overdue_q(day or facts_for(user).today))
    elif status:
        actions = actions.filter(status=status)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    if assessment_id is not None:
        actions = actions.filter(assessment_id=assessment_id)
    return _with_relations(actions).order_by("due_on", "pk")


def action_get(*, user: Any, action_id: Any) -> Action:
    return action_policy.get_or_404(user, action_id, _with_relations(Action.objects.all()))


def action_history(*, action: Action) -> list[ActionTransition]:
    return list(action.transitions.select_related("actor").order_by("occurred_at", "pk"))


def progress_updates(*, action: Action) -> list[ProgressUpdate]:
    return list(action.progress_updates.select_related("author").order_by("-created_at", "-pk"))


def overdue_for_attention(*, user: Any) -> list[Action]:
    """Overdue actions the user owns, or in partnerships they coordinate (one query, or none
    for someone with no partnership)."""
    facts = facts_for(user)
    if not facts.roles:
        return []
    coordinated = facts.partnerships_with(Role.COORDINATOR)
    mine = Q(owner_id=facts.user_id) | Q(partnership_id__in=list(coordinated))
    return list(
        action_policy.visible_to(user, "view")
        .filter(overdue_q(facts.today))
        .filter(mine)
        .select_related("partnership", "owner")
        .order_by("due_on", "pk")
    )


def action_totals(*, user: Any, partnership: Partnership, day: date) -> dict[str, int]:
    """How many of the partnership's actions are in each status, and overdue (one query)."""
    totals: dict[str, int] = (
        action_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in ActionStatus.values},
            overdue=Count("pk", filter=overdue_q(day)),
            total=Count("pk"),
        )
    )
    return totals


def assessment_action_count(*, user: Any, assessment: Assessment) -> int:
    return action_policy.visible_to(user, "view").filter(assessment=assessment).count()


# --- Choices for the forms -------------------------------------------------------------------


def owner_choices(*, partnership: Partnership) -> QuerySet[User]:
    """Who may own an action: the partnership's members who can read its action plan."""
    return (
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__role__in=READER_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def organisation_choices(*, partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership_links__partnership=partnership).order_by("name")


def criterion_choices(*, assessment: Assessment) -> QuerySet[Criterion]:
    return rated_criterion_choices(version=assessment.framework_version)


@dataclass
class Gap:
    """One criterion of an assessment, with its rating and target, to raise an action on."""

    criterion: Criterion
    rating: Rating
    target: Rating

    @property
    def size(self) -> int | None:
        if self.rating.value is None or self.target.value is None:
            return None
        return self.target.value - self.rating.value

    @property
    def hint(self) -> str:
        target = f", target {self.target.label}" if self.target.value is not None else ""
        gap = f"Gap of {self.size}: " if self.size and self.size > 0 else ""
        agreed = " (agreed at moderation)" if self.rating.agreed else ""
        return f"{gap}rated {self.rating.label}{agreed}{target}"


def assessment_gaps(*, assessment: Assessment) -> list[Gap]:
    """The assessment's rated criteria: the largest gaps first (the lowest rated first among
    equal gaps), then those not rated, then the rest (four queries)."""
    criteria = list(criterion_choices(assessment=assessment))
    ratings = RatingsOfRecord.load([assessment])
    targets = dict(
        CriterionResponse.objects.filter(assessment=assessment).values_list(
            "criterion_id", "target"
        )
    )
    gaps = []
    for criterion in criteria:
        rating = ratings.rating(assessment, criterion.identifier)
        target_value = targets.get(criterion.pk)
        target = Rating(target_value, ratings.label(assessment, criterion.identifier, target_value))
        gaps.append(Gap(criterion=criterion, rating=rating, target=target))

    def order(gap: Gap) -> tuple[int, int, int, int]:
        size, rating = gap.size, gap.rating.value
        if size is not None and size > 0 and rating is not None:
            return (0, -size, rating, gap.criterion.position)
        if rating is None:
            return (1, 0, 0, gap.criterion.position)
        return (2, 0, rating, gap.criterion.position)

    return sorted(gaps, key=order)


# --- Before and after ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    value: int | None
    label: str
    agreed: bool = False


@dataclass
class AfterRating:
    identifier: str
    title: str
    rating: Rating
    movement: str

    @property
    def movement_label(self) -> str:
        return MOVEMENT_LABELS[self.movement]


@dataclass
class CriterionOutcome:
    criterion: Criterion
    before: Rating
    mapping: str = ""
    merged_with: list[str] = field(default_factory=list)
    after: list[AfterRating] = field(default_factory=list)
    reassessed: bool = False

    @property
    def movement(self) -> str:
        if not self.reassessed:
            return "pending"
        if not self.after:
            return "retired" if self.mapping == "retired" else "unmapped"
        if len(self.after) > 1:
            return "split"
        return self.after[0].movement

    @property
    def movement_label(self) -> str:
        return MOVEMENT_LABELS[self.movement]

    @property
    def mapping_label(self) -> str:
        return MAPPING_LABELS.get(self.mapping, "")


@dataclass
class ActionOutcome:
    next_assessment: Assessment | None
    criteria: list[CriterionOutcome]

    def count(self, movement: str) -> int:
        return sum(1 for c in self.criteria for a in c.after if a.movement == movement)


class RatingsOfRecord:
    """The ratings of record of some assessments, by criterion identifier, with the label of
    each level: two queries whatever the number of assessments and criteria, three with the
    scales' levels."""

    def __init__(self) -> None:
        self.values: dict[tuple[int, str], tuple[int | None, bool]] = {}
        self.titles: dict[tuple[int, str], str] = {}
        self.scale_of: dict[tuple[int, str], int | None] = {}
        self.version_of: dict[int, int] = {}
        self.levels: dict[tuple[int, int], str] = {}
        self.default_scale: dict[int, int] = {}

    @classmethod
    def load(cls, assessments: Iterable[Assessment]) -> RatingsOfRecord:
        found = cls()
        by_id = {a.pk: a for a in assessments}
        if not by_id:
            return found
        found.version_of = {pk: a.framework_version_id for pk, a in by_id.items()}
        for assessment_id, identifier, title, scale_id, rating in CriterionResponse.objects.filter(
            assessment_id__in=list(by_id)
        ).values_list(
            "assessment_id",
            "criterion__identifier",
            "criterion__title",
            "criterion__scale_id",
            "rating",
        ):
            key = (assessment_id, identifier)
            found.values[key] = (rating, False)
            found.titles[key] = title
            found.scale_of[key] = scale_id
        # A moderated self-assessment's agreed ratings are its ratings of record.
        moderated = [
            pk
            for pk, a in by_id.items()
            if a.kind == AssessmentKind.SELF
            and a.status in (AssessmentStatus.MODERATED, AssessmentStatus.PUBLISHED)
            and not a.published_without_review
        ]
        if moderated:
            for assessment_id, identifier, agreed in ModerationDecision.objects.filter(
                assessment_id__in=moderated
            ).values_list("assessment_id", "criterion__identifier", "agreed_rating"):
                found.values[(assessment_id, identifier)] = (agreed, True)
        positions: dict[int, int] = {}
        for level in ScaleLevel.objects.filter(
            scale__framework_version_id__in=set(found.version_of.values())
        ).select_related("scale"):
            scale = level.scale
            found.levels[(scale.pk, level.value)] = f"{level.value} – {level.label}"
            version = scale.framework_version_id
            if version not in positions or scale.position < positions[version]:
                positions[version] = scale.position
                found.default_scale[version] = scale.pk
        return found

    def label(self, assessment: Assessment, identifier: str, value: int | None) -> str:
        if value is None:
            return "Not rated"
        scale = self.scale_of.get((assessment.pk, identifier)) or self.default_scale.get(
            self.version_of.get(assessment.pk, 0), 0
        )
        return self.levels.get((scale, value), str(value))

    def rating(self, assessment: Assessment, identifier: str) -> Rating:
        value, agreed = self.values.get((assessment.pk, identifier), (None, False))
        return Rating(
            value, self.label(assessment, identifier, value), agreed and value is not None
        )

    def title(self, assessment: Assessment, identifier: str) -> str:
        return self.titles.get((assessment.pk, identifier), identifier)

    def has(self, assessment: Assessment, identifier: str) -> bool:
        return (assessment.pk, identifier) in self.values


class _Mappings:
    """The version mappings of some frameworks, to follow a criterion from one version to a
    later one, through intermediate versions where there is no direct mapping."""

    def __init__(self, framework_ids: set[int]) -> None:
        self.edges: dict[int, list[tuple[int, dict[str, MappingChange]]]] = defaultdict(list)
        if not framework_ids:
            return
        for mapping in VersionMapping.objects.filter(
            framework_id__in=framework_ids
        ).prefetch_related(
            Prefetch("changes", queryset=MappingChange.objects.order_by("position"))
        ):
            index = {i: change for change in mapping.changes.all() for i in change.from_identifiers}
            self.edges[mapping.from_version_id].append((mapping.to_version_id, index))

    def path(self, start: int, end: int) -> list[dict[str, MappingChange]] | None:
        """The shortest chain of mappings from one version to another, if any."""
        seen = {start}
        queue: deque[tuple[int, list[dict[str, MappingChange]]]] = deque([(start, [])])
        while queue:
            version, steps = queue.popleft()
            if version == end:
                return steps
            for to_version, index in self.edges.get(version, []):
                if to_version not in seen:
                    seen.add(to_version)
                    queue.append((to_version, [*steps, index]))
        return None

    def follow(
        self, identifier: str, steps: Sequence[dict[str, MappingChange]]
    ) -> tuple[str, list[str], list[str]]:
        """What `identifier` became: the kind of change, the identifiers it maps to, and (for a
        merge) the identifiers it was merged with."""
        current = [identifier]
        kinds: set[str] = set()
        merged_with: list[str] = []
        for index in steps:
            reached: list[str] = []
            for name in current:
                change = index.get(name)
                if change is None:
                    continue
                kinds.add(change.kind)
                if change.kind == "merged":
                    merged_with += [i for i in change.from_identifiers if i != name]
                reached += [i for i in change.to_identifiers if i not in reached]
            current = reached
        if not current:
            return "retired", [], merged_with
        for kind in ("split", "merged"):
            if kind in kinds:
                return kind, current, merged_with
        if "renamed" in kinds or current != [identifier]:
            return "renamed", current, merged_with
        return "same", current, merged_with


def _movement(before: Rating, after: Rating) -> str:
    if before.value is None or after.value is None:
        return "unrated"
    if after.value > before.value:
        return "up"
    if after.value < before.value:
        return "down"
    return "same"


def next_assessments(*, user: Any, actions: Sequence[Action]) -> dict[int, Assessment | None]:
    """For each action, the partnership's first published self-assessment, against the same
    framework, whose period ends after that of the assessment it was raised from (one query)."""
    raised_from = {a.assessment_id: a.assessment for a in actions}
    if not raised_from:
        return {}
    candidates = list(
        assessment_list(user=user)
        .filter(
            partnership_id__in={a.partnership_id for a in raised_from.values()},
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.PUBLISHED,
        )
        .order_by("period_end", "created_at")
    )
    found: dict[int, Assessment | None] = {}
    for action in actions:
        source = action.assessment
        found[action.pk] = next(
            (
                c
                for c in candidates
                if c.partnership_id == source.partnership_id
                and c.framework_version.framework_id == source.framework_version.framework_id
                and c.period_end > source.period_end
                and c.pk != source.pk
            ),
            None,
        )
    return found


def action_outcomes(*, user: Any, actions: Sequence[Action]) -> dict[int, ActionOutcome]:
    """Each action's criteria, rated before and after (a fixed number of queries, whatever the
    number of actions and criteria; the actions' criteria must be prefetched)."""
    following = next_assessments(user=user, actions=actions)
    assessments = {a.assessment_id: a.assessment for a in actions}
    assessments.update({n.pk: n for n in following.values() if n is not None})
    ratings = RatingsOfRecord.load(assessments.values())
    crossing = {
        a.assessment.framework_version.framework_id
        for a in actions
        if (following_one := following.get(a.pk)) is not None
        and following_one.framework_version_id != a.assessment.framework_version_id
    }
    mappings = _Mappings(crossing)
    outcomes: dict[int, ActionOutcome] = {}
    for action in actions:
        before_assessment = action.assessment
        after_assessment = following.get(action.pk)
        steps = None
        if (
            after_assessment is not None
            and after_assessment.framework_version_id != before_assessment.framework_version_id
        ):
            steps = mappings.path(
                before_assessment.framework_version_id, after_assessment.framework_version_id
            )
        rows = []
        merged: list[str]
        identifiers: list[str]
        for criterion in action.criteria.all():
            before = ratings.rating(before_assessment, criterion.identifier)
            row = CriterionOutcome(criterion=criterion, before=before)
            if after_assessment is not None:
                row.reassessed = True
                if after_assessment.framework_version_id == before_assessment.framework_version_id:
                    kind, identifiers, merged = "", [criterion.identifier], []
                elif steps is not None:
                    kind, identifiers, merged = mappings.follow(criterion.identifier, steps)
                elif ratings.has(after_assessment, criterion.identifier):
                    kind, identifiers, merged = "same", [criterion.identifier], []
                else:
                    kind, identifiers, merged = "unmapped", [], []
                row.mapping = kind
                row.merged_with = [ratings.title(before_assessment, i) for i in merged]
                for identifier in identifiers:
                    after = ratings.rating(after_assessment, identifier)
                    row.after.append(
                        AfterRating(
                            identifier=identifier,
                            title=ratings.title(after_assessment, identifier),
                            rating=after,
                            movement=_movement(before, after),
                        )
                    )
            rows.append(row)
        outcomes[action.pk] = ActionOutcome(next_assessment=after_assessment, criteria=rows)
    return outcomes
