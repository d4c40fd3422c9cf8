"""Charts drawn on the server as inline SVG: no chart library, no JavaScript, readable without
colour (every bar carries its value as text) and by screen readers (a table follows each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 40
PLOT_WIDTH = 300


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as shown
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 70


def bar_chart(
    title: str, values: Sequence[tuple[str, float | None]], *, percent: bool = False, unit: str = ""
) -> BarChart:
    """Horizontal bars. Percentages scale to 100 %, other figures to the largest value."""
    top = 1.0 if percent else max([v for _, v in values if v is not None] + [0.0]) or 1.0
    bars = []
    for number, (label, value) in enumerate(values):
        if value is None:
            text, width = "n/a", 0
        else:
            text = f"{value * 100:.0f} %" if percent else f"{round(value, 1):g}{unit}"
            width = round(PLOT_WIDTH * min(value / top, 1.0))
        bars.append(Bar(label, value, text, number * (BAR_HEIGHT + GAP), width))
    return BarChart(title, bars, max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT))


COLUMN_WIDTH = 26
COLUMN_GAP = 6
COLUMN_PLOT = 110  # the tallest column
COLUMN_TOP = 18  # room for a value above the tallest column
COLUMN_FOOT = 34  # room for the period below


@dataclass(frozen=True)
class Column:
    label: str
    value: float | None
    text: str
    x: int
    y: int
    height: int
    href: str | None  # the tickets behind the column


@dataclass(frozen=True)
class ColumnChart:
    """Vertical columns over time: one per period, each a link to its tickets."""

    title: str
    columns: list[Column]
    width: int
    height: int = COLUMN_TOP + COLUMN_PLOT + COLUMN_FOOT
    base: int = COLUMN_TOP + COLUMN_PLOT


def value_text(value: float | None, *, percent: bool = False, unit: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.0f} %" if percent else f"{round(value, 1):g}{unit}"


def column_chart(
    title: str,
    values: Sequence[tuple[str, float | None, str | None]],
    *,
    percent: bool = False,
    top: float | None = None,
) -> ColumnChart:
    """Columns for (label, value, link) in order; percentages scale to 100 %, others to ``top``
    (the largest value when None), so that charts of one figure compare."""
    ceiling = 1.0 if percent else top or max([v for _, v, _ in values if v] + [0.0]) or 1.0
    columns = []
    for number, (label, value, href) in enumerate(values):
        height = 0 if value is None else round(COLUMN_PLOT * min(value / ceiling, 1.0))
        x = number * (COLUMN_WIDTH + COLUMN_GAP)
        text = value_text(value, percent=percent)
        columns.append(
            Column(label, value, text, x, COLUMN_TOP + COLUMN_PLOT - height, height, href)
        )
    return ColumnChart(title, columns, max(len(columns) * (COLUMN_WIDTH + COLUMN_GAP), 60))
