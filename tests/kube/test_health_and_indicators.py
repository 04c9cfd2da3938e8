"""Business health, grant return, charts, and the figures the reports and dashboard read:
stages per regency and reporting completeness as DHIS2 counts it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from kube import charts, health, indicators, selectors, services
from kube.models import Kube, KubeRules, KubeStatus, add_months
from tests.kube.conftest import form_group, grant, months_back, report_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def monthly(month: date, revenue, profit="1000000") -> health.Monthly:
    return health.Monthly(month, Decimal(revenue), Decimal(profit))


def group(reporting_from=date(2025, 1, 1), status=KubeStatus.ACTIVE) -> Kube:
    return Kube(status=status, reporting_from=reporting_from, reporting_until=None)


def assess(reports, **kwargs):
    options = {"rules": KubeRules(), "today": TODAY, "members_now": 8, "members_left_last_year": 0}
    return health.assess(kwargs.pop("kube", group()), reports, **(options | kwargs))


def every_due_month(revenues: list) -> list[health.Monthly]:
    # Due by 27 November: October and the months before (the due day is the 10th).
    return [
        monthly(add_months(date(2026, 10, 1), -i), revenue) for i, revenue in enumerate(revenues)
    ]


# --- Health ----------------------------------------------------------------------------------


def test_a_group_reporting_steady_revenue_with_its_members_is_healthy():
    result = assess(every_due_month([5_000_000] * 6))
    assert (result.level, result.risk, result.signals) == ("healthy", 0, [])


def test_falling_revenue_and_missed_reports_put_a_group_at_risk():
    reports = every_due_month([2_000_000, 2_500_000, 2_000_000, 5_000_000, 5_000_000, 5_000_000])
    del reports[1]  # September is missing
    result = assess(reports)
    # Latest three (Oct, Aug, Jul) average 3.0 m against 5.0 m before: -40% → 35; one missed → 10.
    assert result.risk == 45
    assert result.level == "watch"
    assert result.missed_months == [date(2026, 9, 1)]
    assert "Revenue fell by 40% against the months before." in result.signals


def test_losses_and_member_turnover_add_to_the_risk():
    reports = every_due_month([1_000_000] * 6)
    reports[0] = monthly(date(2026, 10, 1), 1_000_000, "-200000")
    reports[1] = monthly(date(2026, 9, 1), 1_000_000, "-100000")
    result = assess(reports, members_now=4, members_left_last_year=3)
    # Losses 15 + turnover 3 of 7 (43%) 20 + fewer than 5 members 10.
    assert result.risk == 45
    assert "Losses in the latest two reports." in result.signals
    assert "Only 4 members; the rules ask for at least 5." in result.signals


def test_a_group_that_stopped_reporting_is_at_risk():
    result = assess(every_due_month([0, 0, 0, 0, 0, 0])[5:])
    assert result.missed_months == [add_months(date(2026, 10, 1), -i) for i in range(5)]
    assert result.risk == 40 + 10 * 0  # five missed months count at most 40
    assert result.level == "watch"
    worse = assess([], members_now=3, members_left_last_year=4)
    assert worse.level == "at_risk"


def test_months_before_the_group_started_reporting_are_not_missed():
    result = assess([], kube=group(reporting_from=date(2026, 10, 1)))
    assert result.missed_months == [date(2026, 10, 1)]


def test_the_report_of_last_month_is_not_missed_before_the_due_day():
    early = health.due_months(group(), KubeRules(), date(2026, 11, 10))
    late = health.due_months(group(), KubeRules(), date(2026, 11, 11))
    assert early[0] == date(2026, 9, 1)
    assert late[0] == date(2026, 10, 1)


def test_a_group_that_is_not_active_gets_no_health_signal():
    result = assess([], kube=group(status=KubeStatus.GRADUATED))
    assert result.level == "n/a"


# --- Grant return ----------------------------------------------------------------------------


def test_grant_return_compares_revenue_before_and_since_the_grant():
    reports = [
        monthly(date(2026, 1, 1), 1_000_000),
        monthly(date(2026, 2, 1), 1_200_000),
        monthly(date(2026, 3, 1), 1_400_000),
        monthly(date(2026, 4, 1), 2_000_000, "500000"),
        monthly(date(2026, 5, 1), 3_000_000, "800000"),
        monthly(date(2026, 6, 1), 4_000_000, "1200000"),
    ]
    result = health.grant_return([(date(2026, 4, 15), Decimal("20000000"))], reports)
    assert result.revenue_before == Decimal("1200000")
    assert result.revenue_now == Decimal("3000000")
    assert result.revenue_change == Decimal("1800000")
    # 1.8 m more a month is 21.6 m a year: 108% of the 20 m grant.
    assert result.yearly_return_percent == 108
    assert result.profit_since == Decimal("2500000")
    assert result.profit_percent == 13
    assert not result.baseline_assumed


def test_a_business_the_grant_started_has_a_baseline_of_zero():
    result = health.grant_return(
        [(date(2026, 4, 1), Decimal("10000000"))], [monthly(date(2026, 4, 1), 500_000)]
    )
    assert result.baseline_assumed
    assert result.revenue_change == Decimal("500000")
    assert health.grant_return([], [monthly(date(2026, 4, 1), 1)]) is None


def test_the_group_page_shows_the_grant_return(samarinda_group, samarinda_staff, login):
    from django.urls import reverse

    grant(samarinda_staff, samarinda_group, granted_on=months_back(3))
    for back in (3, 2, 1):
        services.report_add(
            actor=samarinda_staff, kube=samarinda_group, data=report_data(months_back(back))
        )
    html = login(samarinda_staff).get(reverse("kube:detail", args=[samarinda_group.pk]))
    text = html.content.decode()
    assert 'data-testid="grant-return"' in text
    # 5 m a month from nothing: 60 m a year against a 20 m grant.
    assert "300% of the grants a year" in text


# --- Charts ----------------------------------------------------------------------------------


def test_the_chart_breaks_its_line_at_a_missing_month():
    reports = [
        monthly(date(2026, 1, 1), 4_000_000),
        monthly(date(2026, 2, 1), 5_000_000),
        monthly(date(2026, 4, 1), 6_000_000, "-500000"),
    ]
    chart = charts.revenue_profit_chart(reports, labels={"revenue": "R", "profit": "P"})
    revenue = chart.series[0]
    assert chart.points == 3
    assert len(revenue.segments) == 2
    assert len(revenue.markers) == 3
    # Profit goes below zero, so the axis does too and the zero line is inside the plot.
    assert chart.top < chart.zero_y < chart.bottom
    assert chart.y_ticks[0][1] == "-Rp 2.000.000"


def test_a_chart_without_reports_is_empty():
    assert charts.revenue_profit_chart([], labels={"revenue": "R", "profit": "P"}).empty


def test_nice_steps_are_round():
    assert charts.nice_step(7_000_000) == 2_000_000
    assert charts.nice_step(950_000) == 250_000


# --- Indicators for the reports and dashboard ------------------------------------------------


def test_stage_counts_are_per_regency_or_for_the_province(samarinda_staff, balikpapan_staff):
    samarinda = [form_group(samarinda_staff, name=f"KUBE S{n}") for n in range(3)]
    form_group(balikpapan_staff, name="KUBE B")
    services.stage_override_set(
        actor=samarinda_staff, kube=samarinda[0], stage="maju", reason="Penilaian lapangan"
    )
    services.kube_set_status(
        actor=samarinda_staff, kube=samarinda[1], to_status=KubeStatus.GRADUATED
    )
    assert indicators.stage_counts("64.72") == {"tumbuh": 1, "berkembang": 0, "maju": 1}
    assert indicators.stage_counts(None) == {"tumbuh": 2, "berkembang": 0, "maju": 1}


def test_reporting_completeness_counts_expected_and_received_reports(
    samarinda_staff, balikpapan_staff
):
    month = months_back(2)
    reporting = form_group(samarinda_staff, name="KUBE Rajin")
    form_group(samarinda_staff, name="KUBE Lupa")
    services.report_add(actor=samarinda_staff, kube=reporting, data=report_data(month))
    # Not yet reporting in that month: not expected, and its report is not counted.
    late_starter = form_group(samarinda_staff, name="KUBE Baru", reporting_from=months_back(1))
    services.report_add(actor=samarinda_staff, kube=late_starter, data=report_data(month))
    balikpapan = form_group(balikpapan_staff, name="KUBE Balikpapan")
    services.report_add(actor=balikpapan_staff, kube=balikpapan, data=report_data(month))
    assert indicators.reporting_completeness("64.72", month.year, month.month) == (2, 1)
    assert indicators.reporting_completeness(None, month.year, month.month) == (3, 2)


def test_a_group_that_stopped_is_not_expected_afterwards(samarinda_staff):
    stopped = form_group(samarinda_staff, name="KUBE Berhenti")
    services.kube_set_status(
        actor=samarinda_staff,
        kube=stopped,
        to_status=KubeStatus.INACTIVE,
        effective_on=months_back(2),
        reason="Bubar",
    )
    before, after = months_back(3), months_back(1)
    assert indicators.reporting_completeness("64.72", before.year, before.month) == (1, 0)
    assert indicators.reporting_completeness("64.72", after.year, after.month) == (0, 0)


def test_the_completeness_table_counts_per_regency_and_month_with_late_ones(
    samarinda_staff, balikpapan_staff
):
    months = [months_back(3), months_back(2)]
    for staff in (samarinda_staff, balikpapan_staff):
        first = form_group(staff, name=f"KUBE Satu {staff.pk}")
        form_group(staff, name=f"KUBE Dua {staff.pk}")
        for month in months:
            services.report_add(actor=staff, kube=first, data=report_data(month))
    table, totals = selectors.completeness(Kube.objects.all(), months)
    assert [row.name for row in table] == ["Kota Balikpapan", "Kota Samarinda"]
    cell = table[1].cells[0]
    assert (cell.expected, cell.received, cell.late, cell.percent) == (2, 1, 1, 50)
    assert (totals[1].expected, totals[1].received) == (4, 2)
    missing = selectors.missing_reports(Kube.objects.all(), months[1])
    assert {k.name for k in missing} == {
        f"KUBE Dua {balikpapan_staff.pk}",
        f"KUBE Dua {samarinda_staff.pk}",
    }


def test_the_last_due_month_moves_on_after_the_due_day():
    rules = KubeRules()
    assert selectors.last_due_month(rules, date(2026, 11, 10)) == date(2026, 9, 1)
    assert selectors.last_due_month(rules, date(2026, 11, 11)) == date(2026, 10, 1)
    assert timezone.localdate() >= date(2026, 1, 1)
