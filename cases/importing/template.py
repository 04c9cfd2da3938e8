"""The XLSX template staff fill in: the columns, an example row, code lists and instructions."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.importing.header import COLUMNS
from cases.importing.tally import MAX_ROWS
from cases.importing.values import EXAMPLE_NAME
from cases.models import Category
from pmks_portal import spreadsheets
from regions.models import Level, Region


def _example_row(regency: Region, today: date) -> dict:
    district = (
        Region.objects.filter(parent=regency, level=Level.DISTRICT, is_active=True)
        .order_by("code")
        .first()
    )
    village = (
        (
            Region.objects.filter(parent=district, level=Level.VILLAGE, is_active=True)
            .order_by("code")
            .first()
        )
        if district
        else None
    )
    place = village or district or regency
    digits = (district or regency).code.replace(".", "").ljust(6, "1")[:6]
    return {
        # A girl (day of birth + 40) born 7 August 2012, serial 0001.
        "nik": f"{digits}4708120001",
        "nama": _(EXAMPLE_NAME),
        "jenis_kelamin": "P",
        "tempat_lahir": regency.name.replace("Kota ", "").replace("Kabupaten ", ""),
        "tanggal_lahir": "2012-08-07",
        "kategori": "AJ",
        "kode_wilayah": place.code,
        "alamat": "Jl. Contoh No. 1 RT 01",
        "tanggal_ditemukan": today.isoformat(),
        "status": "terdaftar",
        "no_kk": "",
        "pasung": "tidak",
        "alasan_ditutup": "",
        "catatan": "",
    }


def template_workbook(regency: Region, target) -> None:
    """The XLSX staff fill in: headers, one example row, code lists, NIK and codes as text."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    today = timezone.localdate()
    workbook = spreadsheets.workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "data"
    text_columns = [COLUMNS.index(c) + 1 for c in ("nik", "no_kk", "kode_wilayah")]
    spreadsheets.append(sheet, COLUMNS, bold=True)
    example = _example_row(regency, today)
    spreadsheets.append(
        sheet,
        [example[column] for column in COLUMNS],
        text_columns={position - 1 for position in text_columns},
    )
    sheet.freeze_panes = "A2"
    for position in range(1, len(COLUMNS) + 1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 22 if position in text_columns else 18
    for position in text_columns:
        letter = get_column_letter(position)
        # Excel applies a column's format to what is typed in it later: text, so 16 digits stay.
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, 2001):
            sheet.cell(row=row, column=position).number_format = "@"

    def validation(column: str, formula: str) -> None:
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        letter = get_column_letter(COLUMNS.index(column) + 1)
        check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(check)

    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    validation("jenis_kelamin", '"L,P"')
    validation("status", '"terdaftar,terverifikasi,ditangani,selesai,dirujuk,ditutup"')
    validation("pasung", '"ya,tidak"')
    validation("alasan_ditutup", '"meninggal,pindah,menolak,duplikat"')
    validation("kategori", f"=kategori!$A$2:$A${len(categories) + 1}")

    listing = workbook.create_sheet("kategori")
    spreadsheets.append(listing, ["kode", _("name"), _("target programme")], bold=True)
    for category in categories:
        spreadsheets.append(
            listing, [category.code, category.name, category.get_programme_display()]
        )
    listing.column_dimensions["B"].width = 45

    places = workbook.create_sheet("wilayah")
    spreadsheets.append(places, ["kode_wilayah", _("level"), _("name")], bold=True)
    for region in Region.objects.filter(
        code__startswith=f"{regency.code}.", is_active=True
    ).order_by("code"):
        spreadsheets.append(places, [region.code, region.get_level_display(), region.name])
    places.column_dimensions["A"].width = 18
    places.column_dimensions["C"].width = 35

    notes = workbook.create_sheet("petunjuk")
    for line in _template_instructions():
        spreadsheets.append(notes, [line])
    notes.column_dimensions["A"].width = 120
    spreadsheets.save(workbook, target)


def _template_instructions() -> list[str]:
    return [
        _("How to fill in this template"),
        _("One row per case. Delete the example row before uploading."),
        _(
            "nik: 16 digits, typed as text (the column is formatted as text). Leave empty when "
            "the person has no NIK."
        ),
        _("nama: required. jenis_kelamin: L or P (required)."),
        _(
            "tanggal_lahir, tanggal_ditemukan: YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY. "
            "tanggal_ditemukan is required."
        ),
        _(
            "kategori: a code from the sheet 'kategori' (e.g. AJ), an old code (WRSE, KFM, PACA) "
            "or the full name."
        ),
        _(
            "kode_wilayah: a village, district or regency code from the sheet 'wilayah', "
            "within your regency/city."
        ),
        _(
            "status: terdaftar (default), terverifikasi, ditangani, selesai, dirujuk or ditutup; "
            "ditutup needs alasan_ditutup (meninggal, pindah, menolak, duplikat)."
        ),
        _("pasung: ya when the person is shackled (counts against the pasung target)."),
        _("no_kk, tempat_lahir, alamat, catatan: optional."),
    ]
