"""Charts drawn on the server as SVG geometry: no script, nothing from a CDN, and they print.

The template (templates/kube/_chart.html) only places what is computed here. Colours are SVG
presentation attributes, which the Content-Security-Policy allows (style attributes it does
not). A month without a report breaks the line, so that a gap shows as a gap.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import dateformat

from kube.models import add_months
from pmks_portal.templatetags.portal import rupiah

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 118, 16, 14, 36
MAX_MONTHS = 36


@dataclass
class Series:
    key: str
    label: str
    colour: str
    dash: str
    segments: list[str] = field(default_factory=list)
    markers: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str, str]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    zero_y: float | None = None
    points: int = 0
    rows: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.points == 0


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def revenue_profit_chart(reports, *, labels: dict[str, str]) -> Chart:
    """Revenue and profit by month over the latest MAX_MONTHS months that have reports.

    `reports` are objects with month, revenue and profit; `labels` names the two series.
    """
    chart = Chart()
    by_month = {report.month: report for report in reports}
    if not by_month:
        return chart
    last = max(by_month)
    first = max(min(by_month), add_months(last, -(MAX_MONTHS - 1)))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    shown = [by_month[m] for m in months if m in by_month]
    chart.points = len(shown)
    values = [float(r.revenue) for r in shown] + [float(r.profit) for r in shown]
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1_000_000
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    plot_width = chart.right - chart.left
    plot_height = chart.bottom - chart.top

    def x_of(index: int) -> float:
        if len(months) == 1:
            return round(chart.left + plot_width / 2, 1)
        return round(chart.left + index * plot_width / (len(months) - 1), 1)

    def y_of(value: float) -> float:
        return round(chart.bottom - (value - low) / (high - low) * plot_height, 1)

    tick = low
    while tick <= high + step / 2:
        chart.y_ticks.append((y_of(tick), rupiah(Decimal(str(round(tick))))))
        tick += step
    chart.zero_y = y_of(0.0)
    every = max(1, math.ceil(len(months) / 8))
    shown_labels = [i for i in range(len(months)) if i % every == 0]
    for i in shown_labels:
        # The labels at the ends are anchored inside the plot, so that none is cut off.
        anchor = "middle"
        if len(months) > 1 and i == 0:
            anchor = "start"
        elif len(months) > 1 and i == len(months) - 1:
            anchor = "end"
        chart.x_labels.append((x_of(i), dateformat.format(months[i], "M Y"), anchor))
    for key, colour, dash in (("revenue", "#0b5394", ""), ("profit", "#146c43", "6 4")):
        series = Series(key=key, label=labels[key], colour=colour, dash=dash)
        segment: list[str] = []
        for index, month in enumerate(months):
            report = by_month.get(month)
            if report is None:
                if segment:
                    series.segments.append(" ".join(segment))
                segment = []
                continue
            value = getattr(report, key)
            x, y = x_of(index), y_of(float(value))
            segment.append(f"{x},{y}")
            series.markers.append((x, y, f"{dateformat.format(month, 'F Y')}: {rupiah(value)}"))
        if segment:
            series.segments.append(" ".join(segment))
        chart.series.append(series)
    chart.rows = [
        {"month": r.month, "revenue": r.revenue, "profit": r.profit}
        for r in sorted(shown, key=lambda r: r.month)
    ]
    return chart
