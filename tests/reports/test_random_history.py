"""The independent check: a random history over 24 months in three regencies (status changes,
pasung releases and re-shacklings, back-dated resolutions, old cases imported late), recounted
from the raw rows by tests/reports/histories.py (no summary code), and compared with every
regency × month × programme figure of the dashboards, the JSON report and its XLSX.
Runs on SQLite, and on PostgreSQL with DATABASE_URL."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.roles import Role
from cases.models import Programme
from regions.models import Region
from reports import content, figures, render, summary
from reports.indicators import months_between
from reports.periods import parse_period
from tests.conftest import make_persona
from tests.reports.histories import import_old_cases, random_history, recount

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
KUKAR = "64.02"
TARGETS = {
    "bebas-anak-jalanan": Programme.STREET_CHILDREN,
    "bebas-pasung": Programme.PASUNG,
    "bebas-lokalisasi": Programme.PROSTITUTION,
}
MONTHS = months_between(date(2024, 12, 1), date(2026, 11, 1))
FIELDS = ("found", "resolved", "closed", "relapsed", "remaining")


def expected(counts: dict, regencies, programme, month) -> dict:
    totals = dict.fromkeys((*FIELDS, "in_handling"), 0)
    for regency in regencies:
        row = counts.get((regency, programme, month), {})
        for name in FIELDS:
            totals[name] += row.get(name, 0)
        # "In handling or referred" of the targets tables, as labelled.
        totals["in_handling"] += row.get("in_handling", 0) + row.get("referred", 0)
    return totals


def series_figures(m) -> dict:
    return {name: getattr(m, name) for name in (*FIELDS, "in_handling")}


@pytest.fixture
def history(samarinda_staff, balikpapan_staff):
    with time_machine.travel(datetime(2026, 11, 27, 9, tzinfo=WITA)):
        kukar_staff = make_persona(
            "kukar_staff", Role.REGENCY_STAFF, Region.objects.get(code=KUKAR)
        )
        staffs = [samarinda_staff, balikpapan_staff, kukar_staff]
        random_history(
            staffs, first=date(2023, 6, 1), last=date(2026, 11, 26), cases_per_regency=30, seed=7
        )
        summary.refresh()  # the summary as it stood before the backlog arrived
        district = Region.objects.filter(level="district", code__startswith="64.72.").first()
        import_old_cases(
            samarinda_staff,
            [
                f"Lama Satu,L,AJ,{district.code},2023-02-11,ditangani,,",
                f"Lama Dua,L,AJ,{district.code},2025-03-09,selesai,,",
                f"Lama Tiga,P,TS,{district.code},2024-01-20,terdaftar,,",
                f"Lama Empat,L,PD,{district.code},2025-12-24,terdaftar,,ya",
                f"Lama Lima,L,AJ,{district.code},2026-10-02,ditutup,pindah,",
            ],
        )
        summary.refresh()
        yield staffs


def test_every_figure_of_every_month_equals_an_independent_recount(history):
    counts = recount(MONTHS)
    regencies = [SAMARINDA := "64.72", "64.71", KUKAR]
    november = MONTHS[-1]
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=WITA)):
        province = figures.overview(None, november, extras=False)
        period = parse_period("2026-11")
        checked = 0
        for code in regencies:
            region = Region.objects.get(code=code)
            dashboard = figures.overview(region, november, extras=False)
            report = content.build_content(region, period)
            workbook = io.BytesIO()
            render.write_xlsx(report, content.content_hash(report), period.label(), workbook)
            sheet = load_workbook(io.BytesIO(workbook.getvalue()))["Monthly"]
            header = [cell.value for cell in sheet[1]]
            xlsx = {
                (row[0], row[1]): dict(zip(header, row, strict=True))
                for row in sheet.iter_rows(min_row=2, values_only=True)
            }
            json_targets = {t["target"]: t for t in report["targets"]}
            for target, programme in TARGETS.items():
                for source in (dashboard, province):
                    series = source.standing(code, target).series
                    assert [m.month for m in series] == MONTHS
                    for m in series:
                        want = expected(counts, [code], programme, m.month)
                        assert series_figures(m) == want, (code, target, m.month)
                        assert not m.estimated
                for row in json_targets[target]["monthly"]:
                    month = date.fromisoformat(row["month"] + "-01")
                    want = expected(counts, [code], programme, month)
                    assert {k: row[k] for k in want} == want, (code, target, month)
                    cells = xlsx[(target, row["month"])]
                    assert [
                        cells["Newly found"],
                        cells["Resolved"],
                        cells["Closed"],
                        cells["Relapsed"],
                        cells["Remaining"],
                        cells["In handling or referred"],
                    ] == [want[k] for k in (*FIELDS, "in_handling")], (code, target, month)
                    checked += 1
        # The province's own series: the sum of its regencies (the others have no case).
        for target, programme in TARGETS.items():
            for m in province.standing(None, target).series:
                assert series_figures(m) == expected(counts, regencies, programme, m.month)
    assert checked == 3 * 3 * 24
    # The history is not trivial: the check saw stock carried from before the window, back-
    # dated resolutions and relapses.
    assert sum(v.get("remaining", 0) for k, v in counts.items() if k[2] == MONTHS[0]) > 10
    assert sum(v.get("relapsed", 0) for v in counts.values()) > 0
    assert sum(v.get("closed", 0) for v in counts.values()) > 0
    assert counts[(SAMARINDA, Programme.STREET_CHILDREN, MONTHS[0])]["remaining"] > 0
