"""The proposals of a worklist (finding a) in the layout a village deliberation (musdes/muskel)
works from: one row per person, grouped by village, with empty columns for the deliberation's
decision and notes, as SIKS-NG asks them to be entered afterwards."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.models import Case
from cases.targets import OPEN_STATUSES
from pmks_portal import spreadsheets
from pmks_portal.masking import identifier_for

HEADER = [
    "No",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "NIK",
    "No. KK",
    "Nama",
    "Jenis kelamin",
    "Tanggal lahir",
    "Alamat",
    "Kategori PMKS",
    "Usulan",
    "Hasil musdes/muskel",
    "Keterangan",
]
TEXT_COLUMNS = frozenset({4, 5})


def _rows(items, user):
    show = identifier_for(user)
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).select_related("category")
    items = items.select_related("person", "regency", "village__parent").prefetch_related(
        Prefetch("person__cases", queryset=open_cases, to_attr="open_cases")
    )
    for number, item in enumerate(items.order_by("village_id", "person__name", "pk"), start=1):
        person = item.person
        categories = ", ".join(sorted({case.category.name for case in person.open_cases}))
        village = item.village
        yield [
            number,
            item.regency.name,
            village.parent.name if village and village.parent else "",
            village.name if village else "",
            show(person.nik),
            show(person.kk_number),
            person.name,
            person.get_sex_display(),
            person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "",
            person.address,
            categories,
            _("New entry into DTSEN"),
            "",
            "",
        ]


def proposals_response(items, user):
    """The XLSX download of these proposals (items of finding a)."""
    book = spreadsheets.workbook()
    sheet = book.create_sheet(_("Musdes proposals"))
    spreadsheets.append(sheet, HEADER, bold=True)
    for row in _rows(items, user):
        spreadsheets.append(sheet, row, text_columns=TEXT_COLUMNS)
    return spreadsheets.xlsx_response("usulan-musdes-dtsen.xlsx", book)
