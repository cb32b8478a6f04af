"""Charts drawn on the server as SVG: a horizontal bar chart of scores by theme and a line chart
of scores across cycles.

They need no JavaScript and scale to the width of their container (a `viewBox`, no fixed
size). Each is an image with a title and a description (`role="img"`, `aria-labelledby`), and
every page follows it with a table of the same figures, which is what a screen reader reads.
Nothing is told by colour alone: every bar and every line carries its name and value as text,
lines differ in marker shape and dash as well as colour, and the target is a black marker with
the word "target" beside the value.

The SVG is built as text. Every piece of text that comes from data (theme titles, labels) goes
through `_text`, which escapes it for XML, so the result is safe to put in a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# GOV.UK Design System colours.
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
BLUE = "#1d70b8"
LINE_COLOURS = (BLUE, "#00703c", "#4c2c92", "#d4351c", "#f47738", "#28a197", "#d53880", "#003078")
DASHES = ("", "8 4", "2 3", "10 3 2 3")
# The overall line alone has squares, so that it is told apart by shape as well as weight.
MARKERS = ("circle", "triangle", "diamond", "cross", "triangle-down")

# The service's own font stack (assets/application.scss): GOV.UK's classes set the font on
# text elements, not on the page, so an inline SVG would otherwise fall back to a serif.
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WIDTH = 800
FONT = 16
SMALL = 14


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """Coordinates to two decimal places, without trailing noise."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def percent(value: float | None) -> str:
    return "Not rated" if value is None else f"{value:.1f}%"


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open(chart_id: str, title: str, description: str, height: float) -> list[str]:
    ident = _text(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_number(height)}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="lde-chart" id="{ident}" focusable="false" font-family="{FONT_FAMILY}">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(description)}</desc>',
    ]


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5.0) -> str:
    """A point marker whose shape, not only its colour, tells one line from another."""
    cx, cy, s = _number(x), _number(y), size
    if shape == "square":
        return (
            f'<rect x="{_number(x - s)}" y="{_number(y - s)}" width="{_number(2 * s)}" '
            f'height="{_number(2 * s)}" fill="{colour}"/>'
        )
    if shape in ("triangle", "triangle-down"):
        tip = -1 if shape == "triangle" else 1
        points = [(x, y + tip * s * 1.2), (x - s * 1.1, y - tip * s), (x + s * 1.1, y - tip * s)]
        return (
            f'<polygon points="{" ".join(f"{_number(a)},{_number(b)}" for a, b in points)}" '
            f'fill="{colour}"/>'
        )
    if shape == "diamond":
        points = [(x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y)]
        return (
            f'<polygon points="{" ".join(f"{_number(a)},{_number(b)}" for a, b in points)}" '
            f'fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{_number(x - s)},{_number(y - s)} L{_number(x + s)},{_number(y + s)} '
            f'M{_number(x - s)},{_number(y + s)} L{_number(x + s)},{_number(y - s)}" '
            f'stroke="{colour}" stroke-width="3" fill="none"/>'
        )
    return f'<circle cx="{cx}" cy="{cy}" r="{_number(s)}" fill="{colour}"/>'


# --- Bars ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: a value from 0 to 100, or None for "not rated". `series` names it when a group
    has more than one bar (the cycle it belongs to, say)."""

    value: float | None
    series: str = ""
    missing: str = "not rated"  # what a bar with no value says instead


@dataclass(frozen=True)
class BarGroup:
    """A theme's bars, with the target marker where there is one."""

    label: str
    bars: Sequence[Bar]
    target: float | None = None


BAR_LEFT = 16
BAR_RIGHT = 560  # where 100% falls; the rest of the width holds the values as text
BAR_HEIGHT = 22
BAR_GAP = 6
SERIES_FILLS = (BLUE, DARK_GREY, "#00703c", "#4c2c92")


def _x(value: float) -> float:
    return BAR_LEFT + (BAR_RIGHT - BAR_LEFT) * max(0.0, min(100.0, value)) / 100


def bar_chart(
    *, chart_id: str, title: str, description: str, groups: Sequence[BarGroup]
) -> SafeString:
    """Horizontal bars from 0% to 100%, one group per theme, each bar with its value written
    beside it and the theme's target as a black line."""
    top = 8.0
    rows: list[str] = []
    y = top
    for group in groups:
        y += FONT + 4
        rows.append(
            f'<text x="{BAR_LEFT}" y="{_number(y)}" font-size="{FONT}" fill="{BLACK}" '
            f'font-weight="bold">{_text(_clip(group.label, 80))}</text>'
        )
        y += 6
        first = y
        for index, bar in enumerate(group.bars):
            fill = SERIES_FILLS[index % len(SERIES_FILLS)]
            middle = y + BAR_HEIGHT / 2 + 5
            named = f"{bar.series}: " if bar.series else ""
            if bar.value is None:
                rows.append(
                    f'<rect x="{BAR_LEFT}" y="{_number(y)}" width="{BAR_RIGHT - BAR_LEFT}" '
                    f'height="{BAR_HEIGHT}" fill="none" stroke="{MID_GREY}" '
                    f'stroke-dasharray="4 4"/>'
                )
                rows.append(
                    f'<text x="{BAR_LEFT + 8}" y="{_number(middle)}" font-size="{SMALL}" '
                    f'fill="{BLACK}">{_text(named)}{_text(bar.missing)}</text>'
                )
            else:
                width = _x(bar.value) - BAR_LEFT
                rows.append(
                    f'<rect x="{BAR_LEFT}" y="{_number(y)}" width="{_number(max(width, 1.5))}" '
                    f'height="{BAR_HEIGHT}" fill="{fill}"><title>{_text(named)}'
                    f"{percent(bar.value)}</title></rect>"
                )
                target = (
                    f" (target {percent(group.target)})"
                    if group.target is not None and index == len(group.bars) - 1
                    else ""
                )
                rows.append(
                    f'<text x="{BAR_RIGHT + 10}" y="{_number(middle)}" font-size="{SMALL}" '
                    f'fill="{BLACK}">{_text(named)}{percent(bar.value)}{_text(target)}</text>'
                )
            y += BAR_HEIGHT + BAR_GAP
        if group.target is not None:
            x = _number(_x(group.target))
            rows.append(
                f'<line x1="{x}" x2="{x}" y1="{_number(first - 4)}" y2="{_number(y - BAR_GAP + 4)}"'
                f' stroke="{BLACK}" stroke-width="3"><title>Target {percent(group.target)}'
                "</title></line>"
            )
            rows.append(
                f'<polygon points="{x},{_number(first - 2)} {_number(_x(group.target) - 6)},'
                f'{_number(first - 10)} {_number(_x(group.target) + 6)},{_number(first - 10)}" '
                f'fill="{BLACK}"/>'
            )
        y += 10
    plot_bottom = y
    axis: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        x = _number(_x(tick))
        axis.append(
            f'<line x1="{x}" x2="{x}" y1="{_number(top)}" y2="{_number(plot_bottom)}" '
            f'stroke="{MID_GREY}" stroke-width="1"/>'
        )
        axis.append(
            f'<text x="{x}" y="{_number(plot_bottom + 18)}" font-size="{SMALL}" '
            f'fill="{DARK_GREY}" text-anchor="middle">{tick}%</text>'
        )
    height = plot_bottom + 28
    parts = _open(chart_id, title, description, height)
    # Gridlines first, so that the bars and their text sit on top of them.
    return mark_safe("".join([*parts, *axis, *rows, "</svg>"]))  # noqa: S308 - escaped above


# --- Lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line across the cycles: values from 0 to 100, None where there is no score."""

    label: str
    values: Sequence[float | None]
    emphasis: bool = False  # the overall score, drawn heavier and in black


PLOT_LEFT = 60
PLOT_RIGHT = 540
PLOT_TOP = 16
PLOT_HEIGHT = 300
LABEL_GAP = 18


def _y(value: float) -> float:
    return PLOT_TOP + PLOT_HEIGHT * (1 - max(0.0, min(100.0, value)) / 100)


def _styles(lines: Sequence[Line]) -> list[tuple[str, str, str, float]]:
    """Colour, dash, marker shape and width of each line. Shapes and dashes cycle at
    different lengths from the colours, so no two of the first lines look alike."""
    styles = []
    ordinal = 0
    for line in lines:
        if line.emphasis:
            styles.append((BLACK, "", "square", 4.0))
            continue
        styles.append(
            (
                LINE_COLOURS[ordinal % len(LINE_COLOURS)],
                DASHES[ordinal % len(DASHES)],
                MARKERS[ordinal % len(MARKERS)],
                2.5,
            )
        )
        ordinal += 1
    return styles


def _spread(wanted: list[tuple[float, int]], low: float, high: float) -> dict[int, float]:
    """Move the direct labels apart so that none overlaps the next, keeping their order."""
    placed: dict[int, float] = {}
    previous = low - LABEL_GAP
    for y, key in sorted(wanted):
        y = max(y, previous + LABEL_GAP)
        placed[key] = y
        previous = y
    overflow = previous - high
    if overflow > 0:
        for key in placed:
            placed[key] -= overflow
    return placed


def trend_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    lines: Sequence[Line],
) -> SafeString:
    """Scores (0% to 100%) across cycles, one line per theme and one for the overall score, each
    named at its last point and drawn with its own marker shape and dash."""
    count = max(len(categories), 1)
    step = (PLOT_RIGHT - PLOT_LEFT) / (count - 1) if count > 1 else 0.0

    def x_of(index: int) -> float:
        return PLOT_LEFT + step * index if count > 1 else (PLOT_LEFT + PLOT_RIGHT) / 2

    bottom = PLOT_TOP + PLOT_HEIGHT
    axis: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        y = _number(_y(tick))
        axis.append(
            f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y}" y2="{y}" stroke="{MID_GREY}" '
            f'stroke-width="1"/>'
        )
        axis.append(
            f'<text x="{PLOT_LEFT - 8}" y="{_number(_y(tick) + 5)}" font-size="{SMALL}" '
            f'fill="{DARK_GREY}" text-anchor="end">{tick}%</text>'
        )
    for index, category in enumerate(categories):
        axis.append(
            f'<text x="{_number(x_of(index))}" y="{bottom + 22}" font-size="{SMALL}" '
            f'fill="{BLACK}" text-anchor="middle">{_text(_clip(category, 14))}</text>'
        )
    drawn: list[str] = []
    wanted: list[tuple[float, int]] = []
    ends: dict[int, tuple[float, float]] = {}
    styles = _styles(lines)
    for index, line in enumerate(lines):
        colour, dash, shape, width = styles[index]
        path: list[str] = []
        pen_down = False
        for position, value in enumerate(line.values):
            if value is None:
                pen_down = False  # a gap, not a drop to zero
                continue
            command = "L" if pen_down else "M"
            path.append(f"{command}{_number(x_of(position))},{_number(_y(value))}")
            pen_down = True
        if path:
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            drawn.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" '
                f'stroke-width="{_number(width)}"{dashes}/>'
            )
        for position, value in enumerate(line.values):
            if value is None:
                continue
            label = categories[position] if position < len(categories) else ""
            drawn.append(
                f"<g>{_marker(shape, x_of(position), _y(value), colour)}"
                f"<title>{_text(line.label)}, {_text(label)}: {percent(value)}</title></g>"
            )
        last = next(
            (
                (position, value)
                for position, value in reversed(list(enumerate(line.values)))
                if value is not None
            ),
            None,
        )
        if last is not None:
            ends[index] = (x_of(last[0]), _y(last[1]))
            wanted.append((_y(last[1]), index))
    labels: list[str] = []
    placed = _spread(wanted, PLOT_TOP, bottom)
    for index, label_y in placed.items():
        line = lines[index]
        colour, _, shape, _ = styles[index]
        end_x, end_y = ends[index]
        value = next(v for v in reversed(list(line.values)) if v is not None)
        label_x = PLOT_RIGHT + 24
        # A thin leader from the last point to its label, which may have moved to make room.
        labels.append(
            f'<line x1="{_number(end_x + 6)}" y1="{_number(end_y)}" x2="{label_x - 12}" '
            f'y2="{_number(label_y)}" stroke="{MID_GREY}" stroke-width="1"/>'
        )
        labels.append(_marker(shape, label_x - 4, label_y, colour, 4.0))
        weight = ' font-weight="bold"' if line.emphasis else ""
        labels.append(
            f'<text x="{label_x + 6}" y="{_number(label_y + 5)}" font-size="{SMALL}" '
            f'fill="{BLACK}"{weight}>{_text(_clip(line.label, 20))} {percent(value)}</text>'
        )
    height = max(bottom + 36, max(placed.values(), default=0) + 16)
    parts = _open(chart_id, title, description, height)
    return mark_safe("".join([*parts, *axis, *drawn, *labels, "</svg>"]))  # noqa: S308 - escaped
