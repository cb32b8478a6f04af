"""R's answers (fixtures/answers.json, written by scripts/r/survey_fixtures.R) and the designs
they were computed on, built here with the library under test."""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from lde.surveys.statistics import Design, Table, read_table

FIXTURES = Path(__file__).parent / "fixtures"
REL = 1e-9
ABS = 1e-12


@cache
def answers() -> dict[str, Any]:
    return json.loads((FIXTURES / "answers.json").read_text())


def totals(column: str) -> dict[str, float]:
    path = FIXTURES / f"{column.replace('.', '_')}_totals.csv"
    with path.open() as handle:
        return {row[column]: float(row["Freq"]) for row in csv.DictReader(handle)}


@cache
def table(name: str) -> Table:
    return read_table(FIXTURES / f"{name}.csv")


def design(spec: dict[str, Any]) -> Design:
    built = Design.from_table(
        table(spec["data"]),
        weights=spec.get("weights"),
        strata=spec.get("strata"),
        clusters=spec.get("clusters", []),
        fpc=spec.get("fpc", []),
        lonely_psu=spec.get("lonely_psu", "fail"),
    )
    if spec.get("poststratify"):
        built = built.poststratify(spec["poststratify"], totals(spec["poststratify"]))
    if spec.get("rake"):
        built = built.rake([(column, totals(column)) for column in spec["rake"]])
    return built


def case_id(spec: dict[str, Any]) -> str:
    parts = [spec["design"], spec.get("lonely_psu", ""), spec["statistic"], spec["column"]]
    if spec.get("value"):
        parts.append(f"={spec['value']}")
    if spec.get("ci_method"):
        parts.append(spec["ci_method"])
    if spec.get("by"):
        parts.append(f"by-{spec['by']}")
    return "-".join(p for p in parts if p)


def close(ours: Any, theirs: Any) -> bool:
    if theirs is None:
        return ours is None or (isinstance(ours, float) and math.isnan(ours))
    if ours is None:
        return False
    return math.isclose(
        float(ours), float(theirs), rel_tol=REL, abs_tol=ABS if theirs == 0 else 0.0
    )


def mismatches(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [
        f"{key}: ours {ours.get(key)!r}, R {value!r}"
        for key, value in theirs.items()
        if key not in ("domain", "wilcoxon_method") and not close(ours.get(key), value)
    ]
