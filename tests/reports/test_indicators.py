"""The indicator and status rules, on plain numbers (reports/indicators.py)."""

from datetime import date

import pytest

from reports.indicators import (
    GRACE_MONTHS,
    MonthFigures,
    Status,
    TargetTerms,
    add_months,
    assess,
    fill_series,
    forecast_month,
    judge,
    monthly_rate,
    months_between,
    path_value,
)

FREE_BY_2019 = TargetTerms(target_value=0, deadline=date(2019, 12, 31))


def test_months_between_counts_both_ends_across_a_new_year():
    assert months_between(date(2025, 11, 15), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)


def test_the_path_is_a_straight_line_from_the_baseline_to_the_deadline():
    baseline_date = date(2017, 12, 31)
    assert path_value(FREE_BY_2019, 100, baseline_date, baseline_date) == 100
    halfway = date(2018, 12, 31)
    assert path_value(FREE_BY_2019, 100, baseline_date, halfway) == pytest.approx(50, abs=0.1)
    assert path_value(FREE_BY_2019, 100, baseline_date, date(2019, 12, 31)) == 0
    assert path_value(FREE_BY_2019, 100, baseline_date, date(2026, 1, 1)) == 0
    assert path_value(FREE_BY_2019, 100, baseline_date, date(2016, 1, 1)) == 100


def test_a_milestone_bends_the_path_through_it():
    terms = TargetTerms(0, date(2019, 12, 31), milestones=((2018, 80),))
    # 80% of the way by the end of 2018: 100 -> 20, then 20 -> 0 during 2019.
    assert path_value(terms, 100, date(2017, 12, 31), date(2018, 12, 31)) == pytest.approx(20)
    assert path_value(terms, 100, date(2017, 12, 31), date(2019, 7, 2)) == pytest.approx(
        10, abs=0.2
    )


def test_the_monthly_rate_is_the_average_change_over_the_last_six_months():
    assert monthly_rate([100, 90, 80, 70, 60, 50, 40, 30]) == pytest.approx(-10)
    assert monthly_rate([5, 5]) == 0
    assert monthly_rate([7]) is None
    assert monthly_rate([50, 44, 40], months=6) == pytest.approx(-5)


def test_the_forecast_is_the_month_remaining_reaches_the_target_at_the_rate():
    october = date(2026, 10, 1)
    assert forecast_month(30, FREE_BY_2019, -10, october) == date(2027, 1, 1)
    assert forecast_month(31, FREE_BY_2019, -10, october) == date(2027, 2, 1)
    assert forecast_month(0, FREE_BY_2019, None, october) == october
    assert forecast_month(30, FREE_BY_2019, 0, october) is None
    assert forecast_month(30, FREE_BY_2019, 2, october) is None


def test_a_target_counted_upwards_forecasts_on_the_rising_count():
    kube = TargetTerms(target_value=120, deadline=date(2027, 12, 31), decreasing=False)
    assert forecast_month(100, kube, 5, date(2026, 10, 1)) == date(2027, 2, 1)
    assert forecast_month(100, kube, -1, date(2026, 10, 1)) is None
    assert forecast_month(130, kube, None, date(2026, 10, 1)) == date(2026, 10, 1)


FUTURE = TargetTerms(target_value=0, deadline=date(2027, 12, 31))
ON = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("current", "path_now", "forecast", "expected"),
    [
        (0, 10, None, Status.ACHIEVED),
        (8, 10, date(2027, 6, 1), Status.ON_TRACK),
        (8, 10, date(2028, 6, 1), Status.AT_RISK),  # below the path but too slow
        (12, 10, date(2027, 6, 1), Status.AT_RISK),  # above the path but fast enough
        (12, 10, None, Status.OFF_TRACK),
        (10, 9.2, None, Status.AT_RISK),  # on the path (rounded up), never at this rate
        (None, 10, None, Status.NO_DATA),
    ],
)
def test_status_before_the_deadline(current, path_now, forecast, expected):
    assert judge(current, FUTURE, path_now=path_now, forecast=forecast, on=ON) == expected


def test_status_after_the_deadline_depends_on_reaching_zero_within_a_year():
    late = TargetTerms(target_value=0, deadline=date(2019, 12, 31))
    soon = add_months(date(2026, 11, 1), GRACE_MONTHS)
    assert judge(5, late, path_now=0, forecast=soon, on=ON) == Status.AT_RISK
    later = add_months(soon, 1)
    assert judge(5, late, path_now=0, forecast=later, on=ON) == Status.OFF_TRACK
    assert judge(5, late, path_now=0, forecast=None, on=ON) == Status.OFF_TRACK
    assert judge(0, late, path_now=0, forecast=None, on=ON) == Status.ACHIEVED


def _months(*figures):
    start = date(2026, 1, 1)
    return [MonthFigures(add_months(start, i), **f) for i, f in enumerate(figures)]


def test_months_before_the_first_snapshot_are_worked_back_from_the_events():
    series = fill_series(
        _months(
            {"found": 5},
            {"found": 3, "resolved": 2},
            {"found": 1, "resolved": 4, "relapsed": 1, "remaining": 20, "in_handling": 7},
        )
    )
    # March counted 20; February = 20 - (1 - 4 + 1) = 22; January = 22 - (3 - 2) = 21.
    assert [m.remaining for m in series] == [21, 22, 20]
    assert [m.estimated for m in series] == [True, True, False]
    assert series[2].in_handling == 7
    assert series[0].in_handling is None


def test_a_month_without_snapshot_after_one_is_carried_forward():
    series = fill_series(
        _months({"remaining": 10}, {"found": 4, "closed": 1}, {"remaining": 12, "found": 1})
    )
    assert [m.remaining for m in series] == [10, 13, 12]
    assert [m.estimated for m in series] == [False, True, False]


def test_estimates_never_go_below_zero():
    series = fill_series(_months({"found": 9}, {"remaining": 1, "found": 0, "resolved": 5}))
    assert series[0].remaining == 6
    series = fill_series(_months({"remaining": 1}, {"resolved": 5}))
    assert series[1].remaining == 0


def test_assess_uses_the_recorded_baseline_and_judges_at_the_end():
    series = fill_series(_months(*[{"remaining": value} for value in (60, 50, 40, 30, 20, 10, 5)]))
    terms = TargetTerms(0, date(2026, 12, 31))
    result = assess(series, terms, baseline=(60, date(2025, 12, 31)), on=date(2026, 7, 31))
    assert result.current == 5
    assert not result.baseline_from_data
    assert result.rate == pytest.approx(-55 / 6)
    assert result.forecast == date(2026, 8, 1)
    assert result.status == Status.ON_TRACK


def test_assess_without_a_baseline_takes_the_first_month():
    series = fill_series(_months({"remaining": 8}, {"remaining": 8}))
    result = assess(series, FREE_BY_2019, baseline=None, on=date(2026, 2, 28))
    assert result.baseline_from_data
    assert result.baseline_value == 8
    assert result.baseline_date == date(2026, 1, 1)
    assert result.status == Status.OFF_TRACK
    assert assess([], FREE_BY_2019, baseline=None, on=ON).status == Status.NO_DATA
