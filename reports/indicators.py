"""Indicators and target status: pure functions over plain numbers, no database.

For one regency (or the province) and one target:

* the monthly series: baseline, newly found, in handling, resolved, relapsed, remaining. Remaining
  comes from the month's snapshot of the registry; a month without a snapshot (before the
  summary existed, or a gap) is estimated from its neighbour and the month's events:
  remaining(m) = remaining(m-1) + found(m) - resolved(m) - closed(m) + relapsed(m);
* the target path: a straight line from the baseline to the target value at the deadline,
  bent through the yearly milestones when there are any; after the deadline, the target value;
* the recent monthly rate: the average change of remaining over the last RATE_MONTHS months;
* the forecast: the month remaining reaches the target value at that rate (none if it does not
  move towards it);
* the status: achieved (at or past the target value), on track (on or below the path and
  forecast to arrive by the deadline), at risk (one of the two), off track (neither). Once the
  deadline has passed, a regency not there yet is at risk when the forecast is within
  GRACE_MONTHS, off track otherwise.

A target that counts up (KUBE groups formed) is judged the same way on the mirrored gap.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# Month arithmetic lives in pmks_portal.months; the reports modules import it from here too.
from pmks_portal.months import add_months, month_end, months_between  # noqa: F401
from pmks_portal.months import first_of_month as month_start

RATE_MONTHS = 6
GRACE_MONTHS = 12


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


# ---------------------------------------------------------------------------------------------
# The monthly series


@dataclass(frozen=True)
class MonthFigures:
    """What the summary holds for one month: its events, and its snapshot if it has one."""

    month: date
    found: int = 0
    resolved: int = 0
    relapsed: int = 0
    closed: int = 0
    remaining: int | None = None  # None: no snapshot of this month
    in_handling: int | None = None


@dataclass(frozen=True)
class MonthIndicators:
    month: date
    found: int
    in_handling: int | None
    resolved: int
    relapsed: int
    closed: int
    remaining: int
    estimated: bool  # remaining was estimated from the events, not counted


def fill_series(figures: Sequence[MonthFigures]) -> list[MonthIndicators]:
    """Remaining for every month: counted where a snapshot exists, estimated elsewhere.

    `figures` must be consecutive months in order. Months before the first snapshot are worked
    back from it; months after a snapshot without one of their own are carried forward.
    With no snapshot at all, the series starts from zero at the first month.
    """
    if not figures:
        return []
    remaining: list[int | None] = [f.remaining for f in figures]
    estimated = [value is None for value in remaining]
    counted = [i for i, value in enumerate(remaining) if value is not None]
    if not counted:
        remaining[0] = max(_net(figures[0]), 0)
        counted = [0]
    first = counted[0]
    for i in range(first - 1, -1, -1):
        remaining[i] = max(remaining[i + 1] - _net(figures[i + 1]), 0)
    for i in range(first + 1, len(figures)):
        if remaining[i] is None:
            remaining[i] = max(remaining[i - 1] + _net(figures[i]), 0)
    return [
        MonthIndicators(
            month=f.month,
            found=f.found,
            in_handling=f.in_handling,
            resolved=f.resolved,
            relapsed=f.relapsed,
            closed=f.closed,
            remaining=remaining[i],
            estimated=estimated[i],
        )
        for i, f in enumerate(figures)
    ]


def _net(month: MonthFigures) -> int:
    return month.found - month.resolved - month.closed + month.relapsed


# ---------------------------------------------------------------------------------------------
# Path, rate, forecast, status


@dataclass(frozen=True)
class TargetTerms:
    """A target as the judgement needs it (plain values, no model)."""

    target_value: int
    deadline: date
    decreasing: bool = True
    milestones: tuple[tuple[int, int], ...] = ()  # (year, progress %)


def path_value(terms: TargetTerms, baseline_value: float, baseline_date: date, on: date) -> float:
    """Where the count should stand on `on`, on the way from the baseline to the target."""
    points = [(baseline_date, float(baseline_value))]
    for year, progress in sorted(terms.milestones):
        day = date(year, 12, 31)
        if baseline_date < day < terms.deadline:
            share = progress / 100
            points.append((day, baseline_value + share * (terms.target_value - baseline_value)))
    points.append((terms.deadline, float(terms.target_value)))
    if on <= points[0][0]:
        return points[0][1]
    for (day_a, value_a), (day_b, value_b) in zip(points, points[1:], strict=False):
        if on <= day_b:
            span = (day_b - day_a).days or 1
            return value_a + (value_b - value_a) * (on - day_a).days / span
    return float(terms.target_value)


def monthly_rate(values: Sequence[int], months: int = RATE_MONTHS) -> float | None:
    """Average change per month over the last `months` months (None with under two points)."""
    recent = list(values)[-(months + 1) :]
    if len(recent) < 2:
        return None
    return (recent[-1] - recent[0]) / (len(recent) - 1)


def forecast_month(
    current: int, terms: TargetTerms, rate: float | None, month: date
) -> date | None:
    """The month the count reaches the target value at `rate`, counting from `month`."""
    gap = _gap(current, terms)
    if gap <= 0:
        return month_start(month)
    toward = None if rate is None else (-rate if terms.decreasing else rate)
    if not toward or toward <= 0:
        return None
    return add_months(month_start(month), math.ceil(gap / toward))


def judge(
    current: int | None,
    terms: TargetTerms,
    *,
    path_now: float,
    forecast: date | None,
    on: date,
) -> Status:
    """achieved / on track / at risk / off track, from the path and the forecast."""
    if current is None:
        return Status.NO_DATA
    if _gap(current, terms) <= 0:
        return Status.ACHIEVED
    if on > terms.deadline:
        horizon = add_months(month_start(on), GRACE_MONTHS)
        return Status.AT_RISK if forecast is not None and forecast <= horizon else Status.OFF_TRACK
    on_path = (
        current <= math.ceil(path_now) if terms.decreasing else current >= math.floor(path_now)
    )
    in_time = forecast is not None and forecast <= terms.deadline
    if on_path and in_time:
        return Status.ON_TRACK
    if on_path or in_time:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _gap(current: int, terms: TargetTerms) -> int:
    return current - terms.target_value if terms.decreasing else terms.target_value - current


@dataclass(frozen=True)
class Assessment:
    """Where one regency (or the province) stands against one target at a month's end."""

    current: int | None
    baseline_value: int | None
    baseline_date: date | None
    baseline_from_data: bool
    path_now: float | None
    rate: float | None
    forecast: date | None
    status: Status


def assess(
    series: Sequence[MonthIndicators],
    terms: TargetTerms,
    *,
    baseline: tuple[int, date] | None,
    on: date,
) -> Assessment:
    """The status at the end of the series' last month, with the figures it rests on.

    Without a recorded baseline, the first month of the series stands in for it.
    """
    if not series:
        return Assessment(None, None, None, False, None, None, None, Status.NO_DATA)
    current = series[-1].remaining
    from_data = baseline is None
    if from_data:
        baseline = (series[0].remaining, series[0].month)
    path_now = path_value(terms, baseline[0], baseline[1], on)
    rate = monthly_rate([month.remaining for month in series])
    forecast = forecast_month(current, terms, rate, series[-1].month)
    status = judge(current, terms, path_now=path_now, forecast=forecast, on=on)
    if series[-1].estimated:
        # Not counted: no status is given on a figure that is not known (issue 10).
        status = Status.NO_DATA
    return Assessment(
        current, baseline[0], baseline[1], from_data, path_now, rate, forecast, status
    )


# ---------------------------------------------------------------------------------------------
# Projection, for the charts

PROJECTION_MONTHS = 36  # the farthest a chart looks ahead


def projection_months(last_month: date, deadline: date) -> int:
    """How far the charts draw the projection: to the deadline; once it has passed, over the
    GRACE_MONTHS within which the status still calls a regency at risk. Never beyond
    PROJECTION_MONTHS, so that the history keeps most of the chart's width."""
    ahead = (deadline.year - last_month.year) * 12 + deadline.month - last_month.month
    return min(ahead if ahead > 0 else GRACE_MONTHS, PROJECTION_MONTHS)


def projection(current: int, rate: float | None, terms: TargetTerms, months: int) -> list[float]:
    """Remaining month by month after the last one, at the recent monthly rate: the line the
    forecast is read from. It stops at the target value (the count does not pass zero), and is
    flat where there is no rate, or where the target is already reached."""
    if _gap(current, terms) <= 0 or not rate:
        return [float(current)] * months
    values = []
    for k in range(1, months + 1):
        value = current + rate * k
        if terms.decreasing and rate < 0:
            value = max(value, terms.target_value)
        elif not terms.decreasing and rate > 0:
            value = min(value, terms.target_value)
        values.append(max(value, 0.0))
    return values
