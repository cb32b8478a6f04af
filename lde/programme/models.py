"""A partnership's Prevent programme and the money behind it (¶43–57, ¶104).

Funding streams come from an organisation (the Home Office's area-based grant, a police force, a
youth justice board …) and are allocated to the partnership's budget by financial year, so that
three years of allocations are the medium-term financial plan the report asks for (¶57). Alliances
pool money in a pot of their own, to which each member partnership contributes (¶55, ¶104).
Projects and their activities are what the money buys: each names the strand of the Prevent
Strategy it serves (¶15–16), the tier of intervention (Figure 1, ¶35–36), the forms of extremism it
addresses (¶17, ¶146), the gap or narrative priority it answers (¶53, ¶57) and, when funded, how
it ends or carries on without the money (¶45, ¶52).

Nothing here is about a member of the public: audiences are groups ("young people at two
secondary schools"), never people, and free text is checked by the personal-data guard.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

# Pounds and pence, up to a thousand million pounds: more than any Prevent budget.
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
FIRST_YEAR = 2000
LAST_YEAR = 2100
PLAN_YEARS = 3  # the medium-term financial plan looks three years ahead (¶57)


def financial_year_label(year: int) -> str:
    """The financial year that starts in April of `year`, as the public sector writes it:
    2026 -> "2026–27"."""
    return f"{year}–{(year + 1) % 100:02d}"


class StreamKind(models.TextChoices):
    AREA_BASED_GRANT = "area_based_grant", "Area-based grant"
    PREVENT_FUND = "prevent_fund", "Prevent fund"
    POLICE = "police", "Police"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    OTHER = "other", "Other"


class Strand(models.TextChoices):
    """The five strands of the Prevent Strategy (¶15) and its two cross-cutting work streams
    (¶16), in the report's words."""

    CHALLENGING = (
        "challenging",
        "Challenging the violent extremist ideology and supporting mainstream voices",
    )
    DISRUPTING = (
        "disrupting",
        "Disrupting those who promote violent extremism and supporting the institutions where "
        "they are active",
    )
    SUPPORTING = (
        "supporting",
        "Supporting individuals who are being targeted and recruited to the cause of violent "
        "extremism",
    )
    RESILIENCE = "resilience", "Increasing the resilience of communities to violent extremism"
    GRIEVANCES = "grievances", "Addressing the grievances that ideologies are exploiting"
    UNDERSTANDING = "understanding", "Developing understanding, analysis and information"
    COMMUNICATIONS = "communications", "Strategic communications"


CROSS_CUTTING = frozenset({Strand.UNDERSTANDING, Strand.COMMUNICATIONS})


class Tier(models.IntegerChoices):
    """The tiers of intervention of ACPO's delivery framework (Figure 1, ¶35–36). A partnership
    may call them by its own names (TierLabel); these are the defaults."""

    UNIVERSAL = 1, "Tier 1: universal – mainstream services, access and inclusion for all"
    LOWER_VULNERABILITY = 2, "Tier 2: those at the lower end of vulnerability"
    TARGETED = 3, "Tier 3: targeted support for people at risk of, or moving towards, extremism"
    ENFORCEMENT = 4, "Tier 4: those promoting or engaged in violent extremism"


class ExtremismForm(models.TextChoices):
    """The forms of extremism a project addresses. The report asks for all of them to be
    addressed (¶17) and names Al-Qaida-influenced and right-wing extremism among them (¶146).
    The narrative has no list of its own (its section is free text), so the list lives here."""

    ALL_FORMS = "all_forms", "All forms of violent extremism"
    AL_QAIDA_INFLUENCED = "al_qaida_influenced", "Al-Qaida-influenced violent extremism"
    EXTREME_RIGHT_WING = "extreme_right_wing", "Extreme right-wing"
    OTHER = "other", "Other forms"


class FundingStream(BaseModel):
    """Money from one source for a period: the partnership that records it holds it."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="funding_streams"
    )
    name = models.CharField(max_length=limits.TITLE)
    source = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the money comes from.",
    )
    kind = models.CharField(max_length=24, choices=StreamKind.choices)
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]
    starts_on = models.DateField()
    ends_on = models.DateField()
    ring_fenced = models.BooleanField(
        default=False,
        help_text="Ring-fenced money may be spent only on Prevent; the report prefers it in the "
        "mainstream budget (¶57).",
    )

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="programme_stream_name_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_stream_period"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_stream_amount"),
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(BaseModel):
    """Part of a stream put into the partnership's budget for one financial year. Confirmed for
    the year in hand, planned for the years after it: together, the medium-term plan (¶57)."""

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="allocations")
    year = models.PositiveSmallIntegerField(
        help_text="The financial year, by the calendar year its April falls in."
    )
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]
    confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["stream", "year"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "year"], name="programme_allocation_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_allocation_amount"),
        ]

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

    def __str__(self) -> str:
        return f"{self.stream.name}, {self.year_label}"


class AlliancePot(BaseModel):
    """Money an alliance pools (¶55, ¶104): its member partnerships contribute, and projects of
    any member draw on it. Who sees and spends it: ADR 0015."""

    alliance = models.ForeignKey(
        "partnerships.Alliance", on_delete=models.PROTECT, related_name="pots"
    )
    name = models.CharField(max_length=limits.TITLE)
    purpose = limited_text(limits.SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["alliance", "name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="programme_pot_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class PotContribution(BaseModel):
    """What one member partnership puts into its alliance's pot for a financial year."""

    pot = models.ForeignKey(AlliancePot, on_delete=models.PROTECT, related_name="contributions")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["pot", "year", "partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pot", "partnership", "year"], name="programme_contribution_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="programme_contribution_amount"
            ),
        ]

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)


class TierLabel(BaseModel):
    """A partnership's own name for a tier of intervention, where it does not use the
    default."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    label = models.CharField(max_length=limits.TITLE)

    class Meta:
        ordering = ["partnership", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "tier"], name="programme_tier_once")
        ]


class Project(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(max_length=limits.TITLE)
    summary = limited_text(limits.SHORT_TEXT, blank=True)
    delivered_by = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that delivers the project.",
    )
    audiences = models.CharField(
        max_length=limits.TITLE,
        help_text="Who the project is for, as groups: never named people.",
    )
    strand = models.CharField(max_length=16, choices=Strand.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    forms_of_extremism = models.JSONField(default=list)
    answers_gap = models.ForeignKey(
        "assessments.CriterionResponse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The criterion of an assessment whose gap the project answers.",
    )
    narrative_priority = models.CharField(
        max_length=24,
        blank=True,
        help_text="The section of the partnership's narrative the project answers.",
    )
    exit_plan = limited_text(
        limits.SHORT_TEXT,
        blank=True,
        help_text="How the work ends or carries on when the money stops (¶45, ¶52).",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="programme_project_title_once"
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1) & Q(tier__lte=4), name="programme_project_tier"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "strand", "tier"])]

    def __str__(self) -> str:
        return self.title


class Activity(BaseModel):
    """Something a project does: a course, a series of sessions, a campaign."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(max_length=limits.TITLE)
    description = limited_text(limits.SHORT_TEXT, blank=True)
    starts_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "starts_on", "title"]
        verbose_name_plural = "activities"


class ProjectFunding(BaseModel):
    """What a project draws from one allocation of the partnership's budget, or from an
    alliance's pot for a year: exactly one of the two."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="drawn"
    )
    pot = models.ForeignKey(
        AlliancePot, null=True, blank=True, on_delete=models.PROTECT, related_name="drawn"
    )
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["project", "year"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(allocation__isnull=False) & Q(pot__isnull=True))
                | (Q(allocation__isnull=True) & Q(pot__isnull=False)),
                name="programme_funding_one_source",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_funding_amount"),
        ]

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)
