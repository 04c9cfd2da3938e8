"""Participant lists from CSV or XLSX: every row checked, a report per row, then all or nothing.

The committee's list has one row per person: name and institution (required), position, type of
institution, regency/city, role, phone, e-mail, and optionally the days present. Column headings
may be Indonesian or English (see COLUMNS). Values are matched leniently: "Kota Samarinda",
"Samarinda", "64.72" and "6472" are one city; "Kab. Kutai Timur" and "Kutai Timur" one regency.
An empty regency means the province or an institution of no one regency.

Rows are checked as a whole before anything is saved: an unknown regency, a missing name, a bad
e-mail address, a day outside the meeting, or a person twice in the file is an error on that row,
and one error anywhere means nothing of the file is saved. Someone already registered for the
meeting (same name and institution) is not an error: the row is left out.

The file is typed by its first bytes and held to MAX_BYTES and MAX_ROWS; an XLSX is checked for
its unpacked size before openpyxl opens it.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmks_portal import archives, spreadsheets
from pmks_portal.names import clean_name
from pmks_portal.textfiles import decode_spreadsheet_text
from rakornis.models import InstitutionType, Meeting, Participant, ParticipantRole
from regions.models import Region

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 10

# Column: the headings that name it (compared case- and space-insensitively).
COLUMNS = {
    "name": ("nama", "nama lengkap", "nama peserta", "name", "full name"),
    "position": ("jabatan", "position", "job title"),
    "institution": ("instansi", "lembaga", "unit kerja", "asal instansi", "institution"),
    "institution_type": (
        "jenis instansi",
        "jenis lembaga",
        "type of institution",
        "institution type",
    ),
    "regency": (
        "kabupaten/kota",
        "kab/kota",
        "kab./kota",
        "kabupaten",
        "kota",
        "regency/city",
        "regency",
    ),
    "role": ("peran", "sebagai", "role"),
    "phone": ("telepon", "no hp", "no. hp", "nomor hp", "hp", "telp", "phone"),
    "email": ("email", "e-mail", "surel"),
    "present": ("hadir", "hari hadir", "kehadiran", "present", "days present"),
}
COLUMN_LABELS = {
    "name": gettext_lazy("Name"),
    "position": gettext_lazy("Position"),
    "institution": gettext_lazy("Institution"),
    "institution_type": gettext_lazy("Type of institution"),
    "regency": gettext_lazy("Regency/city"),
    "role": gettext_lazy("Role"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "present": gettext_lazy("Days present"),
    "file": gettext_lazy("File"),
}
# The headings of the template the portal offers, in the agency's language.
TEMPLATE_HEADINGS = {
    "name": "Nama",
    "position": "Jabatan",
    "institution": "Instansi",
    "institution_type": "Jenis instansi",
    "regency": "Kabupaten/Kota",
    "role": "Peran",
    "phone": "No HP",
    "email": "Email",
    "present": "Hadir",
}

INSTITUTION_WORDS = {
    InstitutionType.REGENCY_DINSOS: (
        "dinsos kab/kota",
        "dinsos kabupaten/kota",
        "dinsos kabupaten",
        "dinsos kota",
        "dinas sosial kabupaten/kota",
        "dinas sosial kabupaten",
        "dinas sosial kota",
        "dinsos",
    ),
    InstitutionType.PROVINCIAL_OFFICE: ("dinsos provinsi", "dinas sosial provinsi", "provinsi"),
    InstitutionType.GOVERNMENT: (
        "opd",
        "pemerintah",
        "kementerian",
        "kemensos",
        "instansi vertikal",
    ),
    InstitutionType.CSR_FORUM: ("csr", "forum csr", "perusahaan", "swasta"),
    InstitutionType.UNIVERSITY: ("universitas", "perguruan tinggi", "kampus", "akademisi"),
    InstitutionType.LKS: ("lks", "lembaga kesejahteraan sosial", "yayasan", "panti"),
    InstitutionType.OTHER: ("lainnya", "lain-lain", "lain"),
}
ROLE_WORDS = {
    ParticipantRole.PARTICIPANT: ("peserta",),
    ParticipantRole.SPEAKER: ("narasumber", "pembicara", "pemateri"),
    ParticipantRole.MODERATOR: ("moderator",),
    ParticipantRole.COMMITTEE: ("panitia",),
    ParticipantRole.GUEST: ("tamu", "undangan", "peninjau"),
}
PROVINCE_WORDS = (
    "provinsi",
    "prov",
    "kaltim",
    "provinsi kalimantan timur",
    "kalimantan timur",
    "-",
)
ALL_DAYS_WORDS = ("semua", "semua hari", "all", "all days", "ya", "yes", "y", "x", "v", "✓")
REGENCY_PREFIXES = ("kabupaten ", "kab. ", "kab ", "kota ")


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, no heading row."""


@dataclass
class ParticipantRow:
    number: int
    values: dict
    data: dict = field(default_factory=dict)
    present_on: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (column, message)
    already_registered: bool = False

    def add_error(self, column: str, message: str) -> None:
        self.errors.append((column, message))


@dataclass
class ImportCheck:
    rows: list
    columns: list

    @property
    def errors(self) -> list[dict]:
        """One line per problem: row number, column, the value found, what is wrong."""
        return [
            {
                "row": row.number,
                "column": COLUMN_LABELS[column],
                "value": row.values.get(column, ""),
                "message": message,
            }
            for row in self.rows
            for column, message in row.errors
        ]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def _heading(text) -> str:
    return " ".join(str(text or "").casefold().replace("*", "").strip(" :").split())


HEADING_TO_COLUMN = {_heading(h): column for column, hs in COLUMNS.items() for h in hs}


# ---------------------------------------------------------------------------------------------
# Reading the file


def _read_all(upload) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(limit)s MB; split it.") % {"limit": MAX_BYTES // 2**20}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(limit)s MB; split it.") % {"limit": MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    return data


def _csv_rows(data: bytes) -> list[list]:
    text = decode_spreadsheet_text(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value
    return str(value)


def _xlsx_rows(data: bytes) -> list[list]:
    try:
        names = {entry.filename for entry in archives.checked_entries(io.BytesIO(data))}
    except zipfile.BadZipFile:
        raise ImportFileError(_("This Excel file is damaged; save it again.")) from None
    except archives.ArchiveTooLarge:
        raise ImportFileError(
            _("This workbook is too large to be a participant list; split it.")
        ) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("This is not an Excel workbook (.xlsx). Save it as .xlsx or CSV."))
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            sheet.reset_dimensions()
            rows = []
            for values in sheet.iter_rows(values_only=True):
                rows.append([_cell(v) for v in values])
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            if _find_heading(rows) is not None:
                return rows
        return []
    finally:
        workbook.close()


def _find_heading(rows: list[list]) -> tuple[int, dict] | None:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, cell in enumerate(cells):
            column = HEADING_TO_COLUMN.get(_heading(cell))
            if column and column not in columns:
                columns[column] = position
        if "name" in columns and "institution" in columns:
            return index, columns
    return None


def read_rows(upload) -> tuple[list[tuple[int, dict]], list[str]]:
    """[(row number, {column: value})] below the heading row, and the columns found."""
    data = _read_all(upload)
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or CSV."))
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("This file is neither CSV text nor an Excel workbook (.xlsx)."))
    else:
        rows = _csv_rows(data)
    found = _find_heading(rows)
    if found is None:
        raise ImportFileError(
            _(
                "No heading row with at least the columns “Nama” (name) and “Instansi” "
                "(institution) in the first %(n)s rows. Use the template."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    index, columns = found
    table = []
    for offset, cells in enumerate(rows[index + 1 :], start=index + 2):
        values = {
            column: cells[position] if position < len(cells) else ""
            for column, position in columns.items()
        }
        if all(str(v).strip() == "" for v in values.values()):
            continue
        table.append((offset, values))
    if len(table) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(limit)s rows; split it.") % {"limit": MAX_ROWS}
        )
    if not table:
        raise ImportFileError(_("The file has a heading row but no participants below it."))
    return table, list(columns)


# ---------------------------------------------------------------------------------------------
# Checking the rows


def _words(choices_words: dict, choices) -> dict:
    lookup = {}
    for value, label in choices:
        lookup[_heading(value)] = value
        lookup[_heading(label)] = value
    for value, words in choices_words.items():
        for word in words:
            lookup[_heading(word)] = value
    return lookup


def regency_lookup() -> dict[str, Region]:
    """Every way a regency or city of the province may be written, to the region."""
    lookup = {}
    for region in Region.objects.province_regencies():
        name = _heading(region.name)
        lookup[name] = region
        lookup[region.code] = region
        lookup[region.code.replace(".", "")] = region
        for prefix in REGENCY_PREFIXES:
            if name.startswith(prefix):
                bare = name.removeprefix(prefix)
                lookup[bare] = region
                for other in REGENCY_PREFIXES:
                    lookup[f"{other}{bare}"] = region
    return lookup


def _guess_institution_type(institution: str, regency) -> str:
    text = institution.casefold()
    if "dinas sosial" in text or "dinsos" in text:
        if "provinsi" in text or "prov." in text:
            return InstitutionType.PROVINCIAL_OFFICE
        return InstitutionType.REGENCY_DINSOS if regency else InstitutionType.GOVERNMENT
    if any(w in text for w in ("universitas", "politeknik", "institut", "sekolah tinggi")):
        return InstitutionType.UNIVERSITY
    if "csr" in text:
        return InstitutionType.CSR_FORUM
    if any(w in text for w in ("lks", "yayasan", "panti")):
        return InstitutionType.LKS
    return InstitutionType.OTHER


def _parse_days(value, meeting: Meeting, today: date) -> tuple[list[date], str | None]:
    """The days present, from "semua"/"all", day numbers ("1, 2") or dates; or an error."""
    if isinstance(value, date):
        parts = [value]
    else:
        text = str(value).strip()
        if not text:
            return [], None
        if _heading(text) in ALL_DAYS_WORDS:
            return [d for d in meeting.days if d <= today], None
        parts = [p for p in re.split(r"[,;/\s]+", text) if p]
    days = []
    for part in parts:
        if isinstance(part, date):
            day = part
        elif part.isdigit() and len(part) <= 2:
            number = int(part)
            if not 1 <= number <= len(meeting.days):
                return [], _(
                    "Day %(number)s is not a day of this meeting, which has %(days)s days."
                ) % {"number": number, "days": len(meeting.days)}
            day = meeting.days[number - 1]
        else:
            try:
                day = date.fromisoformat(part)
            except ValueError:
                return [], _(
                    "Write the days present as day numbers (1, 2), dates (2024-05-15) or “semua”."
                )
        if not meeting.is_meeting_day(day):
            return [], _("%(day)s is not a day of this meeting.") % {"day": day.isoformat()}
        if day > today:
            return [], _("%(day)s is still to come.") % {"day": day.isoformat()}
        if day not in days:
            days.append(day)
    return days, None


def check_rows(
    table: list[tuple[int, dict]], columns: list[str], meeting: Meeting, today: date
) -> ImportCheck:
    """Every row checked; no database write. Two queries: the regencies and the meeting's
    participants (for those already registered)."""
    regencies = regency_lookup()
    institution_types = _words(INSTITUTION_WORDS, InstitutionType.choices)
    roles = _words(ROLE_WORDS, ParticipantRole.choices)
    registered = set(
        Participant.objects.filter(meeting=meeting).values_list("dedupe_key", flat=True)
    )
    limits = {
        f.name: f.max_length for f in Participant._meta.fields if getattr(f, "max_length", None)
    }
    seen: dict[str, int] = {}
    rows = []
    for number, values in table:
        row = ParticipantRow(number=number, values={k: str(v) for k, v in values.items()})
        text = {
            k: " ".join(str(v).split()) if not isinstance(v, date) else v for k, v in values.items()
        }
        name, institution = clean_name(text.get("name", "")), text.get("institution", "")
        if not name:
            row.add_error("name", _("The name is missing."))
        if not institution:
            row.add_error("institution", _("The institution is missing."))
        for column in ("name", "position", "institution", "phone"):
            value = text.get(column, "")
            if isinstance(value, str) and len(value) > limits[column]:
                row.add_error(
                    column, _("Longer than %(limit)s characters.") % {"limit": limits[column]}
                )
        regency = None
        regency_text = text.get("regency", "")
        if regency_text and _heading(regency_text) not in PROVINCE_WORDS:
            regency = regencies.get(_heading(regency_text))
            if regency is None:
                row.add_error(
                    "regency",
                    _("“%(value)s” is not a regency or city of the province.")
                    % {"value": regency_text},
                )
        kind_text = text.get("institution_type", "")
        if kind_text:
            kind = institution_types.get(_heading(kind_text))
            if kind is None:
                row.add_error("institution_type", _("Unknown type of institution."))
        else:
            kind = _guess_institution_type(institution, regency)
        if kind == InstitutionType.REGENCY_DINSOS and not regency and not row.errors:
            row.add_error("regency", _("A regency's or city's Dinsos needs its regency or city."))
        role_text = text.get("role", "")
        role = roles.get(_heading(role_text)) if role_text else ParticipantRole.PARTICIPANT
        if role is None:
            row.add_error("role", _("Unknown role."))
        email = text.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.add_error("email", _("Not a valid e-mail address."))
        days, days_error = _parse_days(values.get("present", ""), meeting, today)
        if days_error:
            row.add_error("present", days_error)
        key = Participant.key_for(name, institution)
        if name and institution:
            if key in seen:
                row.add_error(
                    "name",
                    _("The same person and institution as row %(row)s.") % {"row": seen[key]},
                )
            else:
                seen[key] = number
        row.data = {
            "name": name,
            "position": text.get("position", ""),
            "institution": institution,
            "institution_type": kind or InstitutionType.OTHER,
            "regency": regency,
            "role": role or ParticipantRole.PARTICIPANT,
            "phone": text.get("phone", ""),
            "email": email,
            "invited": True,
        }
        row.present_on = days
        row.already_registered = key in registered
        rows.append(row)
    return ImportCheck(rows=rows, columns=columns)


TEMPLATE_GUIDE = [
    ("Kolom", "Isi yang diterima"),
    ("Nama, Instansi", "Wajib diisi."),
    (
        "Kabupaten/Kota",
        "Nama atau kode: Kota Samarinda, Samarinda, 64.72. Kosong atau 'Provinsi' untuk "
        "provinsi dan instansi tanpa kabupaten/kota.",
    ),
    (
        "Jenis instansi",
        "Dinsos kab/kota, Dinsos provinsi, OPD, CSR, Universitas, LKS, Lainnya "
        "(kosong: ditebak dari nama instansi).",
    ),
    ("Peran", "Peserta, Narasumber, Moderator, Panitia, Tamu (kosong: Peserta)."),
    ("Hadir", "Kosong, nomor hari (1, 2), tanggal (2024-05-15) atau 'semua'."),
]


def template_workbook() -> bytes:
    """An XLSX to fill in: the heading row, an example, and the accepted values."""
    workbook = spreadsheets.workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Peserta"
    spreadsheets.append(sheet, list(TEMPLATE_HEADINGS.values()), bold=True)
    spreadsheets.append(
        sheet,
        [
            "Siti Rahmawati",
            "Kepala Bidang Rehabilitasi Sosial",
            "Dinas Sosial Kota Samarinda",
            "Dinsos kab/kota",
            "Kota Samarinda",
            "Peserta",
            "0812xxxxxxx",
            "siti@example.invalid",
            "1, 2",
        ],
    )
    for column, width in zip("ABCDEFGHI", (28, 32, 36, 20, 22, 14, 16, 26, 10), strict=True):
        sheet.column_dimensions[column].width = width
    guide = workbook.create_sheet("Petunjuk")
    for line in TEMPLATE_GUIDE:
        spreadsheets.append(guide, line)
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 100
    return spreadsheets.xlsx_bytes(workbook)
