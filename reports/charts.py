"""Chart geometry, computed once and drawn twice: as SVG in the pages, with reportlab in the PDF.

Plain numbers in, coordinates out. No JavaScript, no CDN: the page prints as it shows.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils import formats

MONTH_LABEL_EVERY = 3


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: float
    plot_height: float
    actual: list[tuple[float, float]]
    estimated: list[tuple[float, float]]  # the part of the line that is estimated
    path: list[tuple[float, float]]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    y_max: int

    @staticmethod
    def _points(points) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)

    @property
    def actual_points(self) -> str:
        return self._points(self.actual)

    @property
    def estimated_points(self) -> str:
        return self._points(self.estimated)

    @property
    def path_points(self) -> str:
        return self._points(self.path)

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height

    @property
    def right(self) -> float:
        return self.left + self.plot_width


def nice_ceiling(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def line_chart(
    months: list[date],
    values: list[int],
    estimated: list[bool],
    path: list[float],
    *,
    width: int = 480,
    height: int = 200,
) -> LineChart:
    """The remaining count month by month, its estimated stretch, and the target path."""
    left, top, right_pad, bottom_pad = 44, 10, 24, 28
    plot_width = width - left - right_pad
    plot_height = height - top - bottom_pad
    y_max = nice_ceiling(max([*values, *path, 1]))
    count = max(len(months) - 1, 1)

    def x(i: int) -> float:
        return left + plot_width * i / count

    def y(value: float) -> float:
        return top + plot_height * (1 - value / y_max)

    points = [(x(i), y(v)) for i, v in enumerate(values)]
    # The estimated months come first (worked back from the first snapshot).
    last_estimated = max((i for i, flag in enumerate(estimated) if flag), default=-1)
    estimated_points = points[: last_estimated + 2] if last_estimated >= 0 else []
    actual_points = points[last_estimated + 1 :] if last_estimated >= 0 else points
    # Whole numbers only: the middle line only when it falls on one.
    marks = [0, y_max // 2, y_max] if y_max % 2 == 0 else [0, y_max]
    y_ticks = [Tick(y(mark), _number(mark)) for mark in marks]
    x_ticks = [
        Tick(x(i), formats.date_format(month, "M y"))
        for i, month in enumerate(months)
        if (len(months) - 1 - i) % MONTH_LABEL_EVERY == 0
    ]
    return LineChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        actual=actual_points,
        estimated=estimated_points,
        path=[(x(i), y(v)) for i, v in enumerate(path)],
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        y_max=y_max,
    )


def _number(value: float) -> str:
    return formats.number_format(int(round(value)), force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def bar_chart(rows: list[tuple[str, int]], *, width: int = 480, bar_height: int = 16) -> BarChart:
    """Horizontal bars, longest first as given, scaled to the largest value."""
    label_width, gap, value_room = 70, 4, 60
    largest = max([value for _label, value in rows] or [1]) or 1
    span = width - label_width - value_room
    bars = [
        Bar(label, value, i * (bar_height + gap), span * value / largest)
        for i, (label, value) in enumerate(rows)
    ]
    height = max(len(rows) * (bar_height + gap), bar_height)
    return BarChart(width, height, label_width, bar_height, bars)
