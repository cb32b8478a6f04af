"""The money of `lde bench commissioning`: a programme, calls, awards, agreements and returns
spread over the national data, with a few partnerships carrying a large share of it.

`generate_commissioning()` writes, on top of `benchmarks.national`:

- `projects` programme projects (default 5,000), each with a delivery organisation, a strand and
  a tier (never Tier 3, as the report found), three funding streams per partnership allocated
  over the three years of the medium-term plan, and two thirds of the projects drawing on them;
- one decided call per partnership, with two weighted criteria, and `awards` awarded bids
  (default 2,000) from invented voluntary organisations, each with an org-id, so the public
  register and the 360Giving feed hold them all (each lead council gains an org-id too);
- `agreements` agreements (default 2,000), one for each award first (then for projects alone),
  with three budget lines (one of them administration, ¶49), two output targets, two
  milestones, an outcome indicator and two instalments (the first in advance, ¶51); most active,
  one in ten closed;
- `returns` quarterly returns (default 20,000) shared out over the agreements: those for past
  quarters accepted, the last one made submitted or sent back, the rest still due (late when
  their due date has passed); each return made records spend on every budget line and outputs
  against both targets.

`heavy` partnerships (default 3; the members of the largest alliance first, so that the
alliance's page is heavy too) carry `heavy_share` of the projects, awards and agreements between
them (default 30%: at the default sizes 500 projects, 200 agreements and 2,000 returns each); the
rest is spread evenly. Like the national data it is written with `bulk_create`: synthetic
and unaudited by design, for a throwaway database only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import connection, models
from django.utils import timezone

from benchmarks.national import NationalWorld
from lde.accounts.models import Organisation
from lde.commissioning.models import (
    Bid,
    BidStatus,
    Call,
    CallPartnership,
    CallStatus,
    Criterion,
    Decision,
)
from lde.monitoring.models import (
    Agreement,
    AgreementStatus,
    BudgetKind,
    BudgetLine,
    Instalment,
    Milestone,
    OutcomeIndicator,
    OutputKind,
    OutputTarget,
    Return,
    ReturnFrequency,
    ReturnOutput,
    ReturnSpend,
    ReturnStatus,
)
from lde.partnerships.models import Alliance
from lde.programme.models import (
    Allocation,
    FundingStream,
    Project,
    ProjectFunding,
    Strand,
    StreamKind,
    Tier,
)
from lde.programme.selectors import plan_start

M = TypeVar("M", bound=models.Model)
BATCH = 2000
QUARTER = 91  # days: near enough a quarter for synthetic periods
TIERS = [int(t) for t in Tier if t != Tier.TARGETED]
# Each agreement's budget: (heading, kind, share of the amount).
LINES = (
    ("Staff costs", BudgetKind.STAFF, Decimal("0.60")),
    ("Delivery costs", BudgetKind.DELIVERY, Decimal("0.28")),
    ("Administration", BudgetKind.ADMINISTRATION, Decimal("0.12")),
)


@dataclass
class CommissioningWorld:
    """What was written: the heavy partnerships and their alliance, and the rows of each kind."""

    heavy: list[int] = field(default_factory=list)
    alliance_id: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    awards_by_partnership: dict[int, int] = field(default_factory=dict)
    agreements_by_partnership: dict[int, int] = field(default_factory=dict)
    projects_by_partnership: dict[int, int] = field(default_factory=dict)


def shares(
    total: int, partnerships: Sequence[int], heavy: Sequence[int], share: float
) -> list[int]:
    """`total` shared out over `partnerships` (in their order): `share` of it split between the
    `heavy` ones, the rest evenly over all the others."""
    if len(heavy) >= len(partnerships):
        heavy = list(heavy)[: max(0, len(partnerships) - 1)]
    heavy_total = round(total * share) if heavy else 0
    light = [p for p in partnerships if p not in set(heavy)]
    out = dict.fromkeys(partnerships, 0)
    for n, p in enumerate(heavy):
        out[p] = heavy_total // len(heavy) + (1 if n < heavy_total % len(heavy) else 0)
    rest = total - heavy_total
    for n, p in enumerate(light):
        out[p] = rest // len(light) + (1 if n < rest % len(light) else 0)
    return [out[p] for p in partnerships]


def _write(world: CommissioningWorld, model: type[M], rows: list[M]) -> list[M]:
    made = model._default_manager.bulk_create(rows, batch_size=BATCH)
    world.rows[model._meta.label] = world.rows.get(model._meta.label, 0) + len(made)
    return made


def heavy_partnerships(world: NationalWorld, count: int) -> tuple[list[int], int | None]:
    """The members of the largest alliance (up to `count`), then the first partnerships; and
    that alliance."""
    through = Alliance.partnerships.through
    members_of: dict[int, list[int]] = {}
    for member_of, partnership_id in through.objects.filter(
        alliance_id__in=world.alliance_ids
    ).values_list("alliance_id", "partnership_id"):
        members_of.setdefault(member_of, []).append(partnership_id)
    alliance_id = max(sorted(members_of), key=lambda a: len(members_of[a]), default=None)
    heavy = sorted(members_of[alliance_id])[:count] if alliance_id is not None else []
    for p in world.partnership_ids:
        if len(heavy) >= count:
            break
        if p not in heavy:
            heavy.append(p)
    return heavy, alliance_id


def generate_commissioning(
    national: NationalWorld,
    *,
    projects: int,
    awards: int,
    agreements: int,
    returns: int,
    heavy: int = 3,
    heavy_share: float = 0.3,
    progress: Callable[[str, float], None] | None = None,
) -> CommissioningWorld:
    for name, value in (("projects", projects), ("agreements", agreements)):
        if value < 1:
            raise ValueError(f"--{name} must be at least 1.")
    if awards < 0 or returns < 0:
        raise ValueError("--awards and --returns may not be negative.")
    if not 0 <= heavy_share < 1:
        raise ValueError("--heavy-share must be at least 0 and below 1.")
    rng = random.Random(national.seed * 7919 + 16)
    world = CommissioningWorld()
    world.heavy, world.alliance_id = heavy_partnerships(national, heavy)
    partnerships = national.partnership_ids

    def step(name: str, started: float) -> None:
        if progress is not None:
            progress(name, time.perf_counter() - started)

    started = time.perf_counter()
    project_ids = _programme(national, world, rng, projects, heavy_share)
    step("programme", started)
    started = time.perf_counter()
    decisions = _awards(national, world, rng, awards, heavy_share)
    step("awards", started)
    started = time.perf_counter()
    _agreements(national, world, rng, agreements, returns, heavy_share, decisions, project_ids)
    step("agreements", started)
    world.projects_by_partnership = {
        p: len(project_ids.get(p, [])) for p in partnerships if project_ids.get(p)
    }
    return world


def _programme(
    national: NationalWorld,
    world: CommissioningWorld,
    rng: random.Random,
    total: int,
    heavy_share: float,
) -> dict[int, list[int]]:
    """Projects, streams, allocations over three years and funding lines. Returns the project
    ids of each partnership."""
    partnerships = national.partnership_ids
    first = plan_start(national.day)
    strands = list(Strand)
    kinds = list(StreamKind)
    streams = _write(
        world,
        FundingStream,
        [
            FundingStream(
                partnership_id=p,
                name=f"Stream {n + 1}",
                source_id=national.council_of[p],
                kind=kinds[n],
                amount=Decimal("900000"),
                starts_on=date(first, 4, 1),
                ends_on=date(first + 3, 3, 31),
                ring_fenced=n == 0,
            )
            for p in partnerships
            for n in range(3)
        ],
    )
    allocations = _write(
        world,
        Allocation,
        [
            Allocation(stream=s, year=first + y, amount=Decimal("300000"), confirmed=y == 0)
            for s in streams
            for y in range(3)
        ],
    )
    allocations_of: dict[int, list[Allocation]] = {}
    for a in allocations:
        allocations_of.setdefault(a.stream.partnership_id, []).append(a)
    per = shares(total, partnerships, world.heavy, heavy_share)
    made = _write(
        world,
        Project,
        [
            Project(
                partnership_id=p,
                title=f"Project {n + 1}",
                delivered_by_id=national.council_of[p],
                audiences="Young people, parents and community groups",
                strand=strands[n % len(strands)],
                tier=TIERS[rng.randrange(len(TIERS))],
                forms_of_extremism=["all_forms"],
                exit_plan="Mainstreamed into the youth service after three years.",
            )
            for p, count in zip(partnerships, per, strict=True)
            for n in range(count)
        ],
    )
    ids: dict[int, list[int]] = {}
    for project in made:
        ids.setdefault(project.partnership_id, []).append(int(project.pk))
    funding = []
    for p, project_ids in ids.items():
        pool = allocations_of[p]
        for n, project_id in enumerate(project_ids):
            if n % 3:
                allocation = pool[n % len(pool)]
                funding.append(
                    ProjectFunding(
                        project_id=project_id,
                        allocation=allocation,
                        year=allocation.year,
                        amount=Decimal(rng.randrange(1000, 20000)),
                    )
                )
    _write(world, ProjectFunding, funding)
    return ids


def _awards(
    national: NationalWorld,
    world: CommissioningWorld,
    rng: random.Random,
    total: int,
    heavy_share: float,
) -> dict[int, list[Decision]]:
    """A decided call per partnership and `total` awards. Returns the decisions of each
    partnership."""
    partnerships = national.partnership_ids
    day = national.day
    for p in partnerships:
        Organisation.objects.filter(pk=national.council_of[p], org_id="").update(
            org_id=f"360G-preventlde-council-{p}"
        )
    calls = _write(
        world,
        Call,
        [
            Call(
                partnership_id=p,
                title=f"Community fund {p}",
                purpose="Work that builds resilience to extremist messages.",
                eligibility="Community, voluntary and faith organisations.",
                maximum_amount=Decimal("60000"),
                opens_on=day - timedelta(days=900),
                closes_on=day - timedelta(days=850),
                status=CallStatus.DECIDED,
                published_at=timezone.now(),
            )
            for p in partnerships
        ],
    )
    _write(
        world,
        CallPartnership,
        [CallPartnership(call=c, partnership_id=c.partnership_id) for c in calls],
    )
    _write(
        world,
        Criterion,
        [
            Criterion(call=c, title=title, weight=weight)
            for c in calls
            for title, weight in (("Need", 60), ("Value for money", 40))
        ],
    )
    call_of = {c.partnership_id: c for c in calls}
    # Numbered on from any written before, so that each group's org-id is its own.
    first = Bid.objects.count()
    groups = _write(
        world,
        Organisation,
        [
            Organisation(
                name=f"Bench community group {first + n + 1}",
                type="voluntary",
                org_id=f"GB-CHC-{3000000 + first + n}",
            )
            for n in range(total)
        ],
    )
    author = national.user_ids[0]
    per = shares(total, partnerships, world.heavy, heavy_share)
    owners = [p for p, count in zip(partnerships, per, strict=True) for _ in range(count)]
    bids = _write(
        world,
        Bid,
        [
            Bid(
                call=call_of[p],
                organisation=groups[n],
                title=f"Youth and family project {first + n + 1}",
                summary="Weekly sessions with young people and their families, run with schools.",
                amount=Decimal(rng.randrange(12000, 60000)),
                status=BidStatus.AWARDED,
                created_by_id=author,
            )
            for n, p in enumerate(owners)
        ],
    )
    decisions = _write(
        world,
        Decision,
        [
            Decision(
                bid=bid,
                outcome="award",
                amount=bid.amount - Decimal(rng.randrange(0, 2000)),
                reasons="Answers the narrative's priorities; good value for the reach.",
                decided_by_id=author,
                decided_on=day - timedelta(days=rng.randrange(800, 840)),
            )
            for bid in bids
        ],
    )
    by_partnership: dict[int, list[Decision]] = {}
    for p, decision in zip(owners, decisions, strict=True):
        by_partnership.setdefault(p, []).append(decision)
    world.awards_by_partnership = {p: len(d) for p, d in by_partnership.items()}
    return by_partnership


def _agreements(
    national: NationalWorld,
    world: CommissioningWorld,
    rng: random.Random,
    total: int,
    returns: int,
    heavy_share: float,
    decisions: dict[int, list[Decision]],
    project_ids: dict[int, list[int]],
) -> None:
    partnerships = national.partnership_ids
    day = national.day
    author = national.user_ids[0]
    per = shares(total, partnerships, world.heavy, heavy_share)
    # Every agreement gets `each` returns, the first `extra` of them one more.
    each, extra = divmod(returns, total)
    plan: list[tuple[Agreement, int]] = []
    number = 0
    for p, count in zip(partnerships, per, strict=True):
        awarded = list(decisions.get(p, []))
        projects = project_ids.get(p, [])
        for n in range(count):
            periods = each + (1 if number < extra else 0)
            decision = awarded.pop() if awarded else None
            amount = (
                decision.amount
                if decision is not None and decision.amount
                else Decimal(rng.randrange(12000, 60000))
            )
            # The last two periods are this quarter's and the next: not yet made.
            starts_on = day - timedelta(days=QUARTER * max(periods - 2, 1))
            closed = n % 10 == 9 and periods > 0
            if closed:
                starts_on -= timedelta(days=QUARTER * 2)
            agreement = Agreement(
                partnership_id=p,
                decision=decision,
                project_id=projects[n % len(projects)] if projects else None,
                organisation_id=(
                    decision.bid.organisation_id if decision is not None else national.council_of[p]
                ),
                title=f"Agreement {number + 1}",
                amount=amount,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=QUARTER * max(periods, 1)),
                conditions="Report every quarter; acknowledge the funding in publicity.",
                status=AgreementStatus.CLOSED if closed else AgreementStatus.ACTIVE,
                frequency=ReturnFrequency.QUARTERLY,
                created_by_id=author,
            )
            plan.append((agreement, periods))
            number += 1
    made = _write(world, Agreement, [a for a, _ in plan])
    world.agreements_by_partnership = {}
    for a in made:
        world.agreements_by_partnership[a.partnership_id] = (
            world.agreements_by_partnership.get(a.partnership_id, 0) + 1
        )
    lines = _write(
        world,
        BudgetLine,
        [
            BudgetLine(
                agreement=a,
                heading=heading,
                kind=kind,
                amount=(a.amount * part).quantize(Decimal("1")),
            )
            for a in made
            for heading, kind, part in LINES
        ],
    )
    targets = _write(
        world,
        OutputTarget,
        [
            OutputTarget(agreement=a, kind=kind, target=target)
            for a in made
            for kind, target in ((OutputKind.PARTICIPANTS, 120), (OutputKind.SESSIONS, 40))
        ],
    )
    _write(
        world,
        Milestone,
        [
            Milestone(agreement=a, title=title, due_on=a.starts_on + timedelta(days=days))
            for a in made
            for title, days in (("Sessions begin", 30), ("Mid-point review", QUARTER * 2))
        ],
    )
    _write(
        world,
        OutcomeIndicator,
        [
            OutcomeIndicator(
                agreement=a,
                text="Young people say they feel more able to challenge extremist messages.",
            )
            for a in made
        ],
    )
    _write(
        world,
        Instalment,
        [
            Instalment(
                agreement=a,
                due_on=due,
                amount=part,
                in_advance=advance,
            )
            for a in made
            for due, part, advance in (
                (a.starts_on, (a.amount / 2).quantize(Decimal("0.01")), True),
                (a.ends_on, a.amount - (a.amount / 2).quantize(Decimal("0.01")), False),
            )
        ],
    )
    lines_of: dict[int, list[BudgetLine]] = {}
    for line in lines:
        lines_of.setdefault(line.agreement_id, []).append(line)
    targets_of: dict[int, list[OutputTarget]] = {}
    for target in targets:
        targets_of.setdefault(target.agreement_id, []).append(target)
    rows: list[Return] = []
    now = timezone.now()
    for (_, periods), a in zip(plan, made, strict=True):
        for k in range(periods):
            start = a.starts_on + timedelta(days=QUARTER * k)
            end = start + timedelta(days=QUARTER - 1)
            due_on = end + timedelta(days=30)
            if a.status == AgreementStatus.CLOSED or end < day - timedelta(days=QUARTER):
                status = ReturnStatus.ACCEPTED
            elif end < day:
                status = ReturnStatus.SENT_BACK if k % 4 == 1 else ReturnStatus.SUBMITTED
            else:
                status = ReturnStatus.DUE
            made_it = status != ReturnStatus.DUE
            rows.append(
                Return(
                    agreement=a,
                    period_start=start,
                    period_end=end,
                    due_on=due_on,
                    final=k == periods - 1,
                    status=status,
                    narrative="Sessions ran as planned in schools and youth centres."
                    if made_it
                    else "",
                    submitted_at=now if made_it else None,
                    submitted_by_id=author if made_it else None,
                    review_reasons="Add the outputs for the second school."
                    if status == ReturnStatus.SENT_BACK
                    else "",
                )
            )
    made_returns = _write(world, Return, rows)
    # The two largest tables (five rows a return) go in as plain rows: building a model
    # instance for each took most of the generation's time.
    spend: list[tuple[int, int, Decimal]] = []
    outputs: list[tuple[int, int, int]] = []
    for r in made_returns:
        if r.status == ReturnStatus.DUE:
            continue
        for line in lines_of[r.agreement_id]:
            # About a quarter's share, give or take; now and then over the tolerance.
            amount = line.amount * Decimal(rng.randrange(15, 45)) / 100
            spend.append((r.pk, line.pk, amount.quantize(Decimal("1"))))
        for target in targets_of[r.agreement_id]:
            outputs.append((r.pk, target.pk, rng.randrange(0, target.target // 3)))
    _insert(world, ReturnSpend, ("return_made_id", "line_id", "amount"), spend)
    _insert(world, ReturnOutput, ("return_made_id", "target_id", "achieved"), outputs)


def _insert(
    world: CommissioningWorld,
    model: type[models.Model],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
) -> None:
    """Rows straight into `model`'s table, each value as the field would store it."""
    fields = [
        cast(models.Field[Any, Any], model._meta.get_field(c.removesuffix("_id"))) for c in columns
    ]
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - our own names
                [
                    tuple(
                        f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)
                    )
                    for row in rows[start : start + BATCH]
                ],
            )
    label = model._meta.label
    world.rows[label] = world.rows.get(label, 0) + len(rows)


def describe(world: CommissioningWorld) -> dict[str, Any]:
    return {
        "heavy_partnerships": world.heavy,
        "alliance": world.alliance_id,
        "heavy": {
            str(p): {
                "projects": world.projects_by_partnership.get(p, 0),
                "awards": world.awards_by_partnership.get(p, 0),
                "agreements": world.agreements_by_partnership.get(p, 0),
            }
            for p in world.heavy
        },
    }
