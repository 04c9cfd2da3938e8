"""A synthetic DTSEN extract for the demo (demo mode only), so that the worklist has items in
every regency that has demo cases.

Built from the registry the demo seeded: most persons with a NIK and an open case are in the
extract (deciles mostly low, as for the agency's clients), one in six is left out (proposals for
the village deliberation), a few are marked deceased or moved or carry another spelling of their
name; KUBE members' households get a decile of 6 or above one time in five. Some thousands of
other residents fill the file out. Deterministic for a seed; uploaded through the service as the
province's officer would, so it loads the way a real extract does.
"""

import io
import random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from cases.models import Person
from dtsen import services
from dtsen.models import Extract
from dtsen.reading import COLUMNS
from kube.models import KubeMember
from regions.models import Level, Region

DEFAULT_SEED = 64
OTHER_RESIDENTS = 3000
DEMO_YEAR, DEMO_QUARTER = 2025, 3


def _kk(village: str, serial: int) -> str:
    # Issued 1 January 2020 in the village's district.
    return f"{village.replace('.', '')[:6]}010120{serial % 10000 or 1:04d}"


def _rows(rng: random.Random) -> list[list]:
    villages = list(
        Region.objects.filter(
            level=Level.VILLAGE, code__startswith=f"{settings.PMKS_PROVINCE_CODE}."
        ).values_list("code", flat=True)
    )
    members = set(KubeMember.objects.filter(is_current=True).values_list("person_id", flat=True))
    rows = []
    persons = (
        Person.objects.current()
        .filter(nik__isnull=False, cases__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", "nik", "kk_number", "name", "sex", "birth_date", "village_id")
    )
    for pk, nik, kk, name, sex, birth, village in persons:
        if pk not in members and rng.random() < 1 / 6:
            continue  # not in DTSEN: to be proposed
        village = village or rng.choice(villages)
        status = rng.choices(["aktif", "meninggal", "pindah"], [94, 3, 3])[0]
        if rng.random() < 0.04:
            name = f"{name} {rng.choice(['Binti Ahmad', 'Bin Usman', 'Alias Ucok'])}"
        high = pk in members and rng.random() < 0.2
        decile = (
            rng.randint(6, 9)
            if high
            else rng.choices(range(1, 11), [18, 17, 15, 13, 11, 9, 7, 5, 3, 2])[0]
        )
        rows.append([nik, kk or _kk(village, pk), name, sex, birth or "", village, decile, status])
    taken = {row[0] for row in rows}
    for serial in range(1, OTHER_RESIDENTS + 1):
        village = rng.choice(villages)
        born = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}"
        nik = f"{village.replace('.', '')[:6]}{born}{serial:04d}"
        if nik in taken:
            continue  # a registry person's number: one row per NIK
        rows.append(
            [
                nik,
                _kk(village, serial),
                f"Warga Demo {serial}",
                "L",
                "",
                village,
                rng.randint(1, 10),
                "aktif",
            ]
        )
    return rows


def seed_demo_dtsen(seed: int = DEFAULT_SEED) -> Extract | None:
    """Uploads the demo extract once; None when one exists already."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo DTSEN extract is for demo mode only.")
    if Extract.objects.exists():
        return None
    officer = (
        User.objects.filter(role=Role.PROVINCIAL_OFFICER, is_active=True).order_by("pk").first()
    )
    if officer is None:
        return None
    text = io.StringIO()
    text.write(";".join(COLUMNS) + "\n")
    for row in _rows(random.Random(seed)):
        text.write(";".join(str(value) for value in row) + "\n")
    upload = SimpleUploadedFile("dtsen-demo-triwulan-3-2025.csv", text.getvalue().encode())
    return services.extract_create(
        actor=officer, upload=upload, year=DEMO_YEAR, quarter=DEMO_QUARTER
    )
