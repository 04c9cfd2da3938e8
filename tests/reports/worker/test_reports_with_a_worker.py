"""Reports built by a real Celery worker on Redis and PostgreSQL: asked for in the UI, followed
until ready, their PDF and XLSX read back and checked against a direct count; and a worker
killed in the middle of a build, whose run the sweeper gives to another worker."""

import signal
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStatus, Programme
from regions.models import Region
from reports import content as report_content
from reports import services
from reports.models import ReportRun
from reports.summary import current_month
from reports.tasks import build_report
from tests.helpers import client_for
from tests.reports.conftest import pdf_strings, register
from tests.reports.helpers import direct_open
from tests.reports.worker.conftest import KILL_QUEUE

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

SAMARINDA = "64.72"
PERIOD = f"{current_month():%Y-%m}"
TIMEOUT = 60


def wait_for(run: ReportRun, condition, worker, timeout=TIMEOUT) -> ReportRun:
    deadline = time.monotonic() + timeout
    while True:
        run.refresh_from_db()
        if condition(run):
            return run
        if time.monotonic() > deadline:
            pytest.fail(
                f"run {run.pk} is {run.status} ({run.progress}%) after {timeout} s:\n"
                + worker.log_tail()
            )
        time.sleep(0.2)


@pytest.fixture
def registry(kaltim, samarinda_staff, balikpapan_staff):
    cases = [
        register(samarinda_staff, name="Rudi Hartono"),
        register(samarinda_staff, name="Bayu Saputra"),
        register(samarinda_staff, name="Sumiati", category="TS", sex="P"),
        register(balikpapan_staff, name="Dewi Lestari", sex="P"),
    ]
    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING, CaseStatus.RESOLVED):
        cases[1] = case_services.case_transition(
            actor=samarinda_staff,
            case=cases[1],
            to_status=status,
            effective_on=timezone.localdate(),
            reason="kembali ke keluarga",
        )
    return cases


def test_a_report_asked_for_in_the_ui_is_built_by_the_worker_with_the_registry_numbers(
    celery_worker, registry, provincial_officer
):
    client = client_for(provincial_officer)
    response = client.post(
        reverse("reports:runs"),
        {"scope": SAMARINDA, "period": PERIOD},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    page = client.get(response["Location"])
    assert b"data-run-status-url" in page.content

    run = wait_for(run, lambda r: r.is_finished, celery_worker)
    assert run.status == ReportRun.Status.DONE, run.error
    assert client.get(reverse("reports:run-status", args=[run.pk])).json()["finished"]

    street = direct_open(SAMARINDA, Programme.STREET_CHILDREN)
    prostitution = direct_open(SAMARINDA, Programme.PROSTITUTION)
    assert (street, prostitution) == (1, 1)

    workbook = openpyxl.load_workbook(Path(settings.MEDIA_ROOT, run.xlsx_file), read_only=True)
    rows = list(workbook["Targets"].iter_rows(values_only=True))
    header = rows[0]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_code["bebas-anak-jalanan"]["Remaining"] == street
    assert by_code["bebas-anak-jalanan"]["Resolved"] == 1
    assert by_code["bebas-lokalisasi"]["Remaining"] == prostitution
    assert by_code["bebas-pasung"]["Remaining"] == direct_open(SAMARINDA, Programme.PASUNG) == 0
    report_sheet = dict(workbook["Report"].iter_rows(min_row=2, values_only=True))
    assert report_sheet["Content hash (sha256)"] == run.content_sha256

    download = client.get(reverse("reports:run-pdf", args=[run.pk]))
    strings = pdf_strings(b"".join(download.streaming_content))
    row = strings.index("Bebas anak jalanan 2017")
    # After the target: deadline, baseline, remaining at the start, newly found, then resolved,
    # closed, relapsed and remaining.
    assert strings[row + 5 : row + 9] == ["1", "0", "0", "1"]
    assert run.content_sha256[:16] in " ".join(strings)
    assert report_content.content_hash(run.figures) == run.content_sha256


def test_a_worker_killed_in_the_middle_leaves_a_run_the_sweeper_gives_to_another(
    celery_worker, killable_worker, registry
):
    run, _created = services.report_request(
        actor=None, regency=Region.objects.get(code=SAMARINDA), period=PERIOD, publish=False
    )
    build_report.apply_async(args=[str(run.pk)], queue=KILL_QUEUE)
    run = wait_for(run, lambda r: r.status == "running" and r.progress >= 45, killable_worker)

    killable_worker.process.send_signal(signal.SIGKILL)
    killable_worker.process.wait(timeout=10)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING and run.attempts == 1
    folder = Path(settings.MEDIA_ROOT, "reports", SAMARINDA, PERIOD)
    assert list(folder.glob("*.pdf")) == []  # only the killed worker's temporary file

    # Ten minutes later the heartbeat is stale: the sweeper hands the run to a live worker.
    outcome = services.sweep(now=timezone.now() + services.STALE_AFTER + timedelta(minutes=1))
    assert outcome["retried"] == 1

    run = wait_for(run, lambda r: r.is_finished, celery_worker)
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 2 and run.builds == 1
    # No half-written file left: the run's two files and version 1's copies of them.
    assert sorted(p.name for p in folder.iterdir()) == [
        f"laporan-pmks-{SAMARINDA}-{PERIOD}-v1.pdf",
        f"laporan-pmks-{SAMARINDA}-{PERIOD}-v1.xlsx",
        f"laporan-pmks-{SAMARINDA}-{PERIOD}.pdf",
        f"laporan-pmks-{SAMARINDA}-{PERIOD}.xlsx",
    ]
