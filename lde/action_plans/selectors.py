"""Reads of action plans, scoped by the policy, in a fixed number of queries whatever their size.

`action_outcomes` sets each criterion's rating in the assessment an action was raised from
("before") beside its rating in the partnership's next published self-assessment ("after"); an
action that came from elsewhere (a board decision, ADR 0017) has no criteria, so neither. When
that cycle uses a newer version of the framework, the criterion is followed through the version
mappings: kept or renamed criteria map one to one, a split one to each of its parts, a merged one
to the criterion it became (and says what it was merged with), a retired one to nothing. A
rating left empty is "Not rated", never zero, and is never counted as a move up or down.

The ratings are the assessments' ratings of record and the criteria are followed across versions
as the assessments' analysis does it (`lde.assessments.analysis`: `ratings_of`, `correspondence`),
so an action's "after" is the rating the gaps, comparison and trend pages count: in a moderated
self-assessment, the rating agreed at moderation, and the page says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lde.accounts.models import Organisation, RequestUser, User
from lde.action_plans.models import (
    Action,
    ActionStatus,
    ActionTransition,
    ProgressUpdate,
    overdue_q,
)
from lde.action_plans.policies import action_policy
from lde.assessments import analysis
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.selectors import assessment_list, rated_criterion_choices
from lde.core.access.facts import facts_for
from lde.frameworks.models import Criterion
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
    user: RequestUser,
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


def action_get(*, user: RequestUser, action_id: Any) -> Action:
    return action_policy.get_or_404(user, action_id, _with_relations(Action.objects.all()))


def action_history(*, action: Action) -> list[ActionTransition]:
    return list(action.transitions.select_related("actor").order_by("occurred_at", "pk"))


def progress_updates(*, action: Action) -> list[ProgressUpdate]:
    return list(action.progress_updates.select_related("author").order_by("-created_at", "-pk"))


def overdue_for_attention(*, user: RequestUser) -> list[Action]:
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


def action_totals(*, user: RequestUser, partnership: Partnership, day: date) -> dict[str, int]:
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


def assessment_action_count(*, user: RequestUser, assessment: Assessment) -> int:
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
    """The assessment's rated criteria with their ratings of record: the largest gaps first
    (the lowest rated first among equal gaps), then those not rated, then the rest (four
    queries, five when its moderation settles its ratings)."""
    criteria = list(criterion_choices(assessment=assessment))
    version = assessment.framework_version
    shape = analysis.version_shapes(versions=[version])[version.pk]
    ratings = analysis.ratings_of(assessments=[assessment])[assessment.pk]
    gaps = []
    for criterion in criteria:
        scale = _scale(shape, criterion.identifier)
        rated = ratings.get(criterion.pk)
        gaps.append(
            Gap(
                criterion=criterion,
                rating=_rating(scale, rated),
                target=_level(scale, rated.target if rated else None),
            )
        )

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


def _scale(shape: analysis.Shape, identifier: str) -> analysis.Scale | None:
    node = shape.by_identifier.get(identifier)
    return shape.scale_of(node) if node is not None else shape.default_scale


def _level(scale: analysis.Scale | None, value: int | None) -> Rating:
    """A level of a scale, with its label ("2 – Developing", or "Not rated")."""
    if scale is None:
        return Rating(value, analysis.NOT_RATED if value is None else str(value))
    return Rating(value, scale.label(value))


def _rating(scale: analysis.Scale | None, rated: analysis.Rated | None) -> Rating:
    """A rating of record; "agreed at moderation" only where moderation agreed a level."""
    if rated is None:
        return _level(scale, None)
    level = _level(scale, rated.rating)
    return Rating(level.value, level.label, agreed=rated.agreed and rated.rating is not None)


def _movement(before: Rating, after: Rating) -> str:
    if before.value is None or after.value is None:
        return "unrated"
    if after.value > before.value:
        return "up"
    if after.value < before.value:
        return "down"
    return "same"


def next_assessments(
    *, user: RequestUser, actions: Sequence[Action]
) -> dict[int, Assessment | None]:
    """For each action, the partnership's first published self-assessment, against the same
    framework, whose period ends after that of the assessment it was raised from (one query)."""
    raised_from = {a.assessment_id: a.assessment for a in actions if a.assessment is not None}
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
        if source is None:
            continue
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


def action_outcomes(*, user: RequestUser, actions: Sequence[Action]) -> dict[int, ActionOutcome]:
    """Each action's criteria, rated before and after (a fixed number of queries, whatever the
    number of actions and criteria; the actions' criteria must be prefetched): the next
    assessments, the framework versions' criteria and scales (two), the ratings of record (one,
    and one for moderation decisions when a moderated cycle is among them) and, only when a
    version changed, the version mappings (one)."""
    # An action that came from elsewhere than an assessment has no criteria to compare.
    outcomes: dict[int, ActionOutcome] = {
        a.pk: ActionOutcome(next_assessment=None, criteria=[])
        for a in actions
        if a.assessment is None
    }
    actions = [a for a in actions if a.assessment is not None]
    following = next_assessments(user=user, actions=actions)
    assessments = {a.assessment_id: a.assessment for a in actions if a.assessment is not None}
    assessments.update({n.pk: n for n in following.values() if n is not None})
    if not assessments:
        return outcomes
    shapes = analysis.version_shapes(versions={a.framework_version for a in assessments.values()})
    ratings = analysis.ratings_of(assessments=list(assessments.values()))
    crossing = {
        a.assessment.framework_version.framework_id
        for a in actions
        if a.assessment is not None
        and (following_one := following.get(a.pk)) is not None
        and following_one.framework_version_id != a.assessment.framework_version_id
    }
    steps = analysis.mapping_steps(framework_ids=crossing) if crossing else []
    matches: dict[tuple[int, int], analysis.Correspondence] = {}
    for action in actions:
        before_assessment = action.assessment
        assert before_assessment is not None  # the others were answered above
        after_assessment = following.get(action.pk)
        earlier = shapes[before_assessment.framework_version_id]
        rows = []
        for criterion in action.criteria.all():
            before = _rating(
                _scale(earlier, criterion.identifier),
                ratings[before_assessment.pk].get(criterion.pk),
            )
            row = CriterionOutcome(criterion=criterion, before=before)
            rows.append(row)
            if after_assessment is None:
                continue
            row.reassessed = True
            later = shapes[after_assessment.framework_version_id]
            identifiers: Sequence[str] = [criterion.identifier]
            if later.version_id != earlier.version_id:
                key = (earlier.version_id, later.version_id)
                if key not in matches:
                    matches[key] = analysis.correspondence(earlier, later, steps)
                successor = matches[key].successor(criterion.identifier)
                row.mapping, identifiers = successor.kind, successor.identifiers
                row.merged_with = [
                    node.title if (node := earlier.by_identifier.get(i)) else i
                    for i in successor.merged_with
                ]
            for identifier in identifiers:
                node = later.by_identifier.get(identifier)
                after = _rating(
                    _scale(later, identifier),
                    ratings[after_assessment.pk].get(node.id) if node is not None else None,
                )
                row.after.append(
                    AfterRating(
                        identifier=identifier,
                        title=node.title if node is not None else identifier,
                        rating=after,
                        movement=_movement(before, after),
                    )
                )
        outcomes[action.pk] = ActionOutcome(next_assessment=after_assessment, criteria=rows)
    return outcomes


def board_report_actions(
    *, user: RequestUser, assessment: Assessment
) -> tuple[list[Action], list[tuple[Action, ActionOutcome]]]:
    """The actions an assessment's board report shows: those raised on it, and the earlier
    cycles' actions that it reassessed, each with its before and after. Scoped by the action
    plan's policy, so a reader who may not read the action plan gets neither. Registered with
    `lde.assessments.reports` when the app loads (see `ActionPlansConfig.ready`)."""
    raised = list(action_list(user=user, assessment_id=assessment.pk))
    earlier = [
        a
        for a in action_list(user=user, partnership=assessment.partnership)
        if a.assessment is not None and a.assessment.period_end < assessment.period_end
    ]
    outcomes = action_outcomes(user=user, actions=earlier)
    reassessed = [
        (action, outcome)
        for action in earlier
        if (outcome := outcomes.get(action.pk)) is not None
        and outcome.next_assessment is not None
        and outcome.next_assessment.pk == assessment.pk
    ]
    return raised, reassessed


def open_actions_owned_by(*, partnership_id: int, organisation_id: int) -> int:
    """How many of the partnership's open actions the organisation owns: while there are any,
    it stays a partner (`lde.partnerships.selectors.partner_organisation_dependents`). Done and
    cancelled actions keep naming it as the owner they had."""
    return Action.objects.filter(
        partnership_id=partnership_id,
        owner_organisation_id=organisation_id,
        status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
    ).count()
