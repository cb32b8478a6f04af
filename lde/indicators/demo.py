"""The indicators demo: Harrowfield's indicators, in every state the capability has.

- **Hate crimes reported** (an outcome indicator, ¶175): higher is better — more reporting is
  read as more confidence to report — with a baseline, a target, eight quarters of figures (the
  latest on track), two wards' figures for the latest quarter (one under 10), published, and
  informing the progress measure "community capacity and resilience". Its latest figure is
  attached as evidence to that criterion in a draft self-assessment against the progress
  measures that the demo starts for the purpose.
- **Prevent awareness sessions delivered** (an input indicator, ¶164): eight quarters, a target
  it is not meeting, reported by the youth trust (whose contributor may record it), not
  published.
- **Channel referrals received** (¶149–153): counts by source and outcome only for four
  quarters, with one count under 10 in the latest — shown inside the partnership with a note,
  withheld on the open page; published; informing "intervention effectiveness".
- **Confidence to report, survey** (a rate): no target (watched, not aimed at).
- **Youth forum attendance**: defined, with no figure yet (not enough data).

Everything is written through the audited services by the partnership's coordinator. Running it
again finds the indicators it made (by title) and makes no duplicates. Every figure is invented.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from lde.accounts.models import Organisation, User
from lde.assessments import services as assessment_services
from lde.assessments.models import Assessment, AssessmentKind
from lde.core.access.facts import today
from lde.frameworks.models import Criterion, FrameworkVersion
from lde.indicators import services
from lde.indicators.models import Indicator, period_start_of
from lde.partnerships.models import Partnership

DOMAIN = "demo.invalid"
PARTNERSHIP = "Harrowfield Prevent Partnership"
HATE_CRIME = "Hate crimes reported"
SESSIONS = "Prevent awareness sessions delivered"
CHANNEL = "Channel referrals received"
CONFIDENCE = "Confidence to report, residents' survey"
FORUM = "Youth forum attendance"

HATE_CRIME_SERIES = [41, 38, 45, 47, 52, 49, 56, 61]
SESSION_SERIES = [6, 9, 11, 8, 12, 10, 9, 11]
# The latest quarter's referrals by source and outcome: one count (education, no further
# action) is under 10, so it is withheld outside the partnership.
CHANNEL_LATEST = {
    ("police", "no_further_action"): 14,
    ("police", "support_offered"): 12,
    ("education", "no_further_action"): 7,
    ("education", "support_offered"): 11,
    ("local_authority", "no_further_action"): 10,
    ("local_authority", "support_offered"): 13,
}


def _quarters(count: int) -> list[date]:
    """The last `count` whole quarters before today's, oldest first."""
    start = period_start_of(today(), "quarter")
    out = []
    for _ in range(count):
        month = start.month - 3
        start = date(start.year - (month < 1), (month - 1) % 12 + 1, 1)
        out.append(start)
    return list(reversed(out))


def _criterion(framework: str, identifier: str) -> Criterion | None:
    return (
        Criterion.objects.filter(
            framework_version__framework__identifier=framework, identifier=identifier
        )
        .order_by("-framework_version__pk")
        .first()
    )


def _define(
    coordinator: User, partnership: Partnership, title: str, **fields: Any
) -> tuple[Indicator, bool]:
    found = Indicator.objects.filter(partnership=partnership, title=title).first()
    if found is not None:
        return found, False
    return services.indicator_create(
        actor=coordinator, partnership=partnership, title=title, **fields
    ), True


@transaction.atomic
def demo_build() -> None:
    partnership = Partnership.objects.filter(name=PARTNERSHIP).first()
    coordinator = User.objects.filter(email=f"coordinator@harrowfield.{DOMAIN}").first()
    if partnership is None or coordinator is None:
        return
    quarters = _quarters(8)
    communities = _criterion("progress-measures", "community-capacity-and-resilience")
    interventions = _criterion("progress-measures", "intervention-effectiveness")
    youth_trust = Organisation.objects.filter(name="Harrowfield Youth Trust").first()

    hate, new = _define(
        coordinator,
        partnership,
        HATE_CRIME,
        measures="Hate crimes and incidents reported to the police and to third-party reporting "
        "centres in the partnership's area, each quarter.",
        unit="reports",
        kind="outcome",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="Harrowfield Police crime recording system, and the two third-party reporting "
        "centres' returns.",
        method="Count of hate crimes and incidents recorded in the quarter, all strands. More "
        "reporting is read as more confidence to report (¶175), alongside the survey.",
        criteria=[c for c in (communities,) if c is not None],
    )
    if new:
        services.baseline_set(actor=coordinator, indicator=hate, period=quarters[0], value=40)
        services.target_set(actor=coordinator, indicator=hate, period=quarters[0], value=45)
        services.target_set(actor=coordinator, indicator=hate, period=quarters[4], value=55)
        for quarter, value in zip(quarters, HATE_CRIME_SERIES, strict=True):
            services.observation_record(
                actor=coordinator, indicator=hate, period=quarter, value=value
            )
        services.observation_record(
            actor=coordinator,
            indicator=hate,
            period=quarters[-1],
            value=34,
            area_code="E05011115",
            area_name="Northgate ward",
        )
        services.observation_record(
            actor=coordinator,
            indicator=hate,
            period=quarters[-1],
            value=6,
            area_name="Riverside ward",
        )
        services.indicator_publish(actor=coordinator, indicator=hate, published=True)
        if communities is not None:
            _attach(coordinator, partnership, hate, communities)

    sessions, new = _define(
        coordinator,
        partnership,
        SESSIONS,
        measures="Prevent awareness sessions delivered to frontline staff and community groups.",
        unit="sessions",
        kind="input",
        polarity="higher",
        period_type="quarter",
        measure_type="count",
        source="The youth trust's delivery log.",
        method="Sessions held in the quarter, whatever their size. An input: it says what was "
        "done, not what changed (¶164).",
        reported_by=youth_trust,
    )
    if new:
        services.target_set(actor=coordinator, indicator=sessions, period=quarters[0], value=12)
        for quarter, value in zip(quarters, SESSION_SERIES, strict=True):
            services.observation_record(
                actor=coordinator, indicator=sessions, period=quarter, value=value
            )

    channel, new = _define(
        coordinator,
        partnership,
        CHANNEL,
        measures="Referrals to the Channel panel, by the source that referred and the outcome.",
        unit="referrals",
        kind="input",
        polarity="neither",
        period_type="quarter",
        measure_type="count",
        source="The Channel panel's quarterly return: aggregate counts only, never a case.",
        method="Referrals received in the quarter, counted by source and by outcome (¶149–153).",
        criteria=[c for c in (interventions,) if c is not None],
    )
    if new:
        for i, quarter in enumerate(quarters[-4:]):
            counts = (
                CHANNEL_LATEST
                if i == 3
                else {key: value + 2 * i + 3 for key, value in CHANNEL_LATEST.items()}
            )
            services.referral_counts_record(
                actor=coordinator, indicator=channel, period=quarter, counts=counts
            )
            services.observation_record(
                actor=coordinator, indicator=channel, period=quarter, value=sum(counts.values())
            )
        services.indicator_publish(actor=coordinator, indicator=channel, published=True)

    confidence, new = _define(
        coordinator,
        partnership,
        CONFIDENCE,
        measures="Residents who agree they would feel confident reporting a hate crime.",
        unit="%",
        kind="outcome",
        polarity="neither",
        period_type="year",
        measure_type="rate",
        rate_per=100,
        source="The partnership's annual residents' survey.",
        method="Respondents agreeing over all respondents answering the question, unweighted.",
    )
    if new:
        for year, (top, bottom) in zip((2024, 2025), ((412, 780), (455, 802)), strict=True):
            services.observation_record(
                actor=coordinator,
                indicator=confidence,
                period=date(year, 1, 1),
                numerator=top,
                denominator=bottom,
            )

    _define(
        coordinator,
        partnership,
        FORUM,
        measures="Young people attending the youth forum's meetings.",
        unit="attendances",
        kind="input",
        polarity="higher",
        period_type="month",
        measure_type="count",
        source="The forum's sign-in sheets, counted only (no names are taken from them).",
        method="Attendances in the month.",
    )


def _attach(
    coordinator: User, partnership: Partnership, indicator: Indicator, criterion: Criterion
) -> None:
    """Start a draft self-assessment against the progress measures, if the partnership has
    none, and attach the indicator's latest figure to the criterion there (¶177)."""
    if services.current_assessment(indicator, criterion) is None:
        version: FrameworkVersion = criterion.framework_version
        if Assessment.objects.filter(
            partnership=partnership, kind=AssessmentKind.SELF, framework_version=version
        ).exists():
            return
        day = today()
        assessment_services.assessment_start(
            actor=coordinator,
            partnership=partnership,
            kind=AssessmentKind.SELF,
            framework_version=version,
            title=f"Progress measures {day.year}",
            period_start=date(day.year, 1, 1),
            period_end=date(day.year, 12, 31),
        )
    services.evidence_attach(
        actor=coordinator,
        indicator=indicator,
        criterion=criterion,
        site_url=settings.LDE_SITE_URL,
    )
