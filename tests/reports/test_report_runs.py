"""Report runs: asked for in the UI, built (Celery eager here), stored with their hashes, scoped
downloads, failures explained, re-runs replacing files safely, the sweeper, the command."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

import kombu.exceptions
import openpyxl
import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import CaseStatus, Programme
from regions.models import Region
from reports import render, services, summary, tasks
from reports.models import ReportRun
from reports.periods import parse_period
from tests.reports.conftest import pdf_strings, register
from tests.reports.helpers import direct_open

pytestmark = pytest.mark.django_db

SAMARINDA, BALIKPAPAN = "64.72", "64.71"
THIS_MONTH = f"{summary.current_month():%Y-%m}"


@pytest.fixture
def registry(samarinda_staff, balikpapan_staff):
    cases = [
        register(samarinda_staff, name="Rudi Hartono"),
        register(samarinda_staff, name="Bayu Saputra"),
        register(
            samarinda_staff, name="Sumiati", category="TS", sex="P", birth_date=date(1990, 2, 2)
        ),
        register(balikpapan_staff, name="Dewi Lestari", sex="P"),
    ]
    for status in (CaseStatus.VERIFIED, CaseStatus.IN_HANDLING):
        cases[1] = case_services.case_transition(
            actor=samarinda_staff,
            case=cases[1],
            to_status=status,
            effective_on=timezone.localdate(),
            reason="penanganan",
        )
    return cases


def ask(client, scope=SAMARINDA, period=THIS_MONTH, capture=None):
    with capture(execute=True):
        response = client.post(
            reverse("reports:runs"),
            {"scope": scope, "period": period},
            headers={"accept-language": "en"},
        )
    assert response.status_code == 302, response.content
    return ReportRun.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def xlsx_targets(path) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Targets"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_an_officer_asks_for_a_report_and_gets_pdf_and_xlsx_with_the_registry_numbers(
    login, provincial_officer, registry, django_capture_on_commit_callbacks
):
    client = login(provincial_officer)
    run = ask(client, capture=django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.progress == 100 and run.attempts == 1 and run.builds == 1
    assert run.requested_by == provincial_officer
    assert run.data_as_of is not None
    pdf = Path(settings.MEDIA_ROOT, run.pdf_file)
    xlsx = Path(settings.MEDIA_ROOT, run.xlsx_file)
    import hashlib

    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == run.pdf_sha256
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == run.xlsx_sha256
    assert len(run.content_sha256) == 64

    targets = xlsx_targets(xlsx)
    assert (
        targets["bebas-anak-jalanan"]["Remaining"]
        == direct_open(SAMARINDA, Programme.STREET_CHILDREN)
        == 2
    )
    assert targets["bebas-lokalisasi"]["Remaining"] == 1
    assert targets["bebas-pasung"]["Remaining"] == 0
    assert targets["bebas-anak-jalanan"]["In handling or referred"] == 1
    assert targets["bebas-anak-jalanan"]["Newly found"] == 0  # found in October

    strings = pdf_strings(pdf.read_bytes())
    assert any("Kota Samarinda" in text for text in strings)
    assert run.content_sha256[:16] in " ".join(strings)
    row = strings.index("Bebas anak jalanan 2017")
    assert "2" in strings[row : row + 10]

    page = client.get(reverse("reports:run", args=[run.pk]))
    assert b'data-testid="download-pdf"' in page.content
    download = client.get(reverse("reports:run-pdf", args=[run.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, target_type="reports.reportrun", actor=provincial_officer
    ).exists()


def test_asking_twice_gives_the_same_run_and_the_same_numbers(
    login, samarinda_staff, registry, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    first = ask(client, capture=django_capture_on_commit_callbacks)
    second = ask(client, capture=django_capture_on_commit_callbacks)
    assert first.pk == second.pk
    assert ReportRun.objects.count() == 1
    assert second.builds == 1


def test_a_rebuild_replaces_the_files_and_gives_the_same_hash_for_the_same_data(
    login, samarinda_staff, registry, django_capture_on_commit_callbacks
):
    client = login(samarinda_staff)
    run = ask(client, capture=django_capture_on_commit_callbacks)
    pdf_before = Path(settings.MEDIA_ROOT, run.pdf_file).read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:run-rebuild", args=[run.pk]))
    run.refresh_from_db()

    assert run.status == ReportRun.Status.DONE and run.builds == 2
    folder = Path(settings.MEDIA_ROOT, run.pdf_file).parent
    # The run's files, and version 1's own copies (the same figures issued no version 2).
    assert sorted(p.name for p in folder.iterdir()) == [
        f"laporan-pmks-{SAMARINDA}-{THIS_MONTH}-v1.pdf",
        f"laporan-pmks-{SAMARINDA}-{THIS_MONTH}-v1.xlsx",
        f"laporan-pmks-{SAMARINDA}-{THIS_MONTH}.pdf",
        f"laporan-pmks-{SAMARINDA}-{THIS_MONTH}.xlsx",
    ]
    same_hash = run.content_sha256
    # Nothing was written in between: same summary, same data-as-of, the very same PDF bytes
    # (reportlab's invariant mode).
    assert Path(settings.MEDIA_ROOT, run.pdf_file).read_bytes() == pdf_before

    register(samarinda_staff, name="Anak Baru")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:run-rebuild", args=[run.pk]))
    run.refresh_from_db()
    assert run.content_sha256 != same_hash
    assert (
        xlsx_targets(Path(settings.MEDIA_ROOT, run.xlsx_file))["bebas-anak-jalanan"]["Remaining"]
        == 3
    )


def test_the_same_content_gives_the_same_pdf_bytes(registry):
    run = _waiting_run()
    services.report_build(run.pk)
    run.refresh_from_db()
    copies = []
    for _copy in range(2):
        buffer = io.BytesIO()
        render.write_pdf(run.figures, run.content_sha256, "November 2026", buffer)
        copies.append(buffer.getvalue())
    assert copies[0] == copies[1]


def test_a_failed_build_says_why_and_asking_again_tries_again(
    login, samarinda_staff, registry, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("font missing")

    monkeypatch.setattr(render, "write_pdf", broken)
    client = login(samarinda_staff)
    run = ask(client, capture=django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.FAILED
    assert "font missing" in run.error
    page = client.get(reverse("reports:run", args=[run.pk]))
    assert b'data-testid="run-error"' in page.content and b"font missing" in page.content
    folder = Path(settings.MEDIA_ROOT, "reports", SAMARINDA, THIS_MONTH)
    assert not any(folder.glob("*.part"))

    monkeypatch.undo()
    again = ask(client, capture=django_capture_on_commit_callbacks)
    assert again.pk == run.pk and again.status == ReportRun.Status.DONE and again.error == ""


def _waiting_run(regency_code=SAMARINDA, period=THIS_MONTH) -> ReportRun:
    region = Region.objects.get(code=regency_code) if regency_code else None
    run, _created = services.report_request(
        actor=None, regency=region, period=parse_period(period), publish=False
    )
    return run


def test_a_duplicate_delivery_does_nothing(registry):
    run = _waiting_run()
    assert services.report_build(run.pk).status == ReportRun.Status.DONE
    assert services.report_build(run.pk) is None
    run.refresh_from_db()
    assert run.attempts == 1 and run.builds == 1


def test_a_passing_database_error_leaves_the_run_waiting_for_the_retry(registry, monkeypatch):
    run = _waiting_run()
    calls = {"n": 0}
    real = services.build_files

    def flaky(run, progress=None):
        calls["n"] += 1
        if calls["n"] < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(run, progress)

    monkeypatch.setattr(services, "build_files", flaky)
    for _attempt in range(2):
        with pytest.raises(services.Retryable):
            services.report_build(run.pk)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.RETRYING
    done = services.report_build(run.pk)
    assert done.status == ReportRun.Status.DONE and done.attempts == 3


def test_the_task_retries_after_a_passing_database_error(registry, monkeypatch):
    run = _waiting_run()
    real = services.build_files
    calls = {"n": 0}

    def flaky(run, progress=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("deadlock detected")
        return real(run, progress)

    monkeypatch.setattr(services, "build_files", flaky)
    monkeypatch.setattr(tasks, "RETRY_BACKOFF_SECONDS", 0)
    with pytest.raises(Retry):
        tasks.build_report.apply(args=[str(run.pk)], throw=True)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RETRYING
    tasks.build_report.apply(args=[str(run.pk)], retries=1, throw=True)  # the retry's delivery
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.attempts == 2


def test_a_build_stopped_by_the_time_limit_fails_without_partial_files(registry, monkeypatch):
    run = _waiting_run()

    def too_slow(content, digest, label, target):
        target.write(b"%PDF-half")
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(render, "write_pdf", too_slow)
    services.report_build(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "too long" in run.error
    folder = Path(settings.MEDIA_ROOT, "reports", SAMARINDA, THIS_MONTH)
    assert list(folder.iterdir()) == []


def test_the_sweeper_retries_a_run_whose_worker_died_then_gives_up(
    registry, django_capture_on_commit_callbacks
):
    run = _waiting_run()
    stale = timezone.now() - services.STALE_AFTER - timedelta(minutes=1)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, attempts=1, heartbeat_at=stale, started_at=stale
    )
    with django_capture_on_commit_callbacks(execute=True) as published:
        assert services.sweep()["retried"] == 1
    run.refresh_from_db()
    # Celery is eager here: the republished build ran at once.
    assert len(published) == 1
    assert run.status == ReportRun.Status.DONE and run.attempts == 2

    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, attempts=services.MAX_ATTEMPTS, heartbeat_at=stale
    )
    assert services.sweep()["failed"] == 1
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "stopped 3 times" in run.error


def test_the_sweeper_leaves_a_live_run_alone_and_republishes_a_lost_one(
    registry, django_capture_on_commit_callbacks
):
    live = _waiting_run()
    ReportRun.objects.filter(pk=live.pk).update(
        status=ReportRun.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    lost = _waiting_run(BALIKPAPAN)
    ReportRun.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - timedelta(minutes=30), enqueued_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.sweep()
    assert outcome == {"retried": 0, "failed": 0, "republished": 1}
    live.refresh_from_db()
    lost.refresh_from_db()
    assert live.status == ReportRun.Status.RUNNING
    assert lost.status == ReportRun.Status.DONE


def test_report_files_are_downloadable_only_within_scope(
    client_as, samarinda_viewer, balikpapan_staff, provincial_officer, registry
):
    run = _waiting_run()
    services.report_build(run.pk)
    province = _waiting_run(None)
    services.report_build(province.pk)

    assert (
        client_as(samarinda_viewer).get(reverse("reports:run-xlsx", args=[run.pk])).status_code
        == 200
    )
    for url in ("reports:run", "reports:run-pdf", "reports:run-xlsx", "reports:run-status"):
        assert client_as(balikpapan_staff).get(reverse(url, args=[run.pk])).status_code == 404
        assert client_as(samarinda_viewer).get(reverse(url, args=[province.pk])).status_code == 404
    assert (
        client_as(provincial_officer)
        .get(reverse("reports:run-pdf", args=[province.pk]))
        .status_code
        == 200
    )
    listing = client_as(balikpapan_staff).get(reverse("reports:runs"))
    assert list(listing.context["runs"]) == []
    form = listing.context["form"]
    assert [code for code, _name in form.fields["scope"].choices] == [BALIKPAPAN]


def test_regency_staff_cannot_ask_for_another_regency_or_the_province(
    login, samarinda_staff, registry
):
    client = login(samarinda_staff)
    for scope in (BALIKPAPAN, "province"):
        response = client.post(reverse("reports:runs"), {"scope": scope, "period": THIS_MONTH})
        assert response.status_code == 200
        assert "scope" in response.context["form"].errors
    assert not ReportRun.objects.exists()


def test_a_regency_viewer_can_neither_ask_for_nor_rebuild_a_report(
    login, samarinda_viewer, registry
):
    """Read-only means read-only (issue #11 item 7): the viewer reads its regency's reports,
    is offered nothing to ask for, and is refused (403) when it asks or rebuilds anyway."""
    run = _waiting_run()
    services.report_build(run.pk)
    client = login(samarinda_viewer)

    listing = client.get(reverse("reports:runs"))
    assert listing.status_code == 200
    assert not listing.context["form"].can_ask
    assert reverse("reports:run", args=[run.pk]) in listing.content.decode()
    assert client.get(reverse("reports:run", args=[run.pk])).context["can_rebuild"] is False

    asked = client.post(reverse("reports:runs"), {"scope": SAMARINDA, "period": THIS_MONTH})
    rebuilt = client.post(reverse("reports:run-rebuild", args=[run.pk]))

    assert (asked.status_code, rebuilt.status_code) == (403, 403)
    assert list(ReportRun.objects.values_list("pk", "builds")) == [(run.pk, 1)]
    with pytest.raises(PermissionDenied):
        services.report_rebuild(actor=samarinda_viewer, run=run, publish=False)


def test_a_future_or_malformed_period_is_refused(login, samarinda_staff):
    client = login(samarinda_staff)
    for period in ("2031-01", "2026-13", "oktober"):
        response = client.post(reverse("reports:runs"), {"scope": SAMARINDA, "period": period})
        assert "period" in response.context["form"].errors
    assert not ReportRun.objects.exists()


def test_the_status_json_follows_the_run(login, samarinda_staff, registry):
    run = _waiting_run()
    response = login(samarinda_staff).get(reverse("reports:run-status", args=[run.pk]))
    assert response.json() == {
        "status": "pending",
        "label": "Waiting",
        "progress": 0,
        "finished": False,
        "error": "",
    }


def test_a_quarter_and_a_year_add_up_their_months(registry):
    # The year the registry's children were found in (not this year: in January it is another).
    run = _waiting_run(period=str(registry[0].found_on.year))
    services.report_build(run.pk)
    run.refresh_from_db()
    street = next(t for t in run.figures["targets"] if t["programme"] == "street_children")
    # Three street children found on 1 October 2026, all within the year.
    assert street["indicators"]["found"] == 2
    assert run.figures["period"]["kind"] == "year"


def test_the_province_roll_up_has_the_league_of_regencies(registry):
    run = _waiting_run(None)
    services.report_build(run.pk)
    run.refresh_from_db()
    league = {row["code"]: row for row in run.figures["league"]}
    assert len(league) == 10
    assert league[SAMARINDA]["targets"]["bebas-anak-jalanan"]["remaining"] == 2
    assert league[BALIKPAPAN]["targets"]["bebas-anak-jalanan"]["remaining"] == 1
    province = next(t for t in run.figures["targets"] if t["target"] == "bebas-anak-jalanan")
    assert province["indicators"]["remaining"] == 3


def test_the_monthly_schedule_asks_for_every_regency_and_the_province(registry):
    runs = services.monthly_reports(today=date(2026, 11, 1))
    assert len(runs) == 11
    assert {run.period for run in runs} == {"2026-10"}
    assert sum(run.regency_id is None for run in runs) == 1


def test_the_beat_schedule_names_existing_tasks():
    from pmks_portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    ours = {name for name in names if name.startswith("reports.")}
    assert ours == {
        "reports.tasks.refresh_summary",
        "reports.tasks.reconcile_summary",
        "reports.tasks.monthly_reports",
    }
    assert ours <= set(app.tasks)


def test_build_report_command_writes_the_files_and_prints_the_figures(registry):
    out = io.StringIO()
    call_command(
        "build_report", "--regency", SAMARINDA, "--period", THIS_MONTH, "--json", stdout=out
    )
    printed = json.loads(out.getvalue())
    street = next(t for t in printed["targets"] if t["target"] == "bebas-anak-jalanan")
    assert street["remaining"] == 2
    assert street["status"] == "off_track"
    assert Path(printed["files"]["pdf"]).read_bytes().startswith(b"%PDF-")
    assert Path(printed["files"]["xlsx"]).exists()

    out = io.StringIO()
    call_command("build_report", "--regency", SAMARINDA, "--period", THIS_MONTH, stdout=out)
    assert "content sha256 " + printed["content_sha256"] in out.getvalue()
    assert ReportRun.objects.get().builds == 2


def test_build_report_command_refuses_bad_input(registry):
    with pytest.raises(CommandError, match="No regency"):
        call_command("build_report", "--regency", "64.99", "--period", "2026-10")
    with pytest.raises(CommandError, match="month"):
        call_command("build_report", "--regency", SAMARINDA, "--period", "2026-1")


def test_a_broker_that_does_not_answer_leaves_the_run_waiting_for_the_sweeper(
    login, samarinda_staff, registry, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to redis: refused.")

    monkeypatch.setattr(tasks.build_report, "apply_async", refused)
    client = login(samarinda_staff)
    run = ask(client, capture=django_capture_on_commit_callbacks)  # the page still answers

    assert run.status == ReportRun.Status.PENDING and run.enqueued_at is None
    monkeypatch.undo()
    ReportRun.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - timedelta(minutes=15),
        enqueued_at=timezone.now() - timedelta(minutes=15),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["republished"] == 1
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE


def test_the_province_roll_up_builds_in_indonesian(registry):
    region = None
    run, _created = services.report_request(
        actor=None, regency=region, period=THIS_MONTH, language="id", publish=False
    )
    services.report_build(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    sheets = openpyxl.load_workbook(Path(settings.MEDIA_ROOT, run.xlsx_file)).sheetnames
    assert "Kabupaten-kota" in sheets
    strings = pdf_strings(Path(settings.MEDIA_ROOT, run.pdf_file).read_bytes())
    assert "Sasaran" in strings
