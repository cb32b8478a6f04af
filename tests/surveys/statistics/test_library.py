"""The library's interface as the questionnaires and data sets call it: tables from CSV or XLSX
bytes, refusals naming the row (header = row 1) and column, and paired lists with gaps."""

from __future__ import annotations

import io
import math

import pytest

from lde.surveys.statistics import Design, DesignError, estimate, prepost, read_table


def csv_bytes(text: str) -> bytes:
    return text.strip().encode() + b"\n"


SURVEY = """
id,stratum,school,w,pop,score,agree
1,a,1,10,40,50,yes
2,a,1,10,40,52,no
3,a,2,10,40,47,yes
4,b,3,12,60,61,no
5,b,4,12,60,58,yes
6,b,4,12,60,,no
"""


def test_csv_bytes_and_xlsx_bytes_read_alike() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in SURVEY.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    from_csv = read_table(csv_bytes(SURVEY), "survey.csv")
    from_xlsx = read_table(buffer.getvalue(), "survey.xlsx")
    assert from_csv.columns == from_xlsx.columns
    assert from_csv.n_rows == 6


def test_a_missing_outcome_leaves_the_response_out_as_r_na_rm_does() -> None:
    design = Design.from_table(
        read_table(csv_bytes(SURVEY), "s.csv"), weights="w", strata="stratum", clusters=["school"]
    )
    [mean] = estimate(design, "mean", "score")
    assert mean.n == 5
    assert mean.weighted_n == 10 * 3 + 12 * 2
    assert math.isclose(mean.estimate, (10 * (50 + 52 + 47) + 12 * (61 + 58)) / 54, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("text", "options", "row", "column", "words"),
    [
        (
            SURVEY.replace("6,b,4,12", "6,b,4,0"),
            {"weights": "w"},
            7,
            "w",
            "weights must be above 0",
        ),
        (
            SURVEY.replace("2,a,1,10", "2,,1,10"),
            {"strata": "stratum"},
            3,
            "stratum",
            "the stratum is missing",
        ),
        (
            SURVEY.replace("5,b,4,", "5,b,NA,"),
            {"clusters": ["school"]},
            6,
            "school",
            "cluster id is missing",
        ),
        (
            SURVEY.replace(",40,", ",1,"),
            {"strata": "stratum", "fpc": ["pop"]},
            2,
            "pop",
            "population of 1",
        ),
        (
            SURVEY.replace("5,b,4,12,60", "5,b,4,12,0.5"),
            {"strata": "stratum", "fpc": ["pop"]},
            6,
            "pop",
            "all population sizes",
        ),
        (
            SURVEY.replace("6,b,4,12,60", "6,b,4,12,70"),
            {"strata": "stratum", "fpc": ["pop"]},
            7,
            "pop",
            "differs from the one given",
        ),
    ],
)
def test_bad_designs_name_row_and_column(
    text: str, options: dict[str, object], row: int, column: str, words: str
) -> None:
    with pytest.raises(DesignError) as caught:
        Design.from_table(read_table(csv_bytes(text), "s.csv"), **options)  # type: ignore[arg-type]
    assert (caught.value.row, caught.value.column) == (row, column)
    assert words in str(caught.value)


def test_a_non_numeric_outcome_names_its_row() -> None:
    design = Design.from_table(read_table(csv_bytes(SURVEY.replace(",47,", ",high,")), "s.csv"))
    with pytest.raises(DesignError) as caught:
        estimate(design, "mean", "score")
    assert (caught.value.row, caught.value.column) == (4, "score")


def test_poststratifying_needs_a_total_for_every_value() -> None:
    design = Design.from_table(read_table(csv_bytes(SURVEY), "s.csv"), weights="w")
    with pytest.raises(DesignError) as caught:
        design.poststratify("stratum", {"a": 100})
    assert (caught.value.row, caught.value.column) == (5, "stratum")
    with pytest.raises(DesignError, match="no response falls in 'c'"):
        design.poststratify("stratum", {"a": 100, "b": 50, "c": 10})


def test_poststratified_weights_sum_to_the_totals() -> None:
    design = Design.from_table(read_table(csv_bytes(SURVEY), "s.csv"), weights="w")
    calibrated = design.poststratify("stratum", {"a": 300, "b": 120})
    by = estimate(calibrated, "proportion", "agree", value="yes", by="stratum")
    assert [(e.domain, e.weighted_n) for e in by] == [("a", 300.0), ("b", 120.0)]


def test_prepost_leaves_out_pairs_with_a_gap() -> None:
    result = prepost([1.0, 2.0, None, 4.0, 3.0], [2.0, 2.5, 5.0, None, 5.0])
    assert result.n == 3
    assert math.isclose(result.mean_difference, (1.0 + 0.5 + 2.0) / 3, rel_tol=1e-12)
    with pytest.raises(DesignError, match="must be paired"):
        prepost([1.0, 2.0], [1.0])
