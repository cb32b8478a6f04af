"""The server-rendered charts: well-formed SVG, named and described for assistive technology,
every bar and line labelled in text (nothing by colour alone), and data escaped."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from lde.assessments import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


AXIS = ["0%", "25%", "50%", "75%", "100%"]


def texts(root: ET.Element) -> list[str]:
    """The chart's words, in drawing order, without the axis's percentages."""
    return [w for w in ("".join(t.itertext()) for t in root.iter(f"{SVG}text")) if w not in AXIS]


def axis(root: ET.Element) -> list[str]:
    return [w for w in ("".join(t.itertext()) for t in root.iter(f"{SVG}text")) if w in AXIS]


def bars() -> str:
    return charts.bar_chart(
        chart_id="theme-scores",
        title="Scores by theme",
        description="Overall 62.5% against a target of 75.0%.",
        groups=[
            charts.BarGroup(label="1. Leadership", bars=[charts.Bar(75.0)], target=91.7),
            charts.BarGroup(label="2. Delivery", bars=[charts.Bar(None)]),
            charts.BarGroup(label="Overall", bars=[charts.Bar(62.5)], target=75.0),
        ],
    )


def test_the_bar_chart_is_an_image_with_a_title_and_description():
    root = parse(bars())

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "theme-scores-title theme-scores-desc"
    assert root.get("viewBox", "").startswith("0 0 800 ")
    assert root.get("width") == "100%"
    assert root.find(f"{SVG}title").text == "Scores by theme"  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").get("id") == "theme-scores-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Overall 62.5% against a target of 75.0%."  # type: ignore[union-attr]


def test_every_bar_says_its_value_and_target_in_words():
    root = parse(bars())

    assert texts(root) == [
        "1. Leadership",
        "75.0% (target 91.7%)",
        "2. Delivery",
        "not rated",  # a missing score is said, not drawn as an empty bar
        "Overall",
        "62.5% (target 75.0%)",
    ]
    assert axis(root) == AXIS
    # The target is a black line with its value in its tooltip as well as in the text.
    targets = [t for t in root.iter(f"{SVG}line") if t.get("stroke") == charts.BLACK]
    assert [t.find(f"{SVG}title").text for t in targets] == [  # type: ignore[union-attr]
        "Target 91.7%",
        "Target 75.0%",
    ]


def test_bars_of_several_series_name_their_series():
    svg = charts.bar_chart(
        chart_id="theme-comparison",
        title="Before and after",
        description="Two cycles.",
        groups=[
            charts.BarGroup(
                label="1. Leadership",
                bars=[charts.Bar(50.0, "2023–24"), charts.Bar(None, "2024–25")],
            )
        ],
    )

    labels = texts(parse(svg))

    assert "2023–24: 50.0%" in labels
    assert "2024–25: not rated" in labels


def test_the_trend_chart_labels_each_line_directly_with_its_own_marker():
    svg = charts.trend_chart(
        chart_id="trend",
        title="Scores across cycles",
        description="Three cycles.",
        categories=["2022–23", "2023–24", "2024–25"],
        lines=[
            charts.Line(label="Overall", values=[40.0, 50.0, 60.0], emphasis=True),
            charts.Line(label="1. Leadership", values=[30.0, None, 70.0]),
            charts.Line(label="2. Delivery", values=[50.0, 55.0, 61.0]),
        ],
    )
    root = parse(svg)

    labels = texts(root)
    assert [x for x in labels if x.startswith("20")] == ["2022–23", "2023–24", "2024–25"]
    assert "Overall 60.0%" in labels
    assert "1. Leadership 70.0%" in labels
    assert "2. Delivery 61.0%" in labels
    assert root.get("aria-labelledby") == "trend-title trend-desc"
    # Each point names its line, cycle and value; the shapes differ line by line: squares for
    # the overall score alone, then circles, then triangles.
    groups = root.findall(f"{SVG}g")
    assert [g.find(f"{SVG}title").text for g in groups] == [  # type: ignore[union-attr]
        "Overall, 2022–23: 40.0%",
        "Overall, 2023–24: 50.0%",
        "Overall, 2024–25: 60.0%",
        "1. Leadership, 2022–23: 30.0%",
        "1. Leadership, 2024–25: 70.0%",
        "2. Delivery, 2022–23: 50.0%",
        "2. Delivery, 2023–24: 55.0%",
        "2. Delivery, 2024–25: 61.0%",
    ]
    assert [next(iter(g)).tag.removeprefix(SVG) for g in groups] == [
        "rect",
        "rect",
        "rect",
        "circle",
        "circle",
        "polygon",
        "polygon",
        "polygon",
    ]
    # A missing score breaks the line rather than dropping it to 0%: two separate moves.
    paths = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert paths[1].count("M") == 2
    assert "L" not in paths[1]


def test_trend_labels_do_not_overlap_when_lines_end_together():
    svg = charts.trend_chart(
        chart_id="trend",
        title="Scores",
        description="Close lines.",
        categories=["2023", "2024"],
        lines=[charts.Line(label=f"Theme {n}", values=[50.0, 60.0]) for n in range(4)],
    )
    root = parse(svg)

    label_ys = sorted(
        float(t.get("y", "0"))
        for t in root.iter(f"{SVG}text")
        if "".join(t.itertext()).startswith("Theme")
    )
    assert len(label_ys) == 4
    assert all(b - a >= charts.LABEL_GAP - 0.01 for a, b in itertools.pairwise(label_ys))


def test_text_from_data_is_escaped():
    svg = charts.bar_chart(
        chart_id='x" onload="alert(1)',
        title="<script>alert(1)</script>",
        description="A & B",
        groups=[charts.BarGroup(label="<b>Leadership</b> & co", bars=[charts.Bar(10.0)])],
    )
    root = parse(svg)

    assert "<script>" not in svg
    assert root.get("onload") is None
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"  # type: ignore[union-attr]
    assert texts(root)[0] == "<b>Leadership</b> & co"
