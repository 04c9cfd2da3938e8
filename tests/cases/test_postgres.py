"""Behaviour that only PostgreSQL provides: trigram search, and the NIK constraint under a race.

Run by `make test-postgres` (and CI); the SQLite run deselects them with -m "not postgres".
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from cases import querysets, services
from cases.models import Case, NameWord, Person, PersonNameWord
from tests.cases.conftest import register

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run `make test-postgres`.")


def words_of(person):
    return set(PersonNameWord.objects.filter(person=person).values_list("word", flat=True))


def test_triggers_keep_the_word_index_on_every_kind_of_write(samarinda_staff):
    case = register(samarinda_staff, name="Siti Ma'ruf")
    person = case.person
    assert words_of(person) == {"SITI", "MA", "RUF"}
    Person.objects.filter(pk=person.pk).update(name="Siti Aminah", notes="renamed")
    assert words_of(person) == {"SITI", "AMINAH"}
    Person.objects.filter(pk=person.pk).update(notes="the name stays")
    assert words_of(person) == {"SITI", "AMINAH"}
    bulk = Person.objects.bulk_create(
        [Person(name=name, sex="L", regency_id="64.72") for name in ("Rudi Hartono", "Bambang")]
    )
    assert [words_of(p) for p in bulk] == [{"RUDI", "HARTONO"}, {"BAMBANG"}]
    vocabulary = set(NameWord.objects.values_list("word", flat=True))
    assert {"SITI", "AMINAH", "RUDI", "HARTONO", "BAMBANG", "MA", "RUF"} <= vocabulary


def test_the_word_vocabulary_has_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_name_word_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_identical_words_come_before_similar_spellings_under_the_cap(monkeypatch, samarinda_staff):
    monkeypatch.setattr(querysets, "SEARCH_PERSON_CAP", 1)
    register(samarinda_staff, name="Sitti Aminah")  # registered first: the lower id
    identical = register(samarinda_staff, name="Siti Aminah")
    assert list(Case.objects.matching("Siti Aminah").values_list("pk", flat=True)) == [identical.pk]


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
