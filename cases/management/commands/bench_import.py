"""Measures import throughput: a synthetic spreadsheet, checked and committed like an upload."""

import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from cases import importing
from cases.models import Category, ImportBatch
from regions.models import Level, Region

FIRST_NAMES = [
    "Rudi",
    "Dewi",
    "Siti",
    "Agus",
    "Budi",
    "Nur",
    "Rina",
    "Andi",
    "Putri",
    "Yusuf",
    "Ahmad",
    "Sri",
    "Wahyu",
    "Indah",
    "Fajar",
    "Lestari",
    "Eko",
    "Ayu",
    "Hendra",
]
LAST_NAMES = [
    "Hartono",
    "Lestari",
    "Saputra",
    "Wulandari",
    "Pratama",
    "Hidayat",
    "Rahman",
    "Susanti",
    "Kurniawan",
    "Nugroho",
    "Sari",
    "Setiawan",
    "Handayani",
    "Syahrani",
]


def synthetic_rows(regency: Region, count: int, seed: int | None = None):
    """Plausible rows: valid NIKs (unique), 10% without NIK, villages of the regency."""
    rng = random.Random(seed)
    villages = list(
        Region.objects.filter(code__startswith=f"{regency.code}.", level=Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    categories = list(Category.objects.filter(is_active=True).values_list("code", flat=True))
    statuses = ["terdaftar", "terverifikasi", "ditangani"]
    used: set[str] = set()
    today = date.today()
    for _ in range(count):
        village = rng.choice(villages)
        sex = rng.choice("LP")
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        nik = ""
        if rng.random() >= 0.1:
            day = born.day + (40 if sex == "P" else 0)
            stem = f"{village[:8].replace('.', '')}{day:02d}{born:%m%y}"
            while True:
                nik = f"{stem}{rng.randrange(1, 10000):04d}"
                if nik not in used:
                    used.add(nik)
                    break
        yield [
            nik,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.randrange(10**6)}",
            sex,
            "Samarinda",
            born.strftime("%d/%m/%Y"),
            rng.choice(categories),
            village,
            f"Jl. Pesut No. {rng.randrange(1, 300)} RT {rng.randrange(1, 40):02d}",
            (today - timedelta(days=rng.randrange(1, 1000))).isoformat(),
            rng.choice(statuses),
        ]


def write_file(path: Path, regency: Region, count: int, fmt: str, seed: int | None = None) -> None:
    header = importing.COLUMNS[:10]
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(synthetic_rows(regency, count, seed))
        return
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(header)
    for row in synthetic_rows(regency, count, seed):
        sheet.append(row)
    workbook.save(path)


class Command(BaseCommand):
    help = (
        "Demo mode only: generates a synthetic spreadsheet of N rows and imports it (check, "
        "then commit) as the given staff user, reporting rows per second."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--user", default="samarinda", help="regency staff (default: the demo user 'samarinda')"
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("bench_import writes synthetic cases: demo mode (PMKS_DEMO=1) only.")
        user = User.objects.filter(username=options["user"]).select_related("regency").first()
        if user is None or user.regency is None:
            raise CommandError(f"No regency user {options['user']!r}: run seed_demo first.")
        rows, fmt = options["rows"], options["format"]
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"bench.{fmt}"
            write_file(path, user.regency, rows, fmt)
            size = path.stat().st_size / 1024 / 1024
            with path.open("rb") as handle:
                batch = importing.import_batch_create(
                    actor=user,
                    regency=user.regency,
                    upload=File(handle, name=path.name),
                    queue=False,
                )
        started = time.perf_counter()
        batch = importing.import_batch_check(batch.pk)
        checked = time.perf_counter()
        if batch.status != ImportBatch.Status.CHECKED:
            raise CommandError(f"check failed: {batch.failure}")
        importing.import_batch_commit_request(
            actor=user, batch=batch, warnings_confirmed=True, queue=False
        )
        batch = importing.import_batch_commit(batch.pk)
        done = time.perf_counter()
        if batch.status != ImportBatch.Status.COMMITTED:
            raise CommandError(f"commit failed: {batch.failure}")
        check_s, commit_s, total_s = checked - started, done - checked, done - started
        self.stdout.write(
            f"import {fmt} {rows} rows ({size:.1f} MB, {settings.DATABASES['default']['ENGINE']})"
            f": check {check_s:.1f} s ({rows / check_s:,.0f} rows/s), commit {commit_s:.1f} s "
            f"({batch.committed_rows} saved, {rows / commit_s:,.0f} rows/s), check + commit "
            f"{total_s:.1f} s = {rows / total_s:,.0f} rows/s (goal 2,000)"
        )
