"""Intervals for a proportion as R's ``svyciprop`` computes them (survey 4.1).

logit: a Wald interval for the intercept of ``svyglm(y ~ 1, family=quasibinomial)`` on the
logit scale, back-transformed (Lumley 2010, 2.3.1). asin: a Wald interval for
asin(sqrt(p)) by the delta method. beta: Korn & Graubard (1998)'s Clopper-Pearson interval on
the effective sample size p(1-p)/var, adjusted by the ratio of t quantiles. likelihood: the
profile (quasi-)likelihood interval of the same glm, as R's ``confint(method="likelihood")``
computes it, spline and all (Rao & Scott 1984 scaling of the deviance).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from lde.surveys.statistics import likelihood
from lde.surveys.statistics.design import Design

METHODS = ("logit", "likelihood", "asin", "beta")


def _crit(df: float, level: float = 0.95) -> float:
    alpha = 1 - level
    if not math.isfinite(df):
        return float(stats.norm.ppf(1 - alpha / 2))
    if df <= 0:
        return math.nan
    return float(stats.t.ppf(1 - alpha / 2, df))


def interval(
    design: Design,
    y: np.ndarray,
    group: np.ndarray,
    domain: np.ndarray,
    p: float,
    variance: float,
    df: int,
    design_rows: int,
    method: str,
) -> tuple[float, float]:
    """The 95% interval for the proportion ``p`` (with svymean's ``variance``) in the domain
    (``domain``: rows with a value, within ``group``: the domain's rows)."""
    se = math.sqrt(variance)
    crit = _crit(df)
    if method == "logit":
        return likelihood.logit_interval(design, y, group, domain, df)
    if method == "likelihood":
        return likelihood.profile_interval(design, y, group, domain, df)
    if method == "asin":
        centre = math.asin(math.sqrt(p))
        se_t = se / (2 * math.sqrt(p) * math.sqrt(1 - p)) if 0 < p < 1 else math.nan
        return math.sin(centre - crit * se_t) ** 2, math.sin(centre + crit * se_t) ** 2
    if method == "beta":
        alpha = 0.05
        with np.errstate(divide="ignore", invalid="ignore"):
            n_eff = float(np.float64(p * (1 - p)) / np.float64(variance))
        ratio = float(stats.t.ppf(alpha / 2, design_rows - 1)) / float(stats.t.ppf(alpha / 2, df))
        n_eff = n_eff * ratio * ratio
        if math.isinf(n_eff) and 0 < p < 1:
            # No sampling variance (a calibrated or stratified margin): R's qbeta with both
            # shapes infinite is the point mass at 1/2.
            return 0.5, 0.5
        low = float(special.betaincinv(n_eff * p, n_eff * (1 - p) + 1, alpha / 2))
        high = float(special.betaincinv(n_eff * p + 1, n_eff * (1 - p), 1 - alpha / 2))
        if (math.isnan(low) or math.isnan(high)) and n_eff > 1e12:
            # Shapes too large for the incomplete beta: the interval has shrunk to the point.
            return p, p
        return low, high
    raise ValueError(method)
