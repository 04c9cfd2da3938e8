"""pmks_portal.bulkload: what goes in comes back the same (COPY on PostgreSQL, INSERT on
SQLite), defaults filled, ids returned in order, and everything inside the caller's
transaction."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from cases.models import Person
from pmks_portal.bulkload import BulkInserter

pytestmark = pytest.mark.django_db

AWKWARD = ['koma, "kutip" dan\nbaris baru', "tab\there", "back\\slash", ""]


def test_rows_come_back_as_written_with_their_ids_in_order(samarinda, samarinda_staff):
    loader = BulkInserter(Person, ["name", "sex", "address", "nik", "regency_id", "created_by_id"])
    rows = [
        (f"Orang {n}", "L", text, None, samarinda.code, samarinda_staff.pk)
        for n, text in enumerate(AWKWARD)
    ]
    ids = loader.insert(rows, returning=True)
    assert len(ids) == len(AWKWARD) == len(set(ids))
    saved = Person.objects.in_bulk(ids)
    for pk, (name, _sex, address, *_rest) in zip(ids, rows, strict=True):
        person = saved[pk]
        assert (person.name, person.address) == (name, address)
        # NULL stays NULL and an empty string stays empty: COPY's CSV tells them apart.
        assert person.nik is None
        # Fields not given take the model's defaults.
        assert person.birth_date_is_estimate is False and person.phone == ""
        assert person.created_at is not None


def test_json_and_the_rows_without_ids(samarinda_staff):
    loader = BulkInserter(AuditEvent, ["actor_id", "action", "target_type", "target_id", "changes"])
    changes = {"name": [None, 'A "quoted", name'], "n": [1, 2]}
    row = (samarinda_staff.pk, "create", "cases.person", "bulkload-test", changes)
    assert loader.insert([row]) == []
    assert AuditEvent.objects.get(target_id="bulkload-test").changes == changes


def test_a_rolled_back_transaction_keeps_nothing(samarinda, samarinda_staff):
    loader = BulkInserter(Person, ["name", "sex", "regency_id", "created_by_id"])
    with transaction.atomic():
        loader.insert([("Sementara", "P", samarinda.code, samarinda_staff.pk)], returning=True)
        transaction.set_rollback(True)
    assert not Person.objects.filter(name="Sementara").exists()


def test_rows_from_a_generator_are_all_written(samarinda_staff):
    """More rows than COPY reads at once (bulkload._CsvStream), made as they are sent."""
    loader = BulkInserter(AuditEvent, ["actor_id", "action", "target_type", "target_id"])
    rows = ((samarinda_staff.pk, "create", "bulkload.stream", str(n)) for n in range(1234))
    loader.insert(rows)
    written = AuditEvent.objects.filter(target_type="bulkload.stream")
    assert sorted(map(int, written.values_list("target_id", flat=True))) == list(range(1234))


def test_a_failing_generator_fails_the_insert(samarinda_staff):
    loader = BulkInserter(AuditEvent, ["actor_id", "action", "target_type", "target_id"])

    def rows():
        yield (samarinda_staff.pk, "create", "bulkload.failing", "1")
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"), transaction.atomic():
        loader.insert(rows())
    assert not AuditEvent.objects.filter(target_type="bulkload.failing").exists()
