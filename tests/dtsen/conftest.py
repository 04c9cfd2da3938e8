"""DTSEN extracts for tests: a CSV in the by-name-by-address layout, made from the registry's
persons (so the worklist has something to find), uploaded through the service as the province's
officer would, and loaded (Celery runs eagerly in tests)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from dtsen import services
from kube.models import BusinessType, KubeRules
from kube.reference_data import ensure_rules_row, load_default_business_types
from pmks_portal.celery import app as celery_app

HEADER = ["NIK", "No. KK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kode Desa", "Desil", "Status"]
KK_ISSUED = "010120"  # issued 1 January 2020


def kk_for(village_code: str, serial: int) -> str:
    # Four digits whatever the serial: a person's pk passes 9,999 in a long PostgreSQL run
    # (sequences are not reset), and a 17-digit KK is rightly refused.
    return f"{village_code.replace('.', '')[:6]}{KK_ISSUED}{serial % 10_000:04d}"


def row_of(person, *, decile=3, status="aktif", name=None, kk=None, village=None) -> list:
    """The person's DTSEN row: the registry's values unless told otherwise."""
    return [
        person.nik,
        kk if kk is not None else (person.kk_number or kk_for(person.village_id, person.pk)),
        name or person.name,
        person.sex,
        person.birth_date.isoformat() if person.birth_date else "",
        village or person.village_id,
        decile,
        status,
    ]


def synthetic_row(village_code: str, serial: int, *, decile=2, status="aktif") -> list:
    """Someone DTSEN holds whom the registry does not: a valid NIK born 1 May 1980."""
    digits = village_code.replace(".", "")[:6]
    nik = f"{digits}010580{serial:04d}"
    return [
        nik,
        kk_for(village_code, serial),
        f"Warga {serial}",
        "L",
        "1980-05-01",
        village_code,
        decile,
        status,
    ]


def csv_bytes(rows: list[list], header=HEADER, delimiter=";") -> bytes:
    lines = [delimiter.join(str(cell) for cell in header)]
    lines += [delimiter.join(str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(officer, content: bytes, *, year=2025, quarter=3, name="dtsen.csv"):
    """Uploads and (eagerly) loads an extract; returns it as stored afterwards."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        extract = services.extract_create(
            actor=officer,
            upload=SimpleUploadedFile(name, content),
            year=year,
            quarter=quarter,
        )
    extract.refresh_from_db()
    return extract


@pytest.fixture(autouse=True)
def eager_celery():
    """The load runs on commit in this process, as in the demo, even where the suite has a
    broker (the worker tests prove the task itself)."""
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    conf.update(before)


@pytest.fixture(autouse=True)
def reference(db):
    load_default_categories(Category, CategoryAlias)
    load_default_business_types(BusinessType)
    ensure_rules_row(KubeRules)
