"""`make bench`: the case registry at a million cases on PostgreSQL, against the goals.

Server time is measured in-process with Django's test client (middleware, views, queries,
templates; no network, no web server), over many requests per line, with the number of SQL
queries of each request. Run with:

    PMKS_DEMO=1 DJANGO_SETTINGS_MODULE=pmks_portal.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmks_bench .venv/bin/python bench/run.py

Steps: migrate, load the regions, seed up to BENCH_CASES synthetic cases (once: what is there
already counts), VACUUM ANALYZE, then time the pages and the import of a CSV and an XLSX
file. Figures are printed and written to bench-results/latest.txt.

Then the sign-in hasher's cost and a morning wave of sign-ins (bench/signin.py), and the
load test: gunicorn serving this database, Locust's users on the same machine (bench/load.py).

Environment: BENCH_CASES (default 1,000,000), BENCH_ITERATIONS (timed requests per line,
default 200; a line stops after BENCH_LINE_SECONDS, default 90, once it has 30), BENCH_IMPORT_ROWS
(default 100,000), BENCH_PARTS (default pages,import,signin,load: see PARTS).
"""

import csv
import importlib.util
import io
import os
import platform
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

import django  # noqa: E402
import openpyxl  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.roles import Role  # noqa: E402
from bench import load as load_test  # noqa: E402
from bench import pages, signin  # noqa: E402
from bench.measure import (  # noqa: E402
    ITERATIONS,
    P95_GOAL_MS,
    REGENCY,
    RESULTS,
    SEARCH_GOAL_MS,
    WARMUP,
    Report,
    bench_user,
    load,
)
from cases import demo  # noqa: E402
from cases.models import Case, ImportBatch, Person  # noqa: E402
from regions.models import Region  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", 1_000_000))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))
# rows/s, end to end (check + commit): #13 point 5, for a CSV or an XLSX file alike.
IMPORT_GOAL = 10_000
# Which parts run, in this order; BENCH_PARTS=pages runs the page lines alone while developing,
# BENCH_PARTS=load the load test alone (after the seed, which any part needs).
PARTS = os.environ.get("BENCH_PARTS", "pages,import,signin,load").split(",")


# --- Preparing the database ------------------------------------------------------------------


def prepare(report: Report) -> None:
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (see the Makefile).")
    if not connection.settings_dict["NAME"].startswith("pmks_bench"):
        sys.exit("Refusing to seed a million cases into a database not named pmks_bench*.")
    if not settings.DEMO_MODE:
        sys.exit("The benchmark seeds synthetic data: run it in demo mode (PMKS_DEMO=1).")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    # Pages render {% static %} through the manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    existing = Case.objects.count()
    if existing >= CASES:
        report(f"Seed: {existing:,} cases present already; none added.")
    else:
        missing = CASES - existing
        print(f"Seeding {missing:,} synthetic cases (once; later runs reuse them)...", flush=True)

        def progress(result):
            if result.cases % 100_000 < demo.BATCH_SIZE or result.cases == missing:
                print(
                    f"  {result.cases:>10,} cases {result.seconds:7.1f} s "
                    f"{result.rows_per_second:8,.0f} cases/s",
                    flush=True,
                )

        result = demo.seed_cases(missing, progress=progress)
        report(
            f"Seed: added {result.cases:,} cases ({result.persons:,} persons, "
            f"{result.transitions:,} status changes, {result.interventions:,} interventions) "
            f"in {result.seconds:.1f} s = {result.rows_per_second:,.0f} cases/s."
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s.")


# --- Import ----------------------------------------------------------------------------------

IMPORT_HEADERS = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "kategori",
    "kode_wilayah",
    "alamat",
    "tanggal_ditemukan",
    "status",
]


def import_rows(rows: int):
    """A spreadsheet as Samarinda staff keep one: new people with unique NIKs, in their city."""
    catalogue = demo.Catalogue.load(random.Random("bench:places"))
    catalogue.places = {REGENCY: catalogue.places[REGENCY]}
    generator = demo.Generator(catalogue, seed="bench:import", used_niks=demo.existing_niks())
    generator.regencies = demo.Weighted([(REGENCY, 1)])
    codes = {pk: code for code, pk in catalogue.categories.items()}
    yield IMPORT_HEADERS
    written = 0
    while written < rows:
        batch = generator.batch(min(5_000, rows - written))
        for case in batch.cases:
            person = batch.persons[case["_person"]]
            birth = person.get("birth_date")
            yield [
                person.get("nik", ""),
                person["name"],
                person["sex"],
                person.get("birth_place", ""),
                birth.strftime("%d/%m/%Y") if birth else "",
                codes[case["category_id"]],
                case["village_id"] or case["district_id"],
                person.get("address", ""),
                case["found_on"].isoformat(),
                "",
            ]
            written += 1


def write_import_file(path: Path, rows: int) -> None:
    """The rows of import_rows() as CSV, or as XLSX (text cells, as a sheet formatted as text)."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        for line in import_rows(rows):
            sheet.append(line)
        workbook.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(import_rows(rows))


def bench_import(report: Report, fmt: str) -> None:
    """Check then commit a CSV or XLSX file, as an upload goes (the services the Celery tasks
    call), rolled back afterwards so that the data set keeps its size. CSV: bench/import_bench.py
    (100,000 and 500,000 rows, with memory and load averages, BENCH_IMPORT_SIZES)."""
    if fmt == "csv":
        # A process of its own, so that its peak memory is the import's alone, not this
        # process's after the page lines.
        done = subprocess.run(  # noqa: S603 (this venv's Python, our own script)
            [sys.executable, str(ROOT / "bench" / "import_bench.py")],
            capture_output=True,
            text=True,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.strip():
                report(line)
        if done.returncode:
            report(f"import bench failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        return
    label = f"import, {IMPORT_ROWS:,} rows ({fmt.upper()}): check + commit"
    if importlib.util.find_spec("cases.importing") is None:
        report(f"{label:<52} not available yet (cases/importing.py does not exist)")
        return
    from cases import importing

    needed = [
        "import_batch_create",
        "import_batch_check",
        "import_batch_commit_request",
        "import_batch_commit",
    ]
    missing = [name for name in needed if not callable(getattr(importing, name, None))]
    if missing:
        report(f"{label:<52} not available yet (cases.importing lacks {', '.join(missing)})")
        return
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"import-{IMPORT_ROWS}.{fmt}"
    # Written afresh each time: its NIKs must be new to the database as it is now.
    write_import_file(path, IMPORT_ROWS)
    regency = Region.objects.get(code=REGENCY)
    staff = bench_user("bench_samarinda", Role.REGENCY_STAFF, regency)
    stored = []
    try:
        with transaction.atomic():
            with path.open("rb") as handle:
                batch = importing.import_batch_create(
                    actor=staff,
                    regency=regency,
                    upload=File(handle, name=path.name),
                    name=path.name,
                    queue=False,
                )
            started = time.perf_counter()
            batch = importing.import_batch_check(batch.pk)
            checked = time.perf_counter()
            stored = [batch.file.name, *batch.summary.get("files", {}).values()]
            if batch.status != ImportBatch.Status.CHECKED:
                raise RuntimeError(f"the check failed: {batch.failure}")
            importing.import_batch_commit_request(
                actor=staff, batch=batch, warnings_confirmed=True, queue=False
            )
            batch = importing.import_batch_commit(batch.pk)
            done = time.perf_counter()
            stored += list(batch.summary.get("files", {}).values())
            if batch.status != ImportBatch.Status.COMMITTED:
                raise RuntimeError(f"the commit failed: {batch.failure}")
            transaction.set_rollback(True)
    except Exception as error:
        report(f"{label:<52} failed: {type(error).__name__}: {error}"[:200])
        return
    finally:
        for name in set(filter(None, stored)):
            default_storage.delete(name)
    total = done - started
    rate = IMPORT_ROWS / total
    report(
        f"{label:<52} {total:.1f} s = {rate:,.0f} rows/s "
        f"(check {checked - started:.1f} s = {IMPORT_ROWS / (checked - started):,.0f} rows/s, "
        f"commit {done - checked:.1f} s = {IMPORT_ROWS / (done - checked):,.0f} rows/s); "
        f"{batch.committed_rows:,} saved, {batch.error_rows:,} errors, "
        f"{batch.duplicate_rows:,} duplicates; goal ≥ {IMPORT_GOAL:,} rows/s: "
        f"{'ok' if rate >= IMPORT_GOAL else 'MISSED'} (rolled back)"
    )


def main() -> None:
    report = Report()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    report(f"PMKS portal benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    report(
        f"{server}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"{platform.processor() or platform.machine()}"
    )
    prepare(report)
    cases, persons = Case.objects.count(), Person.objects.count()
    report(
        f"Data: {cases:,} cases, {persons:,} persons. Server time in-process (test client), "
        f"{ITERATIONS} timed requests per line after {WARMUP} warm-up requests."
    )
    report(
        f"Goals: p95 ≤ {P95_GOAL_MS:.0f} ms for lists at any depth, deep/first ≤ "
        f"{pages.DEPTH_RATIO_GOAL}×; name search p95 ≤ {SEARCH_GOAL_MS:.0f} ms; import ≥ "
        f"{IMPORT_GOAL:,} rows/s; query budgets list ≤ 5, detail ≤ 8, dashboard ≤ 6 "
        "(PERFORMANCE.md G3). cpu ms: this process's CPU per request, the median."
    )
    report(
        "queries: every statement of one request (search: of its result list), as "
        "assertNumQueries counts them, session and user included (the session is saved at most "
        "once a minute, so not in these requests)."
    )
    report(
        f"Load average before the measurements: {load()} (other work on the machine skews "
        "the figures: compare runs at a similar load)."
    )
    report()
    if "pages" in PARTS:
        pages.bench_pages(report)
    if "import" in PARTS:
        bench_import(report, "csv")
        bench_import(report, "xlsx")
    if "signin" in PARTS:
        report()
        signin.bench_signin(report)
    if "load" in PARTS:
        report()
        load_test.bench_load(report)
    report(f"Load average after: {load()}.")
    print(f"\nWritten to {report.save().relative_to(ROOT)}")


if __name__ == "__main__":
    main()
