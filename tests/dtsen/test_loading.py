"""Loading DTSEN extracts: every row checked as the registry checks its own, all or nothing,
versions kept, and the person page showing the latest decile."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.importing.errors import ImportFileError
from dtsen.models import Entry, Extract
from dtsen.selectors import decile_of
from pmks_portal import spreadsheets
from tests.dtsen.conftest import HEADER, csv_bytes, row_of, synthetic_row, upload
from tests.factories import register

pytestmark = pytest.mark.django_db

SAMARINDA_VILLAGE = "64.72.05.1002"


def test_a_valid_extract_loads_every_row_as_a_dated_version(provincial_officer):
    rows = [synthetic_row(SAMARINDA_VILLAGE, serial) for serial in range(1, 51)]
    extract = upload(provincial_officer, csv_bytes(rows))
    assert extract.status == Extract.Status.LOADED, extract.failure
    assert extract.total_rows == 50
    assert str(extract.label) == "DTSEN triwulan III 2025"
    entry = Entry.objects.get(extract=extract, nik=rows[0][0])
    assert (entry.decile, entry.status, entry.regency_code) == (2, "aktif", "64.72")


def test_an_xlsx_extract_loads_like_a_csv(provincial_officer):
    rows = [synthetic_row(SAMARINDA_VILLAGE, serial) for serial in range(1, 4)]
    book = spreadsheets.table_workbook("DTSEN", HEADER, rows)
    extract = upload(provincial_officer, spreadsheets.xlsx_bytes(book), name="dtsen.xlsx")
    assert extract.status == Extract.Status.LOADED, extract.failure
    assert extract.total_rows == 3


# The problems are stored as the worker writes them: in Indonesian, the portal's language.
def _failed_with(officer, rows, header=HEADER) -> Extract:
    extract = upload(officer, csv_bytes(rows, header=header))
    assert extract.status == Extract.Status.FAILED
    assert not Entry.objects.exists(), "nothing may be half-imported"
    return extract


def test_a_file_in_another_layout_is_refused_naming_the_missing_columns(provincial_officer):
    extract = _failed_with(
        provincial_officer, [["Budi", "L"]], header=["Nama", "Jenis Kelamin", "Alamat"]
    )
    assert "nik, no_kk, kode_desa, desil" in extract.failure
    assert "DTSEN" in extract.failure


def test_rows_of_another_province_duplicates_bad_deciles_and_unknown_villages_fail_the_whole_file(
    provincial_officer,
):
    good = [synthetic_row(SAMARINDA_VILLAGE, serial) for serial in range(1, 6)]
    other_province = synthetic_row("63.71.01.1001", 6)
    duplicate = list(good[0])
    bad_decile = synthetic_row(SAMARINDA_VILLAGE, 7, decile=11)
    unknown_village = synthetic_row("64.72.05.9999", 8)
    extract = _failed_with(
        provincial_officer, [*good, other_province, duplicate, bad_decile, unknown_village]
    )
    assert extract.error_rows == 4
    assert "4 dari 9 baris bermasalah" in extract.failure
    by_row = {problem["row"]: problem for problem in extract.errors}
    assert by_row[7]["column"] == "kode_desa" and "provinsi 63" in by_row[7]["message"]
    assert by_row[8]["column"] == "nik" and "baris 2" in by_row[8]["message"]
    assert by_row[8]["value"].count("*") == 8, "a NIK in a problem is shown masked"
    assert by_row[9]["column"] == "desil"
    assert by_row[10]["column"] == "kode_desa" and "bukan kode desa" in by_row[10]["message"]


def test_a_malformed_nik_and_kk_are_checked_as_the_registry_checks_them(provincial_officer):
    row = synthetic_row(SAMARINDA_VILLAGE, 1)
    row[0], row[1] = "6472050105800000", "12345"
    extract = _failed_with(provincial_officer, [row])
    messages = " ".join(problem["message"] for problem in extract.errors)
    assert "nomor urut 0000" in messages and "tepat 16 digit" in messages


def test_an_old_excel_file_is_refused_at_upload(provincial_officer):
    with pytest.raises(ImportFileError):
        upload(provincial_officer, b"\xd0\xcf\x11\xe0" + b"\0" * 100, name="dtsen.xls")
    assert not Extract.objects.exists()


def test_regency_staff_may_not_upload_an_extract(samarinda_staff):
    with pytest.raises(PermissionDenied):
        upload(samarinda_staff, csv_bytes([synthetic_row(SAMARINDA_VILLAGE, 1)]))


def test_versions_are_kept_and_the_person_page_shows_the_latest(
    provincial_officer, samarinda_staff, client_as
):
    case = register(
        samarinda_staff,
        name="Siti Aminah",
        nik="6472054501800003",
        sex="P",
        birth_date=date(1980, 1, 5),
    )
    person = case.person
    upload(provincial_officer, csv_bytes([row_of(person, decile=5)]), quarter=2)
    latest = upload(provincial_officer, csv_bytes([row_of(person, decile=3)]), quarter=3)
    assert Extract.objects.loaded().count() == 2
    entry, extract = decile_of(person, samarinda_staff)
    assert (entry.decile, extract.pk) == (3, latest.pk)
    page = client_as(samarinda_staff).get(reverse("cases:person-detail", args=[person.pk]))
    assert "Desil 3 (DTSEN triwulan III 2025)" in page.content.decode()
