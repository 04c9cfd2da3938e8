"""Chart geometry, computed once and drawn twice: as SVG in the pages, with reportlab in the PDF.

Plain numbers in, coordinates out. No JavaScript, no CDN: the page prints as it shows.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils import formats

from pmks_portal.months import add_months

MONTH_LABEL_EVERY = 3


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Segment:
    """A stretch of the remaining line: counted (drawn solid) or estimated (dotted)."""

    estimated: bool
    points: list[tuple[float, float]]

    @property
    def points_text(self) -> str:
        return _points(self.points)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: float
    plot_height: float
    segments: list[Segment]
    path: list[tuple[float, float]]
    projection: list[tuple[float, float]]  # from the last month on, at the recent rate
    deadline_x: float | None  # where the deadline falls, when within the chart
    today_x: float | None  # the last month shown, when a projection follows it
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    y_max: int

    @property
    def path_points(self) -> str:
        return _points(self.path)

    @property
    def projection_points(self) -> str:
        return _points(self.projection)

    @property
    def has_counted(self) -> bool:
        return any(not s.estimated for s in self.segments)

    @property
    def has_estimated(self) -> bool:
        return any(s.estimated for s in self.segments)

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height

    @property
    def right(self) -> float:
        return self.left + self.plot_width


def _points(points) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def nice_ceiling(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def segments(points: list[tuple[float, float]], estimated: list[bool]) -> list[Segment]:
    """The line in stretches: the piece between two months is estimated when either month is,
    counted otherwise; neighbouring pieces of one kind make one stretch. (Before, one estimated
    month anywhere dotted the whole line up to it.)"""
    if len(points) == 1:
        return [Segment(estimated[0], list(points))]
    runs: list[Segment] = []
    for i in range(1, len(points)):
        kind = estimated[i - 1] or estimated[i]
        if runs and runs[-1].estimated == kind:
            runs[-1].points.append(points[i])
        else:
            runs.append(Segment(kind, [points[i - 1], points[i]]))
    return runs


def label_every(count: int) -> int:
    """Months between two labels of the time axis: more months, fewer labels."""
    return MONTH_LABEL_EVERY if count <= 30 else 6 if count <= 60 else 12


def line_chart(
    months: list[date],
    values: list[int],
    estimated: list[bool],
    path: list[float],
    *,
    projection: list[float] = (),
    deadline: date | None = None,
    width: int = 480,
    height: int = 200,
) -> LineChart:
    """The remaining count month by month (counted and estimated stretches), the target path,
    and the projection forward at the recent rate. `path` may run on past the last month, over
    the months of `projection`; `deadline` is marked where it falls within them."""
    left, top, right_pad, bottom_pad = 44, 10, 24, 28
    plot_width = width - left - right_pad
    plot_height = height - top - bottom_pad
    y_max = nice_ceiling(max([*values, *path, *projection, 1]))
    last = len(months) - 1
    span = last + len(projection)
    count = max(span, 1)

    def x(i: float) -> float:
        return left + plot_width * i / count

    def y(value: float) -> float:
        return top + plot_height * (1 - value / y_max)

    points = [(x(i), y(v)) for i, v in enumerate(values)]
    projected = (
        [points[-1], *((x(last + k), y(v)) for k, v in enumerate(projection, start=1))]
        if projection and points
        else []
    )
    deadline_x = None
    if deadline is not None and months:
        offset = (deadline.year - months[0].year) * 12 + deadline.month - months[0].month
        deadline_x = x(offset) if 0 <= offset <= span else None
    # Whole numbers only: the middle line only when it falls on one.
    marks = [0, y_max // 2, y_max] if y_max % 2 == 0 else [0, y_max]
    y_ticks = [Tick(y(mark), _number(mark)) for mark in marks]
    every = label_every(span + 1)
    x_ticks = [
        Tick(x(i), formats.date_format(add_months(months[0], i), "M y"))
        for i in range(span + 1)
        if (last - i) % every == 0
    ]
    return LineChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        segments=segments(points, estimated),
        path=[(x(i), y(v)) for i, v in enumerate(path)],
        projection=projected,
        deadline_x=deadline_x,
        today_x=x(last) if projected else None,
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
