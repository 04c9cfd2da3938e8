"""The trend charts: counted and estimated stretches where they are, the projection forward to
the deadline, and a legend that lists exactly the lines drawn."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from reports import summary
from reports.charts import line_chart
from reports.indicators import GRACE_MONTHS, TargetTerms, projection, projection_months
from tests.reports.conftest import register

MONTHS = [date(2026, m, 1) for m in range(1, 7)]
ZERO_BY_2027 = TargetTerms(target_value=0, deadline=date(2027, 12, 31))


def _kinds(chart):
    return [(s.estimated, len(s.points)) for s in chart.segments]


def test_one_estimated_month_dots_only_the_pieces_that_touch_it():
    chart = line_chart(MONTHS, [5, 5, 4, 4, 3, 3], [False, False, False, True, False, False], [])
    # counted Jan–Mar, estimated Mar–May (the pieces into and out of April), counted May–Jun.
    assert _kinds(chart) == [(False, 3), (True, 3), (False, 2)]
    assert chart.has_counted and chart.has_estimated


def test_estimated_months_first_then_counted():
    chart = line_chart(MONTHS, [1, 2, 3, 4, 5, 6], [True, True, False, False, False, False], [])
    assert _kinds(chart) == [(True, 3), (False, 4)]


def test_a_fully_counted_history_has_no_dotted_stretch():
    chart = line_chart(MONTHS, [1, 2, 3, 4, 5, 6], [False] * 6, [])
    assert _kinds(chart) == [(False, 6)] and not chart.has_estimated


def test_the_projection_runs_from_the_last_month_to_the_deadline():
    values = projection(
        10, -2.0, ZERO_BY_2027, projection_months(date(2027, 9, 1), date(2027, 12, 31))
    )
    assert values == [8.0, 6.0, 4.0]
    chart = line_chart(
        MONTHS,
        [20, 18, 16, 14, 12, 10],
        [False] * 6,
        [],
        projection=values,
        deadline=date(2026, 9, 30),
    )
    assert chart.projection[0] == chart.segments[-1].points[-1]  # it starts where history ends
    assert len(chart.projection) == 4
    assert chart.deadline_x == pytest.approx(chart.projection[-1][0])  # September: the last month
    assert chart.today_x == pytest.approx(chart.segments[-1].points[-1][0])


def test_the_projection_stops_at_zero_and_is_flat_without_a_rate():
    assert projection(3, -2.0, ZERO_BY_2027, 4) == [1.0, 0.0, 0.0, 0.0]
    assert projection(3, None, ZERO_BY_2027, 2) == [3.0, 3.0]
    assert projection(3, 1.5, ZERO_BY_2027, 2) == [4.5, 6.0]  # growing: it says so
    assert projection(0, -1.0, ZERO_BY_2027, 2) == [0.0, 0.0]


def test_past_the_deadline_the_projection_covers_the_year_the_status_looks_ahead():
    assert projection_months(date(2026, 12, 1), date(2019, 12, 31)) == GRACE_MONTHS
    assert projection_months(date(2026, 12, 1), date(2040, 12, 31)) == 36


@pytest.mark.django_db
def test_the_dashboard_legend_lists_exactly_the_lines_drawn(
    login, provincial_officer, samarinda_staff
):
    register(samarinda_staff, name="Rudi Hartono")
    summary.refresh()
    html = login(provincial_officer).get(reverse("reports:province")).content.decode()
    figures = re.findall(r'<figure class="trend.*?</figure>', html, re.S)
    assert len(figures) == 3
    for figure in figures:
        chart, legend = figure.split("<figcaption", 1)
        drawn = set(re.findall(r'<(?:polyline|line) class="([\w-]+)"', chart)) - {
            "grid",
            "axis",
            "today-line",
        }
        promised = set(re.findall(r'<line class="([\w-]+)"', legend))
        assert drawn == promised
        # Deadlines of 2017 and 2019 have passed: the projection runs on a year past today.
        assert {"actual-line", "projection-line", "path-line"} <= drawn
        assert "estimated-line" not in drawn  # the history is replayed: every month counted


@pytest.mark.django_db
def test_a_target_still_ahead_is_projected_to_its_deadline_which_is_marked(login, samarinda_staff):
    from django.utils import timezone

    from reports import figures
    from reports.models import Target

    # The deadline is set six months past this month, whatever day the suite runs on.
    this_month = timezone.localdate().replace(day=1)
    month_after_deadline = this_month.replace(
        year=this_month.year + (this_month.month + 6) // 12, month=(this_month.month + 6) % 12 + 1
    )
    Target.objects.create(
        code="lokal-anak-jalanan-2027",
        name="Samarinda bebas anak jalanan",
        indicator="open_cases",
        programme="street_children",
        target_value=0,
        deadline=month_after_deadline - timedelta(days=1),
        stated_on=date(2026, 1, 1),
        basis="uji",
        sort_order=40,
    )
    figures.forget_targets()
    register(samarinda_staff, name="Rudi Hartono")
    summary.refresh()
    response = login(samarinda_staff).get(reverse("reports:regency", args=["64.72"]))
    chart = next(
        item["chart"]
        for item in response.context["trend_charts"]
        if item["standing"].target.code == "lokal-anak-jalanan-2027"
    )
    # This month and six months ahead, the deadline at the projection's end.
    assert len(chart.projection) == 1 + 6
    assert chart.deadline_x == pytest.approx(chart.projection[-1][0])
    assert len(chart.path) == 24 + 6  # the target path runs on to the deadline as well
    html = response.content.decode()
    figure = re.search(
        r'<figure class="trend mb-3" data-testid="trend-lokal-anak-jalanan-2027">.*?</figure>',
        html,
        re.S,
    ).group(0)
    assert 'class="deadline-line"' in figure.split("<figcaption")[0]
    assert 'class="deadline-line"' in figure.split("<figcaption")[1]
