"""The case import (cases/importing/): reading, row checks, preview, commit, rejected rows."""

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from audit.models import AuditEvent
from audit.services import field_changes
from cases import importing
from cases.importing import files, service, tally
from cases.models import Case, CaseTransition, ImportBatch, PasungDetail, Person
from cases.services import CASE_FIELDS, PERSON_FIELDS
from pmks_portal import archives, bulkload
from pmks_portal.masking import audited_changes
from regions.models import Region
from tests.cases.conftest import register

pytestmark = pytest.mark.django_db

HEADER = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "kategori",
    "kode_wilayah",
    "alamat",
    "tanggal_ditemukan",
    "status",
]
VILLAGE = "64.72.05.1002"  # Sempaja Selatan, Samarinda Utara, Kota Samarinda
FOUND = "2026-01-10"


def nik(
    day: int, month: int, year: int, serial: int, *, female: bool = False, district: str = "647205"
) -> str:
    """A NIK that passes the structure checks: district, DDMMYY (+40 for women), serial."""
    return f"{district}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"


def row(**values) -> list:
    """One data row in HEADER order; the defaults make a valid street-child row without NIK."""
    defaults = {
        "nik": "",
        "nama": "Budi Santoso",
        "jenis_kelamin": "L",
        "tempat_lahir": "Samarinda",
        "tanggal_lahir": "2012-05-17",
        "kategori": "AJ",
        "kode_wilayah": VILLAGE,
        "alamat": "Jl. Pesut RT 3",
        "tanggal_ditemukan": FOUND,
        "status": "",
    }
    defaults.update(values)
    return [defaults[column] for column in HEADER]


def csv_bytes(
    rows: list[list], header: list[str] = HEADER, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=delimiter)
    out.writerow(header)
    out.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list = HEADER, above: list[list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above or []:
        sheet.append(line)
    sheet.append(header)
    for line in rows:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(staff, data: bytes, name: str = "data.csv") -> ImportBatch:
    """Uploads and checks a file, as the upload page and its task do."""
    batch = importing.import_batch_create(
        actor=staff, regency=staff.regency, upload=ContentFile(data, name=name), queue=False
    )
    return importing.import_batch_check(batch.pk)


def commit(staff, batch: ImportBatch, *, confirmed: bool = True) -> ImportBatch:
    importing.import_batch_commit_request(
        actor=staff, batch=batch, warnings_confirmed=confirmed, queue=False
    )
    return importing.import_batch_commit(batch.pk)


def problems_by_row(batch: ImportBatch) -> dict[int, str]:
    return {
        problem["row"]: " | ".join(
            f"{reason['column']}: {reason['message']}" for reason in problem["reasons"]
        )
        for problem in batch.summary["problems"]
    }


def registry_counts() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Case.objects.count(),
        CaseTransition.objects.count(),
        PasungDetail.objects.count(),
        AuditEvent.objects.filter(target_type__startswith="cases.").count(),
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    """Each test stores its uploads in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def balikpapan_village() -> str:
    return (
        Region.objects.filter(code__startswith="64.71.", level="village")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Headers and values


@pytest.mark.parametrize(
    "text, column",
    [
        ("nik", "nik"),
        ("  NIK ", "nik"),
        ("Jenis Kelamin (L/P)", "jenis_kelamin"),
        ("JENIS_KELAMIN", "jenis_kelamin"),
        ("L/P", "jenis_kelamin"),
        ("Tgl. Lahir", "tanggal_lahir"),
        ("Tanggal Lahir (DD/MM/YYYY)", "tanggal_lahir"),
        ("Kode Wilayah", "kode_wilayah"),
        ("tanggal ditemukan", "tanggal_ditemukan"),
        ("Kategori PMKS", "kategori"),
    ],
)
def test_headers_match_whatever_the_case_spaces_and_notes_in_brackets(text, column):
    assert importing.HEADER_LOOKUP[importing.normalise_header(text)] == column


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2010-08-17", date(2010, 8, 17)),
        ("17/08/2010", date(2010, 8, 17)),
        ("17-08-2010", date(2010, 8, 17)),
        ("7/8/2010", date(2010, 8, 7)),
        (" 17.08.2010 ", date(2010, 8, 17)),
        ("2010-08-17 00:00:00", date(2010, 8, 17)),
    ],
)
def test_the_three_date_formats_and_their_everyday_variants_are_read(text, expected):
    assert importing.parse_date(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("17/08/10", "two-digit year"),
        ("31/02/2010", "not a real date"),
        ("08/17/2010", "not a real date"),
        ("17 Agustus 2010", "not a date"),
    ],
)
def test_dates_that_cannot_be_read_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        importing.parse_date(text)


def test_xlsx_cells_become_text_except_whole_numbers_which_stay_exact():
    assert importing.cell_value(6472051705120003) == 6472051705120003
    assert importing.cell_value(6.47205e15) == "6.47205E+15"
    # Excel keeps 15 digits: a 16-digit number ending in 0 may have lost its last digit; one
    # ending in another digit was written exactly (by another program) and stays whole.
    assert importing.cell_value(6472051705120010.0) == "6.47205170512001E+15"
    assert importing.cell_value(6472051705120003.0) == 6472051705120003
    assert importing.cell_value(64.72) == "64.72"
    assert importing.cell_value(12.0) == 12
    assert importing.cell_value(datetime(2010, 8, 17)) == "2010-08-17"
    assert importing.cell_value(None) == ""


def test_region_codes_are_read_with_or_without_dots():
    assert importing.region_code(" 6472051002 ") == "64.72.05.1002"
    assert importing.region_code("647205") == "64.72.05"
    assert importing.region_code("64.72") == "64.72"


# ---------------------------------------------------------------------------------------------
# What files are accepted


def test_the_type_is_read_from_the_content_not_the_name():
    assert importing.sniff_format(b"PK\x03\x04rest") == importing.XLSX
    assert importing.sniff_format(b"nik,nama\n") == importing.CSV
    with pytest.raises(importing.ImportFileError, match=r"old Excel file \(.xls\)"):
        importing.sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(importing.ImportFileError, match="neither CSV text nor"):
        importing.sniff_format(b"%PDF-1.7\x00\x01binary")


def test_an_xlsx_named_csv_is_read_as_xlsx(samarinda_staff):
    batch = upload(samarinda_staff, xlsx_bytes([row()]), name="data.csv")
    assert batch.summary["format"] == "xlsx" and batch.valid_rows == 1


def test_a_file_over_the_size_limit_is_refused(samarinda_staff, monkeypatch):
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(importing.ImportFileError, match="at most"):
        upload(samarinda_staff, csv_bytes([row()] * 10))
    assert not ImportBatch.objects.exists()


def test_a_zip_bomb_is_refused_before_the_workbook_is_opened(samarinda_staff, monkeypatch):
    data = xlsx_bytes([row()])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", unpacked - 1)
    monkeypatch.setattr(files.CalamineWorkbook, "from_filelike", pytest.fail)
    with pytest.raises(importing.ImportFileError, match="unpacks to more than"):
        upload(samarinda_staff, data, name="bom.xlsx")


def test_a_zip_with_too_many_entries_is_refused(samarinda_staff, monkeypatch):
    monkeypatch.setattr(archives, "MAX_ENTRIES", 3)
    with pytest.raises(importing.ImportFileError, match="too many parts"):
        upload(samarinda_staff, xlsx_bytes([row()]), name="data.xlsx")


def test_a_damaged_workbook_is_refused_with_a_message(samarinda_staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")  # cut off
    # Read once at upload (cases.importing.limits), so refused there, before a worker is spent.
    with pytest.raises(importing.ImportFileError, match="damaged"):
        upload(samarinda_staff, buffer.getvalue(), name="data.xlsx")


def test_a_zip_that_is_no_workbook_is_refused(samarinda_staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    with pytest.raises(importing.ImportFileError, match="not an Excel workbook"):
        upload(samarinda_staff, buffer.getvalue(), name="sheet.ods")


def test_uploads_are_stored_privately_under_a_random_name(samarinda_staff, private_media):
    batch = upload(samarinda_staff, csv_bytes([row()]), name="../../Data PMKS Budi.csv")
    stored = Path(batch.file.path)
    assert stored.is_relative_to(private_media) and "Budi" not in stored.name
    assert batch.original_name == "Data PMKS Budi.csv"


def test_a_file_without_required_columns_fails_the_check_saying_which(samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([["Budi", "L"]], header=["nama", "jk", "alamat"]))
    assert batch.status == ImportBatch.Status.FAILED
    assert "kategori, kode_wilayah, tanggal_ditemukan" in batch.failure


def test_a_file_without_a_header_row_fails_the_check(samarinda_staff):
    batch = upload(samarinda_staff, b"a,b,c\n1,2,3\n")
    assert batch.status == ImportBatch.Status.FAILED and "No header row" in batch.failure


def test_only_staff_of_the_regency_can_upload(samarinda_viewer, balikpapan_staff, samarinda):
    for user in (samarinda_viewer, balikpapan_staff):
        with pytest.raises(PermissionDenied):
            importing.import_batch_create(
                actor=user, regency=samarinda, upload=ContentFile(csv_bytes([row()]), name="a.csv")
            )


# ---------------------------------------------------------------------------------------------
# Rows as real spreadsheets hold them


def test_a_messy_spreadsheet_is_read_as_staff_meant_it(samarinda_staff):
    siti = nik(7, 8, 2012, 101, female=True)
    header = [
        "No",
        "NIK ",
        "Nama",
        "Jenis Kelamin (L/P)",
        "Tempat Lahir",
        "Tanggal Lahir (DD/MM/YYYY)",
        "Kategori",
        "Kode Wilayah",
        "Alamat",
        "Tanggal Ditemukan",
        "Status",
        "Nama Petugas",
    ]
    rows = [
        [
            "1",
            f" {siti} ",
            "  Siti   Aminah ",
            "p",
            " Samarinda ",
            "07/08/2012",
            " aj ",
            f" {VILLAGE} ",
            "Jl. Pesut",
            "10-01-2026",
            "Ditangani",
            "Rina",
        ],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["2", "-", "Joko", "l", "-", "-", "WRSE", "64.72.05", "-", "2026-01-11", "", "Rina"],
        ["3", "", "Ani", "P", "", "", "Anak Jalanan", "64.72", "", "2026-01-12", "terdaftar", ""],
        ["4", "", "Tono", "Laki-laki", "", "", "PACA", VILLAGE, "", "2026-01-13", "selesai", ""],
    ]
    batch = upload(samarinda_staff, csv_bytes(rows, header=header, delimiter=";"))
    assert batch.status == ImportBatch.Status.CHECKED, batch.failure
    assert (batch.total_rows, batch.valid_rows, batch.error_rows, batch.duplicate_rows) == (
        4,
        4,
        0,
        0,
    )
    assert batch.summary["header"]["ignored"] == ["Nama Petugas"]  # "No" is ignored silently
    counts = batch.summary["counts"]
    assert counts["by_category"] == {"AJ": 2, "PD": 1, "PRSE": 1}
    assert counts["without_nik"] == 3 and counts["new_persons"] == 4

    batch = commit(samarinda_staff, batch)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.failure
    siti_case = Case.objects.select_related("person").get(person__nik=siti)
    assert siti_case.person.name == "Siti Aminah" and siti_case.person.sex == "P"
    assert siti_case.person.birth_date == date(2012, 8, 7)
    assert siti_case.person.birth_place == "Samarinda"
    assert siti_case.found_on == date(2026, 1, 10) and siti_case.status == "in_handling"
    assert siti_case.village_id == VILLAGE and siti_case.district_id == "64.72.05"
    assert siti_case.person.village_id == VILLAGE
    joko = Case.objects.select_related("person").get(person__name="Joko")
    assert joko.category.code == "PRSE" and joko.district_id == "64.72.05"
    assert joko.village_id is None and joko.person.birth_date is None
    assert joko.person.birth_place == "" and joko.person.address == ""
    ani = Case.objects.get(person__name="Ani")
    assert ani.district_id is None and ani.regency_id == "64.72"
    assert Case.objects.get(person__name="Tono").status == "resolved"


def test_excel_scientific_notation_in_a_nik_is_an_error_that_says_so(samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row(nik="6.47205E+15")]))
    assert batch.error_rows == 1
    assert "scientific notation" in problems_by_row(batch)[2]


def test_repeated_rows_are_flagged_as_duplicates_of_the_first(samarinda_staff):
    budi = nik(17, 5, 2012, 7)
    rows = [row(nik=budi), row(), row(nik=budi), row(), row(nik=budi, kategori="PGM")]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert (batch.valid_rows, batch.duplicate_rows) == (3, 2)
    problems = problems_by_row(batch)
    assert "Repeats row 2" in problems[4] and "Repeats row 3" in problems[5]
    # The same NIK in another category: one person, two cases.
    batch = commit(samarinda_staff, batch)
    person = Person.objects.get(nik=budi)
    assert sorted(person.cases.values_list("category__code", flat=True)) == ["AJ", "PGM"]
    assert Person.objects.filter(name="Budi Santoso", nik__isnull=True).count() == 1


def test_the_same_nik_under_two_names_is_an_error(samarinda_staff):
    budi = nik(17, 5, 2012, 7)
    batch = upload(
        samarinda_staff, csv_bytes([row(nik=budi), row(nik=budi, nama="Joko", kategori="PGM")])
    )
    assert (
        batch.valid_rows == 1
        and "Row 2 has this NIK under another name" in (problems_by_row(batch)[3])
    )


@pytest.mark.parametrize(
    "values, column, message",
    [
        ({"nama": ""}, "nama", "The name is required"),
        ({"jenis_kelamin": "X"}, "jenis_kelamin", "Write L (male) or P (female)"),
        ({"jenis_kelamin": ""}, "jenis_kelamin", "Sex is required"),
        ({"kategori": "XYZ"}, "kategori", "not a known category"),
        ({"kode_wilayah": "64.72.99"}, "kode_wilayah", "no region with code 64.72.99"),
        ({"kode_wilayah": "Samarinda"}, "kode_wilayah", "not a region code"),
        ({"kode_wilayah": "64"}, "kode_wilayah", "not the province"),
        ({"tanggal_ditemukan": ""}, "tanggal_ditemukan", "The date found is required"),
        ({"tanggal_ditemukan": "2099-01-01"}, "tanggal_ditemukan", "cannot be in the future"),
        ({"tanggal_ditemukan": "2010-01-01"}, "tanggal_ditemukan", "before the birth date"),
        ({"tanggal_lahir": "2099-01-01"}, "tanggal_lahir", "cannot be after today"),
        ({"status": "hilang"}, "status", "is not a status"),
        ({"status": "ditutup"}, "alasan_ditutup", "needs alasan_ditutup"),
        ({"nik": "6472051705"}, "nik", "exactly 16 digits"),
        ({"nik": "1111111111111111"}, "nik", "placeholder"),
        ({"nik": "6472053102120001"}, "nik", "not a real birth date"),
        ({"nama": "x" * 151}, "nama", "At most 150 characters"),
    ],
)
def test_each_bad_value_is_rejected_with_its_column_and_reason(
    samarinda_staff, values, column, message
):
    batch = upload(samarinda_staff, csv_bytes([row(**values)]))
    assert batch.status == ImportBatch.Status.CHECKED and batch.error_rows == 1
    [problem] = batch.summary["problems"]
    assert problem["row"] == 2
    assert any(
        reason["column"] == column and message in reason["message"] for reason in problem["reasons"]
    ), problem


def test_a_category_can_be_a_code_a_legacy_code_or_the_full_name(samarinda_staff):
    rows = [
        row(nama=f"Orang {n}", kategori=value)
        for n, value in enumerate(
            [
                "AJ",
                "aj",
                "KFM",
                "wrse",
                "Penyandang Cacat",
                "anak jalanan",
                "AJ - Anak Jalanan",
                "Fakir Miskin",
            ]
        )
    ]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert batch.valid_rows == 8, batch.summary["problems"]
    assert batch.summary["counts"]["by_category"] == {"AJ": 4, "FM": 2, "PD": 1, "PRSE": 1}


def test_statuses_in_indonesian_or_english_and_a_closed_case_with_its_reason(samarinda_staff):
    rows = [
        row(nama="A", status="Terverifikasi"),
        row(nama="B", status="in handling"),
        row(nama="C", status="dirujuk"),
        row(nama="D", status="ditutup"),
    ]
    header = HEADER + ["alasan_ditutup"]
    rows = [line + (["meninggal"] if line[1] == "D" else [""]) for line in rows]
    batch = commit(samarinda_staff, upload(samarinda_staff, csv_bytes(rows, header=header)))
    assert batch.committed_rows == 4
    statuses = dict(Case.objects.values_list("person__name", "status"))
    assert statuses == {"A": "verified", "B": "in_handling", "C": "referred", "D": "closed"}
    assert Case.objects.get(person__name="D").close_reason == "died"


def test_a_pasung_row_counts_against_the_pasung_target(samarinda_staff):
    rows = [row(kategori="PD") + ["ya"], row(nama="Tidak Dipasung", kategori="PD") + ["tidak"]]
    batch = commit(
        samarinda_staff, upload(samarinda_staff, csv_bytes(rows, header=HEADER + ["pasung"]))
    )
    pasung = Case.objects.get(person__name="Budi Santoso")
    assert pasung.programme == "pasung" and pasung.pasung.pasung_status == "restrained"
    assert Case.objects.get(person__name="Tidak Dipasung").programme == ""
    assert batch.committed_rows == 2


def test_the_programme_comes_from_the_category(samarinda_staff):
    rows = [
        row(nama="A", kategori="AJ"),
        row(nama="B", kategori="TS", jenis_kelamin="P"),
        row(nama="C", kategori="FM"),
    ]
    commit(samarinda_staff, upload(samarinda_staff, csv_bytes(rows)))
    assert dict(Case.objects.values_list("person__name", "programme")) == {
        "A": "street_children",
        "B": "prostitution",
        "C": "",
    }


def test_nik_warnings_need_confirming_before_saving(samarinda_staff):
    # Born 17 May 2012 by the NIK, 18 May in the sheet, and the NIK says male, the sheet female.
    batch = upload(
        samarinda_staff,
        csv_bytes([row(nik=nik(17, 5, 2012, 9), tanggal_lahir="2012-05-18", jenis_kelamin="P")]),
    )
    assert batch.valid_rows == 1 and batch.summary["counts"]["with_warnings"] == 1
    [warning] = batch.summary["warnings"]
    assert "encodes sex L" in " ".join(warning["messages"])
    with pytest.raises(ValidationError, match="Confirm that you have read the warnings"):
        importing.import_batch_commit_request(
            actor=samarinda_staff, batch=batch, warnings_confirmed=False, queue=False
        )
    assert commit(samarinda_staff, batch).committed_rows == 1


def test_the_templates_example_row_left_in_the_file_is_refused(samarinda_staff):
    buffer = io.BytesIO()
    importing.template_workbook(samarinda_staff.regency, buffer)
    batch = upload(samarinda_staff, buffer.getvalue(), name="templat.xlsx")
    assert batch.error_rows == 1 and "example row" in problems_by_row(batch)[2]


# ---------------------------------------------------------------------------------------------
# XLSX as Excel writes it


def test_xlsx_with_a_title_row_numbers_dates_and_blank_rows(samarinda_staff):
    budi = nik(17, 5, 2012, 11)
    rows = [
        [
            int(budi),
            "Budi",
            "L",
            "Samarinda",
            datetime(2012, 5, 17),
            "AJ",
            VILLAGE,
            "",
            datetime(2026, 1, 10),
            "",
        ],
        [None] * 10,
        [6.47205e15, "Rusak", "L", "", None, "AJ", VILLAGE, "", date(2026, 1, 10), ""],
        ["", "Ani", "P", "", "17/08/2012", "AJ", 6472051002, "", "2026-01-11", ""],
    ]
    data = xlsx_bytes(rows, above=[["DATA PMKS KOTA SAMARINDA 2026"], []])
    batch = upload(samarinda_staff, data, name="data.xlsx")
    assert batch.summary["header"]["row"] == 3
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (3, 2, 1)
    # The rows are numbered as Excel shows them: header in row 3, the blank row 5 skipped.
    # A NIK that Excel kept as a number and rounded: the error says so, as Excel shows it.
    assert "6.47205E+15" in problems_by_row(batch)[6]
    assert "scientific notation" in problems_by_row(batch)[6]
    # A NIK kept as a number but whole is read exactly, with a warning about its last digit.
    assert "stored as a number" in " ".join(batch.summary["warnings"][0]["messages"])
    batch = commit(samarinda_staff, batch)
    assert Person.objects.get(name="Budi").nik == budi
    assert Case.objects.get(person__name="Ani").village_id == VILLAGE


def test_a_hidden_sheet_is_passed_over_and_a_table_may_start_in_column_b(samarinda_staff):
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "old"
    hidden.append(HEADER)
    hidden.append(row(nama="Tersembunyi"))
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("data")
    sheet["B3"] = "judul"
    for offset, line in enumerate([HEADER, row(nama="Kolom B")], start=5):
        for column, value in enumerate(line, start=2):
            sheet.cell(row=offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(samarinda_staff, buffer.getvalue(), name="data.xlsx")
    # The header is in row 5 as Excel shows it, though the sheet's first cell is B3.
    assert batch.summary["header"]["row"] == 5
    assert batch.valid_rows == 1
    commit(samarinda_staff, batch)
    assert Person.objects.filter(name="Kolom B").exists()
    assert not Person.objects.filter(name="Tersembunyi").exists()


def test_the_template_has_the_headers_an_example_and_a_text_nik_column(samarinda_staff):
    buffer = io.BytesIO()
    importing.template_workbook(samarinda_staff.regency, buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook["data"]
    assert [cell.value for cell in sheet[1]] == importing.COLUMNS
    example = dict(zip(importing.COLUMNS, [cell.value for cell in sheet[2]], strict=True))
    assert example["kategori"] == "AJ" and example["kode_wilayah"].startswith("64.72.")
    nik_letter = sheet.cell(row=1, column=1).column_letter
    assert sheet[f"{nik_letter}2"].number_format == "@"
    assert sheet[f"{nik_letter}500"].number_format == "@"
    assert isinstance(example["nik"], str) and len(example["nik"]) == 16
    assert {"kategori", "wilayah", "petunjuk"} <= set(workbook.sheetnames)
    codes = [row[0].value for row in workbook["wilayah"].iter_rows(min_row=2)]
    assert codes and all(code.startswith("64.72.") for code in codes)


# ---------------------------------------------------------------------------------------------
# The registry and the regency


def test_balikpapan_staff_importing_samarinda_rows_save_nothing(balikpapan_staff):
    batch = upload(balikpapan_staff, csv_bytes([row(), row(nama="Dewi")]))
    assert (batch.valid_rows, batch.error_rows) == (0, 0)
    assert batch.summary["counts"]["other_regency"] == 2
    with pytest.raises(ValidationError):
        importing.import_batch_commit_request(
            actor=balikpapan_staff, batch=batch, warnings_confirmed=True, queue=False
        )


def test_a_nik_registered_in_the_same_regency_becomes_a_new_case_of_that_person(
    samarinda_staff, samarinda_case
):
    rudi = samarinda_case.person
    rows = [
        row(nik=rudi.nik, nama="Rudi Hartono", kategori="PGM"),  # a second condition: new case
        row(nik=rudi.nik, nama="Rudi Hartono", kategori="AJ"),  # the open case exists already
    ]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert (batch.valid_rows, batch.duplicate_rows) == (1, 1)
    assert batch.summary["counts"]["existing_persons"] == 1
    assert "already has an open case" in problems_by_row(batch)[3]
    persons_before = Person.objects.count()
    commit(samarinda_staff, batch)
    assert Person.objects.count() == persons_before
    assert sorted(rudi.cases.values_list("category__code", flat=True)) == ["AJ", "PGM"]


def test_a_registered_nik_under_another_name_is_linked_with_a_warning(
    samarinda_staff, samarinda_case
):
    batch = upload(
        samarinda_staff,
        csv_bytes([row(nik=samarinda_case.person.nik, nama="Rudy Hartono", kategori="PGM")]),
    )
    assert batch.valid_rows == 1
    assert "registered under the name Rudi Hartono" in batch.summary["warnings"][0]["messages"][0]


def test_a_nik_registered_in_another_regency_is_an_error(samarinda_staff, balikpapan_case):
    dewi = balikpapan_case.person
    batch = upload(
        samarinda_staff,
        csv_bytes(
            [row(nik=dewi.nik, nama=dewi.name, jenis_kelamin="P", tanggal_lahir="2011-08-17")]
        ),
    )
    assert batch.error_rows == 1
    message = problems_by_row(batch)[2]
    assert "registered in another regency/city" in message and "Balikpapan" not in message


def test_a_row_without_nik_matching_an_open_case_is_a_duplicate(samarinda_staff):
    register(samarinda_staff, name="Andi Saputra", birth_date=date(2013, 2, 3))
    batch = upload(
        samarinda_staff,
        csv_bytes(
            [
                row(nama="ANDI  saputra", tanggal_lahir="03/02/2013"),
                row(nama="Andi Saputra", tanggal_lahir="03/02/2013", kategori="PGM"),
            ]
        ),
    )
    assert (batch.valid_rows, batch.duplicate_rows) == (1, 1)
    assert "Already registered" in problems_by_row(batch)[2]


# ---------------------------------------------------------------------------------------------
# Commit


def test_the_commit_saves_exactly_the_valid_rows_with_history_and_audit(samarinda_staff):
    rows = [
        row(nama="A", nik=nik(1, 2, 2010, 1)),
        row(nama="B"),
        row(nama="C", kategori="??"),
        row(nama="B"),
    ]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert (batch.valid_rows, batch.error_rows, batch.duplicate_rows) == (2, 1, 1)
    assert registry_counts() == (0, 0, 0, 0, 1)  # only the upload is in the audit trail
    batch = commit(samarinda_staff, batch)
    assert batch.status == ImportBatch.Status.COMMITTED and batch.committed_rows == 2
    assert batch.progress == 100 and batch.finished_at is not None
    # 2 persons, 2 cases, 2 first status changes; audit: upload, 2 persons, 2 cases, the batch.
    assert registry_counts() == (2, 2, 2, 0, 6)
    case = Case.objects.select_related("person").get(person__name="A")
    assert case.source == "import" and case.created_by == samarinda_staff
    assert case.registered_on == case.status_changed_on and case.person.regency_id == "64.72"
    transition = case.transitions.get()
    assert (transition.from_status, transition.to_status, transition.effective_on) == (
        "",
        "registered",
        date(2026, 1, 10),
    )
    assert transition.by == samarinda_staff and "row 2" in transition.reason
    person_event = AuditEvent.objects.for_object(case.person).get()
    assert person_event.action == "create" and person_event.actor == samarinda_staff
    assert person_event.changes["name"] == [None, "A"]
    # Related records are written as field_changes() writes them (by name today).
    assert person_event.changes["village"] == [None, str(Region.objects.get(code=VILLAGE))]
    case_event = AuditEvent.objects.for_object(case).get()
    assert case_event.changes["category"] == [None, str(case.category)]
    assert case_event.changes["programme"] == [None, "street_children"]
    assert case_event.regency_id == "64.72"
    # Field for field what a record saved one at a time records (cases.services), NIK masked.
    saved_person = audited_changes(field_changes(case.person, PERSON_FIELDS, {}))
    assert person_event.changes == saved_person
    saved_case = field_changes(case, [*CASE_FIELDS, "programme", "status"], {})
    assert case_event.changes == audited_changes(saved_case)
    summary = AuditEvent.objects.for_object(batch).get(changes__has_key="cases")
    assert summary.changes["cases"] == [None, 2] and summary.changes["rejected"] == [None, 2]


def test_a_failure_mid_commit_saves_nothing_and_the_batch_says_why(samarinda_staff, monkeypatch):
    monkeypatch.setattr(tally, "CHUNK_ROWS", 2)
    rows = [row(nama=f"Orang {n}") for n in range(5)]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert batch.valid_rows == 5
    insert = bulkload.BulkInserter.insert
    calls = {"cases": 0}

    def failing_insert(self, values, **kwargs):
        if self.model is Case:
            calls["cases"] += 1
            if calls["cases"] == 2:  # the second chunk: persons and cases of the first exist
                raise RuntimeError("disk full")
        return insert(self, values, **kwargs)

    monkeypatch.setattr(bulkload.BulkInserter, "insert", failing_insert)
    before = registry_counts()
    batch = commit(samarinda_staff, batch)
    assert calls["cases"] == 2
    assert registry_counts() == before
    assert batch.status == ImportBatch.Status.FAILED and batch.committed_rows == 0
    assert "Nothing was saved" in batch.failure and "RuntimeError" in batch.failure
    # It can be checked again and saved once the trouble is gone.
    monkeypatch.setattr(bulkload.BulkInserter, "insert", insert)
    importing.import_batch_recheck(actor=samarinda_staff, batch=batch, queue=False)
    batch = commit(samarinda_staff, importing.import_batch_check(batch.pk))
    assert batch.committed_rows == 5 and Case.objects.count() == 5


def test_a_nik_registered_elsewhere_between_check_and_commit_is_left_out(
    samarinda_staff, balikpapan_staff
):
    late = nik(17, 5, 2012, 21, district="647102")
    batch = upload(samarinda_staff, csv_bytes([row(nama="A"), row(nama="Late", nik=late)]))
    assert batch.valid_rows == 2
    register(balikpapan_staff, name="Late", nik=late)
    batch = commit(samarinda_staff, batch)
    assert batch.status == ImportBatch.Status.COMMITTED and batch.committed_rows == 1
    assert batch.summary["changed_since_check"] == 1
    rejected = list(importing.rejected_rows(batch))
    assert [(number, reasons[0][1]) for number, _kind, _cells, reasons in rejected] == [
        (3, "This NIK is registered in another regency/city.")
    ]


def test_a_commit_that_runs_again_does_nothing(samarinda_staff):
    batch = commit(samarinda_staff, upload(samarinda_staff, csv_bytes([row()])))
    counts = registry_counts()
    again = importing.import_batch_commit(batch.pk)
    assert again.status == ImportBatch.Status.COMMITTED and registry_counts() == counts
    with pytest.raises(ValidationError):
        importing.import_batch_commit_request(
            actor=samarinda_staff, batch=again, warnings_confirmed=True, queue=False
        )
    # Neither does a check of a committed batch.
    assert importing.import_batch_check(batch.pk).status == ImportBatch.Status.COMMITTED


def test_a_colleague_can_commit_and_is_recorded_as_the_author(samarinda_staff, samarinda):
    from tests.conftest import make_persona

    colleague = make_persona("tari_samarinda", "regency_staff", samarinda)
    batch = upload(samarinda_staff, csv_bytes([row()]))
    commit(colleague, batch)
    assert Case.objects.get().created_by == colleague


def test_progress_is_written_while_checking_at_most_every_thousand_rows(
    samarinda_staff, monkeypatch
):
    monkeypatch.setattr(tally, "CHUNK_ROWS", 500)
    seen = []
    update = service.ImportBatch.objects.filter

    def spy(*args, **kwargs):
        queryset = update(*args, **kwargs)
        original = queryset.update

        def recording_update(**values):
            if set(values) == {"progress"}:
                seen.append(values["progress"])
            return original(**values)

        queryset.update = recording_update
        return queryset

    monkeypatch.setattr(service.ImportBatch.objects, "filter", spy)
    rows = [row(nama=f"Orang {n}") for n in range(3000)]
    batch = upload(samarinda_staff, csv_bytes(rows))
    assert batch.valid_rows == 3000 and batch.progress == 100
    assert seen == sorted(seen) and 1 <= len(seen) <= 3 and all(0 < p < 100 for p in seen)


# ---------------------------------------------------------------------------------------------
# The rejected rows, to fix and upload again


def test_rejected_rows_come_back_with_original_values_row_numbers_and_reasons(samarinda_staff):
    header = [
        "NIK",
        "Nama",
        "Jenis Kelamin (L/P)",
        "Tempat Lahir",
        "Tanggal Lahir",
        "Kategori",
        "Kode Wilayah",
        "Alamat",
        "Tanggal Ditemukan",
        "Status",
    ]
    rows = [
        row(),
        row(nama="Salah", kategori="XYZ", jenis_kelamin="X"),
        row(nik="6.47205E+15", nama="Exponen"),
        row(),
    ]
    batch = upload(samarinda_staff, csv_bytes(rows, header=header, delimiter=";"))
    text = "".join(importing.rejected_csv_lines(batch))
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == header + ["baris_asal", "alasan"]
    by_row = {line[-2]: line for line in lines[1:]}
    assert set(by_row) == {"3", "4", "5"}
    assert by_row["3"][:10] == rows[1]
    assert "Kategori: XYZ is not a known category" in by_row["3"][-1]
    assert "Jenis Kelamin (L/P): Write L (male) or P (female)" in by_row["3"][-1]
    assert by_row["4"][0] == "6.47205E+15" and "scientific notation" in by_row["4"][-1]
    assert "Repeats row 2" in by_row["5"][-1]


def test_the_rejected_rows_as_xlsx_mark_the_failing_cells(samarinda_staff):
    data = xlsx_bytes(
        [
            [
                int(nik(17, 5, 2012, 41)),
                "Salah",
                "L",
                "",
                None,
                "XYZ",
                VILLAGE,
                "",
                date(2026, 1, 10),
                "",
            ]
        ]
    )
    batch = upload(samarinda_staff, data, name="data.xlsx")
    buffer = io.BytesIO()
    assert importing.write_rejected_xlsx(batch, buffer) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["data"]
    assert [cell.value for cell in sheet[1]] == HEADER + ["baris_asal", "alasan"]
    cells = sheet[2]
    assert cells[0].value == nik(17, 5, 2012, 41) and cells[0].number_format == "@"
    assert cells[5].value == "XYZ" and "not a known category" in cells[5].comment.text
    assert cells[1].comment is None and cells[10].value == 2


def test_a_fixed_rejected_file_can_be_uploaded_again(samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row(), row(nama="Salah", kategori="XYZ")]))
    commit(samarinda_staff, batch)
    text = "".join(importing.rejected_csv_lines(batch)).replace("XYZ", "AJ")
    again = upload(samarinda_staff, text.encode("utf-8"))
    assert again.valid_rows == 1 and again.summary["header"]["ignored"] == []
    commit(samarinda_staff, again)
    assert Case.objects.filter(person__name="Salah").exists()


def test_values_that_would_run_as_formulas_are_neutralised_in_the_csv(samarinda_staff):
    batch = upload(
        samarinda_staff, csv_bytes([row(nama='=HYPERLINK("x")', kategori="XYZ", alamat="-")])
    )
    line = "".join(importing.rejected_csv_lines(batch)).splitlines()[1]
    assert "'=HYPERLINK" in line and ",-," in line


def test_an_old_windows_csv_is_read(samarinda_staff):
    batch = upload(samarinda_staff, csv_bytes([row(nama="Siti Aisyah Ña")], encoding="cp1252"))
    assert batch.valid_rows == 1
    assert batch.summary["preview"][0]["name"] == "Siti Aisyah Ña"


# ---------------------------------------------------------------------------------------------
# Tasks


def test_the_tasks_call_the_services_and_may_run_twice(samarinda_staff):
    from cases import tasks

    batch = importing.import_batch_create(
        actor=samarinda_staff,
        regency=samarinda_staff.regency,
        upload=ContentFile(csv_bytes([row()]), name="a.csv"),
        queue=False,
    )
    tasks.check_import.apply(args=[batch.pk])
    tasks.check_import.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    importing.import_batch_commit_request(
        actor=samarinda_staff, batch=batch, warnings_confirmed=True, queue=False
    )
    tasks.commit_import.apply(args=[batch.pk])
    tasks.commit_import.apply(args=[batch.pk])  # acks_late: delivered again after a crash
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Case.objects.count() == 1
    tasks.check_import.apply(args=[10**9])  # a batch deleted meanwhile: nothing to do


def test_the_services_queue_their_task_once_the_transaction_commits(
    samarinda_staff, django_capture_on_commit_callbacks, monkeypatch
):
    from cases import tasks

    queued = []
    for kind, task in (("check", tasks.check_import), ("commit", tasks.commit_import)):
        monkeypatch.setattr(task, "apply_async", lambda args, k=kind: queued.append((k, *args)))
    with django_capture_on_commit_callbacks(execute=True):
        batch = importing.import_batch_create(
            actor=samarinda_staff,
            regency=samarinda_staff.regency,
            upload=ContentFile(csv_bytes([row()]), name="a.csv"),
        )
    assert queued == [("check", batch.pk)]
    importing.import_batch_check(batch.pk)
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_batch_commit_request(
            actor=samarinda_staff, batch=batch, warnings_confirmed=True
        )
    assert queued[-1] == ("commit", batch.pk)


def test_the_commit_reads_the_original_file_if_the_copy_of_its_rows_is_gone(samarinda_staff):
    from django.core.files.storage import default_storage

    batch = upload(
        samarinda_staff, xlsx_bytes([row(), row(nama="Dua")], above=[["Judul"]]), name="data.xlsx"
    )
    default_storage.delete(batch.summary["files"]["rows"])
    batch = commit(samarinda_staff, batch)
    assert batch.committed_rows == 2
