"""The logit and likelihood intervals of R's ``svyciprop``, step for step.

Both come from ``svyglm(y ~ 1, design, family = quasibinomial)``: R fits it by iteratively
reweighted least squares (``glm.fit``, stopping when the deviance changes by less than 1e-8
relative), so its estimate differs from the weighted mean in the tenth digit; it is repeated here
so that the intervals agree to 1e-9. The likelihood interval is MASS's profile of the deviance
(``MASSprofile_glm``) scaled by the design's dispersion, interpolated as ``confint_profile``
does: an FMM cubic spline through the profile (R's ``spline``) and linear interpolation of its
inverse (R's ``approx``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from lde.surveys.statistics.design import Design

DBL_EPSILON = float(np.finfo(float).eps)
THRESH = 30.0


def _ld_sum(values: np.ndarray) -> float:
    # numpy's pairwise double sum: within 1e-16 of R's long double one, far below the 1e-8
    # convergence test and the 1e-9 the intervals are checked to.
    return float(np.sum(values))


def _linkinv(eta: np.ndarray) -> np.ndarray:
    tmp = np.where(
        eta < -THRESH,
        DBL_EPSILON,
        np.where(eta > THRESH, 1 / DBL_EPSILON, np.exp(np.clip(eta, -THRESH, THRESH))),
    )
    return tmp / (1 + tmp)


def _mu_eta(eta: np.ndarray) -> np.ndarray:
    e = np.exp(np.clip(eta, -THRESH, THRESH))
    opexp = 1 + e
    return np.where((eta > THRESH) | (eta < -THRESH), DBL_EPSILON, e / (opexp * opexp))


def _y_log_y(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y != 0, y * np.log(np.where(y != 0, y, 1.0) / mu), 0.0)


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> float:
    return _ld_sum(2 * weights * (_y_log_y(y, mu) + _y_log_y(1 - y, 1 - mu)))


@dataclass
class _Fit:
    beta: float
    se: float
    naive_variance: float
    deviance: float
    dispersion: float
    n: int


def _fit(
    design: Design, y: np.ndarray, group: np.ndarray, domain: np.ndarray
) -> tuple[_Fit, np.ndarray, np.ndarray]:
    """svyglm(y ~ 1, family=quasibinomial) on the (domain's) design, as R fits it."""
    rows = np.ones(design.n_rows, dtype=bool) if design.calibrated else group
    design_w = np.where(group, design.weights, 0.0)[rows]
    prior = design_w / float(np.mean(design_w.astype(np.longdouble)))
    # Rows without a value are left out (na.omit); with a calibrated design the rows outside
    # the domain stay, with weight 0, as R keeps them.
    keep = domain[rows] if not design.calibrated else (domain | ~group)[rows]
    w = prior[keep]
    yy = np.where(w > 0, y[rows][keep], 0.0)
    mu = (w * yy + 0.5) / (w + 1)
    eta = np.log(mu / (1 - mu))
    mu = _linkinv(eta)
    devold = _deviance(yy, mu, w)
    # After the first step the linear predictor is one number (an intercept), so for a 0/1
    # outcome each step needs only the weight totals of the ones and the zeros: the same
    # arithmetic as R's, summed in another order (differences near 1e-16).
    positive = w > 0
    s1 = float(np.sum(w[positive & (yy == 1)]))
    s0 = float(np.sum(w[positive & (yy == 0)]))
    binary = bool(np.all((yy == 0) | (yy == 1)))
    beta = 0.0
    working = np.zeros_like(w)
    dev = devold
    constant = False
    for _ in range(25):
        if constant and binary:
            eta0 = float(eta[0])
            mu0 = float(mu[0])
            me = float(_mu_eta(eta[:1])[0])
            total = s1 + s0
            beta = eta0 + (s1 - mu0 * total) / (me * total)
            working = np.where(positive, w * (me * me / (mu0 * (1 - mu0))), 0.0)
            eta = np.full_like(w, beta)
            mu = _linkinv(eta[:1]).repeat(w.size)
            m = float(mu[0])
            dev = 2 * (s1 * math.log(1 / m) + s0 * math.log(1 / (1 - m)))
        else:
            mu_eta = _mu_eta(eta)
            good = (w > 0) & (mu_eta != 0)
            z = eta[good] + (yy - mu)[good] / mu_eta[good]
            ww = w[good] * mu_eta[good] ** 2 / (mu[good] * (1 - mu[good]))
            beta = _ld_sum(ww * z) / _ld_sum(ww)
            working = np.zeros_like(w)
            working[good] = ww
            eta = np.full_like(w, beta)
            mu = _linkinv(eta)
            dev = _deviance(yy, mu, w)
            constant = True
        if abs(dev - devold) / (abs(dev) + 0.1) < 1e-8:
            break
        devold = dev
    residual = (yy - mu) / _mu_eta(eta)
    naive = 1.0 / _ld_sum(working)
    influence = np.zeros(design.n_rows)
    index = np.nonzero(rows)[0][keep]
    influence[index] = residual * working * naive
    variance = design.variance(influence, domain)
    # summary.svyglm's dispersion: svyvar of residuals.svyglm's Pearson residuals, which
    # scale by the prior over the design's (rescaled) weights.
    glm_rows = domain if not design.calibrated else np.ones(design.n_rows, dtype=bool)
    pwts_all = np.where(domain, design.weights, 0.0)
    pwts_all = pwts_all / float(np.mean(pwts_all[glm_rows].astype(np.longdouble)))
    pwts = pwts_all[index]
    positive = w > 0
    pearson = np.zeros(design.n_rows)
    pearson[index[positive]] = (
        (yy - mu)[positive]
        * np.sqrt(w[positive] / pwts[positive])
        / np.sqrt((mu * (1 - mu))[positive])
    )
    pw = np.where(domain, design.weights, 0.0)
    psum = float(pw.sum())
    nobs = int(domain.sum())
    rbar = float(np.sum(pearson * pw / psum, dtype=np.longdouble))
    d = pearson - rbar
    dispersion = float(np.sum(d * d * nobs / (nobs - 1) * pw / psum, dtype=np.longdouble))
    fit = _Fit(
        beta=beta,
        se=math.sqrt(variance),
        naive_variance=naive,
        deviance=dev,
        dispersion=dispersion,
        n=int(keep.sum()),
    )
    return fit, yy, w


def _expit(eta: float) -> float:
    return math.exp(eta) / (1 + math.exp(eta))


def logit_interval(
    design: Design, y: np.ndarray, group: np.ndarray, domain: np.ndarray, df: float
) -> tuple[float, float]:
    fit, _, _ = _fit(design, y, group, domain)
    # confint.svyglm: a normal interval at the level whose normal quantile is the t quantile.
    a = float(stats.norm.cdf(stats.t.ppf(0.025, df))) if df > 0 else math.nan
    fac = float(stats.norm.ppf(a))
    return _expit(fit.beta + fac * fit.se), _expit(fit.beta - fac * fit.se)


def _fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R's fmm_spline (splines.c): Forsythe, Malcolm & Moler's end conditions."""
    n = x.size
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 3:
        t = y[1] - y[0]
        b[0] = t / (x[1] - x[0])
        b[1] = b[0]
        return b, c, d
    nm1 = n - 1
    # 1-based in R; here index i stands for R's i+1.
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[nm1] = c[nm1] / b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    return b, c, d


def _spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's spline(x, y) with its defaults: n = 3 length(x) points, method "fmm"."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    b, c, d = _fmm_spline(x, y)
    n_out = 3 * x.size
    lo, hi = float(x[0]), float(x[-1])
    by = (hi - lo) / (n_out - 1)
    u = np.array(
        [lo + i * by if i < n_out / 2 else hi - (n_out - 1 - i) * by for i in range(n_out)]
    )
    u[0], u[-1] = lo, hi
    v = np.empty(n_out)
    i = 0
    n = x.size
    for j, ul in enumerate(u):
        if ul < x[i] or (i < n - 1 and x[i + 1] < ul):
            i, k_hi = 0, n
            while True:
                k = (i + k_hi) // 2
                if ul < x[k]:
                    k_hi = k
                else:
                    i = k
                if not k_hi > i + 1:
                    break
        dx = ul - x[i]
        v[j] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))
    return u, v


def _approx(x: np.ndarray, y: np.ndarray, v: float) -> float:
    """R's approx(x, y, xout=v) (linear, rule 1, ties averaged)."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    ux, inverse = np.unique(x, return_inverse=True)
    if ux.size != x.size:
        y = np.bincount(inverse, weights=y) / np.bincount(inverse)
        x = ux
    n = x.size
    if n == 0 or math.isnan(v) or v < x[0] or v > x[-1]:
        return math.nan
    i, j = 0, n - 1
    while i < j - 1:
        ij = (i + j) // 2
        if v < x[ij]:
            j = ij
        else:
            i = ij
    if v == x[j]:
        return float(y[j])
    if v == x[i]:
        return float(y[i])
    return float(y[i] + (y[j] - y[i]) * ((v - x[i]) / (x[j] - x[i])))


def profile_interval(
    design: Design, y: np.ndarray, group: np.ndarray, domain: np.ndarray, df: float
) -> tuple[float, float]:
    fit, yy, w = _fit(design, y, group, domain)
    if not (math.isfinite(fit.se) and fit.se > 0 and math.isfinite(fit.dispersion) and df > 0):
        # No profile to walk (R stops with an error here): no interval.
        return math.nan, math.nan
    lam = fit.se**2 / fit.naive_variance
    alpha = float(stats.norm.cdf(stats.t.ppf(0.025, df) * math.sqrt(lam))) / 2
    # R's qf(alpha, 1, n - 1, lower.tail=FALSE), through qbeta as R computes it, which stays
    # finite for the tiny alphas a very inefficient design gives.
    d2 = fit.n - 1
    zmax = math.sqrt((1 / float(special.betaincinv(d2 / 2, 0.5, alpha)) - 1) * d2)
    delta = zmax / 5
    zs = [0.0]
    betas = [fit.beta]
    for sign in (-1, 1):
        step = 0
        z = 0.0
        while True:
            step += 1
            if not (step < 10 and abs(z) < zmax):
                break
            bi = fit.beta + sign * step * delta * fit.se
            mu = _linkinv(np.full(1, bi))
            zz = (_deviance(yy, mu.repeat(w.size), w) - fit.deviance) / fit.dispersion
            zz = max(zz, 0.0)
            z = sign * math.sqrt(zz)
            zs.append(z)
            betas.append(bi)
    order = np.argsort(np.array(zs), kind="stable")
    z_sorted = np.array(zs)[order]
    b_sorted = np.array(betas)[order]
    sx, sy = _spline(b_sorted, z_sorted)
    low = _approx(sy, sx, float(stats.norm.ppf(2 * alpha)))
    high = _approx(sy, sx, float(stats.norm.isf(2 * alpha)))
    return _expit(low), _expit(high)
