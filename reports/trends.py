"""A target's trend chart: the history of remaining, the target path, and the projection
forward at the recent rate to the deadline (reports.indicators.projection), as the page and the
PDF draw it (reports.charts)."""

from reports.charts import LineChart, line_chart
from reports.indicators import (
    add_months,
    month_end,
    path_value,
    projection,
    projection_months,
)


def trend_chart(standing, **size) -> LineChart | None:
    """The chart of one standing (reports.figures.Standing); None without a series."""
    series = standing.series
    if not series:
        return None
    target, assessment = standing.target, standing.assessment
    last = series[-1].month
    ahead = projection_months(last, target.deadline)
    future = [add_months(last, k) for k in range(1, ahead + 1)]
    path = list(standing.path)
    if path and assessment.baseline_date is not None:
        path += [
            path_value(
                target.terms,
                assessment.baseline_value,
                assessment.baseline_date,
                month_end(month),
            )
            for month in future
        ]
    return line_chart(
        [m.month for m in series],
        [m.remaining for m in series],
        [m.estimated for m in series],
        path,
        projection=projection(series[-1].remaining, assessment.rate, target.terms, ahead),
        deadline=target.deadline,
        **size,
    )
