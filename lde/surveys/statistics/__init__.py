"""Design-based survey statistics, equal to R's ``survey`` package (4.1) to 1e-9.

A library with no Django in it, so that an evaluator can use it from a script. The stable
interface is what this module exports:

- :func:`read_table` — a CSV or XLSX file (path or bytes) as columns of text.
- :meth:`Design.from_table` — weights, strata, one- or two-stage clusters, fpc (population
  sizes or sampling fractions), lonely PSU treatment; then :meth:`Design.poststratify` and
  :meth:`Design.rake` to known totals.
- :func:`estimate` — mean, total, proportion (with logit, likelihood, asin or beta interval) or
  median, for the whole sample or by domain, each an :class:`Estimate` with SE, intervals,
  degrees of freedom, design effect, n, weighted N, CV and warnings.
- :func:`ttest` — design-based two-group t-test (svyttest).
- :func:`prepost` — paired before/after change: t interval, d_z, g_av, Wilcoxon signed rank.
- :class:`DesignError` — every refusal, with the ``row`` (header = row 1) and ``column``.

Example::

    table = read_table("survey.csv")
    design = Design.from_table(table, weights="pw", strata="region", clusters=["school"])
    [whole] = estimate(design, "mean", "score")
    by_sex = estimate(design, "proportion", "agree", value="yes", by="sex", ci_method="beta")
"""

from lde.surveys.statistics.design import LONELY_PSU_OPTIONS, Design
from lde.surveys.statistics.errors import DesignError
from lde.surveys.statistics.estimates import CI_METHODS, STATISTICS, Estimate, estimate
from lde.surveys.statistics.prepost import PrePost, prepost
from lde.surveys.statistics.tables import Table, read_table
from lde.surveys.statistics.ttest import TTest, ttest

__all__ = [
    "CI_METHODS",
    "LONELY_PSU_OPTIONS",
    "STATISTICS",
    "Design",
    "DesignError",
    "Estimate",
    "PrePost",
    "TTest",
    "Table",
    "estimate",
    "prepost",
    "read_table",
    "ttest",
]
