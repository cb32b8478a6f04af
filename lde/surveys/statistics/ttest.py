"""R's ``svyttest(outcome ~ group, design)``: the difference in means between two groups as
the slope of a design-weighted regression on the group, with its sandwich variance and a t test
on the design's degrees of freedom less one (Lumley 2010, 5.2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from lde.surveys.statistics.design import Design
from lde.surveys.statistics.errors import DesignError
from lde.surveys.statistics.tables import MISSING


@dataclass
class TTest:
    """The difference ``estimate`` = mean of the second group less mean of the first (groups
    in R's order: numerically for 0/1 or 1/2, alphabetically otherwise)."""

    outcome: str
    group: str
    groups: tuple[str, str]
    estimate: float
    se: float
    t: float
    df: int
    p_value: float
    ci_low: float
    ci_high: float
    n: int

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in self.__dict__.items()
        }


def ttest(design: Design, outcome: str, group: str) -> TTest:
    """Design-based two-group t-test of ``outcome`` between the two values of ``group``."""
    y, y_missing = design.table.numbers(outcome)
    cells = [c.strip() for c in design.table.column(group)]
    g_missing = np.array([c in MISSING for c in cells])
    labels = sorted({c for c in cells if c not in MISSING})
    numeric = True
    try:
        values = sorted({float(c) for c in labels})
    except ValueError:
        numeric = False
    if len(labels) != 2 or (numeric and len(values) != 2):
        raise DesignError(
            f"the group column must have exactly two values; it has {len(labels)}"
            + (f" ({', '.join(labels[:5])})" if labels else ""),
            column=group,
        )
    if numeric:
        if values not in ([0.0, 1.0], [1.0, 2.0]):
            # R's svyttest takes a numeric group as coded 0/1 or 1/2 only.
            raise DesignError("a numeric group must be coded 0 and 1, or 1 and 2", column=group)
        labels.sort(key=float)
        second = labels[1]
    else:
        second = labels[1]
    x = np.array([1.0 if c == second else 0.0 for c in cells])
    domain = ~(y_missing | g_missing)
    n = int(domain.sum())
    w = np.where(domain, design.weights, 0.0)
    # svyglm rescales the weights to mean 1 over the rows it fits.
    w = w / (w.sum() / n)
    xs = np.where(domain, x, 0.0)
    ys = np.where(domain, y, 0.0)
    sw, swx, swxx = w.sum(), (w * xs).sum(), (w * xs * xs).sum()
    swy, swxy = (w * ys).sum(), (w * xs * ys).sum()
    det = sw * swxx - swx * swx
    if det == 0:
        raise DesignError("both groups need responses with an outcome", column=group)
    slope = (sw * swxy - swx * swy) / det
    intercept = (swy - slope * swx) / sw
    residual = np.where(domain, ys - intercept - slope * xs, 0.0)
    # estfun %*% (X'WX)^-1, second column: the slope's influence.
    a_inv_21, a_inv_22 = -swx / det, sw / det
    influence = w * residual * (a_inv_21 + xs * a_inv_22)
    variance = design.variance(influence, domain)
    se = math.sqrt(variance)
    df = design.degrees_of_freedom(domain) - 1
    t = slope / se
    p_value = float(2 * stats.t.cdf(-abs(t), df)) if df > 0 else math.nan
    crit = float(stats.t.ppf(0.975, df)) if df > 0 else math.nan
    return TTest(
        outcome=outcome,
        group=group,
        groups=(labels[0], labels[1]),
        estimate=float(slope),
        se=se,
        t=float(t),
        df=df,
        p_value=p_value,
        ci_low=float(slope - crit * se),
        ci_high=float(slope + crit * se),
        n=n,
    )
