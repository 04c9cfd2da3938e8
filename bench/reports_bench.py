"""Targets, dashboards and reports at a million cases on PostgreSQL, against the goals:
dashboard p95 < 150 ms server time; the 10 regency reports and the province roll-up of one
month in < 60 s with one worker.

    PMKS_DEMO=1 DJANGO_SETTINGS_MODULE=pmks_portal.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmks_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/reports_bench.py

It uses the cases `make bench` seeded (bench/run.py) and seeds none itself; it migrates, creates
two bench users if missing, and adds (then removes) one case to time a refresh after a write.

Steps, each timed:
1. the summary: a full reconciliation (the nightly job, from nothing the first time), a
   refresh with nothing written, a refresh after one case is written, a refresh after a row
   vanished without an audit event;
2. the dashboards, in-process with the test client (middleware, views, queries, templates):
   province, the largest regency, one of its districts; p50, p95, max and queries;
3. the 11 monthly reports of last month: with REDIS_URL, published to a real Celery worker
   started here with --concurrency=1 (wall time from publishing to the last one done); without
   it, built one after the other in this process.

Figures are printed and written to bench-results/reports-latest.txt.
"""

import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from cases import services as case_services  # noqa: E402
from cases.models import Case, Category, Person  # noqa: E402
from regions.models import Level, Region  # noqa: E402
from reports import figures, services, summary  # noqa: E402
from reports.models import ReportRun, SummaryState  # noqa: E402
from reports.periods import previous_month  # noqa: E402
from tests.helpers import sign_in  # noqa: E402

ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", 100))
WARMUP = 5
P95_GOAL_MS = 150.0
REPORTS_GOAL_S = 60.0
RESULTS = ROOT / "bench-results"


class Report:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def save(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "reports-latest.txt"
        path.write_text("\n".join(self.lines) + "\n")
        return path


def user(username: str, role: str, regency: Region | None = None) -> User:
    found = User.objects.filter(username=username).first()
    return found or account_services.user_create(
        actor=None, username=username, role=role, regency=regency, first_name=username
    )


def client_for(person: User) -> Client:
    # As the other benches: signed in, and past the second factor a provincial role needs.
    return sign_in(Client(), person)


def seconds(step) -> tuple[float, object]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_summary(report: Report, staff: User) -> None:
    took, result = seconds(summary.reconcile)
    report(
        f"Summary, full reconciliation (nightly): {took:.1f} s, "
        f"{result.rows_changed:,} rows corrected (the first run builds everything)."
    )
    took, result = seconds(summary.reconcile)
    report(f"Summary, full reconciliation again: {took:.1f} s, {result.rows_changed} corrected.")
    took, result = seconds(summary.refresh)
    report(f"Summary refresh, nothing written: {took * 1000:.0f} ms ({result.regencies}).")
    took, count = seconds(figures.warm)
    report(
        f"Dashboards' figures of this month computed ahead after a refresh: {count} overviews "
        f"in {took:.2f} s."
    )
    regency = staff.regency
    village = Region.objects.filter(code__startswith=f"{regency.code}.", level=Level.VILLAGE)[0]
    person = case_services.person_create(
        actor=staff,
        regency=regency,
        confirmed=True,
        data={"name": "Bench Anak Jalanan", "sex": "L", "village": village},
    )
    case = case_services.case_create(
        actor=staff,
        person=person,
        regency=regency,
        data={
            "category": Category.objects.get(code="AJ"),
            "district": village.parent,
            "village": village,
            "found_on": timezone.localdate(),
            "source": "outreach",
        },
    )
    took, result = seconds(summary.refresh)
    report(
        f"Summary refresh after one case written in {regency.name}: {took:.2f} s "
        f"(regencies {result.regencies}, {result.rows_changed} rows changed)."
    )
    Case.objects.filter(pk=case.pk).delete()
    Person.objects.filter(pk=person.pk).delete()
    took, result = seconds(summary.refresh)
    report(
        f"Summary refresh after a case deleted without audit event: {took:.2f} s "
        f"(regencies {result.regencies})."
    )


def bench_dashboards(report: Report, officer: User, staff: User) -> bool:
    largest = staff.regency
    district = (
        Case.objects.filter(regency=largest)
        .values("district_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["district_id"]
    )
    lines = [
        ("province dashboard (provincial officer)", officer, reverse("reports:province")),
        (
            f"regency dashboard, {largest.name} (regency staff)",
            staff,
            reverse("reports:regency", args=[largest.code]),
        ),
        (
            f"district page {district} (regency staff)",
            staff,
            reverse("reports:district", args=[district]),
        ),
    ]
    ok = True
    for label, person, url in lines:
        client = client_for(person)
        for _warm in range(WARMUP):
            assert client.get(url).status_code == 200, url
        # Cold: a view of figures nobody computed yet (after a refresh the beat task computes
        # this month's ahead, so this is the first view of a past month, or of this month when
        # the warming did not run); warm: every other view until the next refresh.
        for kind, clear in (("cold", True), ("warm", False)):
            times = []
            for _i in range(ITERATIONS):
                if clear:
                    # A new data version, as after a refresh: no cached figures.
                    SummaryState.objects.update(refreshed_at=timezone.now())
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            if clear:
                SummaryState.objects.update(refreshed_at=timezone.now())
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            p95 = percentile(times, 0.95)
            ok = ok and p95 < P95_GOAL_MS
            report(
                f"  {label}, {kind}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                f"max {max(times):.1f} ms, {len(captured.captured_queries)} queries; "
                f"goal p95 < {P95_GOAL_MS:.0f} ms: {'ok' if p95 < P95_GOAL_MS else 'MISSED'}"
            )
    return ok


def _fresh_runs(period) -> None:
    ReportRun.objects.filter(period=period.code).delete()


def bench_reports(report: Report) -> bool:
    period = previous_month(timezone.localdate())
    _fresh_runs(period)
    worker = None
    if settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        log = (RESULTS / "reports-bench-worker.log").open("w")
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pmks_portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"reports-bench-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        from pmks_portal.celery import app

        deadline = time.monotonic() + 60
        while not app.control.inspect(timeout=1).ping():
            if time.monotonic() > deadline:
                raise RuntimeError("the bench worker did not start")
        how = "published to one real Celery worker (prefork, --concurrency=1)"
    else:
        how = "built one after the other in this process (no REDIS_URL: Celery is eager)"
    try:
        started = time.perf_counter()
        runs = services.monthly_reports()
        ids = [run.pk for run in runs]
        while (
            ReportRun.objects.filter(pk__in=ids)
            .exclude(status__in=[ReportRun.Status.DONE, ReportRun.Status.FAILED])
            .exists()
        ):
            if time.perf_counter() - started > 600:
                raise RuntimeError("reports not done after 10 minutes")
            time.sleep(0.2)
        took = time.perf_counter() - started
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    finished = list(ReportRun.objects.filter(pk__in=ids))
    failed = [run for run in finished if run.status != ReportRun.Status.DONE]
    per_run = sorted(
        (run.finished_at - run.started_at).total_seconds() for run in finished if run.started_at
    )
    ok = took < REPORTS_GOAL_S and not failed
    report(
        f"  11 reports of {period.code} (10 regencies + province roll-up), {how}: {took:.1f} s "
        f"wall; per report median {statistics.median(per_run):.2f} s, max {max(per_run):.2f} s; "
        f"{len(failed)} failed; goal < {REPORTS_GOAL_S:.0f} s: {'ok' if ok else 'MISSED'}"
    )
    sizes = [
        Path(settings.MEDIA_ROOT, run.pdf_file).stat().st_size for run in finished if run.pdf_file
    ]
    if sizes:
        report(f"  PDF sizes {min(sizes) // 1024}–{max(sizes) // 1024} KiB.")
    return ok


def main() -> None:
    report = Report()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    report(f"PMKS reports benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    report(
        f"{server}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"{platform.processor() or platform.machine()}; database {connection.settings_dict['NAME']}"
    )
    cases = Case.objects.count()
    if not cases:
        sys.exit("No cases: seed the database first (make bench, or manage.py seed_demo).")
    largest_code = (
        Case.objects.values("regency_id").annotate(n=Count("id")).order_by("-n")[0]["regency_id"]
    )
    largest = Region.objects.get(code=largest_code)
    officer = user("bench_reports_provinsi", Role.PROVINCIAL_OFFICER)
    staff = user(f"bench_reports_{largest_code.replace('.', '_')}", Role.REGENCY_STAFF, largest)
    report(
        f"Data: {cases:,} cases ({Case.objects.filter(regency=largest).count():,} in "
        f"{largest.name}, the largest). {ITERATIONS} timed requests per page after {WARMUP} "
        "warm-up requests, server time in-process."
    )
    report()
    bench_summary(report, staff)
    report()
    report("Dashboards:")
    pages_ok = bench_dashboards(report, officer, staff)
    report()
    report("Reports:")
    reports_ok = bench_reports(report)
    report()
    report(
        f"Goals met: dashboards {'yes' if pages_ok else 'NO'}, reports "
        f"{'yes' if reports_ok else 'NO'}."
    )
    print(f"\nWritten to {report.save().relative_to(ROOT)}")


if __name__ == "__main__":
    main()
