"""Change for the same participants before and after: R's ``t.test(after, before,
paired=TRUE)``, Cohen's d_z, Hedges' g_av, and ``wilcox.test(after, before, paired=TRUE)``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from lde.surveys.statistics.errors import DesignError


@dataclass
class PrePost:
    """``mean_difference`` is after less before. ``wilcoxon_v`` is R's V, the sum of the ranks
    of the positive differences; ``wilcoxon_exact`` says whether its p came from the exact
    distribution (fewer than 50 non-zero differences, no ties, no zeros) or the normal
    approximation with continuity correction, as R chooses."""

    n: int
    mean_before: float
    mean_after: float
    mean_difference: float
    sd_difference: float
    se: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_value: float
    d_z: float
    d_av: float
    g_av: float
    wilcoxon_v: float
    wilcoxon_p: float
    wilcoxon_exact: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in self.__dict__.items()
        }


def _signed_rank_counts(n: int) -> np.ndarray:
    """How many of the 2^n sign patterns give each V = 0..n(n+1)/2 (exact below 2^53)."""
    top = n * (n + 1) // 2
    counts = np.zeros(top + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[: top + 1 - k].copy()
    return counts


def signed_rank_cdf(v: float, n: int, *, lower_tail: bool = True) -> float:
    """R's psignrank(v, n, lower.tail): P(V <= v), or P(V > v), summed from the exact
    distribution on the side asked (so that a small upper tail keeps its precision)."""
    counts = _signed_rank_counts(n)
    x = math.floor(v + 1e-7)
    below = counts[: max(x + 1, 0)]
    if lower_tail:
        return float(below.sum() / 2.0**n)
    return float(counts[max(x + 1, 0) :].sum() / 2.0**n)


def _wilcoxon(d: np.ndarray) -> tuple[float, float, bool]:
    zeros = bool((d == 0).any())
    x = d[d != 0]
    n = x.size
    if n == 0:
        return 0.0, math.nan, False
    ranks = stats.rankdata(np.abs(x))
    v = float(ranks[x > 0].sum())
    ties = np.unique(ranks).size != ranks.size
    if n < 50 and not ties and not zeros:
        if v > n * (n + 1) / 4:
            p = signed_rank_cdf(v - 1, n, lower_tail=False)
        else:
            p = signed_rank_cdf(v, n)
        return v, min(2 * p, 1.0), True
    _, tie_counts = np.unique(ranks, return_counts=True)
    z = v - n * (n + 1) / 4
    sigma = math.sqrt(
        n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tie_counts**3 - tie_counts)) / 48
    )
    correction = math.copysign(0.5, z) if z != 0 else 0.0
    z = (z - correction) / sigma
    p = 2 * min(float(stats.norm.cdf(z)), float(stats.norm.sf(z)))
    return v, p, False


def prepost(before: Sequence[float | None], after: Sequence[float | None]) -> PrePost:
    """Paired change from ``before`` to ``after`` (same participants, same order). Pairs
    with either value missing (None or NaN) are left out, as R's complete.cases does."""
    if len(before) != len(after):
        raise DesignError(
            f"before has {len(before)} answers and after {len(after)}: they must be paired"
        )
    b = np.array([math.nan if v is None else float(v) for v in before])
    a = np.array([math.nan if v is None else float(v) for v in after])
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    n = int(a.size)
    if n < 2:
        raise DesignError(f"a paired comparison needs at least two pairs; there are {n}")
    d = a - b
    mean = float(np.mean(d))
    sd = float(np.std(d, ddof=1))
    se = sd / math.sqrt(n)
    df = n - 1
    t = mean / se if se > 0 else math.nan
    crit = float(stats.t.ppf(0.975, df))
    p_value = float(2 * stats.t.sf(abs(t), df)) if se > 0 else math.nan
    d_z = mean / sd if sd > 0 else math.nan
    sd_av = (float(np.std(b, ddof=1)) + float(np.std(a, ddof=1))) / 2
    d_av = mean / sd_av if sd_av > 0 else math.nan
    # Hedges' correction J = 1 - 3/(4(n1+n2) - 9), n1 = n2 = n (Lakens 2013, eq. 4 and 10).
    g_av = d_av * (1 - 3 / (4 * (2 * n) - 9))
    v, wp, exact = _wilcoxon(d)
    return PrePost(
        n=n,
        mean_before=float(np.mean(b)),
        mean_after=float(np.mean(a)),
        mean_difference=mean,
        sd_difference=sd,
        se=se,
        ci_low=mean - crit * se,
        ci_high=mean + crit * se,
        t=t,
        df=df,
        p_value=p_value,
        d_z=d_z,
        d_av=d_av,
        g_av=g_av,
        wilcoxon_v=v,
        wilcoxon_p=wp,
        wilcoxon_exact=exact,
    )
