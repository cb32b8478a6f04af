"""Indicators: how a partnership knows whether its work is making a difference (¶164, ¶174–177).

An **indicator** is a partnership's definition of one measure: what it measures, its unit, which
way is better (polarity), the period it is counted over, where the figures come from and how
they are worked out, and the small-number rule it is published under. It is marked as an *input*
(what was done: sessions delivered) or an *outcome* (what changed: hate-crime reporting, ¶175),
because the report found input counts taken for evaluation (¶164). It informs criteria of the
`progress-measures` and `desirable-characteristics` frameworks (¶174–175), so that its latest
figure can be attached as evidence to the criterion in the partnership's assessment (¶177).

Every figure is a **count** or a **rate** (a numerator over a denominator), so that every figure
rests on counts and the platform's small-number rule (`lde.core.suppression`) can be applied to
it wherever it is shown outside the partnership. A baseline, targets by period and observations
by period and area (the partnership's whole area, a GSS-coded area or a ward named in words)
hold the figures.

**Referral-scheme figures** (¶149–153) are aggregate counts only: per scheme, period, source of
referral and outcome, a number. There is no row per person, and no field that could hold one
(tests/indicators/test_models.py checks the fields).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

GSS_PATTERN = re.compile(r"^[EWSN]\d{8}$")
GSS_CODE = RegexValidator(GSS_PATTERN, "Enter a GSS code, like E08000025")


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NEITHER = "neither", "Neither: it is watched, not aimed at"


class PeriodType(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class IndicatorKind(models.TextChoices):
    """¶164: counting what was done is not evaluating what it changed."""

    INPUT = "input", "Input: what was done"
    OUTCOME = "outcome", "Outcome: what changed"


class MeasureType(models.TextChoices):
    COUNT = "count", "A count"
    RATE = "rate", "A rate: a numerator over a denominator"


DEFAULT_SMALL_NUMBER_RULE = (
    "Figures resting on a count under 10 are shown inside the partnership with a note, and "
    "withheld wherever they are shown outside it."
)


def period_start_of(day: datetime.date, period_type: str) -> datetime.date:
    """The first day of the period holding `day`: periods are calendar months, quarters and
    years, so that one date names one period."""
    if period_type == PeriodType.MONTH:
        return day.replace(day=1)
    if period_type == PeriodType.QUARTER:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return datetime.date(day.year, 1, 1)


def period_label(start: datetime.date, period_type: str) -> str:
    """A period in words: "March 2025", "Q1 2025 (January to March)", "2025"."""
    if period_type == PeriodType.MONTH:
        return f"{start:%B %Y}"
    if period_type == PeriodType.QUARTER:
        end = datetime.date(start.year, start.month + 2, 1)
        return f"Q{(start.month - 1) // 3 + 1} {start.year} ({start:%B} to {end:%B})"
    return str(start.year)


def period_code(start: datetime.date, period_type: str) -> str:
    """A period as a file writes it: 2025-03, 2025-Q1, 2025."""
    if period_type == PeriodType.MONTH:
        return f"{start:%Y-%m}"
    if period_type == PeriodType.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


class Indicator(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="indicators"
    )
    title = models.CharField(max_length=limits.TITLE)
    measures = limited_text(limits.SHORT_TEXT, help_text="What it measures, in a sentence or two.")
    unit = models.CharField(
        max_length=limits.REFERENCE, help_text="What one is: “reports”, “sessions”, “%”."
    )
    kind = models.CharField(max_length=8, choices=IndicatorKind.choices)
    polarity = models.CharField(max_length=8, choices=Polarity.choices)
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    measure_type = models.CharField(
        max_length=6, choices=MeasureType.choices, default=MeasureType.COUNT
    )
    rate_per = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1)],
        help_text="A rate's figure is numerator ÷ denominator × this: 100 for a percentage.",
    )
    source = limited_text(limits.SHORT_TEXT, help_text="Where the figures come from.")
    method = limited_text(limits.TEXT, help_text="How each figure is worked out.")
    small_number_rule = limited_text(limits.SHORT_TEXT, default=DEFAULT_SMALL_NUMBER_RULE)
    reported_by = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner organisation that reports the figures: its contributors record "
        "them (permissions.md: contributors write their own project data).",
    )
    criteria = models.ManyToManyField(
        "frameworks.Criterion",
        blank=True,
        related_name="+",
        help_text="Criteria of progress-measures or desirable-characteristics it informs.",
    )
    published = models.BooleanField(
        default=False,
        help_text="Published indicators are open to anyone, with figures under 10 withheld.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["partnership", "title"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="indicator_title_unique_in_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_rate(self) -> bool:
        return self.measure_type == MeasureType.RATE


class _Figure(models.Model):
    """A figure for a period: a count, or a rate with its numerator and denominator."""

    period_start = models.DateField(help_text="The first day of the period.")
    value = models.DecimalField(max_digits=14, decimal_places=3)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    def counts(self) -> list[int]:
        """The counts the figure rests on, for the small-number rule."""
        if self.numerator is not None and self.denominator is not None:
            return [self.numerator, self.denominator]
        return [int(self.value)]

    @property
    def is_small(self) -> bool:
        from lde.core.suppression import MIN_COUNT

        return any(count < MIN_COUNT for count in self.counts())


RATE_WHOLE = Q(numerator__isnull=True, denominator__isnull=True) | Q(
    numerator__isnull=False, denominator__gt=0
)


class Baseline(_Figure):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="baselines")

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="baseline_one_per_period"
            ),
            models.CheckConstraint(condition=RATE_WHOLE, name="baseline_rate_whole"),
        ]

    def __str__(self) -> str:
        return f"Baseline {self.period_start}: {self.value}"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(help_text="The first day of the period.")
    value = models.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="target_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Target {self.period_start}: {self.value}"


class Observation(_Figure):
    """A figure for a period and an area: the partnership's whole area (both area fields
    empty), an area by its GSS code, or a ward named in words."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    area_code = models.CharField(max_length=9, blank=True, validators=[GSS_CODE])
    area_name = models.CharField(
        max_length=limits.REFERENCE, blank=True, help_text="A ward or a neighbourhood in words."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "area_code", "area_name", "pk"]
        indexes = [models.Index(fields=["indicator", "period_start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "area_code", "area_name"],
                name="observation_one_per_period_and_area",
            ),
            models.CheckConstraint(condition=RATE_WHOLE, name="observation_rate_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start} {self.area_label}: {self.value}"

    @property
    def is_whole_area(self) -> bool:
        return not self.area_code and not self.area_name

    @property
    def area_label(self) -> str:
        if self.is_whole_area:
            return "Whole partnership area"
        if self.area_code and self.area_name:
            return f"{self.area_name} ({self.area_code})"
        return self.area_name or self.area_code


class ReferralSource(models.TextChoices):
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COMMUNITY = "community", "Community or faith organisation"
    PROBATION = "probation", "Probation or prisons"
    OTHER = "other", "Other"


class ReferralOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER_SERVICES = "other_services", "Signposted to other services"
    SUPPORT_OFFERED = "support_offered", "Support offered"
    SUPPORT_ACCEPTED = "support_accepted", "Support accepted"
    SUPPORT_DECLINED = "support_declined", "Support declined"


class ReferralCount(models.Model):
    """How many referrals a scheme received in a period from one source with one outcome
    (¶149–153): a number, never a person. Nothing here can hold a name, an age, an address or
    a case reference."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="referral_counts",
        help_text="The indicator counting the scheme's referrals (“Channel referrals”, say): "
        "the counts are read, and published, with it.",
    )
    period_start = models.DateField(help_text="The first day of the period.")
    source = models.CharField(max_length=16, choices=ReferralSource.choices)
    outcome = models.CharField(max_length=18, choices=ReferralOutcome.choices)
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period_start", "source", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "source", "outcome"],
                name="referral_count_one_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start} {self.source} {self.outcome}: {self.count}"


def rate_value(numerator: int, denominator: int, per: int) -> Decimal:
    return (Decimal(numerator) * per / Decimal(denominator)).quantize(Decimal("0.001"))
