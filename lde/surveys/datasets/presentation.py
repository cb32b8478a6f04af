"""How estimates are written for people: figures rounded for reading (the exports keep them in
full), the warnings in words, figures resting on fewer than 10 responses withheld from anyone
outside the partnership (lde.core.suppression's rule), and the design written out.
"""

from __future__ import annotations

import math
from typing import Any

from lde.core.suppression import MIN_COUNT
from lde.surveys.models import Calibration, LonelyPsu, SavedEstimate, Statistic, SurveyDataSet

CV_WARNING = 0.30
WITHHELD = "withheld: fewer than 10 responses"


def _number(value: float | None, statistic: str, *, spread: bool = False) -> str:
    """A figure as a person reads it: a proportion as a percentage (its SE in points), a total
    to the whole unit, a mean or median to three decimal places."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if statistic == Statistic.PROPORTION:
        return f"{value * 100:.1f}" + (" points" if spread else "%")
    if statistic == Statistic.TOTAL:
        return f"{value:,.0f}"
    return f"{value:,.3f}"


def t_interval(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """The engine's 95% interval on the design's degrees of freedom, given beside its default
    interval (normal for a mean or total, on the df already for a proportion or median)."""
    return row.get("t_ci_low"), row.get("t_ci_high")


def small(row: dict[str, Any]) -> bool:
    return int(row.get("n") or 0) < MIN_COUNT


def figure_words(statistic: str, row: dict[str, Any]) -> str:
    """One figure in a sentence: "62.4% (95% CI 59.1% to 65.6%), n = 1,498", or withheld."""
    if small(row):
        return WITHHELD
    return (
        f"{_number(row.get('estimate'), statistic)} (95% CI "
        f"{_number(row.get('ci_low'), statistic)} to {_number(row.get('ci_high'), statistic)}), "
        f"n = {int(row.get('n') or 0):,}"
    )


def warnings_words(row: dict[str, Any]) -> list[str]:
    words = []
    cv = row.get("cv")
    if cv is not None and math.isfinite(cv) and cv > CV_WARNING:
        words.append(
            f"Unreliable: the coefficient of variation is {cv * 100:.0f}%, over 30%. "
            "Treat this figure with great caution."
        )
    if small(row):
        words.append(f"Fewer than {MIN_COUNT} responses: not shown outside the partnership.")
    words.extend(str(w) for w in row.get("warnings") or [])
    return words


def display_rows(
    statistic: str, results: list[dict[str, Any]], *, inside: bool
) -> list[dict[str, Any]]:
    """The rows of an estimates table. Inside the partnership every figure is shown, with a
    warning where it rests on fewer than 10 responses; outside it such a row is withheld."""
    shown = []
    for row in results:
        withheld = small(row) and not inside
        low_t, high_t = t_interval(row)
        domain = row.get("domain")
        shown.append(
            {
                "domain": "All responses" if domain is None else str(domain),
                "withheld": withheld,
                "estimate": _number(row.get("estimate"), statistic),
                "se": _number(row.get("se"), statistic, spread=True),
                "ci": f"{_number(row.get('ci_low'), statistic)} to "
                f"{_number(row.get('ci_high'), statistic)}",
                "ci_t": f"{_number(low_t, statistic)} to {_number(high_t, statistic)}",
                "df": "–" if row.get("df") is None else f"{row['df']:g}",
                "deff": "–" if row.get("deff") is None else f"{row['deff']:.2f}",
                "n": f"{int(row.get('n') or 0):,}",
                "weighted_n": "–" if row.get("weighted_n") is None else f"{row['weighted_n']:,.0f}",
                "warnings": [] if withheld else warnings_words(row),
            }
        )
    return shown


def design_words(data_set: SurveyDataSet) -> list[str]:
    """The design in sentences, as the pages and the exports write it out."""
    words = []
    if data_set.weights_column:
        words.append(f"Weights: the column {data_set.weights_column}.")
    elif data_set.fpc_column and data_set.cluster2_column:
        words.append("Weights: derived from the fpc columns (no weights column named).")
    else:
        words.append("Weights: none (every response counts once).")
    if data_set.strata_column:
        words.append(f"Strata: the column {data_set.strata_column}.")
    else:
        words.append("Strata: none.")
    if data_set.cluster_column and data_set.cluster2_column:
        words.append(
            f"Clusters: two stages, {data_set.cluster_column} then {data_set.cluster2_column}."
        )
    elif data_set.cluster_column:
        words.append(f"Clusters: one stage, the column {data_set.cluster_column}.")
    else:
        words.append("Clusters: none (each response is its own sampling unit).")
    if data_set.fpc_column and data_set.fpc2_column:
        words.append(
            f"Finite-population corrections: {data_set.fpc_column} (first stage) and "
            f"{data_set.fpc2_column} (second stage)."
        )
    elif data_set.fpc_column:
        words.append(f"Finite-population correction: the column {data_set.fpc_column}.")
    else:
        words.append("Finite-population correction: none (sampled with replacement).")
    words.append(f"A stratum with a single cluster: {LonelyPsu(data_set.lonely_psu).label}.")
    totals = data_set.calibration_totals or {}
    if data_set.calibration == Calibration.POSTSTRATIFY:
        column = next(iter(totals), "")
        words.append(
            f"Post-stratified to known totals of {column} ({len(totals.get(column, {}))} values)."
        )
    elif data_set.calibration == Calibration.RAKE:
        words.append(f"Raked to known totals of {', '.join(totals)}.")
    else:
        words.append("Calibration: none.")
    words.append(
        "Standard errors by Taylor linearisation; design effects against simple random "
        "sampling without replacement."
    )
    return words


def estimate_words(estimate: SavedEstimate) -> str:
    ci = (
        f", interval by the {estimate.get_ci_method_display().lower()} method"
        if estimate.ci_method
        else ""
    )
    return f"{estimate.describe()}{ci}"
