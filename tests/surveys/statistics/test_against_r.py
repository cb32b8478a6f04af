"""Every estimate, t-test and pre/post figure equals R's survey package to 1e-9 relative.

R's answers are fixtures (fixtures/answers.json, written by scripts/r/survey_fixtures.R): the
api data sets under simple random, stratified, one- and two-stage cluster designs, with fpc as
sizes and as fractions, post-stratified and raked, with a lonely PSU under each option.
"""

from __future__ import annotations

import csv
import math
from typing import Any

import pytest

from lde.surveys.statistics import DesignError, estimate, prepost, ttest
from tests.surveys.statistics.r_answers import (
    FIXTURES,
    REL,
    answers,
    case_id,
    design,
    mismatches,
)

ESTIMATES = answers()["estimates"]
TTESTS = answers()["ttests"]
PREPOST = answers()["prepost"]


def _degenerate(expected: dict[str, Any]) -> bool:
    """A figure fixed by the design (a stratum's or a calibrated margin's share): its true SE
    is 0, and R's and ours are both rounding noise near 1e-16, as are the deff and interval
    built on them."""
    se, point = expected["se"], expected["estimate"]
    return se is not None and abs(se) <= REL * max(abs(point), 1.0)


@pytest.mark.parametrize("spec", [s for s in ESTIMATES if "expected" in s], ids=case_id)
def test_estimates_equal_r(spec: dict[str, Any]) -> None:
    got = estimate(
        design(spec),
        spec["statistic"],
        spec["column"],
        value=spec.get("value"),
        by=spec.get("by"),
        ci_method=spec.get("ci_method", "logit"),
    )
    assert [g.domain for g in got] == [e["domain"] for e in spec["expected"]]
    for ours, theirs in zip(got, spec["expected"], strict=True):
        data = ours.as_dict()
        if _degenerate(theirs):
            assert math.isclose(
                data["se"] or 0.0, theirs["se"], abs_tol=REL * max(abs(theirs["estimate"]), 1.0)
            )
            theirs = {k: theirs[k] for k in ("domain", "estimate", "df", "n", "weighted_n")}
        assert mismatches(data, theirs) == [], ours.domain


@pytest.mark.parametrize("spec", [s for s in ESTIMATES if "error" in s], ids=case_id)
def test_what_r_refuses_is_refused_naming_the_stratum(spec: dict[str, Any]) -> None:
    # R: "Stratum (H) has only one PSU at stage 1".
    stratum = spec["error"].split("(")[1].split(")")[0]
    with pytest.raises(DesignError) as caught:
        estimate(
            design(spec),
            spec["statistic"],
            spec["column"],
            value=spec.get("value"),
            by=spec.get("by"),
        )
    assert f"stratum {stratum!r} has only one PSU at stage 1" in str(caught.value)
    assert caught.value.column == spec["strata"]
    assert caught.value.row is not None


def test_every_lonely_psu_option_is_covered() -> None:
    options = {s.get("lonely_psu") for s in ESTIMATES if s["design"].startswith("lonely")}
    assert options == {"fail", "adjust", "certainty", "average"}
    assert sum("expected" in s for s in ESTIMATES if s.get("lonely_psu") == "average") == 12


@pytest.mark.parametrize("spec", TTESTS, ids=lambda s: f"{s['design']}-{s['outcome']}-{s['group']}")
def test_ttests_equal_r(spec: dict[str, Any]) -> None:
    got = ttest(design(spec), spec["outcome"], spec["group"]).as_dict()
    assert mismatches(got, spec["expected"]) == []


@pytest.mark.parametrize("name", sorted(PREPOST))
def test_prepost_equals_r(name: str) -> None:
    spec = PREPOST[name]
    with (FIXTURES / f"{spec['data']}.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    got = prepost([float(r["before"]) for r in rows], [float(r["after"]) for r in rows])
    assert mismatches(got.as_dict(), spec["expected"]) == []
    assert got.wilcoxon_exact == ("exact" in spec["expected"]["wilcoxon_method"])
