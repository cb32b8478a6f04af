"""Design-based estimates as R's survey package gives them: svymean, svytotal, svyciprop,
svyquantile (the "math" rule, Woodruff interval), each for the whole sample or by domain as
``svyby`` does (a domain keeps the full design: its PSUs and strata still count)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from lde.surveys.statistics import proportions
from lde.surveys.statistics.design import Design, _compact
from lde.surveys.statistics.errors import DesignError

STATISTICS = ("mean", "total", "proportion", "median")
CI_METHODS = proportions.METHODS
CV_WARNING = 0.30
Z975 = float(stats.norm.ppf(0.975))


@dataclass
class Estimate:
    """One figure with its uncertainty, for the whole sample (``domain`` None) or a domain.

    ``ci_low``/``ci_high`` are the 95% interval R gives by default for the statistic: normal
    for a mean or total (``confint(svymean(...))``), on the design's degrees of freedom for a
    proportion (``svyciprop``) and a median (``svyquantile``). Both the normal and the t
    interval are also given (``normal_ci_*``, ``t_ci_*``). ``deff`` is against simple random
    sampling without replacement (None for a median); ``n`` the unweighted responses,
    ``weighted_n`` the sum of their weights; ``cv`` the coefficient of variation, with a
    warning above 30%.
    """

    statistic: str
    column: str
    domain: str | None
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    deff: float | None
    n: int
    weighted_n: float
    normal_ci_low: float
    normal_ci_high: float
    t_ci_low: float
    t_ci_high: float
    cv: float
    value: str | None = None
    ci_method: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        return {k: clean(v) for k, v in self.__dict__.items()}


def _t(df: float) -> float:
    return Z975 if not math.isfinite(df) else float(stats.t.ppf(0.975, df)) if df > 0 else math.nan


def _ld_sum(values: np.ndarray) -> float:
    """A sum accumulated in extended precision, as R's sum() and colSums() do."""
    return float(np.sum(values, dtype=np.longdouble))


def _weighted_mean(
    design: Design, y: np.ndarray, domain: np.ndarray
) -> tuple[float, float, np.ndarray]:
    """R's svymean: the estimate, its variance, and the centred values (for deff)."""
    pw = np.where(domain, design.weights, 0.0)
    psum = _ld_sum(pw)
    # R's colSums accumulates in long double: an all-ones column averages to exactly 1.
    average = float(np.sum(np.where(domain, y, 0.0) * pw / psum, dtype=np.longdouble))
    values = y[domain]
    if values.size and values.min() == values.max():
        # Every response the same (a proportion of 0 or 1 in a domain): the mean is that value
        # exactly, with no variance, whatever the rounding of the weights' sum.
        average = float(values[0])
    centred = np.where(domain, y - average, 0.0)
    variance = design.variance(centred * pw / psum, domain)
    return average, variance, centred


def _srs_variance(design: Design, x: np.ndarray, domain: np.ndarray) -> float:
    """R's svyvar point estimate for one variable in the domain: the weighted variance with
    the n/(n-1) factor."""
    pw = np.where(domain, design.weights, 0.0)
    psum = _ld_sum(pw)
    n = int(domain.sum())
    xbar = float(np.sum(x * pw / psum, dtype=np.longdouble))
    d = np.where(domain, x - xbar, 0.0)
    return (
        float(np.sum(d * d * n / (n - 1) * pw / psum, dtype=np.longdouble)) if n > 1 else math.nan
    )


def _mean(design: Design, y: np.ndarray, domain: np.ndarray) -> tuple[float, float, float | None]:
    average, variance, centred = _weighted_mean(design, y, domain)
    psum = _ld_sum(design.weights[domain])
    nobs = int(domain.sum())
    if psum < nobs:
        deff: float | None = math.nan
    else:
        vsrs = _srs_variance(design, centred, domain) * (psum - nobs) / (psum * nobs)
        deff = variance / vsrs if vsrs else math.nan
    return average, variance, deff


def _total(design: Design, y: np.ndarray, domain: np.ndarray) -> tuple[float, float, float | None]:
    pw = np.where(domain, design.weights, 0.0)
    x = np.where(domain, y, 0.0)
    total = _ld_sum(x * pw)
    variance = design.variance(x * pw, domain)
    psum = _ld_sum(pw)
    nobs = int(domain.sum())
    vsrs = _srs_variance(design, x, domain) * psum * psum * (psum - nobs) / (psum * nobs)
    deff = variance / vsrs if vsrs else math.nan
    return total, variance, deff


def qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's qrule_math: the smallest x whose weighted cumulative share reaches p, or the
    average-free lower value when the share lands exactly on p (survey:::qs)."""
    keep = w != 0
    x = x[keep]
    w = w[keep]
    order = np.argsort(x, kind="stable")
    xs = x[order]
    # R accumulates cumsum() and sum() in long double: the exact-share test depends on it.
    cumw = np.add.accumulate(w[order].astype(np.longdouble)).astype(float)
    total = _ld_sum(w)
    hits = np.nonzero(cumw <= p * total)[0]
    pos = int(hits[-1]) if hits.size else 0
    posnext = pos if pos == xs.size - 1 else pos + 1
    wlow = p - cumw[pos] / total
    return float(xs[pos] if wlow == 0 else xs[posnext])


def _quantile(
    design: Design, y: np.ndarray, domain: np.ndarray, p: float, df: float
) -> tuple[float, float, float, float]:
    """svyquantile(qrule="math", interval.type="mean"): estimate, se, Woodruff interval."""
    x = y[domain]
    w = design.weights[domain]
    qhat = qrule_math(x, w, p)
    below = (y <= qhat).astype(float)
    m, v, _ = _weighted_mean(design, below, domain)
    crit = _t(df)
    se_m = math.sqrt(v)
    lo_p, hi_p = m - crit * se_m, m + crit * se_m
    lower = math.nan if (math.isnan(lo_p) or lo_p < 0) else qrule_math(x, w, lo_p)
    upper = math.nan if (math.isnan(hi_p) or hi_p > 1) else qrule_math(x, w, hi_p)
    se = (upper - lower) / (2 * crit)
    return qhat, se, lower, upper


def _outcome(
    design: Design, statistic: str, column: str, value: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """The outcome as numbers (a 0/1 indicator for a proportion) and which rows have one."""
    if statistic == "proportion":
        if value is None:
            raise DesignError(
                "a proportion needs the value it counts (COLUMN=VALUE)", column=column
            )
        table = design.table
        target = value.strip()
        try:
            number: float | None = float(target)
        except ValueError:
            number = None
        if number is not None and table.is_numeric(column):
            values, missing = table.numbers(column)
            hit = (values == number) & ~missing
        else:
            missing = table.missing_text(column)
            hit = table.text(column) == target
        return hit.astype(float), ~missing
    values, missing = design.table.numbers(column)
    return values, ~missing


def _domains(design: Design, by: str) -> list[tuple[str, np.ndarray]]:
    """The by-column's values in R's order (numeric if every value is a number), each with its
    rows; rows with no value are in no domain, as svyby drops them."""
    table = design.table
    if table.is_numeric(by):
        values, missing = table.numbers(by)
    else:
        values, missing = table.text(by), table.missing_text(by)
    rows = np.nonzero(~missing)[0]
    if not rows.size:
        return []
    codes, first = _compact(values[rows])
    cells = table.column(by)
    index = np.full(design.n_rows, -1, dtype=np.int64)
    index[rows] = codes
    return [(cells[rows[f]].strip(), index == i) for i, f in enumerate(first)]


def estimate(
    design: Design,
    statistic: str,
    column: str,
    *,
    value: str | None = None,
    by: str | None = None,
    ci_method: str = "logit",
    quantile: float = 0.5,
) -> list[Estimate]:
    """Estimates of ``statistic`` ("mean", "total", "proportion" or "median") of ``column``.

    A proportion counts rows whose ``column`` equals ``value`` (R's svymean on that factor
    level; its interval is svyciprop's with ``ci_method`` logit, likelihood, asin or beta).
    ``by`` gives one estimate per value of that column, in R's order (as svyby, each domain
    keeping the full design); without it, one estimate with ``domain`` None. Responses with
    no value in ``column`` are left out, as R's ``na.rm=TRUE`` does.
    """
    if statistic not in STATISTICS:
        raise DesignError(
            f"the statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
        )
    if statistic == "proportion" and ci_method not in CI_METHODS:
        raise DesignError(
            f"the interval method must be one of {', '.join(CI_METHODS)}, not {ci_method!r}"
        )
    y, has_value = _outcome(design, statistic, column, value)
    everyone = np.ones(design.n_rows, dtype=bool)
    groups: list[tuple[str | None, np.ndarray]] = (
        [(None, everyone)] if by is None else list(_domains(design, by))
    )
    results = []
    for label, rows in groups:
        domain = rows & has_value
        if not domain.any():
            raise DesignError(
                f"no response has a value in {column!r}"
                + (f" in the domain {by} = {label!r}" if by else ""),
                column=column,
            )
        results.append(
            _one(design, statistic, column, y, rows, domain, label, value, ci_method, quantile)
        )
    return results


def _one(
    design: Design,
    statistic: str,
    column: str,
    y: np.ndarray,
    group: np.ndarray,
    domain: np.ndarray,
    label: str | None,
    value: str | None,
    ci_method: str,
    quantile: float,
) -> Estimate:
    df = design.degrees_of_freedom(domain)
    crit = _t(df)
    n = int(domain.sum())
    weighted_n = _ld_sum(design.weights[domain])
    deff: float | None
    if statistic == "median":
        point, se, low, high = _quantile(design, y, domain, quantile, df)
        deff = None
    else:
        point, variance, deff = (_total if statistic == "total" else _mean)(design, y, domain)
        se = math.sqrt(variance) if variance >= 0 else math.nan
        low, high = point - Z975 * se, point + Z975 * se
        if statistic == "proportion":
            # svyciprop takes the degrees of freedom, and the beta method the row count, of
            # the (domain's) design before responses without a value are left out.
            group_rows = design.n_rows if design.calibrated else int(group.sum())
            df = design.degrees_of_freedom(group)
            crit = _t(df)
            low, high = proportions.interval(
                design, y, group, domain, point, variance, df, group_rows, ci_method
            )
    cv = se / point if point else math.nan
    warnings = []
    if math.isfinite(cv) and abs(cv) > CV_WARNING:
        warnings.append(
            f"The coefficient of variation is {abs(cv):.0%}, above 30%: "
            "this estimate is unreliable."
        )
    return Estimate(
        statistic=statistic,
        column=column,
        domain=label,
        estimate=point,
        se=se,
        ci_low=low,
        ci_high=high,
        df=df,
        deff=deff,
        n=n,
        weighted_n=weighted_n,
        normal_ci_low=point - Z975 * se,
        normal_ci_high=point + Z975 * se,
        t_ci_low=point - crit * se,
        t_ci_high=point + crit * se,
        cv=cv,
        value=value,
        ci_method=ci_method if statistic == "proportion" else None,
        warnings=warnings,
    )
