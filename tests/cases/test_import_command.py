"""`manage.py import_cases`: a dry run by default, --commit saves, --errors writes the rejects."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, ImportBatch, Person
from tests.cases.test_import import (
    HEADER,
    csv_bytes,
    nik,
    private_media,  # noqa: F401 - an autouse fixture, used here too
    row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def spreadsheet(tmp_path):
    path = tmp_path / "pmks.csv"
    path.write_bytes(
        csv_bytes([row(nik=nik(17, 5, 2012, 61)), row(nama="Salah", kategori="XYZ"), row(), row()])
    )
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_cases", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_without_commit_the_file_is_checked_and_nothing_is_saved(
    spreadsheet, samarinda_staff, tmp_path
):
    errors = tmp_path / "ditolak.csv"
    output = run(spreadsheet, "--user", samarinda_staff.username, "--errors", errors)
    assert "4 rows read." in output and "2 rows can be saved" in output
    assert "1 row has errors." in output and "1 row is a duplicate." in output
    assert "Row 3: kategori: XYZ is not a known category" in output
    assert "Nothing was saved" in output
    assert not Person.objects.exists() and not ImportBatch.objects.exists()
    lines = list(csv.reader(errors.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == HEADER + ["baris_asal", "alasan"]
    assert [line[-2] for line in lines[1:]] == ["3", "5"]


def test_with_commit_the_valid_rows_are_saved(spreadsheet, samarinda_staff, tmp_path):
    errors = tmp_path / "ditolak.csv"
    output = run(
        spreadsheet,
        "--user",
        samarinda_staff.username,
        "--regency",
        "64.72",
        "--commit",
        "--errors",
        errors,
    )
    assert "2 cases saved" in output
    assert Case.objects.count() == 2 and Case.objects.filter(source="import").count() == 2
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.uploaded_by == samarinda_staff
    assert len(errors.read_text(encoding="utf-8-sig").splitlines()) == 3
    # Run again: the file is known as imported before, nothing more is saved, and the exit is an
    # error.
    with pytest.raises(CommandError, match="imported before"):
        run(spreadsheet, "--user", samarinda_staff.username, "--commit")
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["/nonexistent.csv", "--user", "sari_samarinda"], "File not found"),
        (["{file}", "--user", "nobody"], "No user nobody"),
        (["{file}", "--user", "bayu_balikpapan", "--regency", "64.72"], "may not write records"),
        (["{file}", "--user", "sari_samarinda", "--regency", "99.99"], "No regency/city"),
        (["{other}", "--user", "sari_samarinda"], "neither CSV text nor an Excel workbook"),
        (["{noheader}", "--user", "sari_samarinda"], "No header row"),
    ],
)
def test_bad_input_stops_with_a_one_line_error(
    spreadsheet, tmp_path, samarinda_staff, balikpapan_staff, args, message
):
    other = tmp_path / "scan.csv"
    other.write_bytes(b"%PDF-1.4\x00\x00binary")
    noheader = tmp_path / "angka.csv"
    noheader.write_text("1,2,3\n4,5,6\n")
    args = [arg.format(file=spreadsheet, other=other, noheader=noheader) for arg in args]
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert "\n" not in str(raised.value)
    assert not Case.objects.exists()


def test_a_viewer_cannot_import(spreadsheet, samarinda_viewer):
    with pytest.raises(CommandError, match="may not write records"):
        run(spreadsheet, "--user", samarinda_viewer.username, "--commit")
