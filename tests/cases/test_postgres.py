"""Behaviour that only PostgreSQL provides: trigram search, and the NIK constraint under a race.

Run by `make test-postgres` (and CI); the SQLite run deselects them with -m "not postgres".
"""

import re
import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from cases import demo, name_search, querysets, services
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


def _search_plan(cases, text: str) -> str:
    """EXPLAIN of the name search's statement, with sequential reads priced out: which indexes
    it can use is a matter of the statement and the indexes, not of how many rows a test has."""
    words = name_search.typed_words(text)
    sql, params = name_search.closest_persons_statement(cases, words, querysets.SEARCH_PERSON_CAP)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row for (row,) in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_name_search_reads_only_through_indexes(samarinda_staff):
    # Synthetic names, as the bench's million has, so that the statistics the planner weighs
    # are those of a registry: an almost empty table is planned as no registry is.
    demo.seed_cases(3_000, batch_size=1_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    names = list(Person.objects.filter(regency_id="64.72").values_list("name", flat=True)[:50])
    one_word = max(names, key=lambda name: len(name.split()[0])).split()[0]
    two_words = next(name for name in names if len(name.split()) == 2)
    three_words = next(name for name in names if len(name.split()) >= 3)
    misspelt = three_words[:3] + three_words[4:]  # a letter dropped
    cases = Case.objects.visible_to(samarinda_staff)
    plans = {text: _search_plan(cases, text) for text in (one_word, two_words, three_words)}
    plans[misspelt] = _search_plan(cases, misspelt)
    for text, plan in plans.items():
        # The persons through the word index (word, person); the scope by probes of the cases'
        # (person, regency) index; nothing read whole, no probe per posting (the NOT EXISTS
        # subplan the further typed words were tested with).
        assert "Seq Scan" not in plan, (text, plan)
        assert "cases_person_name_word_pkey" in plan, (text, plan)
        assert "Index Cond: (word = " in plan or "Index Cond: ((word)::text = " in plan, plan
        assert "case_person_regency" in plan and "Index Cond: ((person_id = " in plan, plan
        assert "SubPlan" not in plan, (text, plan)
    for text in (two_words, three_words, misspelt):
        plan = plans[text]
        # Spellings through the trigram index of the word table; the other words' postings
        # kept to the leading word's persons by a hash, not fetched person by person.
        assert "cases_name_word_trgm" in plan, (text, plan)
        assert re.search(
            r"Hash Cond: \(\(posting_\d+\.person_id \+ 0\) = lead\.person_id\)", plan
        ), (
            text,
            plan,
        )
