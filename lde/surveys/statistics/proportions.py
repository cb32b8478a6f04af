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

from lde.surveys.statistics.design import Design

METHODS = ("logit", "asin", "beta")


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
    domain: np.ndarray,
    p: float,
    variance: float,
    df: int,
    design_rows: int,
    method: str,
) -> tuple[float, float]:
    """The 95% interval for the proportion ``p`` (with svymean's ``variance``)."""
    se = math.sqrt(variance)
    crit = _crit(df)
    if method == "logit":
        eta = math.log(p / (1 - p)) if 0 < p < 1 else math.copysign(math.inf, p - 0.5)
        se_eta = se / (p * (1 - p)) if 0 < p < 1 else math.nan
        return float(special.expit(eta - crit * se_eta)), float(special.expit(eta + crit * se_eta))
    if method == "asin":
        centre = math.asin(math.sqrt(p))
        se_t = se / (2 * math.sqrt(p) * math.sqrt(1 - p)) if 0 < p < 1 else math.nan
        return math.sin(centre - crit * se_t) ** 2, math.sin(centre + crit * se_t) ** 2
    if method == "beta":
        alpha = 0.05
        n_eff = p * (1 - p) / variance if variance > 0 else math.nan
        ratio = float(stats.t.ppf(alpha / 2, design_rows - 1)) / float(stats.t.ppf(alpha / 2, df))
        n_eff = n_eff * ratio * ratio
        low = float(special.betaincinv(n_eff * p, n_eff * (1 - p) + 1, alpha / 2))
        high = float(special.betaincinv(n_eff * p + 1, n_eff * (1 - p), 1 - alpha / 2))
        return low, high
    raise ValueError(method)
