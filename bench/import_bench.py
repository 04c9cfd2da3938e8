"""The case import at speed (issue #13 point 5): check + commit of 100,000 and 500,000 rows.

Runs the services the Celery tasks call (create, check, ask to commit, commit) on a CSV file of
new people with valid, unique NIKs in Kota Samarinda, on a PostgreSQL database of its own,
rolled back afterwards (after the deferred foreign-key checks a real COMMIT runs, forced with
SET CONSTRAINTS ALL IMMEDIATE and timed with the commit). Printed per file: rows/s of the
check, the commit and both, the peak resident memory of this process (ru_maxrss, which only
grows: each line says the peak so far) and the load average beside each figure (the machine
is shared; compare runs at a like load).

    PMKS_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmks_h_imp_bench \\
    .venv/bin/python bench/import_bench.py

bench/run.py calls run(report). BENCH_IMPORT_SIZES (default "100000,500000") picks the files.
A 500,000-row file is past the upload limits staff meet (MAX_ROWS, MAX_UPLOAD_BYTES): for the
measurement they are lifted in this process only, and the line says so.
"""

import csv
import io
import os
import random
import resource
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_SIZES", "100000,500000").split(",")]
REGENCY = "64.72"  # Kota Samarinda
GOAL_ROWS_PER_SECOND = 10_000
GOAL_PEAK_MB = 300
GOAL_LARGE_SECONDS = 60
HEADER = [
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
# Names from a few hundred words, as real ones are (a number in each name would add a new word
# per row to the name index, which real files never do).
FIRST = ["Budi", "Siti", "Andi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Yusuf", "Rina"]
MIDDLE = ["Ahmad", "Putri", "Eka", "Dwi", "Tri", "Indah", "Joko", "Ayu", "Hendra", "Wati"]
LAST = ["Santoso", "Rahayu", "Hidayat", "Lestari", "Saputra", "Wulandari", "Pratama", "Sari"]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def write_file(path: Path, rows: int, villages: list[str], categories: list[str]) -> None:
    """`rows` new people, each with a NIK of their district, birth date and sex, unique."""
    rnd = random.Random(f"import-bench:{rows}")
    serials: dict[str, int] = {}
    start = date(1950, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for number in range(rows):
            village = villages[number % len(villages)]
            sex = "L" if rnd.random() < 0.5 else "P"
            birth = start + timedelta(days=rnd.randrange(365 * 60))
            day = birth.day + (40 if sex == "P" else 0)
            prefix = f"{village[:8].replace('.', '')}{day:02d}{birth:%m%y}"
            serial = serials.get(prefix, 0) + 1
            serials[prefix] = serial
            out.writerow(
                [
                    f"{prefix}{serial:04d}",
                    f"{rnd.choice(FIRST)} {rnd.choice(MIDDLE)} {rnd.choice(LAST)}",
                    sex,
                    "Samarinda",
                    birth.strftime("%d/%m/%Y"),
                    categories[number % len(categories)],
                    village,
                    f"Jl. Bench No. {number}",
                    (date(2025, 1, 1) + timedelta(days=number % 300)).isoformat(),
                    "",
                ]
            )


@contextmanager
def lifted_limits(rows: int):
    """Lets a file past the staff limits through, in this process, for the measurement."""
    from cases.importing import files, kept, limits, tally

    # Every module that took the limit by name (from ... import MAX_ROWS) has its own copy.
    row_limits = (kept, limits, tally)
    saved = ([m.MAX_ROWS for m in row_limits], files.MAX_UPLOAD_BYTES, limits.MAX_UPLOAD_BYTES)
    lifted = rows > kept.MAX_ROWS
    if lifted:
        for module in row_limits:
            module.MAX_ROWS = rows
        files.MAX_UPLOAD_BYTES = limits.MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
    try:
        yield lifted
    finally:
        for module, limit in zip(row_limits, saved[0], strict=True):
            module.MAX_ROWS = limit
        files.MAX_UPLOAD_BYTES, limits.MAX_UPLOAD_BYTES = saved[1], saved[2]


def bench_one(report, rows: int, directory: Path) -> None:
    from django.core.files import File
    from django.core.files.storage import default_storage
    from django.db import connection, transaction

    from accounts import services as account_services
    from accounts.models import User
    from accounts.roles import Role
    from cases import importing
    from cases.models import Category, ImportBatch
    from regions.models import Level, Region

    regency = Region.objects.get(code=REGENCY)
    villages = list(
        Region.objects.filter(code__startswith=f"{REGENCY}.", level=Level.VILLAGE, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    categories = list(
        Category.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)
    )
    path = directory / f"import-bench-{rows}.csv"
    write_file(path, rows, villages, categories)
    staff = User.objects.filter(username="bench_import_samarinda").first()
    if staff is None:
        staff = account_services.user_create(
            actor=None,
            username="bench_import_samarinda",
            role=Role.REGENCY_STAFF,
            regency=regency,
            first_name="Bench Samarinda",
        )
    label = f"import {rows:>7,} rows CSV"
    stored: list[str] = []
    try:
        with lifted_limits(rows) as lifted, transaction.atomic():
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
            load_checked = load()
            stored = [batch.file.name, *batch.summary.get("files", {}).values()]
            if batch.status != ImportBatch.Status.CHECKED:
                raise RuntimeError(f"the check failed: {batch.failure}")
            importing.import_batch_commit_request(
                actor=staff, batch=batch, warnings_confirmed=True, queue=False
            )
            batch = importing.import_batch_commit(batch.pk)
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: PostgreSQL checks them
            # at COMMIT, which the rollback below would skip. Checked here, inside the timing.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            done = time.perf_counter()
            load_done = load()
            stored += list(batch.summary.get("files", {}).values())
            if batch.status != ImportBatch.Status.COMMITTED:
                raise RuntimeError(f"the commit failed: {batch.failure}")
            transaction.set_rollback(True)
    except Exception as error:
        report(f"{label}: failed: {type(error).__name__}: {error}"[:300])
        return
    finally:
        for name in set(filter(None, stored)):
            default_storage.delete(name)
        path.unlink(missing_ok=True)
    check_s, commit_s, total_s = checked - started, done - checked, done - started
    rate = rows / total_s
    verdicts = [f"≥ {GOAL_ROWS_PER_SECOND:,} rows/s {verdict(rate >= GOAL_ROWS_PER_SECOND)}"]
    if rows >= 500_000:
        verdicts.append(f"< {GOAL_LARGE_SECONDS} s {verdict(total_s < GOAL_LARGE_SECONDS)}")
        verdicts.append(f"≤ {GOAL_PEAK_MB} MB {verdict(peak_mb() <= GOAL_PEAK_MB)}")
    report(
        f"{label}: check {check_s:.1f} s = {rows / check_s:,.0f} rows/s (load {load_checked}); "
        f"commit {commit_s:.1f} s = {rows / commit_s:,.0f} rows/s (load {load_done}); "
        f"total {total_s:.1f} s = {rate:,.0f} rows/s; peak RSS so far {peak_mb():.0f} MB; "
        f"{batch.committed_rows:,} saved, {batch.error_rows:,} errors, "
        f"{batch.duplicate_rows:,} duplicates; goals: {', '.join(verdicts)}"
        + ("; staff limits lifted for this file" if lifted else "")
        + " (rolled back)"
    )


def run(report) -> None:
    """The import lines, for bench/run.py or alone; `report` takes one line of text."""
    import tempfile

    from django.db import connection

    if connection.vendor != "postgresql":
        report("import bench: runs on PostgreSQL only (set DATABASE_URL)")
        return
    report(f"Import bench, load average before: {load()}; peak RSS before {peak_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as directory:
        for rows in SIZES:
            bench_one(report, rows, Path(directory))


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not name.startswith(("pmks_bench", "pmks_h_imp_bench")):
        sys.exit("Run on a PostgreSQL bench database (pmks_bench* or pmks_h_imp_bench).")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    run(lambda text="": print(text, flush=True))


if __name__ == "__main__":
    main()
