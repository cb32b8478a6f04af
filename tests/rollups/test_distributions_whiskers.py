"""What the box plot's figures may say about one partnership's score (ADR 0026), checked over
generated regions of scores.

What is provable, and checked here for every group shown (each region and England):

- a group of fewer than 11 partnerships (`BOX_MIN`) shows no percentile at all (its mean only);
- every percentile shown lies between the 2nd lowest and the 2nd highest score, so it does
  not depend on the lowest or the highest score, and shows either only where at least two
  partnerships share it;
- a percentile shown equals a score held by only one partnership only where the inclusive
  rule's position (n − 1)p falls on a whole number; anywhere else it lies strictly between two
  different scores, and so is nobody's.

What is not claimed: that no figure ever equals a single partnership's score. The median of an
odd number of scores is the middle one's, and a mean may equal a score by chance; the claim is
that such a score is never at an end, is one of at least 11, and is never named.

Scores are whole numbers here so that "equals" is exact.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lde.partnerships.models import Region
from lde.rollups import distributions as d

REGIONS = [Region.NORTH_WEST, Region.NORTH_EAST, Region.YORKSHIRE, Region.LONDON]
FIELDS = (
    "tenth_percentile",
    "lower_quartile",
    "median",
    "upper_quartile",
    "ninetieth_percentile",
)

# Few distinct values as well as many, so that ties (shared scores) come up often.
scores = st.one_of(st.integers(0, 100), st.sampled_from([0, 25, 50, 75, 100]))
by_region = st.dictionaries(
    st.sampled_from(REGIONS), st.lists(scores.map(float), min_size=0, max_size=40), max_size=4
)


def _check(group: d.Group, values: list[float]) -> None:
    if group.figures is None:
        return
    box = [getattr(group.figures, name) for name in FIELDS]
    n = len(values)
    if n < d.BOX_MIN:
        assert box == [None] * 5, (group.code, n, box)
        assert group.spread_withheld
        return
    if box[2] is None:  # withheld for England by the subtraction rule; nothing more to check
        return
    ordered = sorted(values)
    assert box == sorted(box)
    for percent, value in zip(d.SPREAD_PERCENTS, box, strict=True):
        assert value is not None
        assert ordered[1] <= value <= ordered[-2], (percent, value, ordered)
        holders = ordered.count(value)
        if value in (ordered[0], ordered[-1]):
            assert holders >= 2, (percent, value, ordered)
        if holders == 1:
            assert (n - 1) * percent % 100 == 0, (percent, value, ordered)


@given(by_region)
def test_no_percentile_is_an_end_score_or_comes_from_fewer_than_eleven(
    regions: dict[str, list[float]],
) -> None:
    england, shown = d.suppressed_groups(regions)
    _check(england, [s for values in regions.values() for s in values])
    for group in shown:
        _check(group, regions.get(group.code, []))


@given(st.lists(scores.map(float), min_size=d.BOX_MIN, max_size=60))
def test_a_group_of_eleven_or_more_alone_always_shows_its_box(values: list[float]) -> None:
    # One region only: England less it is empty, so nothing is withheld by subtraction, and
    # the property above is checked on a box that is there.
    england, shown = d.suppressed_groups({Region.NORTH_WEST: values})
    north_west = next(g for g in shown if g.code == Region.NORTH_WEST)
    assert north_west.figures is not None and north_west.figures.median is not None
    _check(north_west, values)
    _check(england, values)
