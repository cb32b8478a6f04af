"""`lde bench indicators`: the indicator pages at national scale, inside and outside.

On top of the national data, `extend` gives every partnership `--indicators` indicators
(default 12), each with a baseline, a target every four periods (none for an indicator watched,
not aimed at), `--periods` quarters of whole-area figures (default 20: five years) and
`--areas` areas' figures for each quarter (default 2); one indicator of each partnership counts
a referral scheme's referrals by source and outcome for its latest four quarters, and every
indicator informs two criteria of the progress measures (¶174), the framework loaded as
shipped. Half of them are published. Figures run from 0 to 60, so that some rest on a count
under 10 and are withheld outside the partnership. It writes straight to the tables, as the
national data does: synthetic and unaudited by design.

A sample of coordinators (`--sample`, one per partnership, signed in as `lde bench pages` signs
them in) opens, for their own partnership:

- `indicator_list`: /indicators/partnership/<id>/, every indicator with its status in words;
- `indicator_detail`: /indicators/<id>/, the referral-scheme indicator (the fullest page: the
  chart and its table, the areas' figures, the referral counts by source and outcome);
- `import_page`: /indicators/<id>/figures/import/, the form to import figures;

and someone not signed in opens the open pages, which withhold figures under 10 by the
suppression helper:

- `open_list`: /indicators/open/, every published indicator (the first 500);
- `open_detail`: /indicators/open/<id>/, the partnership's published referral-scheme indicator.

Each page is opened `--warmup` times per client, then `--requests` requests go round the
clients, each timed from the client's call to the finished response; queries are counted in a
separate pass, one request per client. The target is a 95th percentile within 150 ms for every
page (issue 16).
"""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.test import Client
from django.urls import reverse

from benchmarks.console import Console
from benchmarks.coordinator_pages import coordinator_clients, counts, measure_pages
from benchmarks.harness import Benchmark, add_page_timing_arguments
from benchmarks.national import NationalWorld
from lde.frameworks.models import Criterion
from lde.frameworks.services import framework_load_file
from lde.indicators.models import (
    Baseline,
    Indicator,
    IndicatorKind,
    MeasureType,
    Observation,
    PeriodType,
    Polarity,
    ReferralCount,
    ReferralOutcome,
    ReferralSource,
    Target,
    period_start_of,
    rate_value,
)

NAME = "indicators"
TARGET_P95_MS = 150
FRAMEWORK_FILE = (
    Path(__file__).resolve().parent.parent / "lde/frameworks/data/progress-measures-1.0.yaml"
)
POLARITIES = (Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEITHER)
REFERRAL_PERIODS = 4
CRITERIA_PER_INDICATOR = 2


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--indicators", type=int, default=12, help="Indicators per partnership (default 12)."
    )
    parser.add_argument(
        "--periods", type=int, default=20, help="Quarters of figures per indicator (default 20)."
    )
    parser.add_argument(
        "--areas", type=int, default=2, help="Areas with figures each quarter (default 2)."
    )
    add_page_timing_arguments(parser)


@dataclass
class IndicatorWorld:
    indicators: int = 0
    observations: int = 0
    targets: int = 0
    baselines: int = 0
    referral_counts: int = 0
    criteria_links: int = 0
    # partnership -> its referral-scheme indicator (published), the fullest page
    fullest: dict[int, int] = field(default_factory=dict)


def quarters_back(day: date, periods: int) -> list[date]:
    """The first days of the `periods` quarters up to the one holding `day`, oldest first."""
    start = period_start_of(day, PeriodType.QUARTER)
    found = []
    year, month = start.year, start.month
    for _ in range(periods):
        found.append(date(year, month, 1))
        month -= 3
        if month < 1:
            month += 12
            year -= 1
    return found[::-1]


def progress_measure_criteria() -> list[int]:
    """The progress measures' criteria (¶174), the framework loaded as shipped if it is not
    there yet."""
    found = list(
        Criterion.objects.filter(framework_version__framework__identifier="progress-measures")
        .order_by("framework_version_id", "position")
        .values_list("pk", flat=True)
    )
    if not found:
        framework_load_file(actor=None, path=FRAMEWORK_FILE)
        return progress_measure_criteria()
    return found


F = TypeVar("F", Baseline, Observation)


def _figure(model: type[F], indicator: Indicator, rng: random.Random, **fields: Any) -> F:
    """A count from 0 to 60, or a rate of a numerator over a denominator from 5 to 400: some
    rest on counts under 10."""
    if indicator.measure_type == MeasureType.RATE:
        denominator = rng.randint(5, 400)
        numerator = rng.randint(0, denominator)
        return model(
            **fields,
            indicator=indicator,
            numerator=numerator,
            denominator=denominator,
            value=rate_value(numerator, denominator, indicator.rate_per),
        )
    return model(**fields, indicator=indicator, value=Decimal(rng.randint(0, 60)))


def write_indicators(
    made: IndicatorWorld,
    *,
    partnership_id: int,
    reported_by: int | None,
    indicators: int,
    periods: int,
    areas: int,
    criteria: list[int],
    day: date,
    rng: random.Random,
) -> list[Indicator]:
    """One partnership's indicators and their figures, written straight to the tables. The
    first indicator is the referral scheme's, published, with the areas' figures and the
    criteria like the rest; every other one is published when its number is even."""
    quarters = quarters_back(day, periods)
    written = Indicator.objects.bulk_create(
        Indicator(
            partnership_id=partnership_id,
            title="Referrals to the scheme" if n == 0 else f"Indicator {n:02d}",
            measures="A synthetic measure.",
            unit="referrals" if n == 0 else ("%" if n % 4 == 3 else "reports"),
            kind=IndicatorKind.OUTCOME if n % 2 == 0 else IndicatorKind.INPUT,
            polarity=POLARITIES[n % len(POLARITIES)],
            period_type=PeriodType.QUARTER,
            measure_type=MeasureType.RATE if n % 4 == 3 else MeasureType.COUNT,
            source="Synthetic",
            method="Synthetic",
            reported_by_id=reported_by,
            published=n % 2 == 0,
        )
        for n in range(indicators)
    )
    observations: list[Observation] = []
    targets: list[Target] = []
    baselines: list[Baseline] = []
    links = []
    through = Indicator.criteria.through
    for indicator in written:
        baselines.append(_figure(Baseline, indicator, rng, period_start=quarters[0]))
        for q, quarter in enumerate(quarters):
            observations.append(_figure(Observation, indicator, rng, period_start=quarter))
            for a in range(areas):
                observations.append(
                    _figure(
                        Observation,
                        indicator,
                        rng,
                        period_start=quarter,
                        area_name=f"Ward {a + 1}",
                    )
                )
            if indicator.polarity != Polarity.NEITHER and q % 4 == 0:
                targets.append(Target(indicator=indicator, period_start=quarter, value=Decimal(30)))
        for c in range(min(CRITERIA_PER_INDICATOR, len(criteria))):
            links.append(
                through(
                    indicator_id=indicator.pk,
                    criterion_id=criteria[(indicator.pk + c) % len(criteria)],
                )
            )
    Baseline.objects.bulk_create(baselines)
    Observation.objects.bulk_create(observations, batch_size=2000)
    Target.objects.bulk_create(targets)
    through.objects.bulk_create(links)
    referrals = [
        ReferralCount(
            indicator=written[0],
            period_start=quarter,
            source=source,
            outcome=outcome,
            count=rng.randint(0, 40),
        )
        for quarter in quarters[-REFERRAL_PERIODS:]
        for source in ReferralSource
        for outcome in ReferralOutcome
    ]
    ReferralCount.objects.bulk_create(referrals)
    made.indicators += len(written)
    made.observations += len(observations)
    made.targets += len(targets)
    made.baselines += len(baselines)
    made.referral_counts += len(referrals)
    made.criteria_links += len(links)
    made.fullest[partnership_id] = written[0].pk
    return written


def extend(
    world: NationalWorld, options: Mapping[str, Any], progress: Callable[[str, float], None]
) -> None:
    started = time.perf_counter()
    rng = random.Random(world.seed * 7919 + 16)
    made = IndicatorWorld()
    criteria = progress_measure_criteria()
    partnerships = world.partnership_ids
    for partnership_id in partnerships:
        write_indicators(
            made,
            partnership_id=partnership_id,
            reported_by=world.council_of.get(partnership_id),
            indicators=max(1, int(options["indicators"])),
            periods=max(1, int(options["periods"])),
            areas=max(0, int(options["areas"])),
            criteria=criteria,
            day=world.day,
            rng=rng,
        )
    world.counts["indicators.Indicator"] = made.indicators
    world.counts["indicators.Observation"] = made.observations
    world.counts["indicators.Target"] = made.targets
    world.counts["indicators.Baseline"] = made.baselines
    world.counts["indicators.ReferralCount"] = made.referral_counts
    world.counts["indicators.Indicator_criteria"] = made.criteria_links
    world.extensions[NAME] = made
    progress("indicators", time.perf_counter() - started)


def pages(made: IndicatorWorld) -> tuple[dict[str, Callable[[int], str]], dict[str, Any]]:
    """The pages a coordinator opens, and those anyone opens, as functions of a partnership."""
    inside: dict[str, Callable[[int], str]] = {
        "indicator_list": lambda p: reverse("indicators:indicator-list", args=[p]),
        "indicator_detail": lambda p: reverse(
            "indicators:indicator-detail", args=[made.fullest[p]]
        ),
        "import_page": lambda p: reverse("indicators:observations-import", args=[made.fullest[p]]),
    }
    outside: dict[str, Callable[[int], str]] = {
        "open_list": lambda p: reverse("indicators:open-list"),
        "open_detail": lambda p: reverse("indicators:open-detail", args=[made.fullest[p]]),
    }
    return inside, outside


def measure(world: NationalWorld, options: Mapping[str, Any], console: Console) -> dict[str, Any]:
    requests, warmup, sample = counts(options)
    made: IndicatorWorld = world.extensions[NAME]
    clients = coordinator_clients(world, sample)
    anonymous = [(p, Client()) for p, _ in clients]
    inside, outside = pages(made)
    console.line(
        f"Measuring {len(inside)} pages as {len(clients)} coordinators and {len(outside)} open "
        f"pages, over {made.indicators} indicators and {made.observations} figures, "
        f"{requests} requests each after {warmup} warm-up request(s) per client:"
    )
    results = measure_pages(
        inside,
        clients,
        requests=requests,
        warmup=warmup,
        console=console,
        target_p95_ms=TARGET_P95_MS,
    )
    results.update(
        measure_pages(
            outside,
            anonymous,
            requests=requests,
            warmup=warmup,
            console=console,
            target_p95_ms=TARGET_P95_MS,
        )
    )
    return {
        "settings": {
            "indicators_per_partnership": int(options["indicators"]),
            "periods": int(options["periods"]),
            "areas": int(options["areas"]),
            "requests": requests,
            "sample": len(clients),
            "warmup_per_client": warmup,
        },
        "indicator_data": {k: v for k, v in made.__dict__.items() if k != "fullest"},
        "targets": {"pages": "every page", "p95_ms": TARGET_P95_MS},
        "clients": {
            "indicator_list, indicator_detail, import_page": "coordinators, second factor passed",
            "open_list, open_detail": "not signed in",
        },
        "pages": results,
        "all_within_target": all(page["within_target"] for page in results.values()),
    }


BENCHMARK = Benchmark(
    name=NAME,
    help="The indicator pages, inside the partnership and open, at national scale with 12 "
    "indicators of 20 quarters for every partnership.",
    add_arguments=add_arguments,
    measure=measure,
    extend=extend,
)
