"""Loading a 100,000-row DTSEN extract, against the goal of issue #15: at least 10,000 rows/s.

    createdb -h 127.0.0.1 -U postgres pmks_dtsen_bench
    PMKS_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmks_dtsen_bench \\
    .venv/bin/python bench/dtsen_bench.py [--rows 100000] [--persons 5000]

Without REDIS_URL Celery runs eagerly, so the load runs here, as a worker would run it. The
script migrates, loads Kaltim's regions and seeds `--persons` synthetic cases if the registry
has fewer (so that the worklist has persons to reconcile), writes an extract of `--rows` rows
(the registry's persons with a NIK and synthetic residents of random villages), uploads it as
a provincial officer and prints the load's rows/s (checks, insert and worklist, in the
extract's own transaction), the wall time from upload to loaded, and the load average.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from cases import demo as case_demo  # noqa: E402
from cases.models import Case, Person  # noqa: E402
from dtsen import services  # noqa: E402
from dtsen.models import Extract  # noqa: E402
from dtsen.reading import COLUMNS  # noqa: E402
from regions.models import Level, Region  # noqa: E402


def _registry(persons: int) -> None:
    if not Region.objects.filter(code=settings.PMKS_PROVINCE_CODE).exists():
        call_command("load_regions", verbosity=0)
    missing = persons - Case.objects.count()
    if missing > 0:
        case_demo.seed_cases(missing, seed=15, batch_size=2000)


def _officer() -> User:
    officer, _created = User.objects.get_or_create(
        username="dtsen_bench", defaults={"role": Role.PROVINCIAL_OFFICER}
    )
    return officer


def _extract_csv(rows: int) -> bytes:
    rng = random.Random(15)
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, code__startswith="64.").values_list(
            "code", flat=True
        )
    )
    lines = [";".join(COLUMNS)]
    taken = set()
    persons = Person.objects.filter(nik__isnull=False).values_list(
        "nik", "kk_number", "name", "village_id"
    )
    for nik, kk, name, village in persons[: rows // 2]:
        village = village or rng.choice(villages)
        kk = kk or f"{village.replace('.', '')[:6]}0101200001"
        taken.add(nik)
        # One in ten of the registry's persons left out: proposals for the worklist.
        if rng.random() < 0.1:
            continue
        lines.append(f"{nik};{kk};{name};;;{village};{rng.randint(1, 10)};aktif")
    serial = 0
    while len(lines) <= rows:
        serial += 1
        village = rng.choice(villages)
        district = village.replace(".", "")[:6]
        nik = f"{district}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}"
        nik += f"{serial % 9999 + 1:04d}"
        if nik in taken:
            continue
        taken.add(nik)
        decile = rng.randint(1, 10)
        lines.append(f"{nik};{district}0101200001;Warga {serial};L;;{village};{decile};aktif")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=5000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    _registry(args.persons)
    content = _extract_csv(args.rows)
    print(f"{connection.vendor}: extract of {args.rows:,} rows, {len(content) / 1e6:.1f} MB")
    load_before = os.getloadavg()
    cpu = time.process_time()
    started = time.perf_counter()
    extract = services.extract_create(
        actor=_officer(),
        upload=SimpleUploadedFile("bench.csv", content),
        year=2099,
        quarter=Extract.objects.count() % 4 + 1,
    )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    extract.refresh_from_db()
    if extract.status != Extract.Status.LOADED:
        sys.exit(f"not loaded ({extract.status}): {extract.failure} {extract.errors[:3]}")
    print(
        f"loaded {extract.total_rows:,} rows in {extract.seconds:.2f} s: "
        f"{extract.total_rows / extract.seconds:,.0f} rows/s (wall from upload {wall:.2f} s, "
        f"{extract.total_rows / wall:,.0f} rows/s); worklist {extract.item_counts}"
    )
    # On a shared machine the wall time says more about the neighbours than about the load:
    # this process's own CPU time (PostgreSQL's COPY and queries not included) says the rest.
    print(f"this process's CPU time {cpu:.2f} s: {extract.total_rows / cpu:,.0f} rows per CPU s")
    print(f"load average before {load_before}, after {os.getloadavg()}")


if __name__ == "__main__":
    main()
