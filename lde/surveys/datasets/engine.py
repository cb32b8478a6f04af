"""The one place the data sets call the statistics engine (lde/surveys/statistics): building a
data set's design from its rows, calibrating it, and asking it for estimates. Nothing here
computes a statistic; it translates between the stored data set and the engine, and turns the
engine's DesignError (naming the row and the column) into a ValidationError on the field the
person can change.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError

from lde.surveys.models import Calibration, SurveyDataSet
from lde.surveys.statistics.design import Design
from lde.surveys.statistics.errors import DesignError
from lde.surveys.statistics.tables import Table

# Which form field a fault in a design column belongs to.
_FIELDS = (
    "weights_column",
    "strata_column",
    "cluster_column",
    "cluster2_column",
    "fpc_column",
    "fpc2_column",
)


def _sentence(error: DesignError) -> str:
    text = str(error)
    return text[:1].upper() + text[1:]


def refusal(error: DesignError, data_set: SurveyDataSet, *, default: str) -> ValidationError:
    """The engine's refusal on the field whose column it names (the design's columns), or on
    `default` (the file, or the outcome), in the engine's words: row and column named."""
    field = default
    if error.column:
        for name in _FIELDS:
            if getattr(data_set, name) == error.column:
                field = name
                break
    return ValidationError({field: _sentence(error)})


def table_of(data_set: SurveyDataSet) -> Table:
    columns = data_set.columns
    rows = data_set.rows
    return Table(
        columns={name: [row[i] for row in rows] for i, name in enumerate(columns)},
        name=data_set.file_name or "the survey file",
    )


def design_of(data_set: SurveyDataSet, table: Table | None = None) -> Design:
    """The data set's design as the engine builds it, calibrated as the data set says.
    Raises DesignError."""
    clusters = [c for c in (data_set.cluster_column, data_set.cluster2_column) if c]
    fpc = [c for c in (data_set.fpc_column, data_set.fpc2_column) if c]
    design = Design.from_table(
        table if table is not None else table_of(data_set),
        weights=data_set.weights_column or None,
        strata=data_set.strata_column or None,
        clusters=clusters,
        fpc=fpc,
        lonely_psu=data_set.lonely_psu,
    )
    totals: dict[str, dict[str, float]] = data_set.calibration_totals or {}
    if data_set.calibration == Calibration.POSTSTRATIFY:
        column, by_value = next(iter(totals.items()))
        design = design.poststratify(column, by_value)
    elif data_set.calibration == Calibration.RAKE:
        design = design.rake(list(totals.items()))
    return design


def design_check(data_set: SurveyDataSet) -> None:
    """Build the design from the rows, or refuse naming the row and column."""
    try:
        design = design_of(data_set)
        # R builds a design with a lonely PSU and refuses on the first estimate; a data set is
        # refused at upload instead, so the engine is asked for the whole sample's variance of
        # a constant, which is where it finds a stratum with a single PSU.
        design.variance(np.ones(design.n_rows))
    except DesignError as error:
        field = (
            "totals"
            if data_set.calibration != Calibration.NONE
            and (error.column in (data_set.calibration_totals or {}))
            else "file"
        )
        raise refusal(error, data_set, default=field) from None


# The engine's figures kept with a saved estimate (its Estimate's fields of the same names).
FIGURES = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t_ci_low",
    "t_ci_high",
    "normal_ci_low",
    "normal_ci_high",
    "df",
    "deff",
    "weighted_n",
    "cv",
)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def estimates(
    data_set: SurveyDataSet,
    *,
    statistic: str,
    outcome: str,
    value: str,
    domain_column: str,
    ci_method: str,
) -> list[dict[str, Any]]:
    """The engine's estimates, one object per domain (domain None for the whole sample), as
    JSON-ready numbers. Raises ValidationError naming the row and column (a non-numeric
    outcome, say) on the outcome's field."""
    from lde.surveys.statistics import estimates as engine_estimates

    try:
        design = design_of(data_set)
        found = engine_estimates.estimate(
            design,
            statistic,
            outcome,
            value=value or None,
            by=domain_column or None,
            ci_method=ci_method or "logit",
        )
    except DesignError as error:
        raise refusal(error, data_set, default="outcome") from None
    rows = []
    for e in found:
        figures = e.as_dict()
        rows.append(
            {
                "domain": None if e.domain is None else str(e.domain),
                **{name: _number(figures.get(name)) for name in FIGURES},
                "n": int(e.n),
                "warnings": [str(w) for w in (e.warnings or [])],
            }
        )
    return rows


def version() -> str:
    """The engine that computed a saved estimate: its package and the platform's version (the
    engine has no version of its own; the platform's names the code that ran)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        platform = package_version("prevent-lde")
    except PackageNotFoundError:
        platform = "unreleased"
    return f"lde.surveys.statistics (Taylor linearisation), platform {platform}"
