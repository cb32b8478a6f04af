"""`lde surveys estimate|ttest|prepost --json` gives R's numbers under the issue's keys, and a
bad design exits non-zero naming the row or column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.surveys.statistics.r_answers import FIXTURES, answers, case_id, mismatches

ESTIMATE_KEYS = ["domain", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "weighted_n"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("surveys", *args, stdout=out)
    return out.getvalue()


def design_args(spec: dict[str, Any]) -> list[str]:
    args = [str(FIXTURES / f"{spec['data']}.csv")]
    if spec.get("weights"):
        args += ["--weights", spec["weights"]]
    if spec.get("strata"):
        args += ["--strata", spec["strata"]]
    if spec.get("clusters"):
        args += ["--cluster", *spec["clusters"]]
    if spec.get("fpc"):
        args += ["--fpc", *spec["fpc"]]
    if spec.get("poststratify"):
        column = spec["poststratify"]
        args += [
            "--poststratify",
            f"{column}={FIXTURES / (column.replace('.', '_') + '_totals.csv')}",
        ]
    if spec.get("rake"):
        args += [
            "--rake",
            *(f"{c}={FIXTURES / (c.replace('.', '_') + '_totals.csv')}" for c in spec["rake"]),
        ]
    if spec.get("lonely_psu"):
        args += ["--lonely-psu", spec["lonely_psu"]]
    return args


def estimate_args(spec: dict[str, Any]) -> list[str]:
    args = ["estimate", *design_args(spec)]
    if spec["statistic"] == "proportion":
        args += ["--proportion", f"{spec['column']}={spec['value']}"]
        if spec.get("ci_method"):
            args += ["--ci-method", spec["ci_method"]]
    else:
        args += [f"--{spec['statistic']}", spec["column"]]
    if spec.get("by"):
        args += ["--by", spec["by"]]
    return [*args, "--json"]


# One case of each kind through the command line (the library is checked on all of them).
CLI_CASES = [
    s
    for s in answers()["estimates"]
    if "expected" in s
    and case_id(s)
    in {
        "srs-mean-api00",
        "strat-total-enroll",
        "strat_fractions-median-api00",
        "clus1-proportion-awards-=Yes-by-stype",
        "clus2-mean-api00-by-stype",
        "clus2-proportion-sch.wide-=No-likelihood",
        "poststrat-proportion-stype-=H-beta",
        "raked-proportion-sch.wide-=No-asin",
        "raked_strat-median-api99-by-stype",
        "lonely_apistrat_lonely-average-mean-api00",
        "lonely_apiclus1_lonely-adjust-total-enroll",
        "lonely_apistrat_lonely-certainty-mean-api00-by-sch.wide",
    }
]


def test_the_cli_cases_are_all_found() -> None:
    assert len(CLI_CASES) == 12


@pytest.mark.parametrize("spec", CLI_CASES, ids=case_id)
def test_estimate_json_equals_r(spec: dict[str, Any]) -> None:
    payload = json.loads(run(*estimate_args(spec)))
    assert len(payload["estimates"]) == len(spec["expected"])
    for ours, theirs in zip(payload["estimates"], spec["expected"], strict=True):
        assert list(ours)[: len(ESTIMATE_KEYS)] == ESTIMATE_KEYS
        assert ours["domain"] == theirs["domain"]
        if theirs["se"] is not None and abs(theirs["se"]) < 1e-9:
            # A share fixed by calibration: the SE is rounding noise in R and here alike.
            theirs = {k: theirs[k] for k in ("estimate", "df", "n", "weighted_n")}
        assert mismatches(ours, theirs) == []


def test_ttest_json_equals_r() -> None:
    spec = next(
        s for s in answers()["ttests"] if s["design"] == "clus2" and s["outcome"] == "api00"
    )
    payload = json.loads(
        run("ttest", *design_args(spec), "--outcome", "api00", "--group", "sch.wide", "--json")
    )
    assert list(payload)[:7] == ["estimate", "se", "t", "df", "p_value", "ci_low", "ci_high"]
    assert mismatches(payload, spec["expected"]) == []


def test_prepost_json_equals_r() -> None:
    spec = answers()["prepost"]["likert_ties"]
    payload = json.loads(
        run(
            "prepost",
            str(FIXTURES / "prepost_likert_ties.csv"),
            "--before",
            "before",
            "--after",
            "after",
            "--json",
        )
    )
    assert list(payload)[:11] == [
        "n",
        "mean_difference",
        "ci_low",
        "ci_high",
        "t",
        "df",
        "p_value",
        "d_z",
        "g_av",
        "wilcoxon_v",
        "wilcoxon_p",
    ]
    assert mismatches(payload, spec["expected"]) == []


def test_without_json_a_readable_table() -> None:
    text = run(
        "estimate",
        str(FIXTURES / "apistrat.csv"),
        "--weights",
        "pw",
        "--strata",
        "stype",
        "--mean",
        "api00",
    )
    lines = text.splitlines()
    assert lines[0].startswith("mean of api00 (") and lines[0].endswith("apistrat.csv)")
    assert lines[1].split() == [
        "domain",
        "estimate",
        "se",
        "95%",
        "low",
        "95%",
        "high",
        "df",
        "deff",
        "n",
        "weighted",
        "N",
    ]
    assert lines[2].split()[:2] == ["(all)", "662.287"]


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "bad.csv") -> str:
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def survey(n: int = 6) -> list[dict[str, str]]:
    return [
        {
            "id": str(i),
            "stratum": "ab"[i % 2],
            "school": str(i // 2),
            "w": "10",
            "pop": "40",
            "score": str(50 + i),
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("change", "options", "message"),
    [
        (
            {"w": "0"},
            ["--weights", "w"],
            "row 4, column 'w': the weight is 0: weights must be above 0",
        ),
        ({"w": "-2"}, ["--weights", "w"], "row 4, column 'w': the weight is -2"),
        (
            {"stratum": ""},
            ["--strata", "stratum"],
            "row 4, column 'stratum': the stratum is missing",
        ),
        (
            {"school": "NA"},
            ["--cluster", "school"],
            "row 4, column 'school': the cluster id is missing",
        ),
        (
            {"pop": "1"},
            ["--strata", "stratum", "--fpc", "pop"],
            "row 4, column 'pop': the fpc gives a population of 1",
        ),
        ({"score": "high"}, ["--weights", "w"], "row 4, column 'score': 'high' is not a number"),
    ],
)
def test_bad_designs_exit_naming_row_and_column(
    tmp_path: Path, change: dict[str, str], options: list[str], message: str
) -> None:
    rows = survey()
    rows[2].update(change)
    with pytest.raises(CommandError) as caught:
        run("estimate", write(tmp_path, rows), *options, "--mean", "score", "--json")
    assert message in str(caught.value)


def test_a_lonely_psu_is_refused_by_default_naming_the_stratum(tmp_path: Path) -> None:
    rows = survey(5)  # stratum b has rows 1 and 3, in school 0 and 1; a has 0, 2, 4
    for row in rows:
        row["school"] = row["id"]
    rows = [r for r in rows if r["id"] != "3"]
    with pytest.raises(CommandError) as caught:
        run("estimate", write(tmp_path, rows), "--strata", "stratum", "--mean", "score")
    assert "row 3, column 'stratum': stratum 'b' has only one PSU at stage 1" in str(caught.value)


def test_an_unknown_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        run("estimate", write(tmp_path, survey()), "--weights", "weight", "--mean", "score")
    assert "column 'weight': there is no column 'weight'" in str(caught.value)


def test_a_totals_file_without_freq_is_refused(tmp_path: Path) -> None:
    totals = write(tmp_path, [{"stratum": "a", "N": "30"}], "totals.csv")
    with pytest.raises(CommandError) as caught:
        run(
            "estimate",
            write(tmp_path, survey()),
            "--poststratify",
            f"stratum={totals}",
            "--mean",
            "score",
        )
    assert "needs a Freq column" in str(caught.value)


def test_xlsx_is_read_like_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with (FIXTURES / "apistrat.csv").open() as handle:
        for i, row in enumerate(csv.reader(handle)):
            sheet.append(
                [
                    cell if i == 0 or not cell.replace(".", "").isdigit() else float(cell)
                    for cell in row
                ]
            )
    book.save(tmp_path / "apistrat.xlsx")
    from_xlsx = json.loads(
        run(
            "estimate",
            str(tmp_path / "apistrat.xlsx"),
            "--weights",
            "pw",
            "--strata",
            "stype",
            "--fpc",
            "fpc",
            "--mean",
            "api00",
            "--json",
        )
    )
    from_csv = json.loads(
        run(
            "estimate",
            str(FIXTURES / "apistrat.csv"),
            "--weights",
            "pw",
            "--strata",
            "stype",
            "--fpc",
            "fpc",
            "--mean",
            "api00",
            "--json",
        )
    )
    assert from_xlsx["estimates"] == from_csv["estimates"]
