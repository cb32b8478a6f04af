"""Writes on indicators: each checks the actor through `indicator_policy`, writes, and records
the audit event in the same transaction.

Free text (what it measures, its source and method, a ward's name) passes the personal-data
guard: an indicator describes areas and groups, never a person. Every figure is checked against
the indicator's measure: a count is a whole number of at least 0, a rate has its numerator and
denominator (the figure is worked out from them, never typed), so that every figure rests on
counts the small-number rule can read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from lde.accounts.models import Organisation, User
from lde.assessments import services as assessment_services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CriterionResponse,
    Evidence,
)
from lde.core import personal_data
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.refusals import Conflict
from lde.frameworks.models import Criterion
from lde.indicators.models import (
    GSS_PATTERN,
    Baseline,
    Indicator,
    MeasureType,
    Observation,
    PeriodType,
    Polarity,
    ReferralCount,
    ReferralOutcome,
    ReferralSource,
    Target,
    period_code,
    period_label,
    period_start_of,
    rate_value,
)
from lde.indicators.policies import indicator_policy
from lde.partnerships.models import Partnership

# The frameworks whose criteria an indicator informs (¶174, ¶175).
INFORMED_FRAMEWORKS = ("progress-measures", "desirable-characteristics")
MAX_VALUE = Decimal("99999999999.999")

DEFINITION_FIELDS = (
    "title",
    "measures",
    "unit",
    "kind",
    "polarity",
    "period_type",
    "measure_type",
    "rate_per",
    "source",
    "method",
    "small_number_rule",
)


def _audit(
    actor: User | None, verb: str, indicator: Indicator, target: Any = None, **detail: Any
) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=target if target is not None else indicator,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=indicator.partnership_id,
        detail={"indicator": indicator.pk, **detail},
    )


def guard(texts: Mapping[str, tuple[str, str]]) -> None:
    """The personal-data guard on free text, each finding named against its field."""
    errors = {}
    for field, (label, text) in texts.items():
        findings = personal_data.scan_text(text or "")
        if findings:
            kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
            errors[field] = (
                f"{label} must not hold a person's details: the guard found {kinds}. "
                "Describe areas, groups and organisations only"
            )
    if errors:
        raise ValidationError(errors)


def _criteria(criteria: Iterable[Criterion]) -> list[Criterion]:
    chosen = list(criteria)
    wrong = [
        c.identifier
        for c in chosen
        if c.framework_version.framework.identifier not in INFORMED_FRAMEWORKS
    ]
    if wrong:
        raise ValidationError(
            {
                "criteria": "Choose criteria of the progress measures or the desirable "
                f"characteristics only, not {', '.join(wrong)}"
            }
        )
    return chosen


def _check_definition(indicator: Indicator) -> None:
    guard(
        {
            "measures": ("What it measures", indicator.measures),
            "source": ("The source", indicator.source),
            "method": ("The method", indicator.method),
            "small_number_rule": ("The small-number rule", indicator.small_number_rule),
        }
    )
    if (
        indicator.reported_by_id is not None
        and not indicator.partnership.organisations.filter(pk=indicator.reported_by_id).exists()
    ):
        raise ValidationError(
            {"reported_by": "Choose one of the partnership's partner organisations"}
        )
    indicator.full_clean(exclude=["partnership", "created_by", "reported_by"])


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    partnership: Partnership,
    reported_by: Organisation | None = None,
    criteria: Iterable[Criterion] = (),
    **fields: Any,
) -> Indicator:
    indicator_policy.require_in(actor, "define", partnership.pk)
    unknown = set(fields) - set(DEFINITION_FIELDS)
    if unknown:
        raise TypeError(f"indicator_create has no field {sorted(unknown)}")
    indicator = Indicator(
        partnership=partnership, reported_by=reported_by, created_by=actor, **fields
    )
    _check_definition(indicator)
    if Indicator.objects.filter(partnership=partnership, title=indicator.title).exists():
        raise Conflict({"title": "The partnership already has an indicator with this title"})
    chosen = _criteria(criteria)
    indicator.save()
    indicator.criteria.set(chosen)
    _audit(actor, "INDICATOR_DEFINED", indicator, criteria=[c.pk for c in chosen])
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    reported_by: Organisation | None = None,
    criteria: Iterable[Criterion] = (),
    **fields: Any,
) -> Indicator:
    indicator_policy.require(actor, "define", indicator)
    unknown = set(fields) - set(DEFINITION_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update has no field {sorted(unknown)}")
    if (
        "measure_type" in fields
        and fields["measure_type"] != indicator.measure_type
        and (indicator.observations.exists() or indicator.baselines.exists())
    ):
        raise ValidationError(
            {"measure_type": "The measure cannot change once figures are recorded against it"}
        )
    if (
        "period_type" in fields
        and fields["period_type"] != indicator.period_type
        and (indicator.observations.exists() or indicator.targets.exists())
    ):
        raise ValidationError(
            {"period_type": "The period cannot change once figures are recorded against it"}
        )
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.reported_by = reported_by
    _check_definition(indicator)
    if (
        Indicator.objects.filter(partnership_id=indicator.partnership_id, title=indicator.title)
        .exclude(pk=indicator.pk)
        .exists()
    ):
        raise Conflict({"title": "The partnership already has an indicator with this title"})
    if indicator.polarity == Polarity.NEITHER and indicator.targets.exists():
        raise ValidationError(
            {"polarity": "An indicator with targets must say which way is better"}
        )
    chosen = _criteria(criteria)
    indicator.save()
    indicator.criteria.set(chosen)
    _audit(actor, "INDICATOR_CHANGED", indicator, fields=sorted(fields))
    return indicator


@transaction.atomic
def indicator_publish(*, actor: User, indicator: Indicator, published: bool) -> Indicator:
    """Publish the indicator on its open page (figures under 10 withheld there), or withdraw
    it."""
    indicator_policy.require(actor, "publish", indicator)
    if indicator.published == published:
        raise Conflict(
            {"published": "It is already published" if published else "It is not published"}
        )
    indicator.published = published
    indicator.save(update_fields=["published", "updated_at"])
    if published:
        _audit(actor, "INDICATOR_PUBLISHED", indicator)
    else:
        _audit(actor, "INDICATOR_WITHDRAWN", indicator)
    return indicator


def parse_period(text: str, period_type: str, field: str = "period") -> datetime.date:
    """A period as written in a form or a file: 2025-03 (month), 2025-Q1 (quarter), 2025
    (year), or any date inside the period (2025-02-14)."""
    raw = (text or "").strip().upper()
    examples = {
        PeriodType.MONTH: "2025-03",
        PeriodType.QUARTER: "2025-Q1",
        PeriodType.YEAR: "2025",
    }
    try:
        if len(raw) == 10:
            day = datetime.date.fromisoformat(raw)
        elif period_type == PeriodType.YEAR and len(raw) == 4 and raw.isdigit():
            day = datetime.date(int(raw), 1, 1)
        elif period_type == PeriodType.QUARTER and len(raw) == 7 and raw[4:6] == "-Q":
            quarter = int(raw[6])
            if not 1 <= quarter <= 4:
                raise ValueError
            day = datetime.date(int(raw[:4]), 3 * quarter - 2, 1)
        elif period_type == PeriodType.MONTH and len(raw) == 7 and raw[4] == "-":
            day = datetime.date(int(raw[:4]), int(raw[5:]), 1)
        else:
            raise ValueError
    except ValueError:
        raise ValidationError(
            {field: f"Enter the period like {examples[PeriodType(period_type)]}"}
        ) from None
    if not 1990 <= day.year <= 2100:
        raise ValidationError({field: "Enter a year from 1990 to 2100"})
    return period_start_of(day, period_type)


def _count(value: Any, field: str, label: str) -> int:
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: f"{label} must be a whole number, like 12"}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError({field: f"{label} must be a whole number, like 12"})
    if number < 0:
        raise ValidationError({field: f"{label} must be 0 or more"})
    if number > MAX_VALUE:
        raise ValidationError({field: f"{label} is too large"})
    return int(number)


def figure(
    indicator: Indicator, *, value: Any = None, numerator: Any = None, denominator: Any = None
) -> tuple[Decimal, int | None, int | None]:
    """The figure the indicator's measure takes: a count, or a rate from its parts."""
    if indicator.measure_type == MeasureType.RATE:
        top = _count(numerator, "numerator", "The numerator")
        bottom = _count(denominator, "denominator", "The denominator")
        if bottom == 0:
            raise ValidationError({"denominator": "The denominator must be more than 0"})
        if top > bottom and indicator.rate_per <= 100:
            raise ValidationError(
                {"numerator": "The numerator must not be more than the denominator"}
            )
        return rate_value(top, bottom, indicator.rate_per), top, bottom
    if numerator not in (None, "") or denominator not in (None, ""):
        raise ValidationError(
            {"numerator": "This indicator is a count: give the value, not a numerator"}
        )
    return Decimal(_count(value, "value", "The value")), None, None


def _target_value(value: Any) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"value": "The target must be a number, like 25 or 12.5"}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({"value": "The target must be a number of 0 or more"})
    if number > MAX_VALUE:
        raise ValidationError({"value": "The target is too large"})
    return number.quantize(Decimal("0.001"))


@transaction.atomic
def baseline_set(
    *,
    actor: User,
    indicator: Indicator,
    period: datetime.date,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
) -> Baseline:
    indicator_policy.require(actor, "define", indicator)
    start = period_start_of(period, indicator.period_type)
    number, top, bottom = figure(
        indicator, value=value, numerator=numerator, denominator=denominator
    )
    baseline, _ = Baseline.objects.update_or_create(
        indicator=indicator,
        period_start=start,
        defaults={"value": number, "numerator": top, "denominator": bottom},
    )
    _audit(
        actor,
        "INDICATOR_BASELINE_SET",
        indicator,
        target=baseline,
        period=period_code(start, indicator.period_type),
    )
    return baseline


@transaction.atomic
def target_set(*, actor: User, indicator: Indicator, period: datetime.date, value: Any) -> Target:
    """A target for a period. It holds until a later period's target replaces it."""
    indicator_policy.require(actor, "define", indicator)
    if indicator.polarity == Polarity.NEITHER:
        raise ValidationError(
            {"value": "This indicator is watched, not aimed at: say which way is better first"}
        )
    start = period_start_of(period, indicator.period_type)
    target, _ = Target.objects.update_or_create(
        indicator=indicator, period_start=start, defaults={"value": _target_value(value)}
    )
    _audit(
        actor,
        "INDICATOR_TARGET_SET",
        indicator,
        target=target,
        period=period_code(start, indicator.period_type),
    )
    return target


def area_check(area_code: str, area_name: str) -> tuple[str, str]:
    code = (area_code or "").strip().upper()
    name = " ".join((area_name or "").split())
    if code and not GSS_PATTERN.match(code):
        raise ValidationError({"area_code": "Enter a GSS code, like E05011115, or leave it empty"})
    if len(name) > 120:
        raise ValidationError({"area_name": "The area's name must be 120 characters or fewer"})
    guard({"area_name": ("The area's name", name)})
    return code, name


def _observation_write(
    *,
    actor: User,
    indicator: Indicator,
    start: datetime.date,
    area_code: str,
    area_name: str,
    number: Decimal,
    top: int | None,
    bottom: int | None,
) -> Observation:
    observation, _ = Observation.objects.update_or_create(
        indicator=indicator,
        period_start=start,
        area_code=area_code,
        area_name=area_name,
        defaults={
            "value": number,
            "numerator": top,
            "denominator": bottom,
            "recorded_by": actor,
        },
    )
    return observation


@transaction.atomic
def observation_record(
    *,
    actor: User,
    indicator: Indicator,
    period: datetime.date,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    area_code: str = "",
    area_name: str = "",
) -> Observation:
    """Record (or correct) the figure for a period and an area."""
    indicator_policy.require(actor, "record", indicator)
    start = period_start_of(period, indicator.period_type)
    code, name = area_check(area_code, area_name)
    number, top, bottom = figure(
        indicator, value=value, numerator=numerator, denominator=denominator
    )
    observation = _observation_write(
        actor=actor,
        indicator=indicator,
        start=start,
        area_code=code,
        area_name=name,
        number=number,
        top=top,
        bottom=bottom,
    )
    _audit(
        actor,
        "INDICATOR_OBSERVATION_RECORDED",
        indicator,
        target=observation,
        period=period_code(start, indicator.period_type),
    )
    return observation


@transaction.atomic
def referral_counts_record(
    *,
    actor: User,
    indicator: Indicator,
    period: datetime.date,
    counts: Mapping[tuple[str, str], Any],
) -> list[ReferralCount]:
    """A scheme's counts for one period, by source and outcome (¶149–153). The period's
    counts are replaced as a whole, so a corrected return leaves no stale cell behind."""
    indicator_policy.require(actor, "record", indicator)
    start = period_start_of(period, indicator.period_type)
    errors: dict[str, str] = {}
    cells: list[tuple[str, str, int]] = []
    for (source, outcome), raw in counts.items():
        field = f"{source}__{outcome}"
        if source not in ReferralSource.values or outcome not in ReferralOutcome.values:
            errors[field] = f"{source} and {outcome} are not a source and an outcome"
            continue
        if raw in (None, ""):
            continue
        try:
            cells.append((source, outcome, _count(raw, field, "The count")))
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    ReferralCount.objects.filter(indicator=indicator, period_start=start).delete()
    rows = ReferralCount.objects.bulk_create(
        ReferralCount(
            indicator=indicator,
            period_start=start,
            source=source,
            outcome=outcome,
            count=count,
            recorded_by=actor,
        )
        for source, outcome, count in cells
    )
    _audit(
        actor,
        "INDICATOR_REFERRAL_COUNTS_RECORDED",
        indicator,
        period=period_code(start, indicator.period_type),
        cells=len(rows),
    )
    return rows


def current_assessment(indicator: Indicator, criterion: Criterion) -> Assessment | None:
    """The partnership's current self-assessment of the criterion's framework: its latest draft,
    the one still taking evidence."""
    return (
        Assessment.objects.filter(
            partnership_id=indicator.partnership_id,
            kind=AssessmentKind.SELF,
            status=AssessmentStatus.DRAFT,
            framework_version__framework_id=criterion.framework_version.framework_id,
        )
        .order_by("-period_end", "-pk")
        .first()
    )


@transaction.atomic
def evidence_attach(
    *, actor: User, indicator: Indicator, criterion: Criterion, site_url: str
) -> Evidence:
    """Attach the indicator's latest whole-area figure as a link to its page, titled with the
    figure and its period, on the criterion (matched by identifier in the assessment's framework
    version) in the partnership's current assessment (¶177). The assessments app's own service
    writes the evidence, checks that the actor may rate the assessment and audits it."""
    indicator_policy.require(actor, "attach", indicator)
    if not indicator.criteria.filter(pk=criterion.pk).exists():
        raise ValidationError({"criterion": "The indicator does not inform this criterion"})
    assessment = current_assessment(indicator, criterion)
    if assessment is None:
        raise ValidationError(
            {
                "criterion": "The partnership has no draft self-assessment of "
                f"{criterion.framework_version.framework.title} to attach it to"
            }
        )
    response = CriterionResponse.objects.filter(
        assessment=assessment, criterion__identifier=criterion.identifier
    ).first()
    if response is None:
        raise ValidationError({"criterion": f"The assessment does not rate {criterion.identifier}"})
    latest = (
        indicator.observations.filter(area_code="", area_name="").order_by("-period_start").first()
    )
    if latest is None:
        raise ValidationError({"criterion": "The indicator has no figure for the whole area yet"})
    period = period_label(latest.period_start, indicator.period_type)
    number = f"{latest.value.normalize():f}"
    title = f"{indicator.title}: {number} {indicator.unit}, {period}"[:200]
    url = site_url.rstrip("/") + reverse(
        "indicators:indicator-detail", kwargs={"indicator_id": indicator.pk}
    )
    evidence = assessment_services.evidence_add_link(
        actor=actor,
        response=response,
        title=title,
        url=url,
        effective_on=latest.period_start,
    )
    _audit(
        actor,
        "INDICATOR_EVIDENCE_ATTACHED",
        indicator,
        target=evidence,
        assessment=assessment.pk,
        criterion=criterion.identifier,
        period=period_code(latest.period_start, indicator.period_type),
    )
    return evidence


def audit_import(actor: User, indicator: Indicator, *, rows: int, created: int) -> None:
    """The import's one audit event (lde.indicators.imports writes the rows)."""
    _audit(actor, "INDICATOR_OBSERVATIONS_IMPORTED", indicator, rows=rows, created=created)
