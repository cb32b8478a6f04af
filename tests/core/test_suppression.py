"""The small-number rule every figure across partnerships goes through (lde.core.suppression)."""

from __future__ import annotations

from lde.core.suppression import MIN_COUNT, MIN_PARTNERSHIPS, Measure, Row, Table, suppress

COUNT = Measure("partnerships", lambda c: c["partnerships"], lambda c: (c["partnerships"],))
PEOPLE = Measure("people", lambda c: c["people"], lambda c: (c["people"],))
SHARE = Measure(
    "share",
    lambda c: round(100 * c["yes"] / c["people"]),
    lambda c: (c["people"], c["yes"], c["people"] - c["yes"]),
)
MEASURES = (COUNT, PEOPLE, SHARE)


def _group(partnerships: int, people: int, yes: int = 0) -> dict[str, int]:
    return {"partnerships": partnerships, "people": people, "yes": yes}


def test_the_thresholds() -> None:
    assert (MIN_PARTNERSHIPS, MIN_COUNT) == (5, 10)


def test_a_group_under_five_partnerships_is_not_shown() -> None:
    table = suppress(
        {"a": _group(4, 100, 50), "b": _group(12, 40, 20)}, order=["a", "b"], measures=MEASURES
    )

    assert [row.key for row in table.rows] == ["b"]


def test_a_figure_resting_on_a_count_under_ten_is_withheld() -> None:
    table = suppress({"a": _group(6, 40, 9)}, order=["a"], measures=MEASURES)

    # 6 partnerships and 9 "yes" are each under 10: the count and the share are withheld.
    assert table.rows == [Row("a", {"partnerships": None, "people": 40, "share": None})]


def test_the_whole_is_withheld_where_subtraction_would_give_a_group_away() -> None:
    groups = {"a": _group(10, 30, 15), "b": _group(5, 12, 6)}

    table = suppress(groups, order=["a", "b"], measures=MEASURES)

    # b's 5 partnerships and 6 "yes" are withheld; the whole less a is exactly b, so the whole's
    # count of partnerships and its share are withheld too, but its 42 people may show (b's 12
    # are shown anyway).
    assert table == Table(
        rows=[
            Row("a", {"partnerships": 10, "people": 30, "share": 50}),
            Row("b", {"partnerships": None, "people": 12, "share": None}),
        ],
        whole=Row("whole", {"partnerships": None, "people": 42, "share": None}),
    )


def test_the_whole_shows_what_the_hidden_groups_together_would_not_give_away() -> None:
    groups = {"a": _group(12, 40, 15), "b": _group(4, 30, 15), "c": _group(6, 7, 3)}

    table = suppress(groups, order=["a", "b", "c"], measures=MEASURES)

    # The whole less a: 10 partnerships, 37 people, 18 yes and 19 no, all at least 10.
    assert table.whole == Row("whole", {"partnerships": 22, "people": 77, "share": 43})


def test_groups_outside_the_order_count_only_towards_the_whole_and_what_it_hides() -> None:
    groups = {"a": _group(10, 30, 15), "elsewhere": _group(5, 12, 6)}

    table = suppress(groups, order=["a"], measures=MEASURES, whole_key="all")

    assert [row.key for row in table.rows] == ["a"]
    assert table.whole == Row("all", {"partnerships": None, "people": 42, "share": None})


def test_fewer_than_five_partnerships_in_all_shows_nothing() -> None:
    assert suppress({"a": _group(4, 400, 200)}, order=["a"], measures=MEASURES) == Table([], None)
