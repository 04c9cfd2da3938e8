"""Versioned reports: the first build issues version 1, a rebuild whose figures changed issues
version 2 (saying what changed and why) and keeps version 1 as it was issued, a rebuild with
the same figures issues nothing; who asked is the user, the command or the schedule."""

import io
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cases.models import CaseStatus
from reports import services, summary
from reports.models import ReportRun, ReportVersion
from tests.reports.histories import move, open_case

pytestmark = pytest.mark.django_db

S = CaseStatus
SAMARINDA = "64.72"
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def clock(december):
    return december


@pytest.fixture
def november(clock, samarinda_staff):
    cases = [
        open_case(samarinda_staff, name=f"Anak {n}", found_on=date(2026, 10, 3 + n))
        for n in range(3)
    ]
    cases[0] = move(cases[0], samarinda_staff, S.VERIFIED, date(2026, 10, 20))
    cases[0] = move(cases[0], samarinda_staff, S.IN_HANDLING, date(2026, 10, 21))
    summary.refresh()
    return cases


def build_by_command():
    call_command(
        "build_report", "--regency", SAMARINDA, "--period", "2026-11", stdout=io.StringIO()
    )
    return ReportRun.objects.get(regency_id=SAMARINDA, period="2026-11")


def street(version: ReportVersion) -> dict:
    return next(t for t in version.figures["targets"] if t["target"] == "bebas-anak-jalanan")


def test_a_revised_month_keeps_its_first_version_and_says_what_changed_and_why(
    clock, november, samarinda_staff, login
):
    run = build_by_command()
    first = run.versions.get()
    assert (first.number, first.requested_via, first.requested_by) == (1, "command", None)
    assert street(first)["indicators"]["remaining"] == 3
    v1_pdf = Path(settings.MEDIA_ROOT, first.pdf_file).read_bytes()
    v1_xlsx = Path(settings.MEDIA_ROOT, first.xlsx_file).read_bytes()

    clock.shift(86400 * 3)  # 5 December: a resolution recorded, dated 20 November
    move(november[0], samarinda_staff, S.RESOLVED, date(2026, 11, 20))
    run = build_by_command()

    second = run.versions.get(number=2)
    assert street(second)["indicators"]["remaining"] == 2
    assert {"target": "bebas-anak-jalanan", "figure": "remaining", "before": 3, "after": 2} in (
        second.changes
    )
    assert {
        "kind": "status",
        "status": "resolved",
        "effective_on": "2026-11-20",
        "cases": 1,
        "back_dated": True,
    } in second.reasons
    # Version 1 is as it was issued: row, figures and files.
    first.refresh_from_db()
    assert street(first)["indicators"]["remaining"] == 3
    assert Path(settings.MEDIA_ROOT, first.pdf_file).read_bytes() == v1_pdf
    assert Path(settings.MEDIA_ROOT, first.xlsx_file).read_bytes() == v1_xlsx
    with pytest.raises(ValueError, match="never modified"):
        first.save()

    client = login(samarinda_staff)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "Revision 2:" in page
    assert "bebas-anak-jalanan: Remaining 3 → 2" in page
    assert "1 case resolved with the date 20 Nov 2026 (back-dated)" in page
    assert "the build_report command" in page and "monthly schedule" not in page
    assert "WITA" in page
    download = client.get(reverse("reports:run-pdf", args=[run.pk]) + "?versi=1")
    assert b"".join(download.streaming_content) == v1_pdf
    assert client.get(reverse("reports:run-pdf", args=[run.pk]) + "?versi=9").status_code == 404


def test_a_rebuild_with_the_same_figures_issues_no_version(clock, november):
    build_by_command()
    clock.shift(3600)
    run = build_by_command()
    assert run.builds == 2
    assert list(run.versions.values_list("number", flat=True)) == [1]


def test_the_schedule_and_a_named_user_are_told_apart(clock, november, samarinda_staff):
    scheduled = services.monthly_reports(date(2026, 12, 1))
    assert {run.requested_via for run in scheduled} == {"schedule"}
    run, _created = services.report_request(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        period="2026-10",
        publish=False,
    )
    services.report_build(run.pk)
    version = ReportVersion.objects.get(run=run)
    assert (version.requested_via, version.requested_by) == ("user", samarinda_staff)


def test_the_dashboard_marks_a_month_revised_since_its_issued_report(
    clock, november, samarinda_staff, login
):
    build_by_command()
    client = login(samarinda_staff)
    url = reverse("reports:regency", args=[SAMARINDA]) + "?month=2026-11"
    assert 'data-testid="month-revised"' not in client.get(url).content.decode()

    clock.shift(600)
    move(november[0], samarinda_staff, S.RESOLVED, date(2026, 11, 20))
    summary.refresh()

    page = client.get(url).content.decode()
    assert 'data-testid="month-revised"' in page
    # November's row in each target's monthly table, no other month.
    assert page.count('data-testid="revised-month"') == 3
