"""Public survey data sets uploaded with their design (see lde/surveys/datasets).

A partnership uploads the responses of a public survey (¶175: Birmingham's household survey
asked about confidence in reporting hate crime, belonging and trust) with the design it was
drawn by — weights, strata, clusters at one or two stages, finite-population corrections — or
with known totals to weight it to (post-stratification on one column, raking on several).
Estimates are worked out by the statistics engine (lde/surveys/statistics); those a person
saves are kept as computed, with the engine's version and the time, so a figure attached as
evidence does not change when the engine does.

The responses are kept as rows of text in a JSON column, not as a stored file: every estimate
reads the whole table again, the table is bounded (MAX_ROWS rows, MAX_BYTES uploaded), and a
row in the database is written or rolled back with the data set itself, so there is no file to
leak or lose. The uploaded file's name, size and SHA-256 are kept to say what was uploaded.
A survey data set holds answers of anonymous respondents, never a name or an identifier of a
person; the upload refuses a column the personal-data guard finds identifiers in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lde.core import limits
from lde.core.base import BaseModel
from lde.core.limits import limited_text

__all__ = [
    "Calibration",
    "CiMethod",
    "LonelyPsu",
    "SavedEstimate",
    "Statistic",
    "SurveyDataSet",
]

# At most this many responses, and this large a file: a district's household survey is a few
# thousand; Birmingham's was 8,000 (¶175).
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_BYTES = 10 * 1024 * 1024
COLUMN_NAME = 100


class LonelyPsu(models.TextChoices):
    """What to do with a stratum holding a single cluster, as R's `survey.lonely.psu`."""

    FAIL = "fail", "Refuse the design, naming the stratum"
    ADJUST = "adjust", "Centre it at the grand mean (adjust)"
    CERTAINTY = "certainty", "Treat it as sampled with certainty"
    AVERAGE = "average", "Use the average variance of the other strata"


class Calibration(models.TextChoices):
    NONE = "none", "None"
    POSTSTRATIFY = "poststratify", "Post-stratification to totals for one column"
    RAKE = "rake", "Raking to totals for several columns"


class Statistic(models.TextChoices):
    MEAN = "mean", "Mean"
    TOTAL = "total", "Total"
    MEDIAN = "median", "Median"
    PROPORTION = "proportion", "Proportion"


class CiMethod(models.TextChoices):
    """How a proportion's interval is worked out (R's svyciprop methods)."""

    LOGIT = "logit", "Logit"
    LIKELIHOOD = "likelihood", "Likelihood"
    ASIN = "asin", "Arcsine"
    BETA = "beta", "Clopper-Pearson (beta)"


class SurveyDataSet(BaseModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="survey_data_sets"
    )
    title = models.CharField(max_length=limits.TITLE)
    source = limited_text(
        limits.SHORT_TEXT, help_text="Who ran the survey, and how it was sampled."
    )
    period_start = models.DateField()
    period_end = models.DateField()
    file_name = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    columns = models.JSONField(default=list)  # the header, in the file's order
    rows = models.JSONField(default=list)  # each response as text, in the columns' order
    row_count = models.PositiveIntegerField()
    # The design.
    weights_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    strata_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    cluster_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    cluster2_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    fpc_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    fpc2_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    lonely_psu = models.CharField(max_length=10, choices=LonelyPsu.choices, default=LonelyPsu.FAIL)
    # The calibration: for each column, its values' known population totals.
    calibration = models.CharField(
        max_length=12, choices=Calibration.choices, default=Calibration.NONE
    )
    calibration_totals = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-period_end", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="survey_data_set_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SavedEstimate(BaseModel):
    """An estimate a person chose to keep: what was asked and the results as computed."""

    data_set = models.ForeignKey(SurveyDataSet, on_delete=models.CASCADE, related_name="estimates")
    statistic = models.CharField(max_length=10, choices=Statistic.choices)
    outcome = models.CharField(max_length=COLUMN_NAME)
    value = models.CharField(
        max_length=limits.REFERENCE, blank=True, help_text="For a proportion: the value counted."
    )
    domain_column = models.CharField(max_length=COLUMN_NAME, blank=True)
    ci_method = models.CharField(max_length=10, choices=CiMethod.choices, blank=True)
    note = limited_text(limits.SHORT_TEXT, blank=True)
    # The engine's answer as it gave it: one object per domain (null for the whole sample) with
    # estimate, se, ci_low, ci_high, df, deff, n, weighted_n, cv and warnings.
    results = models.JSONField(default=list)
    engine_version = models.CharField(max_length=limits.REFERENCE)
    computed_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["data_set", "-computed_at", "pk"]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """ "Proportion of trust_police = yes, by ward"."""
        what = self.get_statistic_display()
        outcome = f"{self.outcome} = {self.value}" if self.value else self.outcome
        by = f", by {self.domain_column}" if self.domain_column else ""
        return f"{what} of {outcome}{by}"
