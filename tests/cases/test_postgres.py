"""Behaviour that only PostgreSQL provides: trigram search, and the NIK constraint under a race.

Run by `make test-postgres` (and CI); the SQLite run deselects them with -m "not postgres".
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from cases import services
from cases.models import Case, Person
from tests.cases.conftest import register

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run `make test-postgres`.")


def test_the_trigram_index_exists(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_name_search_tolerates_misspelling(samarinda_staff):
    case = register(samarinda_staff, name="Muhammad Rizky Pratama", category="AJ")
    register(samarinda_staff, name="Siti Nurhaliza", category="AJ")
    for typed in ("Muhamad Risky", "Mohammad Rizky", "rizki pratama"):
        found = Case.objects.matching(typed)
        assert list(found.values_list("pk", flat=True)) == [case.pk], typed


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_one_nik_leave_one_person(samarinda_staff):
    barrier = threading.Barrier(2)
    outcomes = []

    def register_same_nik():
        try:
            barrier.wait()
            services.person_create(
                actor=samarinda_staff,
                regency=samarinda_staff.regency,
                confirmed=True,
                data={
                    "nik": "6472051705120003",
                    "name": "Rudi",
                    "sex": "L",
                    "birth_date": date(2012, 5, 17),
                },
            )
            outcomes.append("created")
        except services.DuplicateNik:
            outcomes.append("duplicate")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register_same_nik) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Person.objects.filter(nik="6472051705120003").count() == 1
