"""Issue #15.1 at a regency clerk's desk: a province's file, whose other regencies' rows are
counted in one line, and a file saved before, refused before any row is checked."""

import pytest
from django.utils import translation

from cases import importing
from cases.importing import rows as row_checks
from cases.importing import tally
from cases.models import Case, ImportBatch
from tests.cases.test_import import (
    balikpapan_village,
    commit,
    csv_bytes,
    nik,
    private_media,  # noqa: F401 - an autouse fixture, used here too
    problems_by_row,
    row,
    upload,
)

pytestmark = pytest.mark.django_db


def test_rows_of_another_regency_are_counted_in_one_line_not_moved(samarinda_staff):
    """Issue #15: a province's file at a clerk's desk. Its other regencies' rows are neither
    problems nor in the rejected rows (they are not this clerk's to fix), even when they have
    errors of their own; they are counted, and never saved here."""
    elsewhere = balikpapan_village()
    batch = upload(
        samarinda_staff,
        csv_bytes(
            [
                row(),
                row(nama="Dewi", kode_wilayah=elsewhere),
                row(nama="Eka", kode_wilayah="64.71"),
                row(nama="", kode_wilayah="64.71", jenis_kelamin="X"),
                row(nama="", kode_wilayah="64.72"),  # a real problem of this regency's own
            ]
        ),
    )
    assert (batch.valid_rows, batch.error_rows, batch.total_rows) == (1, 1, 5)
    assert batch.summary["counts"]["other_regency"] == 3
    assert set(problems_by_row(batch)) == {6}
    assert [number for number, *_rest in importing.rejected_rows(batch)] == [6]
    commit(samarinda_staff, batch)
    assert list(Case.objects.values_list("regency_id", flat=True)) == ["64.72"]


def test_the_other_regencies_line_reads_in_indonesian_with_its_thousands(samarinda_staff):
    with translation.override("id"):
        assert tally.other_regency_line(1350) == (
            "1.350 baris milik kabupaten/kota lain, tidak diimpor."
        )


def test_uploading_the_same_file_twice_is_recognised_before_any_row_is_checked(
    samarinda_staff, monkeypatch
):
    data = csv_bytes([row(nik=nik(17, 5, 2012, 31)), row(nama="Tanpa NIK")])
    first = commit(samarinda_staff, upload(samarinda_staff, data))
    checked = []
    monkeypatch.setattr(
        row_checks.RowChecker,
        "check_chunk",
        lambda self, rows: checked.append(rows) or [],
    )
    second = upload(samarinda_staff, data)
    assert second.status == ImportBatch.Status.FAILED and checked == []
    assert "imported before" in second.failure and f"import {first.pk}," in second.failure
    assert second.total_rows == 0 and Case.objects.count() == 2


def test_the_same_rows_in_other_bytes_are_recognised_before_any_row_is_checked(
    samarinda_staff, monkeypatch
):
    rows = [row(nik=nik(17, 5, 2012, 31)), row(nama="Tanpa NIK")]
    first = commit(samarinda_staff, upload(samarinda_staff, csv_bytes(rows)))
    checked = []
    monkeypatch.setattr(
        row_checks.RowChecker, "check_chunk", lambda self, rows: checked.append(rows) or []
    )
    # Saved again with semicolons and a blank line: other bytes, the same rows.
    second = upload(samarinda_staff, csv_bytes([*rows[:1], [], *rows[1:]], delimiter=";"))
    assert second.status == ImportBatch.Status.FAILED and checked == []
    assert f"import {first.pk}," in second.failure
    assert Case.objects.count() == 2


def test_some_rows_of_a_saved_file_again_are_duplicates_row_by_row(samarinda_staff):
    rows = [row(nik=nik(17, 5, 2012, 31)), row(nama="Tanpa NIK")]
    commit(samarinda_staff, upload(samarinda_staff, csv_bytes(rows)))
    second = upload(samarinda_staff, csv_bytes([*rows, row(nama="Orang Baru")]))
    assert (second.valid_rows, second.duplicate_rows) == (1, 2)
    assert Case.objects.count() == 2


def test_a_file_another_regency_imported_is_checked_as_usual(samarinda_staff, balikpapan_staff):
    data = csv_bytes([row(nik=nik(17, 5, 2012, 31))])
    commit(samarinda_staff, upload(samarinda_staff, data))
    # Balikpapan's clerk received the same file: its rows are Samarinda's, counted in one line.
    other = upload(balikpapan_staff, data)
    assert other.status == ImportBatch.Status.CHECKED
    assert other.summary["counts"]["other_regency"] == 1
