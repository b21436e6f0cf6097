"""Charts drawn on the server as SVG: here the geometry, in templates/macros/charts.html the
drawing. Rates (0..1) only, the one kind of chart the reports need: a line over time and bars
per group. Every value is also written as text on the chart, so nothing is told by colour
alone, and the page shows the same numbers in a table.

The drawing is sized in viewBox units meant to be shown at about one unit a pixel: at most
that wide on a large screen, scaled down on a phone. A line of many weeks is too wide for a
phone, so it is drawn twice: across (time to the right) and down (time downwards); the page's
stylesheet shows one or the other."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import format_percent

TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
FONT = 15  # text height in viewBox units; the stylesheet says the same (svg.chart text)
DENSE = 16  # points a line writes its values across; more are written upright
CHAR = 0.6 * FONT  # an average character's width, to keep labels apart


def percent(rate: float | None) -> str:
    """0.6667 -> "66,7%" (in English "66.7%"); no rate -> an en dash."""
    return "–" if rate is None else format_percent(rate, "#,##0.0%")


def _tick(rate: float) -> str:
    return format_percent(rate, "#,##0%")


@dataclass(frozen=True)
class Datum:
    key: str
    label: str  # the category's name as written on the chart (a week's Monday, an office)
    value: float | None  # a rate 0..1, or None when there is nothing to rate
    title: str = ""  # the category's full name, in the point's tooltip


@dataclass(frozen=True)
class Text:
    text: str
    x: float
    y: float
    anchor: str = "middle"  # SVG text-anchor: start | middle | end
    rotate: int = 0


@dataclass(frozen=True)
class Rule:
    """A grid line at one value, with the value written at its end."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: Text


@dataclass(frozen=True)
class Mark:
    """One value on a chart: a point (cx, cy) or a bar (x, y, w, h), and its value written."""

    datum: Datum
    text: Text
    cx: float = 0
    cy: float = 0
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0

    @property
    def shown(self) -> bool:
        return self.datum.value is not None


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "bars"
    width: int
    height: int
    rules: list[Rule]
    marks: list[Mark]
    categories: list[Text]  # the names along the category axis
    value_title: Text
    category_title: Text | None = None
    path: str = ""  # the line through the points, broken where a value is missing


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    parts: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f} {point[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def line_across(data: Sequence[Datum], value_title: str, category_title: str,
                fmt: Callable[[float | None], str] = percent) -> Chart:
    """Time to the right, the rate upwards; each value written above its point. Past DENSE
    points (a year of weeks) the values and names are written upright, so they stay apart."""
    widest = max((len(fmt(d.value)) for d in data), default=4) * CHAR
    dense = len(data) > DENSE
    step = 1.6 * FONT if dense else widest + 2 * CHAR
    label_h = widest + 8 if dense else FONT + 4  # room above the 100% line for a value
    names_h = max((len(d.label) for d in data), default=5) * CHAR + 12 if dense else FONT + 10
    left, right, plot_h = 64, 16, 200
    top, bottom = 8 + label_h, names_h + FONT + 16
    width = int(max(480, left + right + step * len(data)))
    step = (width - left - right) / max(len(data), 1)
    height = int(top + plot_h + bottom)

    def y_of(rate: float) -> float:
        return top + (1 - rate) * plot_h

    rules = [Rule(left, y_of(t), width - right, y_of(t), Text(_tick(t), left - 6, y_of(t) + FONT / 3,
                                                                "end")) for t in TICKS]
    marks: list[Mark] = []
    points: list[tuple[float, float] | None] = []
    categories: list[Text] = []
    for i, datum in enumerate(data):
        cx = left + step * (i + 0.5)
        cy = y_of(datum.value or 0)
        points.append(None if datum.value is None else (cx, cy))
        text_y = cy - (6 if datum.value is None else 10)
        upright = dense and datum.value is not None  # a dash for no value stays a dash
        value = (Text(fmt(datum.value), cx + FONT / 3, text_y, "start", -90) if upright
                 else Text(fmt(datum.value), cx, text_y))
        marks.append(Mark(datum, value, cx=cx, cy=cy))
        names_y = top + plot_h + 8
        categories.append(Text(datum.label, cx + FONT / 3, names_y, "end", -90) if dense
                          else Text(datum.label, cx, names_y + FONT))
    return Chart("line", width, height, rules, marks, categories,
                 Text(value_title, FONT + 2, top + plot_h / 2, rotate=-90),
                 Text(category_title, left + (width - left - right) / 2, height - 8), _path(points))


def line_down(data: Sequence[Datum], value_title: str, category_title: str,
              fmt: Callable[[float | None], str] = percent) -> Chart:
    """Time downwards, the rate to the right: a phone's narrow screen fits any number of weeks.
    Each category's name at the left of its row, its value right of its point."""
    label_w = max((len(d.label) for d in data), default=5) * CHAR + 8
    width, right, top, row = 340, 64, 44, 32
    left = int(label_w + 8)
    plot_w = width - left - right
    height = top + row * max(len(data), 1) + 16

    def x_of(rate: float) -> float:
        return left + rate * plot_w

    rules = [Rule(x_of(t), top - 8, x_of(t), height - 16, Text(_tick(t), x_of(t), top - 14,
                                                                 "middle")) for t in (0.0, 0.5, 1.0)]
    marks: list[Mark] = []
    points: list[tuple[float, float] | None] = []
    categories: list[Text] = []
    for i, datum in enumerate(data):
        cy = top + row * (i + 0.5)
        categories.append(Text(datum.label, left - 8, cy + FONT / 3, "end"))
        if datum.value is None:
            points.append(None)
            marks.append(Mark(datum, Text(fmt(None), x_of(0) + 8, cy + FONT / 3, "start"), cx=x_of(0), cy=cy))
        else:
            cx = x_of(datum.value)
            points.append((cx, cy))
            marks.append(Mark(datum, Text(fmt(datum.value), cx + 8, cy + FONT / 3, "start"), cx=cx, cy=cy))
    return Chart("line", width, height, rules, marks, categories,
                 Text(value_title, left + plot_w / 2, FONT + 2), Text(category_title, 0, FONT + 2, "start"),
                 _path(points))


def bars(data: Sequence[Datum], value_title: str,
         fmt: Callable[[float | None], str] = percent) -> Chart:
    """One horizontal bar a group, its name above it and its value at its end: long names
    (an office's) stay readable on a phone, and a bar of 100% keeps its label inside."""
    width, left, right, top, row, bar_h = 340, 4, 64, 8, 52, 20
    plot_w = width - left - right
    bottom = 44
    height = top + row * max(len(data), 1) + bottom
    plot_bottom = height - bottom

    def x_of(rate: float) -> float:
        return left + rate * plot_w

    anchors = {0.0: "start", 0.5: "middle", 1.0: "end"}  # the end ticks stay inside the drawing
    rules = [Rule(x_of(t), top, x_of(t), plot_bottom, Text(_tick(t), x_of(t), plot_bottom + FONT + 4, anchor))
             for t, anchor in anchors.items()]
    marks: list[Mark] = []
    categories: list[Text] = []
    for i, datum in enumerate(data):
        y = top + row * i + FONT + 8
        categories.append(Text(datum.label, left, y - 6, "start"))
        w = x_of(datum.value) - left if datum.value is not None else 0
        marks.append(Mark(datum, Text(fmt(datum.value), left + w + 6, y + bar_h / 2 + FONT / 3, "start"),
                          x=left, y=y, w=w, h=bar_h))
    return Chart("bars", width, height, rules, marks, categories,
                 Text(value_title, width / 2, height - 6))
