"""The library of what works in preventing violent extremism (¶166–170): interventions,
evaluations, research summaries, case studies and promising findings, each rated on the same two
scales — the Maryland Scientific Methods Scale for how strong its design is, and EMMIE for what it
says about effect, mechanism, moderators, implementation and economic cost.

An entry is national (no partnership: the library itself, kept by site administrators as they
keep the frameworks) or a partnership's local evaluation of one of its own projects, rated on the
same scales and seen only inside the partnership until it is published to the library.

Nothing here is about a member of the public: audiences are groups, settings are kinds of place,
and every free text passes the personal-data guard before it is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text
from lde.programme.models import Strand, Tier

__all__ = [
    "Audience",
    "Design",
    "EffectDirection",
    "Entry",
    "EntryKind",
    "EntryStatus",
    "Quality",
    "Setting",
    "Strand",
    "Tier",
]


class EntryKind(models.TextChoices):
    INTERVENTION = "intervention", "Intervention"
    EVALUATION = "evaluation", "Evaluation"
    RESEARCH_SUMMARY = "research_summary", "Research summary"
    CASE_STUDY = "case_study", "Case study"
    PROMISING_FINDING = "promising_finding", "Promising finding"


class Audience(models.TextChoices):
    """Who the work is for, as groups (¶42, ¶121): never a person."""

    YOUNG_PEOPLE = "young_people", "Young people"
    WOMEN = "women", "Women and girls"
    FAMILIES = "families", "Families and parents"
    COMMUNITY_GROUPS = "community_groups", "Community and voluntary groups"
    FAITH_INSTITUTIONS = "faith_institutions", "Faith institutions and their leaders"
    SCHOOLS = "schools", "Schools, colleges and their pupils"
    FRONTLINE_STAFF = "frontline_staff", "Frontline staff of public services"
    PARTNERS = "partners", "Partner agencies and their leaders"
    WIDER_COMMUNITY = "wider_community", "The wider community"


class Setting(models.TextChoices):
    """The kind of place the work happens in."""

    EDUCATION = "education", "Schools and colleges"
    COMMUNITY = "community", "Community venues and groups"
    FAITH = "faith", "Places of worship and faith institutions"
    NEIGHBOURHOOD_POLICING = "neighbourhood_policing", "Neighbourhood policing"
    PUBLIC_SERVICES = "public_services", "Council and other public services"
    MEDIA = "media", "Media and public communications"
    PARTNERSHIP = "partnership", "The partnership and its agencies"
    ACADEMIC = "academic", "Academic research"


class Design(models.TextChoices):
    """How the evidence was gathered. The Maryland level is derived from this (scales.py)."""

    RANDOMISED = "randomised", "Randomised controlled trial"
    DIFFERENCE_IN_DIFFERENCES = (
        "difference_in_differences",
        "Difference-in-differences with several units, controlling for other factors",
    )
    MATCHED_COMPARISON = "matched_comparison", "Matched comparison group"
    BEFORE_AFTER_WITH_COMPARISON = (
        "before_after_with_comparison",
        "Before and after, with a comparison group",
    )
    BEFORE_AFTER = "before_after", "Before and after, without a comparison group"
    CROSS_SECTIONAL = "cross_sectional", "Comparison with a group unlike it, at one time"
    CORRELATION = "correlation", "Correlation at one point in time"
    CASE_STUDY = "case_study", "Case study or description"
    RESEARCH_REVIEW = "research_review", "Review of research"


class EffectDirection(models.TextChoices):
    """What the evidence says the work did. "Not measured" where nobody measured it."""

    NOT_MEASURED = "not_measured", "Not measured"
    DESIRED = "desired", "Desired effect"
    MIXED = "mixed", "Mixed effect"
    NO_EFFECT = "no_effect", "No effect"
    HARMFUL = "harmful", "Undesired effect"


class Quality(models.IntegerChoices):
    """The quality of the evidence on one EMMIE dimension, 0–4 (EMMIE-Q: Johnson, Tilley and
    Bowers 2015), as the What Works Centre for Crime Reduction's toolkit shows it."""

    NONE = 0, "0: no evidence on this"
    LIMITED = 1, "1: limited"
    MODERATE = 2, "2: moderate"
    STRONG = 3, "3: strong"
    VERY_STRONG = 4, "4: very strong"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


EMMIE = ("effect", "mechanism", "moderators", "implementation", "economic_cost")
EMMIE_LABELS = {
    "effect": "Effect",
    "mechanism": "Mechanism",
    "moderators": "Moderators",
    "implementation": "Implementation",
    "economic_cost": "Economic cost",
}


def _quality(name: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        choices=Quality.choices,
        default=Quality.NONE,
        help_text=f"The quality of the evidence on the {name}, 0–4.",
    )


def _emmie_text(name: str) -> models.TextField:
    return limited_text(limits.SHORT_TEXT, blank=True, help_text=f"What is known of the {name}.")


class Entry(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partnership whose local evaluation this is; empty for the library's own.",
    )
    project = models.ForeignKey(
        "programme.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partnership's project that the local evaluation rates.",
    )
    # The shipped report entries carry a key so that loading them again changes them in place.
    report_key = models.CharField(max_length=limits.REFERENCE, null=True, blank=True, unique=True)
    kind = models.CharField(max_length=24, choices=EntryKind.choices)
    title = models.CharField(max_length=limits.TITLE)
    summary = limited_text(limits.TEXT)
    # The strands and audiences an entry serves, as ",a,b," so that one filter finds one on
    # every database (a JSON list cannot be searched inside on SQLite).
    strands = models.CharField(max_length=limits.TITLE, blank=True)
    audiences = models.CharField(max_length=limits.TITLE, blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    setting = models.CharField(max_length=24, choices=Setting.choices)
    design = models.CharField(max_length=32, choices=Design.choices, default=Design.CASE_STUDY)
    effect_direction = models.CharField(
        max_length=16, choices=EffectDirection.choices, default=EffectDirection.NOT_MEASURED
    )
    effect = _emmie_text("effect")
    effect_quality = _quality("effect")
    mechanism = _emmie_text("mechanism")
    mechanism_quality = _quality("mechanism")
    moderators = _emmie_text("moderators")
    moderators_quality = _quality("moderators")
    implementation = _emmie_text("implementation")
    implementation_quality = _quality("implementation")
    economic_cost = _emmie_text("economic cost")
    economic_cost_quality = _quality("economic cost")
    source = models.CharField(max_length=limits.TITLE)
    paragraphs = models.CharField(
        max_length=limits.REFERENCE, blank=True, help_text="Paragraphs of the source, as ¶42–44."
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_on = models.DateField(null=True, blank=True)
    # Everything a search reads, written by the services on every save (search.py), and the
    # text the SQLite full-text table and the PostgreSQL GIN index are built over.
    search_text = limited_text(limits.SYSTEM_TEXT, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "entries"
        constraints = [
            # A local evaluation names its partnership and the project it rates; the library's
            # own entries name neither.
            models.CheckConstraint(
                condition=(Q(partnership__isnull=True) & Q(project__isnull=True))
                | (Q(partnership__isnull=False) & Q(project__isnull=False)),
                name="what_works_local_has_project",
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | (Q(tier__gte=1) & Q(tier__lte=4)),
                name="what_works_entry_tier",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}_quality__lte": 4}),
                    name=f"what_works_{name}_quality",
                )
                for name in EMMIE
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["partnership", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_local(self) -> bool:
        return self.partnership_id is not None

    @property
    def strand_list(self) -> list[str]:
        return [s for s in self.strands.split(",") if s]

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split(",") if a]
