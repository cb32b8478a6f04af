"""Reads of indicators, scoped by `indicator_policy`, and what the pages show of them: the
status in words, the series beside its chart, the referral counts by source and outcome.

Two views of the same figures:

- **inside** the partnership (`indicator_view`): every figure, each resting on a count under 10
  said to be small;
- **outside** (`open_indicator`, the API's answer to anyone but the partnership's readers):
  every figure resting on a count under 10 withheld, by `lde.core.suppression` — the platform's
  one rule — including any total from which a withheld figure could be had by subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from lde.accounts.models import User
from lde.core.access.facts import AnyUser
from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS, Measure, suppress
from lde.indicators.models import (
    Indicator,
    Observation,
    Polarity,
    ReferralCount,
    ReferralOutcome,
    ReferralSource,
    Target,
    period_code,
    period_label,
)
from lde.indicators.policies import indicator_policy
from lde.partnerships.models import Partnership

ON_TRACK = "On track"
NOT_ON_TRACK = "Not on track"
NO_TARGET = "No target"
NOT_ENOUGH_DATA = "Not enough data"
WITHHELD = "withheld (under 10)"


def whole_area() -> Q:
    return Q(area_code="", area_name="")


def _series_prefetch() -> list[Prefetch[Any]]:
    return [
        Prefetch(
            "observations",
            queryset=Observation.objects.filter(whole_area()).order_by("period_start"),
            to_attr="whole_series",
        ),
        Prefetch(
            "targets", queryset=Target.objects.order_by("period_start"), to_attr="target_list"
        ),
    ]


def _whole_series(indicator: Indicator) -> list[Observation]:
    """The whole-area figures, oldest first: prefetched when the selector prefetched them. An
    empty prefetched list is an answer, not a reason to ask again (asking again cost a query
    per indicator without a figure)."""
    if hasattr(indicator, "whole_series"):
        return list(indicator.whole_series)
    return list(indicator.observations.filter(whole_area()).order_by("period_start"))


def _targets(indicator: Indicator) -> list[Target]:
    """The targets, earliest first: prefetched when the selector prefetched them (an empty
    prefetched list included: an indicator watched, not aimed at, has none)."""
    if hasattr(indicator, "target_list"):
        return list(indicator.target_list)
    return list(indicator.targets.order_by("period_start"))


def indicator_list(*, user: AnyUser, partnership: Partnership) -> QuerySet[Indicator]:
    """The partnership's indicators the user reads, each with its whole-area series and its
    targets: three queries whatever their number."""
    return (
        indicator_policy.visible_to(user, "view")
        .filter(partnership=partnership)
        .select_related("reported_by")
        .prefetch_related(*_series_prefetch())
        .order_by("title", "pk")
    )


def indicator_get(*, user: AnyUser, indicator_id: Any) -> Indicator:
    return indicator_policy.get_or_404(
        user,
        indicator_id,
        Indicator.objects.select_related("partnership", "reported_by").prefetch_related(
            *_series_prefetch()
        ),
    )


def partnerships_with_indicators(*, user: AnyUser) -> list[dict[str, Any]]:
    """For the home panel: each partnership whose indicators the user reads, with how many."""
    rows = (
        indicator_policy.visible_to(user, "view")
        .values("partnership_id", "partnership__name")
        .annotate(count=Count("pk"))
        .order_by("partnership__name")
    )
    return [
        {"partnership_id": r["partnership_id"], "name": r["partnership__name"], "count": r["count"]}
        for r in rows
    ]


@dataclass
class Status:
    words: str
    reason: str
    latest: Observation | None = None
    target: Target | None = None


def target_for(targets: Sequence[Target], period_start: Any) -> Target | None:
    """The target that holds for a period: the latest set for it or for an earlier period."""
    found = None
    for target in targets:
        if target.period_start <= period_start:
            found = target
    return found


def status_of(indicator: Indicator) -> Status:
    """The status in words, never colour alone: against the target that holds for the latest
    whole-area figure, in the direction the polarity says is better."""
    series: list[Observation] = _whole_series(indicator)
    targets: list[Target] = _targets(indicator)
    if not series:
        return Status(NOT_ENOUGH_DATA, "No figure for the whole area has been recorded yet.")
    latest = series[-1]
    period = period_label(latest.period_start, indicator.period_type)
    if indicator.polarity == Polarity.NEITHER or not targets:
        return Status(NO_TARGET, "No target is set.", latest)
    target = target_for(targets, latest.period_start)
    if target is None:
        return Status(NO_TARGET, f"No target holds for {period} yet.", latest)
    better = (
        latest.value >= target.value
        if indicator.polarity == Polarity.HIGHER_IS_BETTER
        else latest.value <= target.value
    )
    figure = f"{_number(latest.value)} against a target of {_number(target.value)} for {period}"
    return Status(ON_TRACK if better else NOT_ON_TRACK, figure.capitalize(), latest, target)


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    if "." not in text:
        return f"{int(number):,}"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}.{fraction}"


def _withheld(rests_on: dict[str, list[int]]) -> set[str]:
    """Keys whose figure is withheld outside the partnership, by the platform's rule. The
    partnership publishes its own figures, so the floor of five partnerships (for aggregates
    across partnerships) is met by construction; each figure still must rest on counts of at
    least 10."""
    if not rests_on:
        return set()
    groups = {
        key: {"partnerships": MIN_PARTNERSHIPS, **{f"c{i}": c for i, c in enumerate(counts)}}
        for key, counts in rests_on.items()
    }
    width = max(len(c) for c in rests_on.values())
    measure = Measure(
        "figure",
        value=lambda counts: 0,
        rests_on=lambda counts: [counts[f"c{i}"] for i in range(width) if f"c{i}" in counts],
    )
    table = suppress(groups, order=list(rests_on), measures=[measure])
    return {row.key for row in table.rows if row.figures["figure"] is None}


@dataclass
class SeriesRow:
    period: str
    code: str
    value: str
    numerator: str
    denominator: str
    target: str
    small: bool
    withheld: bool


def series_rows(
    indicator: Indicator, observations: Iterable[Observation], *, outside: bool
) -> list[SeriesRow]:
    targets: list[Target] = _targets(indicator)
    observations = list(observations)
    hidden = (
        _withheld({o.period_start.isoformat(): o.counts() for o in observations})
        if outside
        else set()
    )
    rows = []
    for o in observations:
        target = target_for(targets, o.period_start)
        withheld = o.period_start.isoformat() in hidden
        rows.append(
            SeriesRow(
                period=period_label(o.period_start, indicator.period_type),
                code=period_code(o.period_start, indicator.period_type),
                value=WITHHELD if withheld else _number(o.value),
                numerator="" if withheld or o.numerator is None else _number(o.numerator),
                denominator="" if withheld or o.denominator is None else _number(o.denominator),
                target=_number(target.value) if target else "",
                small=o.is_small and not outside,
                withheld=withheld,
            )
        )
    return rows


@dataclass
class Chart:
    """A line chart drawn on the server: points in the SVG's own coordinates."""

    width: int = 640
    height: int = 260
    points: str = ""
    target_points: str = ""
    dots: list[dict[str, Any]] = field(default_factory=list)
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    x_labels: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""


def chart_of(
    indicator: Indicator, observations: Sequence[Observation], rows: Sequence[SeriesRow]
) -> Chart | None:
    """The series as a line, with the target as a dashed step line, leaving out withheld
    figures (a point's height would give them away)."""
    shown = [(o, r) for o, r in zip(observations, rows, strict=True) if not r.withheld]
    if len(shown) < 2:
        return None
    targets: list[Target] = _targets(indicator)
    chart = Chart()
    left, right, top, bottom = 60, 20, 20, 40
    values = [float(o.value) for o, _ in shown]
    target_values = [
        float(t.value) for o, _ in shown if (t := target_for(targets, o.period_start)) is not None
    ]
    high = max([*values, *target_values, 0.0]) or 1.0
    high *= 1.1
    span_x = chart.width - left - right
    span_y = chart.height - top - bottom

    def x(i: int) -> float:
        return left + span_x * i / (len(shown) - 1)

    def y(v: float) -> float:
        return top + span_y * (1 - v / high)

    chart.points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    chart.dots = [
        {"x": f"{x(i):.1f}", "y": f"{y(v):.1f}", "label": f"{r.period}: {r.value}"}
        for i, (v, (_, r)) in enumerate(zip(values, shown, strict=True))
    ]
    target_line = []
    for i, (o, _) in enumerate(shown):
        t = target_for(targets, o.period_start)
        if t is not None:
            target_line.append(f"{x(i):.1f},{y(float(t.value)):.1f}")
    chart.target_points = " ".join(target_line)
    chart.y_ticks = [
        {"y": f"{y(high * k / 4):.1f}", "label": _number(Decimal(str(round(high * k / 4, 1))))}
        for k in range(5)
    ]
    step = max(1, len(shown) // 6)
    chart.x_labels = [
        {"x": f"{x(i):.1f}", "label": r.code}
        for i, (_, r) in enumerate(shown)
        if i % step == 0 or i == len(shown) - 1
    ]
    first, last = shown[0][1], shown[-1][1]
    chart.description = (
        f"{indicator.title} ({indicator.unit}) from {first.period} to {last.period}: "
        f"{first.value} at first and {last.value} most recently"
        + (", with the target drawn as a dashed line." if target_line else ".")
        + " The same figures are in the table below."
    )
    return chart


@dataclass
class ReferralTable:
    period: str
    outcomes: list[tuple[str, str]]
    rows: list[dict[str, Any]]  # source label, cells (text), total (text)
    total: str
    any_small: bool


def referral_table(
    indicator: Indicator, counts: Sequence[ReferralCount], *, outside: bool
) -> ReferralTable | None:
    """The latest period's counts by source (rows) and outcome (columns), with each source's
    total. Outside the partnership every cell under 10 is withheld, and a source's total with
    it (the cells would be had by subtraction), by the suppression helper."""
    if not counts:
        return None
    latest = max(c.period_start for c in counts)
    cells = {(c.source, c.outcome): c.count for c in counts if c.period_start == latest}
    sources = [s for s in ReferralSource if any(k[0] == s for k in cells)]
    outcomes = [o for o in ReferralOutcome if any(k[1] == o for k in cells)]
    groups = {
        s.value: {
            "partnerships": MIN_PARTNERSHIPS,
            **{o.value: cells.get((s, o), 0) for o in outcomes},
        }
        for s in sources
    }

    def one(outcome: str) -> Measure:
        return Measure(outcome, value=lambda c: c[outcome], rests_on=lambda c: [c[outcome]])

    measures = [one(o.value) for o in outcomes] + [
        Measure(
            "total",
            value=lambda c: sum(c[o.value] for o in outcomes),
            rests_on=lambda c: [c[o.value] for o in outcomes],
        )
    ]
    table = suppress(groups, order=[s.value for s in sources], measures=measures)
    shown = {row.key: row.figures for row in table.rows}
    whole = table.whole.figures if table.whole else {}
    rows = []
    any_small = False
    for s in sources:
        figures = shown.get(s.value, {})
        row_cells = []
        for o in outcomes:
            raw = cells.get((s, o), 0)
            any_small = any_small or raw < MIN_COUNT
            if outside:
                value = figures.get(o.value)
                row_cells.append(WITHHELD if value is None else _number(value))
            else:
                row_cells.append(_number(raw))
        raw_total = sum(cells.get((s, o), 0) for o in outcomes)
        total = figures.get("total") if outside else raw_total
        rows.append(
            {
                "source": s.label,
                "cells": row_cells,
                "total": WITHHELD if total is None else _number(total),
            }
        )
    grand = sum(cells.values())
    grand_shown = whole.get("total") if outside else grand
    return ReferralTable(
        period=period_label(latest, indicator.period_type),
        outcomes=[(o.value, o.label) for o in outcomes],
        rows=rows,
        total=WITHHELD if grand_shown is None else _number(grand_shown),
        any_small=any_small and not outside,
    )


def indicator_view(indicator: Indicator, *, outside: bool) -> dict[str, Any]:
    """Everything the indicator's page (inside or open) shows."""
    observations: list[Observation] = _whole_series(indicator)
    rows = series_rows(indicator, observations, outside=outside)
    areas = list(
        indicator.observations.exclude(whole_area()).order_by("-period_start", "area_name")[:200]
    )
    area_rows = series_rows(indicator, areas, outside=outside)
    baseline = indicator.baselines.order_by("-period_start").first()
    baseline_withheld = (
        baseline is not None and outside and bool(_withheld({"b": baseline.counts()}))
    )
    counts = list(indicator.referral_counts.all())
    return {
        "indicator": indicator,
        "status": status_of(indicator),
        "rows": rows,
        "chart": chart_of(indicator, observations, rows),
        "area_rows": [
            {"area": o.area_label, "row": r} for o, r in zip(areas, area_rows, strict=True)
        ],
        "baseline": baseline,
        "baseline_text": (
            WITHHELD
            if baseline_withheld
            else (_number(baseline.value) if baseline is not None else "")
        ),
        "baseline_period": (
            period_label(baseline.period_start, indicator.period_type) if baseline else ""
        ),
        "baseline_small": baseline is not None and baseline.is_small and not outside,
        "targets": [
            {
                "period": period_label(t.period_start, indicator.period_type),
                "value": _number(t.value),
            }
            for t in _targets(indicator)
        ],
        "referrals": referral_table(indicator, counts, outside=outside),
        "criteria": list(
            indicator.criteria.select_related("framework_version__framework").order_by(
                "framework_version__framework__identifier", "position"
            )
        ),
        "any_small": any(r.small for r in rows),
        "outside": outside,
    }


def open_indicator(*, indicator_id: Any) -> Indicator:
    """A published indicator, for anyone: its page withholds figures under 10."""
    try:
        return (
            Indicator.objects.select_related("partnership")
            .prefetch_related(*_series_prefetch())
            .get(pk=indicator_id, published=True)
        )
    except (Indicator.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def reads_inside(user: AnyUser, indicator: Indicator) -> bool:
    """Does this user read the indicator as one of the partnership's own (every figure shown)?
    Community reviewers read published indicators as the public does."""
    return indicator_policy.user_can(user, "view", indicator) and not (
        isinstance(user, User) and _community_only(user, indicator)
    )


def _community_only(user: User, indicator: Indicator) -> bool:
    from lde.core.access.facts import facts_for
    from lde.partnerships.reach import READER_ROLES, reached

    facts = facts_for(user)
    return indicator.partnership_id not in reached(facts, READER_ROLES, inspectors=True)


def published_list() -> QuerySet[Indicator]:
    return Indicator.objects.filter(published=True).select_related("partnership")


def attachable_criteria(indicator: Indicator) -> list[dict[str, Any]]:
    """Each criterion the indicator informs, with the draft assessment it would go to."""
    from lde.indicators.services import current_assessment

    out = []
    for criterion in indicator.criteria.select_related("framework_version__framework"):
        out.append({"criterion": criterion, "assessment": current_assessment(indicator, criterion)})
    return out
