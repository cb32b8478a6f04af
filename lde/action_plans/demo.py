"""The action plans demo: actions raised on the gaps of each fictional partnership's three
published cycles, in every state, some of which moved their criteria and some of which did not.

For each published self-assessment against the Prevent partnership model, the coordinator
raises actions on its lowest-rated criteria:

- on the first cycle (re-assessed by the second): one done whose criterion rose, one done whose
  criterion stayed where it was, one cancelled with a reason, and, where a criterion was not
  rated, one on that (shown as "Not rated", never as zero);
- on the second cycle (re-assessed by the third): one done that moved its criterion, one done
  that did not, and one still in progress long after its due date (overdue);
- on the third, latest cycle (not yet re-assessed): one planned and due within the week (its
  owner will be reminded), one planned and overdue, one in progress and one planned for later.

Owners are the partnership's own people, so the contributor sees their overdue action on their
home page and the coordinator sees the partnership's. Everything is written through the audited
services by people whose roles allow it; only the dates the rows carry (raised, updated) are set
afterwards to when they would have happened, so that the history reads as a year's work.
Running it again finds the actions it made (by assessment and title) and makes no duplicates.
Every name and piece of text is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.action_plans import services
from lde.action_plans.models import Action, ActionStatus, ActionTransition, ProgressUpdate
from lde.assessments import analysis
from lde.assessments.demo import FRAMEWORK, PROFILES
from lde.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from lde.assessments.selectors import rated_criterion_choices
from lde.core.access.facts import today
from lde.frameworks.models import Criterion
from lde.partnerships.models import Membership, PartnerOrganisation, Partnership, Role

# How each theme's actions set out to close the gap (the title is the criterion as a goal): the
# demo's words, in data/demo.yaml, apart from which actions are raised.
THEME_PLANS: dict[str, str] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8")
)["theme_plans"]
FALLBACK_PLAN = THEME_PLANS["delivery"]
# Words that keep their capital letter inside a sentence.
PROPER = ("Prevent", "BCU")

CANCEL_REASON = "Folded into the new joint delivery plan, which covers the same ground."
STARTED = (
    "Work has started: the first meeting is booked and the partners concerned have agreed to it."
)
DONE_MOVED = "Done. The change is in place and the evidence is filed for the next self-assessment."
DONE_FLAT = (
    "Done as planned, but the board judged that it has not yet changed practice enough to show "
    "in the rating."
)
LATE = "Delayed: the lead changed jobs and the partner has not yet named a replacement."


@dataclass
class Cast:
    partnership: Partnership
    coordinator: User
    board_member: User
    owners: list[User]
    partners: set[int]


@dataclass(frozen=True)
class Plan:
    """One demo action: which candidate, who owns it, its dates and what happens to it."""

    criterion: Criterion
    owner: User
    raised_on: date
    due_on: date
    ending: str  # "planned", "in_progress", "done", "cancelled"
    story: tuple[str, ...] = ()


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _cast(partnership: Partnership, coordinator: User) -> Cast:
    members = list(
        Membership.objects.filter(
            partnership=partnership,
            role__in=[Role.COORDINATOR, Role.BOARD_MEMBER, Role.CONTRIBUTOR],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("role", "user__email")
    )
    board = next((m.user for m in members if m.role == Role.BOARD_MEMBER), coordinator)
    contributors = [m.user for m in members if m.role == Role.CONTRIBUTOR]
    owners = [*contributors, board, coordinator]
    return Cast(
        partnership=partnership,
        coordinator=coordinator,
        board_member=board,
        owners=list(dict.fromkeys(owners)),
        partners=set(
            PartnerOrganisation.objects.filter(partnership=partnership).values_list(
                "organisation_id", flat=True
            )
        ),
    )


def _organisation(cast: Cast, owner: User) -> Organisation:
    if owner.organisation_id in cast.partners and owner.organisation is not None:
        return owner.organisation
    return cast.partnership.lead_council


class _RatingsOfRecord:
    """The ratings of record of some cycles (as their action plans will show them), looked up
    by criterion identifier."""

    def __init__(self, cycles: list[Assessment]) -> None:
        self.shapes = analysis.version_shapes(versions={c.framework_version for c in cycles})
        self.ratings = analysis.ratings_of(assessments=cycles)

    def value(self, cycle: Assessment, identifier: str) -> int | None:
        node = self.shapes[cycle.framework_version_id].by_identifier.get(identifier)
        rated = self.ratings[cycle.pk].get(node.id) if node is not None else None
        return rated.rating if rated is not None else None


def _candidates(
    cycle: Assessment, following: Assessment | None, ratings: _RatingsOfRecord
) -> dict[str, list[Criterion]]:
    """The cycle's criteria, lowest rating first: those that rose by the next cycle, those that
    stayed, and those not rated."""
    found: dict[str, list[Criterion]] = {"moved": [], "flat": [], "unrated": [], "any": []}
    criteria = rated_criterion_choices(version=cycle.framework_version)
    scored = []
    for criterion in criteria:
        before = ratings.value(cycle, criterion.identifier)
        if before is None:
            found["unrated"].append(criterion)
            continue
        scored.append((before, criterion.position, criterion))
    for before, _, criterion in sorted(scored, key=lambda s: (s[0], s[1])):
        found["any"].append(criterion)
        if following is None:
            continue
        after = ratings.value(following, criterion.identifier)
        if after is not None and after > before:
            found["moved"].append(criterion)
        elif after == before:
            found["flat"].append(criterion)
    return found


def _pick(pool: list[Criterion], used: set[int]) -> Criterion | None:
    for criterion in pool:
        if criterion.pk not in used:
            used.add(criterion.pk)
            return criterion
    return None


def _plans(
    cast: Cast, index: int, cycle: Assessment, following: Assessment | None, day: date
) -> list[Plan]:
    ratings = _RatingsOfRecord([cycle, *([following] if following else [])])
    pool = _candidates(cycle, following, ratings)
    used: set[int] = set()
    owners = cast.owners
    raised = min(cycle.period_end + timedelta(days=75), day - timedelta(days=45))
    wanted: list[tuple[str, str, int, tuple[str, ...]]]  # pool, ending, days to due, story
    if following is not None and index == 0:
        wanted = [
            ("moved", "done", 200, (STARTED, DONE_MOVED)),
            ("flat", "done", 240, (STARTED, DONE_FLAT)),
            ("moved", "cancelled", 180, (STARTED,)),
            ("unrated", "done", 220, (DONE_MOVED,)),
        ]
    elif following is not None:
        wanted = [
            ("moved", "done", 210, (STARTED, DONE_MOVED)),
            ("flat", "done", 230, (STARTED, DONE_FLAT)),
            ("moved", "in_progress", (day - raised).days - 60, (STARTED, LATE)),
        ]
    else:
        wanted = [
            ("any", "planned", (day - raised).days + 5, ()),
            ("any", "planned", (day - raised).days - 10, ()),
            ("any", "in_progress", (day - raised).days + 90, (STARTED,)),
            ("any", "planned", (day - raised).days + 150, ()),
        ]
    plans = []
    for number, (name, ending, days, story) in enumerate(wanted):
        criterion = _pick(pool[name], used) or (
            _pick(pool["any"], used) if name != "unrated" else None
        )
        if criterion is None:
            continue
        plans.append(
            Plan(
                criterion=criterion,
                owner=owners[number % len(owners)],
                raised_on=raised,
                due_on=raised + timedelta(days=max(days, 14)),
                ending=ending,
                story=story,
            )
        )
    return plans


def _title(criterion: Criterion) -> tuple[str, str]:
    """The criterion as the action's goal ("Make sure that partners plan for …"), and the plan
    its theme's actions follow."""
    text = criterion.title
    first = text.split(" ", 1)[0]
    if first not in PROPER and not first.isupper():
        text = text[0].lower() + text[1:]
    plan = THEME_PLANS.get(criterion.path.split("/")[0], FALLBACK_PLAN)
    return f"Make sure that {text}"[:200], plan


def _make(cast: Cast, cycle: Assessment, plan: Plan, day: date) -> None:
    title, description = _title(plan.criterion)
    if Action.objects.filter(assessment=cycle, title=title).exists():
        return
    action = services.action_raise(
        actor=cast.coordinator,
        assessment=cycle,
        criteria=[plan.criterion],
        title=title,
        description=description,
        owner=plan.owner,
        owner_organisation=_organisation(cast, plan.owner),
        due_on=plan.due_on,
        raised_on=plan.raised_on,
    )
    Action.objects.filter(pk=action.pk).update(
        created_at=_at(plan.raised_on), updated_at=_at(plan.raised_on)
    )
    # When each step happened: spread between raising the action and its due date (or today).
    end = min(plan.due_on - timedelta(days=7), day - timedelta(days=3))
    steps = len(plan.story) + (plan.ending == "cancelled")
    gap = max((end - plan.raised_on).days // (steps + 1), 1) if steps else 1
    moments = [plan.raised_on + timedelta(days=gap * (i + 1)) for i in range(steps)]
    for number, text in enumerate(plan.story):
        last = number == len(plan.story) - 1
        status = None
        if number == 0 and plan.ending in ("in_progress", "done", "cancelled"):
            status = ActionStatus.IN_PROGRESS
        if last and plan.ending == "done":
            status = ActionStatus.DONE
        update = services.progress_record(actor=plan.owner, action=action, text=text, status=status)
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=_at(moments[number]))
        ActionTransition.objects.filter(progress_update=update).update(
            occurred_at=_at(moments[number], 11)
        )
    if plan.ending == "cancelled":
        services.action_cancel(actor=cast.board_member, action=action, reason=CANCEL_REASON)
        ActionTransition.objects.filter(action=action, to_status=ActionStatus.CANCELLED).update(
            occurred_at=_at(moments[-1], 15)
        )


def _published_cycles(partnership: Partnership) -> list[Assessment]:
    return list(
        Assessment.objects.filter(
            partnership=partnership,
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.PUBLISHED,
            framework_version__framework__identifier=FRAMEWORK,
        )
        .select_related("framework_version", "created_by", "partnership__lead_council")
        .order_by("period_start")
    )


@transaction.atomic
def demo_build() -> None:
    """Build (or find) the action plans of the fictional demo. Needs the assessments demo
    first (LDE_DEMO_BUILDERS runs it before this)."""
    day = today()
    for profile in PROFILES:
        partnership = Partnership.objects.get(name=profile.partnership)
        cycles = _published_cycles(partnership)
        if not cycles or cycles[0].created_by is None:
            continue
        cast = _cast(partnership, cycles[0].created_by)
        for index, cycle in enumerate(cycles):
            following = cycles[index + 1] if index + 1 < len(cycles) else None
            for plan in _plans(cast, index, cycle, following, day):
                _make(cast, cycle, plan, day)
