"""Month-end stock from the recorded history: every month is counted, not only the months that
had a refresh of their own, and stock and flows reconcile month by month."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseStatus, Programme
from reports import figures, summary
from reports.indicators import Status, add_months, months_between
from reports.models import CaseStock, SummaryState
from tests.reports.histories import move, open_case, release, reshackle

pytestmark = pytest.mark.django_db

S = CaseStatus
SAMARINDA = "64.72"
WITA = ZoneInfo("Asia/Makassar")


def samarinda_overview(samarinda, month: date):
    return figures.overview(samarinda, month, extras=False)


def test_a_case_open_since_before_the_window_counts_in_a_month_without_a_refresh(
    december, samarinda, samarinda_staff
):
    # Found in 2023, still on the street; one more found and resolved in November 2026.
    open_case(samarinda_staff, name="Lama Sekali", found_on=date(2023, 3, 14))
    newer = open_case(samarinda_staff, name="Baru Saja", found_on=date(2026, 11, 3))
    for status in (S.VERIFIED, S.IN_HANDLING, S.RESOLVED):
        newer = move(newer, samarinda_staff, status, date(2026, 11, 20))
    summary.refresh()  # the first refresh ever: in December

    november = date(2026, 11, 1)
    regency = samarinda_overview(samarinda, november)
    province = figures.overview(None, november, extras=False)
    for overview in (regency, province):
        standing = overview.standing(SAMARINDA, "bebas-anak-jalanan")
        last = standing.last
        assert (last.month, last.remaining, last.estimated) == (november, 1, False)
        assert (last.found, last.resolved) == (1, 1)
    # Every month since March 2023 has its stock, counted from the history.
    months = set(CaseStock.objects.filter(regency_id=SAMARINDA).values_list("month", flat=True))
    assert months == set(months_between(date(2023, 3, 1), date(2026, 12, 1)))
    # The category table of a past month reads the same count.
    assert regency.has_snapshot
    street = next(row for row in regency.categories if row.code == "AJ")
    assert street.open_against_target == 1


def test_a_person_shackled_the_whole_time_is_never_achieved(december, samarinda, samarinda_staff):
    slamet = open_case(
        samarinda_staff, name="Slamet", found_on=date(2025, 6, 2), programme=Programme.PASUNG
    )
    release(slamet, samarinda_staff, date(2026, 9, 10))
    reshackle(slamet, samarinda_staff, date(2026, 9, 25))
    summary.refresh()

    for month in (date(2026, 10, 1), date(2026, 11, 1)):
        standing = samarinda_overview(samarinda, month).standing(SAMARINDA, "bebas-pasung")
        assert standing.last.remaining == 1
        assert standing.status != Status.ACHIEVED
    september = samarinda_overview(samarinda, date(2026, 9, 1)).standing(SAMARINDA, "bebas-pasung")
    assert (september.last.resolved, september.last.relapsed, september.last.remaining) == (
        1,
        1,
        1,
    )
    august = samarinda_overview(samarinda, date(2026, 8, 1)).standing(SAMARINDA, "bebas-pasung")
    assert august.last.remaining == 1


def test_a_back_dated_resolution_revises_the_month_it_is_dated_in(
    december, samarinda, samarinda_staff
):
    case = open_case(samarinda_staff, name="Rudi", found_on=date(2026, 8, 5))
    case = move(case, samarinda_staff, S.VERIFIED, date(2026, 8, 6))
    case = move(case, samarinda_staff, S.IN_HANDLING, date(2026, 11, 25))
    summary.refresh()
    october = date(2026, 10, 1)
    assert (
        samarinda_overview(samarinda, october).standing(SAMARINDA, "bebas-anak-jalanan").remaining
        == 1
    )

    # Recorded in December, dated 20 October: before the step recorded just before it.
    move(case, samarinda_staff, S.RESOLVED, date(2026, 10, 20))
    summary.refresh()

    standing = samarinda_overview(samarinda, october).standing(SAMARINDA, "bebas-anak-jalanan")
    assert (standing.last.resolved, standing.last.remaining) == (1, 0)
    september = samarinda_overview(samarinda, date(2026, 9, 1))
    assert september.standing(SAMARINDA, "bebas-anak-jalanan").remaining == 1


def test_a_summary_kept_as_snapshots_is_replayed_at_the_next_refresh(
    december, samarinda, samarinda_staff
):
    open_case(samarinda_staff, name="Lama", found_on=date(2024, 1, 9))
    summary.refresh()
    # As a summary built before the replay stood: one snapshot, no history.
    CaseStock.objects.exclude(month=date(2026, 12, 1)).delete()
    SummaryState.objects.update(replayed=False, snapshot_months=["2026-12"])
    figures_before = samarinda_overview(samarinda, date(2026, 11, 1))
    standing = figures_before.standing(SAMARINDA, "bebas-anak-jalanan")
    # A figure that is not known gets no status.
    assert standing.last.estimated and standing.status == Status.NO_DATA

    result = summary.refresh()

    assert len(result.regencies) == 10  # none was replayed yet
    after = samarinda_overview(samarinda, date(2026, 11, 1))
    assert after.standing(SAMARINDA, "bebas-anak-jalanan").remaining == 1
    assert not after.standing(SAMARINDA, "bebas-anak-jalanan").last.estimated


def test_remaining_reconciles_with_the_flows_for_every_month_and_programme(
    december, samarinda, samarinda_staff, balikpapan_staff
):
    from tests.reports.histories import random_history

    random_history(
        [samarinda_staff, balikpapan_staff],
        first=date(2024, 6, 1),
        last=date(2026, 12, 1),
        cases_per_regency=25,
        seed=10,
    )
    summary.refresh()
    month = date(2026, 12, 1)
    overview = figures.overview(None, month, extras=False)
    checked = 0
    for code, _name in overview.regencies:
        for target in overview.case_targets:
            series = overview.standing(code, target.code).series
            before = figures.overview(None, add_months(series[0].month, -1), extras=False)
            previous = before.standing(code, target.code).last.remaining
            for m in series:
                assert not m.estimated
                assert m.remaining == previous + m.found - m.resolved - m.closed + m.relapsed, (
                    code,
                    target.code,
                    m,
                )
                previous = m.remaining
                checked += 1
    assert checked == 10 * 3 * 24


def test_the_targets_table_reconciles_on_screen_and_in_the_xlsx(
    december, login, samarinda, samarinda_staff
):
    import io

    from openpyxl import load_workbook

    from reports import content, render
    from reports.periods import parse_period

    old = open_case(samarinda_staff, name="Lama", found_on=date(2026, 9, 2))
    for name in ("Satu", "Dua"):
        open_case(samarinda_staff, name=name, found_on=date(2026, 11, 4))
    closed = open_case(samarinda_staff, name="Pindah", found_on=date(2026, 10, 1))
    move(closed, samarinda_staff, S.CLOSED, date(2026, 11, 9), close_reason="moved")
    for status in (S.VERIFIED, S.REFERRED):
        old = move(old, samarinda_staff, status, date(2026, 11, 12))
    summary.refresh()

    page = login(samarinda_staff).get(
        f"/laporan/wilayah/{SAMARINDA}/?month=2026-11", headers={"accept-language": "en"}
    )
    html = page.content.decode()
    assert "Remaining at the start" in html and "In handling or referred" in html
    standing = page.context["overview"].standing(SAMARINDA, "bebas-anak-jalanan")
    last = standing.last
    assert (standing.remaining_at_start, last.found, last.resolved, last.closed) == (2, 2, 0, 1)
    assert (last.relapsed, last.remaining, last.in_handling) == (0, 3, 1)

    report = content.build_content(samarinda, parse_period("2026-11"))
    buffer = io.BytesIO()
    render.write_xlsx(report, content.content_hash(report), "November 2026", buffer)
    rows = list(load_workbook(io.BytesIO(buffer.getvalue()))["Targets"].iter_rows(values_only=True))
    street = dict(zip(rows[0], next(r for r in rows if r[0] == "bebas-anak-jalanan"), strict=True))
    assert street["Remaining"] == (
        street["Remaining at the start"]
        + street["Newly found"]
        - street["Resolved"]
        - street["Closed"]
        + street["Relapsed"]
    )


def test_timeliness_from_found_to_registered_on_the_dashboard_and_in_the_report(
    december, login, samarinda, samarinda_staff
):
    from cases.models import Case
    from reports import content
    from reports.periods import parse_period

    delays = [0, 2, 5, 9, 30]  # days from found to registered, all registered in November
    for n, days in enumerate(delays):
        case = open_case(samarinda_staff, name=f"Tepat {n}", found_on=date(2026, 10, 1))
        Case.objects.filter(pk=case.pk).update(
            found_on=date(2026, 11, 20) - timedelta(days=days), registered_on=date(2026, 11, 20)
        )
    summary.refresh()

    overview = samarinda_overview(samarinda, date(2026, 11, 1))
    t = overview.timeliness[SAMARINDA]
    assert (t.registered, t.median_days, t.within_week_percent) == (5, 5, 60)
    page = login(samarinda_staff).get(
        f"/laporan/wilayah/{SAMARINDA}/?month=2026-11", headers={"accept-language": "en"}
    )
    assert 'data-testid="timeliness"' in page.content.decode()
    report = content.build_content(samarinda, parse_period("2026-11"))
    assert report["timeliness"]["rows"] == [
        {
            "code": SAMARINDA,
            "name": samarinda.name,
            "registered": 5,
            "median_days": 5,
            "within_percent": 60,
        }
    ]
    province = figures.overview(None, date(2026, 11, 1), extras=False).timeliness
    assert province[None] == t and province["64.71"].registered == 0
