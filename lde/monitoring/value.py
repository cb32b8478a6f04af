"""Value for money (¶57): what each agreement, project, funding stream and partnership bought,
and at what cost — cost per participant and per output, administration's share of the programme
(¶49), and spend against plan by quarter.

Spend counts returns that were made (submitted, accepted or sent back), never those still due.
The plan is the payment schedule. Every figure is read in a fixed number of queries whatever the
number of agreements (aggregates grouped in the database), so the page's query count does not
grow with the data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from lde.monitoring.models import (
    Agreement,
    BudgetKind,
    BudgetLine,
    Instalment,
    OutputKind,
    Return,
    ReturnStatus,
)
from lde.programme.models import ProjectFunding, financial_year_label

ZERO = Decimal("0")
MADE_STATUSES = [ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, ReturnStatus.SENT_BACK]


def quarter_of(day: date) -> str:
    """The financial quarter a day falls in: "2026–27 Q1" is April to June 2026."""
    year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return f"{financial_year_label(year)} Q{quarter}"


@dataclass
class Figures:
    """What a group of agreements bought and spent."""

    label: str
    amount: Decimal = ZERO
    spent: Decimal = ZERO
    administration: Decimal = ZERO
    participants: int = 0
    outputs: int = 0

    def add(self, other: Figures, share: Decimal = Decimal("1")) -> None:
        self.amount += other.amount * share
        self.spent += other.spent * share
        self.administration += other.administration * share
        self.participants += int(other.participants * share)
        self.outputs += int(other.outputs * share)

    @staticmethod
    def _per(money: Decimal, count: int) -> Decimal | None:
        return (money / count).quantize(Decimal("0.01")) if count else None

    @property
    def per_participant(self) -> Decimal | None:
        return self._per(self.spent, self.participants)

    @property
    def per_output(self) -> Decimal | None:
        return self._per(self.spent, self.outputs)

    @property
    def administration_share(self) -> Decimal | None:
        """Administration's share of the budget, as a percentage (¶49)."""
        if not self.amount:
            return None
        return (self.administration * 100 / self.amount).quantize(Decimal("0.1"))


@dataclass
class Report:
    title: str
    total: Figures
    agreements: list[Figures] = field(default_factory=list)
    projects: list[Figures] = field(default_factory=list)
    streams: list[Figures] = field(default_factory=list)
    partnerships: list[Figures] = field(default_factory=list)
    profile: list[dict[str, Any]] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[Figures]]]:
        return [
            ("By agreement", self.agreements),
            ("By project", self.projects),
            ("By funding stream", self.streams),
            ("By partnership", self.partnerships),
        ]


def report(agreements: QuerySet[Agreement], *, title: str) -> Report:
    """The value-for-money report over `agreements` (already scoped by the caller's policy)."""
    # Only what the report shows: whole agreements (and their partnerships and projects) cost
    # three model instances and their dates' conversion a row, a fifth of the page's time.
    rows: list[Any] = list(
        agreements.order_by("partnership__name", "title").values_list(
            "pk",
            "title",
            "amount",
            "partnership_id",
            "partnership__name",
            "project_id",
            "project__title",
            named=True,
        )
    )
    ids = [a.pk for a in rows]
    # Read from the returns (by the index on their agreement), with their spend and outputs by
    # the index on the return, and the returns still due left out here rather than in the
    # query: asked for by status, or read from the spend side, SQLite walked most of the returns
    # or spend in the database (60–120 ms each at 20,000 returns).
    returns = Return.objects.filter(agreement_id__in=ids).order_by()
    spent: dict[int, Decimal] = defaultdict(Decimal)
    for agreement_id, status, total in returns.values_list("agreement_id", "status").annotate(
        total=Sum("spend__amount")
    ):
        if status in MADE_STATUSES and total is not None:
            spent[agreement_id] += total
    admin = dict(
        BudgetLine.objects.filter(agreement_id__in=ids, kind=BudgetKind.ADMINISTRATION)
        .values_list("agreement_id")
        .annotate(total=Sum("amount"))
    )
    achieved: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for agreement_id, status, kind, total in returns.values_list(
        "agreement_id", "status", "outputs__target__kind"
    ).annotate(total=Sum("outputs__achieved")):
        if status in MADE_STATUSES and kind is not None:
            achieved[agreement_id][kind] += total
    by_agreement: dict[int, Figures] = {}
    for a in rows:
        outputs = achieved.get(a.pk, {})
        by_agreement[a.pk] = Figures(
            label=a.title,
            amount=a.amount,
            spent=spent.get(a.pk) or ZERO,
            administration=admin.get(a.pk) or ZERO,
            participants=outputs.get(OutputKind.PARTICIPANTS, 0),
            outputs=sum(outputs.values()),
        )
    total = Figures(label="All agreements")
    projects: dict[int, Figures] = {}
    partnerships: dict[int, Figures] = {}
    for a in rows:
        figures = by_agreement[a.pk]
        total.add(figures)
        if a.project_id:
            projects.setdefault(a.project_id, Figures(label=a.project__title)).add(figures)
        partnerships.setdefault(a.partnership_id, Figures(label=a.partnership__name)).add(figures)
    # A project drawing on several streams is shared between them by what it draws from each.
    streams: dict[int, Figures] = {}
    drawn: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
    for project_id, stream_id, stream_name, amount in (
        ProjectFunding.objects.filter(project_id__in=list(projects), allocation__isnull=False)
        .values_list("project_id", "allocation__stream_id", "allocation__stream__name")
        .annotate(total=Sum("amount"))
    ):
        drawn[project_id].append((stream_id, stream_name, amount))
    for a in rows:
        sources = drawn.get(a.project_id or 0, [])
        whole = sum((amount for _, _, amount in sources), start=ZERO)
        for stream_id, name, amount in sources:
            if whole:
                streams.setdefault(stream_id, Figures(label=name)).add(
                    by_agreement[a.pk], amount / whole
                )
    return Report(
        title=title,
        total=total,
        agreements=list(by_agreement.values()),
        projects=sorted(projects.values(), key=lambda f: f.label),
        streams=sorted(streams.values(), key=lambda f: f.label),
        partnerships=sorted(partnerships.values(), key=lambda f: f.label),
        profile=_profile(ids),
    )


def _profile(ids: list[int]) -> list[dict[str, Any]]:
    """Spend against plan by financial quarter: the plan is the payments due, the spend what the
    returns made for periods ending in the quarter."""
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for due_on, amount in (
        Instalment.objects.filter(agreement_id__in=ids)
        .values_list("due_on")
        .annotate(total=Sum("amount"))
    ):
        planned[quarter_of(due_on)] += amount
    actual: dict[str, Decimal] = defaultdict(Decimal)
    for period_end, status, amount in (
        Return.objects.filter(agreement_id__in=ids)
        .values_list("period_end", "status")
        .annotate(total=Sum("spend__amount"))
        .order_by()
    ):
        if status in MADE_STATUSES and amount is not None:
            actual[quarter_of(period_end)] += amount
    return [
        {"quarter": q, "planned": planned.get(q, ZERO), "spent": actual.get(q, ZERO)}
        for q in sorted(set(planned) | set(actual))
    ]


def report_xlsx(made: Report) -> bytes:
    """The report as a workbook: one sheet for each grouping, and the profile."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    first = True
    heads = [
        "Name",
        "Amount (£)",
        "Spent (£)",
        "Administration (£)",
        "Administration share (%)",
        "Participants",
        "Outputs",
        "Cost per participant (£)",
        "Cost per output (£)",
    ]
    for name, rows in (
        ("Agreements", made.agreements),
        ("Projects", made.projects),
        ("Streams", made.streams),
        ("Partnerships", [*made.partnerships, made.total]),
    ):
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = name
        sheet.append(heads)
        for f in rows:
            sheet.append(
                [
                    f.label,
                    float(f.amount),
                    float(f.spent),
                    float(f.administration),
                    float(f.administration_share) if f.administration_share is not None else None,
                    f.participants,
                    f.outputs,
                    float(f.per_participant) if f.per_participant is not None else None,
                    float(f.per_output) if f.per_output is not None else None,
                ]
            )
    profile = book.create_sheet("Spend profile")
    profile.append(["Quarter", "Planned (£)", "Spent (£)"])
    for row in made.profile:
        profile.append([row["quarter"], float(row["planned"]), float(row["spent"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
