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
