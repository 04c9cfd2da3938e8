"""Case import from the spreadsheets dinsos staff keep (CSV or XLSX), in two steps.

1. Check: the upload is typed by its content (CSV text or an XLSX zip), held to a size limit and,
   for XLSX, to an uncompressed-size and entry-count limit before openpyxl opens it. Every row is
   validated in Python against reference data loaded in bulk (categories, regions, open cases;
   registered NIKs by chunked IN lookups). The outcome is kept: counts and samples in
   ``ImportBatch.summary``, the rows as read (JSON lines, so an XLSX is parsed only once), and
   the rejected rows with a reason per column, for the file staff download, fix and upload again.
2. Commit: the rows are checked again against the registry as it is then, and the valid ones are
   written with bulk inserts (persons, cases, their first status change, pasung records, one
   audit event per record and one for the batch) in ONE transaction: all or nothing.

Rules are those of the services: NIK and KK structure by ``cases.nik``, the place-in-regency
check and the programme of a category by ``cases.services``, field lengths from the models.

Decisions (issue #3 point 8):

* A NIK registered in the same regency: the row becomes a new case of that person, whose record
  the spreadsheet does not change; it is a duplicate when that person already has an open case
  (not resolved or closed) in the same category. A NIK registered in another regency is an error,
  which does not say which regency.
* A row without NIK duplicates an open case of the regency whose person has no NIK and the same
  name, birth date and category.
* Within the file a row repeats an earlier one with the same NIK and category (without NIK: same
  name, sex, birth date and category). The same NIK with two categories is one person with two
  cases; the same NIK under another name is an error.
* A row whose region lies in another regency is rejected, never moved.
* Warnings (NIK digits against sex and birth date, a registered NIK under another name, a NIK
  stored as a number) do not block a row; committing the batch, after ticking that the warnings
  were read, is the confirmation the person form asks for.
* Rows no longer valid at commit time are left out and join the rejected rows.
"""

import csv
import io
import json
import logging
import os
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from audit.models import AuditEvent
from audit.services import audit_record, field_changes
from cases.models import (
    Case,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Category,
    CategoryAlias,
    CloseReason,
    ImportBatch,
    PasungDetail,
    Person,
    Sex,
)
from cases.nik import check_kk, check_nik, normalise_number
from cases.services import CASE_FIELDS, PERSON_FIELDS, _check_place, _programme_for
from pmks_portal import access
from regions.models import Level, Region

logger = logging.getLogger("pmks.import")

# Limits on what is accepted at all.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_ENTRIES = 1000
MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 20
# Rows validated and written together: one NIK query and one insert per table per chunk.
CHUNK_ROWS = 2000
# The batch's progress is written at most once per this many rows.
PROGRESS_EVERY = 1000
# How many problem rows, warnings and valid rows the preview page shows.
SAMPLE_ROWS = 100
PREVIEW_VALID_ROWS = 10

CSV, XLSX = "csv", "xlsx"

# Canonical column names, as the template writes them, and the spellings found in real files.
COLUMNS = [
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
    "no_kk",
    "pasung",
    "alasan_ditutup",
    "catatan",
]
REQUIRED_COLUMNS = ["nama", "jenis_kelamin", "kategori", "kode_wilayah", "tanggal_ditemukan"]
HEADER_ALIASES = {
    "nik": {"nik", "no_nik", "nomor_nik", "nomor_induk_kependudukan"},
    "nama": {"nama", "nama_lengkap"},
    "jenis_kelamin": {"jenis_kelamin", "jk", "kelamin", "l_p", "lp", "sex"},
    "tempat_lahir": {"tempat_lahir", "tmp_lahir", "tempat_lhr"},
    "tanggal_lahir": {"tanggal_lahir", "tgl_lahir", "tgl_lhr"},
    "kategori": {
        "kategori",
        "kategori_pmks",
        "kategori_ppks",
        "jenis_pmks",
        "jenis_ppks",
        "kode_pmks",
        "kode_ppks",
        "pmks",
        "ppks",
    },
    "kode_wilayah": {
        "kode_wilayah",
        "kode_desa",
        "kode_kelurahan",
        "kode_desa_kelurahan",
        "kode_kecamatan",
        "wilayah",
    },
    "alamat": {"alamat", "alamat_lengkap"},
    "tanggal_ditemukan": {"tanggal_ditemukan", "tgl_ditemukan", "ditemukan", "tanggal_temuan"},
    "status": {"status", "status_kasus"},
    "no_kk": {"no_kk", "kk", "nomor_kk", "nomor_kartu_keluarga"},
    "pasung": {"pasung", "dipasung"},
    "alasan_ditutup": {"alasan_ditutup", "alasan_tutup"},
    "catatan": {"catatan", "keterangan", "ket"},
}
HEADER_LOOKUP = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
# Columns that the rejected-rows file adds, and numbering columns: ignored without a word.
SILENTLY_IGNORED = {"no", "nomor", "no_urut", "baris_asal", "alasan"}
SOURCE_ROW_COLUMN = "baris_asal"
REASON_COLUMN = "alasan"

# What people write for "nothing" in optional columns.
BLANKS = {"", "-", "--", "—", "–", "n/a", "na", "tidak ada", "tdk ada", "belum ada", "tidak punya"}
SEX_WORDS = {
    Sex.MALE: {"l", "lk", "laki", "laki laki", "lakilaki", "pria", "m", "male"},
    Sex.FEMALE: {"p", "pr", "perempuan", "wanita", "w", "f", "female"},
}
STATUS_WORDS = {
    CaseStatus.REGISTERED: {"terdaftar", "baru", "didaftarkan"},
    CaseStatus.VERIFIED: {"terverifikasi", "diverifikasi", "verifikasi"},
    CaseStatus.IN_HANDLING: {"ditangani", "dalam penanganan", "penanganan"},
    CaseStatus.RESOLVED: {"selesai", "tuntas"},
    CaseStatus.REFERRED: {"dirujuk", "rujuk"},
    CaseStatus.CLOSED: {"ditutup", "tutup"},
}
CLOSE_WORDS = {
    CloseReason.DIED: {"meninggal", "meninggal dunia", "wafat"},
    CloseReason.MOVED: {"pindah", "pindah domisili"},
    CloseReason.REFUSED: {"menolak", "tidak bersedia"},
    CloseReason.DUPLICATE: {"duplikat", "ganda"},
}
YES_WORDS = {"ya", "y", "yes", "1", "true", "benar", "iya"}
NO_WORDS = {"tidak", "t", "tdk", "no", "n", "0", "false", "bukan"} | BLANKS

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
DMY_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
SHORT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
UNDOTTED_CODE = re.compile(r"^\d{2}(?:\d{2}(?:\d{2}(?:\d{4})?)?)?$")
DOTTED_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
PARENTHESES = re.compile(r"\([^)]*\)")
NON_WORD = re.compile(r"[^0-9a-z]+")
LIST_SEPARATORS = [",", ";", "\t", "|"]

# The template's example row is refused if left in the file (its name, in every language).
EXAMPLE_NAME = gettext_noop("EXAMPLE – delete this row")
# The same 15-significant-digit rule Excel applies: a 16-digit NIK typed as a number loses its last
# digit, which is why such NIKs get a warning.
EXCEL_DIGITS = 15


class ImportFileError(Exception):
    """The file as a whole cannot be imported: wrong type, too big, no header row..."""


# ---------------------------------------------------------------------------------------------
# Reading files


def sniff_format(head: bytes) -> str:
    """CSV or XLSX, from the first bytes of the file (never from its name)."""
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx (Excel Workbook) or CSV.")
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CSV  # UTF-16 text, as Excel's "Unicode Text" writes it
    if not head.strip():
        raise ImportFileError(_("The file is empty."))
    if b"\x00" in head:
        raise ImportFileError(_("This file is neither CSV text nor an Excel workbook (.xlsx)."))
    return CSV


def check_upload(upload) -> str:
    """The file's format, after the size, type and XLSX archive checks (else ImportFileError)."""
    size = upload.size if getattr(upload, "size", None) is not None else _size_of(upload)
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported. Split it.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    fmt = sniff_format(upload.read(64 * 1024))
    upload.seek(0)
    if fmt == XLSX:
        _check_xlsx_archive(upload)
        upload.seek(0)
    return fmt


def _size_of(handle) -> int:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _check_xlsx_archive(handle) -> None:
    """Refuses zip bombs and non-workbooks before openpyxl opens anything.

    Python's zipfile never inflates an entry beyond its declared size (it stops there, and a
    CRC mismatch is an error), so the declared sizes bound what parsing can allocate.
    """
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_XLSX_ENTRIES:
                raise ImportFileError(_("This workbook holds too many parts to be a spreadsheet."))
            if sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError(
                    _("This workbook unpacks to more than %(limit)s MB; split it.")
                    % {"limit": MAX_XLSX_UNCOMPRESSED // 1024 // 1024}
                )
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        raise ImportFileError(_("This Excel file is damaged; save it again.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("This is a zip archive but not an Excel workbook: save the sheet as .xlsx or CSV.")
        )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on Windows writes the ANSI code page.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(LIST_SEPARATORS, key=first_line.count)


def read_csv(handle) -> tuple[Iterator[tuple[int, list]], int, str]:
    """(row number, cells) pairs from row 1, an estimate of the number of rows, the delimiter."""
    text = _decode(handle.read())
    delimiter = _delimiter(text)
    estimate = text.count("\n") + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate(reader, start=1), estimate, delimiter


def cell_value(value) -> str | int:
    """A spreadsheet cell as text, except whole numbers, which stay exact ints.

    Dates become ISO dates. A float from 1e15 up has lost digits (doubles and Excel keep 15
    significant ones): it is written in scientific notation, which the NIK check names.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if abs(value) >= 10**EXCEL_DIGITS:
            return format(value, ".15G")
        if value.is_integer():
            return int(value)
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def read_xlsx(handle) -> tuple[Iterator[tuple[int, list]], int, str]:
    """Rows of the first sheet that has the header row (template sheets come after the data)."""
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        estimate = sheet.max_row or 0
        # Some programs write a wrong dimension; read every row the sheet really has.
        sheet.reset_dimensions()
        rows = (
            (number, [cell_value(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        head = []
        for number, cells in rows:
            head.append((number, cells))
            if _header_columns(cells) or len(head) >= HEADER_SEARCH_ROWS:
                break
        if head and _header_columns(head[-1][1]):
            return _chain(head, rows), estimate, ""
    workbook.close()
    return iter(()), 0, ""


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# ---------------------------------------------------------------------------------------------
# The header row


@dataclass
class Header:
    """The header row as the file has it, and where each known column sits."""

    row_number: int
    cells: list[str]
    columns: dict[str, int]
    ignored: list[str]

    def as_json(self) -> dict:
        return {
            "row": self.row_number,
            "cells": self.cells,
            "columns": self.columns,
            "ignored": self.ignored,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Header":
        return cls(data["row"], data["cells"], data["columns"], data["ignored"])


def normalise_header(text) -> str:
    """'Jenis Kelamin (L/P) ' -> 'jenis_kelamin'; 'Tgl. Lahir' -> 'tgl_lahir'."""
    text = PARENTHESES.sub(" ", str(text or "").casefold())
    return NON_WORD.sub("_", text).strip("_")


def _header_columns(cells: list) -> dict[str, int]:
    """The known columns of a header row; {} when the row is not one (needs nama and 2 more)."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = HEADER_LOOKUP.get(normalise_header(cell))
        if column and column not in found:
            found[column] = position
    return found if "nama" in found and len(found) >= 3 else {}


def find_header(rows: Iterator[tuple[int, list]]) -> tuple[Header, Iterator[tuple[int, list]]]:
    """The header row among the first rows (title rows above it are skipped), and the rest."""
    for number, cells in rows:
        columns = _header_columns(cells)
        if columns:
            header = _make_header(number, cells, columns)
            return header, rows
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportFileError(
        _(
            "No header row found in the first %(n)s rows. The first row must name the columns: "
            "%(columns)s. Download the template to see them."
        )
        % {"n": HEADER_SEARCH_ROWS, "columns": ", ".join(COLUMNS[:10])}
    )


def _make_header(number: int, cells: list, columns: dict[str, int]) -> Header:
    texts = [str(cell).strip() for cell in cells]
    seen: dict[str, int] = {}
    for position, text in enumerate(texts):
        column = HEADER_LOOKUP.get(normalise_header(text))
        if column and column in seen:
            raise ImportFileError(
                _("Columns %(first)s and %(second)s both hold %(column)s; keep one.")
                % {"first": texts[seen[column]], "second": text, "column": column}
            )
        if column:
            seen[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(
            _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    ignored = [
        text
        for position, text in enumerate(texts)
        if text
        and position not in columns.values()
        and normalise_header(text) not in SILENTLY_IGNORED
    ]
    return Header(number, texts, columns, ignored)


# ---------------------------------------------------------------------------------------------
# Values


def _text(value) -> str:
    return str(value).strip() if value is not None else ""


def _words(value) -> str:
    return " ".join(NON_WORD.sub(" ", _text(value).casefold()).split())


def parse_date(value) -> date:
    """A date written YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY (or an XLSX date cell)."""
    text = _text(value)
    match = ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = DMY_DATE.match(text)
        if not match:
            if SHORT_YEAR.match(text):
                raise ValueError(
                    _("%(value)s has a two-digit year; write the year in full.") % {"value": text}
                )
            raise ValueError(
                _("%(value)s is not a date: write YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY.")
                % {"value": text}
            )
        day, _separator, month, year = match.groups()
        day, month, year = int(day), int(month), int(year)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("%(value)s is not a real date.") % {"value": text}) from None


def region_code(value) -> str:
    """A Kemendagri code with its dots, from '64.72.05.1001', '6472051001' or ' 64.72 '."""
    text = _text(value).replace(" ", "")
    if UNDOTTED_CODE.match(text):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(part for part in parts if part)
    return text


def _lookup(words_by_value: dict, value: str) -> str | None:
    for result, words in words_by_value.items():
        if value in words:
            return result
    return None


@dataclass
class Reference:
    """What rows are checked against, loaded in bulk once per check or commit."""

    regency: Region
    categories: dict[str, Category]
    inactive_categories: dict[str, Category]
    regions: dict[str, Region]
    statuses: dict[str, str]
    close_reasons: dict[str, str]
    # Open cases of persons without NIK in this regency: (name, birth date, category) -> case.
    nikless_open_cases: dict[tuple, int]
    example_names: set[str]
    today: date


def _choice_words(choices, extra: dict) -> dict[str, str]:
    words: dict[str, str] = {}
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            for value, label in choices:
                words[_words(label)] = value
    for value, _label in choices:
        words[_words(value)] = value
    for value, synonyms in extra.items():
        for synonym in synonyms:
            words[_words(synonym)] = value
    return words


def load_reference(regency: Region, *, today: date | None = None) -> Reference:
    """Categories, regions of the province, statuses and open NIK-less cases: a query each."""
    categories: dict[str, Category] = {}
    inactive: dict[str, Category] = {}
    by_pk = {}
    for category in Category.objects.all():
        by_pk[category.pk] = category
        target = categories if category.is_active else inactive
        target.setdefault(_words(category.code), category)
        target.setdefault(_words(category.name), category)
    for alias, category_id in CategoryAlias.objects.values_list("alias", "category_id"):
        category = by_pk[category_id]
        target = categories if category.is_active else inactive
        target.setdefault(_words(alias), category)
    province = regency.code.split(".")[0]
    regions = {
        region.code: region
        for region in Region.objects.filter(
            Q(code=province) | Q(code__startswith=f"{province}.")
        ).only("code", "level", "name", "is_active", "parent_id")
    }
    # Two plain queries joined here: a join in SQL gets a nested-loop plan from PostgreSQL when
    # its statistics lag behind a large import (seconds per thousand cases).
    nikless_persons = {
        pk: (_name_key(name), birth_date)
        for pk, name, birth_date in Person.objects.filter(
            regency=regency, nik__isnull=True, merged_into__isnull=True
        ).values_list("pk", "name", "birth_date")
    }
    nikless = {}
    open_cases = (
        Case.objects.filter(regency=regency)
        .exclude(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
        .values_list("person_id", "category_id", "pk")
    )
    for person_id, category_id, pk in open_cases.iterator(chunk_size=5000):
        person = nikless_persons.get(person_id)
        if person is not None:
            nikless[(*person, category_id)] = pk
    examples = set()
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            examples.add(_name_key(_(EXAMPLE_NAME)))
    return Reference(
        regency=regency,
        categories=categories,
        inactive_categories=inactive,
        regions=regions,
        statuses=_choice_words(CaseStatus.choices, STATUS_WORDS),
        close_reasons=_choice_words(CloseReason.choices, CLOSE_WORDS),
        nikless_open_cases=nikless,
        example_names=examples,
        today=today or timezone.localdate(),
    )


def _name_key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


# ---------------------------------------------------------------------------------------------
# Rows


VALID, ERROR, DUPLICATE = "valid", "error", "duplicate"
ROW = ""  # the "column" of reasons about the whole row

_max_length = {
    "name": Person._meta.get_field("name").max_length,
    "birth_place": Person._meta.get_field("birth_place").max_length,
    "address": Person._meta.get_field("address").max_length,
}


@dataclass(slots=True)
class RowResult:
    """One data row: what it says, what is wrong with it, and what it will become."""

    number: int
    cells: list
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    duplicate: str = ""  # why the row repeats a row or a registered case
    nik: str | None = None
    kk: str = ""
    name: str = ""
    sex: str = ""
    birth_place: str = ""
    birth_date: date | None = None
    category: Category | None = None
    region: Region | None = None
    address: str = ""
    found_on: date | None = None
    status: str = CaseStatus.REGISTERED
    close_reason: str = ""
    is_pasung: bool = False
    notes: str = ""
    person_id: int | None = None  # an existing person the case is for
    same_person_as: int | None = None  # the row of this file whose person the case is for

    @property
    def kind(self) -> str:
        if self.errors:
            return ERROR
        return DUPLICATE if self.duplicate else VALID

    def add_error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def reasons(self) -> list[tuple[str, str]]:
        """(column, reason) pairs; the column is ROW for reasons about the whole row."""
        reasons = [
            (column, message) for column, messages in self.errors.items() for message in messages
        ]
        if self.duplicate and not self.errors:
            reasons.append((ROW, self.duplicate))
        return reasons


class RowChecker:
    """Checks rows chunk by chunk; remembers what the file said before, to find repeated rows."""

    def __init__(self, header: Header, reference: Reference):
        self.header = header
        self.ref = reference
        self.positions = {column: header.columns.get(column) for column in COLUMNS}
        self.rows_with_nik: dict[str, tuple[int, str, int | None]] = {}
        self.nik_categories: dict[tuple[str, int], int] = {}
        self.rows_without_nik: dict[tuple, int] = {}
        self.open_cases: set[tuple[int, int]] = set()

    # -- one row, without the database

    def _get(self, cells: list, column: str):
        position = self.positions[column]
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    def parse(self, number: int, cells: list) -> RowResult:
        row = RowResult(number=number, cells=cells)
        get = self._get
        ref = self.ref
        name = " ".join(_text(get(cells, "nama")).split())
        if not name:
            row.add_error("nama", _("The name is required."))
        elif len(name) > _max_length["name"]:
            row.add_error("nama", _("At most %(n)s characters.") % {"n": _max_length["name"]})
        elif _name_key(name) in ref.example_names:
            row.add_error(ROW, _("This is the template's example row: delete it."))
        row.name = name

        sex_text = _words(get(cells, "jenis_kelamin"))
        row.sex = _lookup(SEX_WORDS, sex_text) or ""
        if not row.sex:
            row.add_error(
                "jenis_kelamin",
                _("Write L (male) or P (female).") if sex_text else _("Sex is required: L or P."),
            )

        birth_text = get(cells, "tanggal_lahir")
        if _text(birth_text).casefold() not in BLANKS:
            try:
                row.birth_date = parse_date(birth_text)
            except ValueError as error:
                row.add_error("tanggal_lahir", str(error))
            else:
                if row.birth_date > ref.today:
                    row.add_error("tanggal_lahir", _("The birth date is in the future."))
                elif row.birth_date.year < 1900:
                    row.add_error("tanggal_lahir", _("The birth date is before 1900."))

        self._parse_nik(row, get(cells, "nik"))
        kk_text = get(cells, "no_kk")
        if _text(kk_text).casefold() not in BLANKS:
            kk = check_kk(_text(kk_text).lstrip("'"), today=ref.today)
            if kk.errors:
                row.errors["no_kk"] = kk.errors
            else:
                row.kk = normalise_number(_text(kk_text).lstrip("'"))

        row.birth_place = self._optional_text(row, "tempat_lahir", "birth_place", cells)
        row.address = self._optional_text(row, "alamat", "address", cells)
        notes = _text(get(cells, "catatan"))
        row.notes = "" if notes.casefold() in BLANKS else notes

        self._parse_category(row, get(cells, "kategori"))
        self._parse_region(row, get(cells, "kode_wilayah"))

        found_text = get(cells, "tanggal_ditemukan")
        if _text(found_text).casefold() in BLANKS:
            row.add_error("tanggal_ditemukan", _("The date found is required."))
        else:
            try:
                row.found_on = parse_date(found_text)
            except ValueError as error:
                row.add_error("tanggal_ditemukan", str(error))
            else:
                if row.found_on > ref.today:
                    row.add_error("tanggal_ditemukan", _("The date found cannot be in the future."))
                elif row.birth_date and row.found_on < row.birth_date:
                    row.add_error(
                        "tanggal_ditemukan", _("The date found is before the birth date.")
                    )

        self._parse_status(row, get(cells, "status"), get(cells, "alasan_ditutup"))
        pasung = _text(get(cells, "pasung")).casefold()
        if pasung in YES_WORDS:
            row.is_pasung = True
        elif pasung not in NO_WORDS:
            row.add_error("pasung", _("Write ya or tidak."))
        return row

    def _optional_text(self, row: RowResult, column: str, attribute: str, cells: list) -> str:
        text = " ".join(_text(self._get(cells, column)).split())
        if text.casefold() in BLANKS:
            return ""
        if len(text) > _max_length[attribute]:
            row.add_error(column, _("At most %(n)s characters.") % {"n": _max_length[attribute]})
        return text

    def _parse_nik(self, row: RowResult, value) -> None:
        # A whole number: the cell was a number, not text, and Excel keeps 15 significant digits.
        as_number = isinstance(value, int) and value >= 10 ** (EXCEL_DIGITS - 1)
        raw = str(value) if isinstance(value, int) else _text(value).lstrip("'")
        if raw.casefold() in BLANKS:
            return
        checked = check_nik(
            raw, sex=row.sex or None, birth_date=row.birth_date, today=self.ref.today
        )
        if checked.errors:
            row.errors["nik"] = checked.errors
            if as_number:
                row.add_error(
                    "nik",
                    _(
                        "The NIK was stored as a number, so its last digits may "
                        "be lost. Format the column as text and type the 16 "
                        "digits again."
                    ),
                )
            return
        row.nik = normalise_number(raw)
        if as_number:
            row.warnings.append(
                _(
                    "The NIK was stored as a number, not text: a spreadsheet keeps "
                    "15 digits, so check its last digit."
                )
            )
        row.warnings.extend(checked.warnings)

    def _parse_category(self, row: RowResult, value) -> None:
        text = _words(value)
        if not text:
            row.add_error("kategori", _("The category is required."))
            return
        category = self.ref.categories.get(text)
        if category is None:
            # "AJ - Anak Jalanan": the code before the dash.
            code = _words(re.split(r"\s[-–—]\s|:", _text(value), maxsplit=1)[0])
            category = self.ref.categories.get(code)
        if category is not None:
            row.category = category
        elif text in self.ref.inactive_categories:
            row.add_error(
                "kategori", _("Category %(value)s is no longer in use.") % {"value": _text(value)}
            )
        else:
            row.add_error(
                "kategori",
                _("%(value)s is not a known category code or name.") % {"value": _text(value)},
            )

    def _parse_region(self, row: RowResult, value) -> None:
        code = region_code(value)
        if not code:
            row.add_error("kode_wilayah", _("The region code is required."))
            return
        if not DOTTED_CODE.match(code):
            row.add_error(
                "kode_wilayah",
                _("%(value)s is not a region code like 64.72.05.1002, 64.72.05 or 64.72.")
                % {"value": _text(value)},
            )
            return
        region = self.ref.regions.get(code)
        if region is None:
            row.add_error(
                "kode_wilayah", _("There is no region with code %(code)s.") % {"code": code}
            )
            return
        if region.level == Level.PROVINCE:
            row.add_error(
                "kode_wilayah", _("Give at least the regency/city code, not the province.")
            )
            return
        try:
            _check_place(self.ref.regency.code, region)
        except ValidationError as error:
            row.add_error(
                "kode_wilayah",
                _(
                    "%(reason)s Staff import only into their own "
                    "regency/city; the row is rejected, not moved."
                )
                % {"reason": " ".join(error.messages)},
            )
            return
        if not region.is_active:
            row.add_error(
                "kode_wilayah", _("Region %(code)s is no longer active.") % {"code": code}
            )
            return
        row.region = region

    def _parse_status(self, row: RowResult, value, reason_value) -> None:
        text = _words(value)
        if text:
            status = self.ref.statuses.get(text)
            if status is None:
                row.add_error(
                    "status",
                    _(
                        "%(value)s is not a status: write terdaftar, "
                        "terverifikasi, ditangani, selesai, dirujuk or ditutup."
                    )
                    % {"value": _text(value)},
                )
                return
            row.status = status
        reason_text = _words(reason_value)
        if row.status == CaseStatus.CLOSED:
            reason = self.ref.close_reasons.get(reason_text)
            if reason is None:
                row.add_error(
                    "alasan_ditutup",
                    _(
                        "A closed case needs alasan_ditutup: "
                        "meninggal, pindah, menolak or duplikat."
                    ),
                )
            else:
                row.close_reason = reason

    # -- a chunk of rows, with the registry

    def check_chunk(self, rows: list[tuple[int, list]]) -> list[RowResult]:
        """Checks the rows, in order, with one query for their NIKs and one for open cases."""
        results = [self.parse(number, cells) for number, cells in rows]
        niks = {
            r.nik for r in results if r.nik and not r.errors and r.nik not in self.rows_with_nik
        }
        registered = {}
        if niks:
            for pk, nik, regency_id, name, merged_into in Person.objects.filter(
                nik__in=niks
            ).values_list("pk", "nik", "regency_id", "name", "merged_into_id"):
                registered[nik] = (merged_into or pk, regency_id, name)
        same_regency = [
            pk
            for pk, regency_id, _name in registered.values()
            if regency_id == self.ref.regency.code
        ]
        if same_regency:
            self.open_cases.update(
                Case.objects.filter(person_id__in=same_regency)
                .exclude(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
                .values_list("person_id", "category_id")
            )
        for row in results:
            if not row.errors:
                self._against_file_and_registry(row, registered)
        return results

    def _against_file_and_registry(self, row: RowResult, registered: dict) -> None:
        category_id = row.category.pk
        if row.nik:
            earlier = self.nik_categories.get((row.nik, category_id))
            if earlier is not None:
                row.duplicate = _("Repeats row %(row)s (same NIK and category).") % {"row": earlier}
                return
            first = self.rows_with_nik.get(row.nik)
            if first is not None:
                first_row, first_name, person_id = first
                if first_name != _name_key(row.name):
                    row.add_error(
                        "nik",
                        _("Row %(row)s has this NIK under another name.") % {"row": first_row},
                    )
                    return
                row.same_person_as, row.person_id = first_row, person_id
            else:
                found = registered.get(row.nik)
                if found is not None:
                    person_id, regency_id, name = found
                    if regency_id != self.ref.regency.code:
                        row.add_error("nik", _("This NIK is registered in another regency/city."))
                        return
                    row.person_id = person_id
                    if _name_key(name) != _name_key(row.name):
                        row.warnings.append(
                            _(
                                "This NIK is registered under the name %(name)s; the case is added "
                                "to that person."
                            )
                            % {"name": name}
                        )
            if row.person_id is not None and (row.person_id, category_id) in self.open_cases:
                row.duplicate = _("This person already has an open case in this category.")
                return
            self.rows_with_nik.setdefault(row.nik, (row.number, _name_key(row.name), row.person_id))
            self.nik_categories[(row.nik, category_id)] = row.number
            return
        key = (_name_key(row.name), row.sex, row.birth_date, category_id)
        earlier = self.rows_without_nik.get(key)
        if earlier is not None:
            row.duplicate = _("Repeats row %(row)s (same name, sex, birth date and category).") % {
                "row": earlier
            }
            return
        case_pk = self.ref.nikless_open_cases.get((key[0], row.birth_date, category_id))
        if case_pk is not None:
            row.duplicate = _(
                "Already registered: open case %(case)s has the same name, birth date and category."
            ) % {"case": case_pk}
            return
        self.rows_without_nik[key] = row.number


# ---------------------------------------------------------------------------------------------
# Going through a file


def _is_blank(cells: list) -> bool:
    return all(isinstance(cell, str) and not cell.strip() for cell in cells)


@dataclass
class Tally:
    """What a check or a commit found: counts, and samples for the preview page."""

    total: int = 0
    valid: int = 0
    errors: int = 0
    duplicates: int = 0
    with_warnings: int = 0
    without_nik: int = 0
    new_persons: int = 0
    existing_persons: int = 0
    written: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.errors + self.duplicates

    def add(self, row: RowResult, header: Header) -> None:
        kind = row.kind
        if kind == ERROR:
            self.errors += 1
        elif kind == DUPLICATE:
            self.duplicates += 1
        if kind != VALID:
            if len(self.problems) < SAMPLE_ROWS:
                self.problems.append(_problem(row, header))
            return
        self.valid += 1
        code = row.category.code
        self.by_category[code] = self.by_category.get(code, 0) + 1
        if not row.nik:
            self.without_nik += 1
        if row.same_person_as is None:
            if row.person_id is None:
                self.new_persons += 1
            else:
                self.existing_persons += 1
        if row.warnings:
            self.with_warnings += 1
            if len(self.warnings) < SAMPLE_ROWS:
                self.warnings.append({"row": row.number, "messages": row.warnings})
        if len(self.preview) < PREVIEW_VALID_ROWS:
            self.preview.append(
                {
                    "row": row.number,
                    "name": row.name,
                    "nik": _masked(row.nik or ""),
                    "sex": row.sex,
                    "birth_date": row.birth_date.isoformat() if row.birth_date else "",
                    "category": code,
                    "region": f"{row.region.code} {row.region.name}",
                    "status": row.status,
                    "person": (
                        "existing"
                        if row.person_id
                        else "same_as_row"
                        if row.same_person_as
                        else "new"
                    ),
                }
            )

    def counts(self) -> dict:
        return {
            "total": self.total,
            "valid": self.valid,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "with_warnings": self.with_warnings,
            "without_nik": self.without_nik,
            "new_persons": self.new_persons,
            "existing_persons": self.existing_persons,
            "by_category": dict(sorted(self.by_category.items())),
        }


def _masked(value: str) -> str:
    """A valid-looking 16-digit number is masked; anything else is shown so it can be fixed."""
    if len(value) == 16 and value.isdigit():
        return f"{value[:4]}{'*' * 8}{value[-4:]}"
    return value


def _column_label(header: Header, column: str) -> str:
    position = header.columns.get(column)
    return header.cells[position] if position is not None else column


def _problem(row: RowResult, header: Header) -> dict:
    reasons = []
    for column, message in row.reasons():
        position = header.columns.get(column)
        value = row.cells[position] if position is not None and position < len(row.cells) else ""
        reasons.append(
            {
                "column": _column_label(header, column) if column else "",
                "value": _masked(str(value).strip()),
                "message": message,
            }
        )
    return {"row": row.number, "kind": row.kind, "reasons": reasons}


def process_rows(
    rows: Iterable[tuple[int, list]],
    checker: RowChecker,
    *,
    on_rejected: Callable[[RowResult], None],
    on_valid: Callable[[list[RowResult]], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    keep: Callable[[int, list], None] | None = None,
) -> Tally:
    """Checks every non-blank row, chunk by chunk; valid rows go to `on_valid` (the writer)."""
    tally = Tally()
    chunk: list[tuple[int, list]] = []

    def flush():
        results = checker.check_chunk(chunk)
        valid = []
        for row in results:
            tally.add(row, checker.header)
            if row.kind == VALID:
                valid.append(row)
            else:
                on_rejected(row)
        if on_valid is not None and valid:
            on_valid(valid)
            tally.written += len(valid)
        chunk.clear()
        if on_progress is not None:
            on_progress(tally.total)

    for number, cells in rows:
        if _is_blank(cells):
            continue
        tally.total += 1
        if tally.total > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": MAX_ROWS}
            )
        if keep is not None:
            keep(number, cells)
        chunk.append((number, cells))
        if len(chunk) >= CHUNK_ROWS:
            flush()
    if chunk:
        flush()
    return tally


# ---------------------------------------------------------------------------------------------
# Writing (inside the commit's transaction)


class _Inserter:
    """Multi-row INSERTs of plain values into one model's table, ids returned when asked.

    Django's bulk_create prepares every value of every object through its field (most of the
    commit's time when it wrote 5 records per row); here each column's adapter is chosen once.
    Defaults come from the model's fields, so a column added later gets its default. Without
    INSERT ... RETURNING (SQLite before 3.35) it falls back to bulk_create.
    """

    def __init__(self, model, given: list[str], now: datetime):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.given = given
        conn = connection
        defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.attname not in given:
                defaults[f.attname] = f.get_default()
        self.defaults = defaults
        self.order = [
            (given.index(f.attname) if f.attname in given else None, f) for f in self.fields
        ]
        self.adapters = []
        for position, f in enumerate(self.fields):
            kind = f.get_internal_type()
            if kind == "DateField":
                self.adapters.append((position, conn.ops.adapt_datefield_value))
            elif kind == "DateTimeField":
                self.adapters.append((position, conn.ops.adapt_datetimefield_value))
            elif kind == "JSONField":
                self.adapters.append((position, lambda v, f=f: f.get_db_prep_save(v, conn)))
        quote = conn.ops.quote_name
        # Table and column names come from the model, quoted; values are always parameters.
        self.head = "INSERT INTO %s (%s) VALUES " % (  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in self.fields),
        )
        self.returning = " RETURNING %s" % quote(model._meta.pk.column)
        self.placeholder = "(%s)" % ", ".join(["%s"] * len(self.fields))
        limit = conn.features.max_query_params or 65535
        self.per_statement = max(1, min(500, limit // len(self.fields)))

    def _values(self, row: tuple) -> list:
        values = [
            row[position] if position is not None else self.defaults[f.attname]
            for position, f in self.order
        ]
        for position, adapt in self.adapters:
            if values[position] is not None:
                values[position] = adapt(values[position])
        return values

    def insert(self, rows: list[tuple], *, returning: bool = False) -> list[int]:
        """Inserts rows (values in the order of `given`); their new ids when `returning`."""
        if returning and not connection.features.can_return_rows_from_bulk_insert:
            objects = [self.model(**dict(zip(self.given, row, strict=True))) for row in rows]
            self.model.objects.bulk_create(objects, batch_size=self.per_statement)
            return [obj.pk for obj in objects]
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.per_statement):
                part = rows[start : start + self.per_statement]
                params = [value for row in part for value in self._values(row)]
                sql = self.head + ", ".join([self.placeholder] * len(part))
                if returning:
                    cursor.execute(sql + self.returning, params)
                    ids.extend(row[0] for row in cursor.fetchall())
                else:
                    cursor.execute(sql, params)
        return ids


class _Record:
    """Attribute access to a record's values, for audit.services.field_changes."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


PERSON_COLUMNS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "village_id",
    "regency_id",
    "created_by_id",
]
CASE_COLUMNS = [
    "person_id",
    "category_id",
    "programme",
    "regency_id",
    "district_id",
    "village_id",
    "found_on",
    "registered_on",
    "source",
    "status",
    "close_reason",
    "status_changed_on",
    "notes",
    "created_by_id",
]
TRANSITION_COLUMNS = ["case_id", "to_status", "effective_on", "reason", "by_id"]
AUDIT_COLUMNS = [
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "regency_id",
    "changes",
    "reason",
]


class RowWriter:
    """Bulk-inserts valid rows: persons, cases, first status changes, pasung records, audit."""

    def __init__(self, *, batch: ImportBatch, actor, reference: Reference):
        self.batch = batch
        self.regions = reference.regions
        self.actor_id = actor.pk
        self.today = reference.today
        self.regency_id = batch.regency_id
        self.person_of_nik: dict[str, int] = {}
        self.person_label = Person._meta.label_lower
        self.case_label = Case._meta.label_lower
        self.case_fields = CASE_FIELDS + ["programme", "status"]
        now = timezone.now()
        self.persons = _Inserter(Person, PERSON_COLUMNS, now)
        self.cases = _Inserter(Case, CASE_COLUMNS, now)
        self.transitions = _Inserter(CaseTransition, TRANSITION_COLUMNS, now)
        self.pasung = _Inserter(PasungDetail, ["case_id", "restraint_form"], now)
        self.audit = _Inserter(AuditEvent, AUDIT_COLUMNS, now)

    def _reason(self, row: RowResult) -> str:
        return _("Import %(batch)s, row %(row)s") % {"batch": self.batch.pk, "row": row.number}

    def _event(self, label: str, pk: int, record: _Record, fields: list[str], reason: str) -> tuple:
        # The event audit_record() writes for a created record, as one row of a bulk insert.
        return (
            self.actor_id,
            AuditEvent.Action.CREATE,
            label,
            str(pk),
            self.regency_id,
            field_changes(record, fields, {}),
            reason,
        )

    def write(self, rows: list[RowResult]) -> None:
        new_persons: dict = {}
        for row in rows:
            if row.person_id is None and row.nik in self.person_of_nik:
                row.person_id = self.person_of_nik[row.nik]
            key = row.nik or ("row", row.number)
            if row.person_id is None and key not in new_persons:
                new_persons[key] = row
        person_rows = list(new_persons.values())
        person_ids = self.persons.insert(
            [
                (
                    row.nik,
                    row.kk,
                    row.name,
                    row.sex,
                    row.birth_place,
                    row.birth_date,
                    row.address,
                    row.region.code if row.region.level == Level.VILLAGE else None,
                    self.regency_id,
                    self.actor_id,
                )
                for row in person_rows
            ],
            returning=True,
        )
        audit = []
        person_id_of = {}
        for key, row, pk in zip(new_persons, person_rows, person_ids, strict=True):
            person_id_of[key] = pk
            if row.nik:
                self.person_of_nik[row.nik] = pk
            record = _Record(
                {
                    "nik": row.nik,
                    "kk_number": row.kk,
                    "name": row.name,
                    "sex": row.sex,
                    "birth_place": row.birth_place,
                    "birth_date": row.birth_date,
                    "birth_date_is_estimate": False,
                    "address": row.address,
                    "village": row.region if row.region.level == Level.VILLAGE else None,
                    "phone": "",
                    "guardian_name": "",
                    "guardian_relation": "",
                    "guardian_phone": "",
                    "disability": "",
                    "notes": "",
                }
            )
            audit.append(
                self._event(self.person_label, pk, record, PERSON_FIELDS, self._reason(row))
            )

        case_values, case_records = [], []
        for row in rows:
            person_id = row.person_id or person_id_of[row.nik or ("row", row.number)]
            level = row.region.level
            district = (
                self.regions[".".join(row.region.code.split(".")[:3])]
                if level in (Level.DISTRICT, Level.VILLAGE)
                else None
            )
            village = row.region if level == Level.VILLAGE else None
            programme = _programme_for(row.category, row.is_pasung)
            case_values.append(
                (
                    person_id,
                    row.category.pk,
                    programme,
                    self.regency_id,
                    district.code if district else None,
                    village.code if village else None,
                    row.found_on,
                    self.today,
                    CaseSource.IMPORT.value,
                    row.status,
                    row.close_reason,
                    self.today,
                    row.notes,
                    self.actor_id,
                )
            )
            case_records.append(
                _Record(
                    {
                        "category": row.category,
                        "district": district,
                        "village": village,
                        "found_on": row.found_on,
                        "source": CaseSource.IMPORT.value,
                        "notes": row.notes,
                        "programme": programme,
                        "status": row.status,
                    }
                )
            )
        case_ids = self.cases.insert(case_values, returning=True)
        self.transitions.insert(
            [
                (pk, row.status, row.found_on, self._reason(row), self.actor_id)
                for row, pk in zip(rows, case_ids, strict=True)
            ]
        )
        pasung = [(pk, "other") for row, pk in zip(rows, case_ids, strict=True) if row.is_pasung]
        if pasung:
            self.pasung.insert(pasung)
        audit.extend(
            self._event(self.case_label, pk, record, self.case_fields, self._reason(row))
            for row, pk, record in zip(rows, case_ids, case_records, strict=True)
        )
        self.audit.insert(audit)


# ---------------------------------------------------------------------------------------------
# Files kept with a batch


def read_table(handle, fmt: str) -> tuple[Iterator[tuple[int, list]], int, str]:
    return read_xlsx(handle) if fmt == XLSX else read_csv(handle)


def _derived_name(batch: ImportBatch, suffix: str) -> str:
    base, _ext = os.path.splitext(batch.file.name)
    return f"{base}.{suffix}"


def _store(name: str, path: Path) -> str:
    """Puts a finished temporary file into storage under `name`, replacing an older one."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as handle:
        return default_storage.save(name, File(handle))


class _JsonLines:
    """A temporary JSON-lines file, written as rows go by."""

    def __init__(self, directory: str, name: str):
        self.path = Path(directory) / name
        self.handle = self.path.open("w", encoding="utf-8")
        self.count = 0

    def write(self, item) -> None:
        self.handle.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        self.handle.write("\n")
        self.count += 1

    def close(self) -> None:
        self.handle.close()


def _rejected_item(row: RowResult) -> list:
    return [row.number, row.kind, row.cells, row.reasons()]


def _stored_rows(batch: ImportBatch) -> Iterator[tuple[int, list]]:
    """The data rows as the check read them (or the original file, if that copy is gone)."""
    name = batch.summary.get("files", {}).get("rows")
    if name and default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            for line in handle:
                number, cells = json.loads(line)
                yield number, cells
        return
    header_row = batch.summary["header"]["row"]
    with batch.file.open("rb") as handle:
        rows, _estimate, _delimiter = read_table(handle, batch.summary["format"])
        for number, cells in rows:
            if number > header_row:
                yield number, cells


def rejected_rows(batch: ImportBatch) -> Iterator[tuple[int, str, list, list]]:
    """(row number, kind, original cells, [(column, reason)]) of the batch's rejected rows."""
    name = batch.summary.get("files", {}).get("rejected")
    if not name or not default_storage.exists(name):
        return
    with default_storage.open(name, "rb") as handle:
        for line in handle:
            number, kind, cells, reasons = json.loads(line)
            yield number, kind, cells, reasons


def _reason_text(header: Header, reasons: list) -> str:
    return "; ".join(
        f"{_column_label(header, column)}: {message}" if column else message
        for column, message in reasons
    )


def _csv_safe(value) -> str:
    """No cell starts a formula when the file is opened in a spreadsheet (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "@", "\t", "\r") or (
        text[:1] == "-" and len(text) > 1 and not text[1].isdigit() and text[1] != " "
    ):
        return "'" + text
    return text


def rejected_csv_lines(batch: ImportBatch) -> Iterator[str]:
    """The rejected rows as CSV text (UTF-8 with BOM, the upload's delimiter), line by line."""
    header = Header.from_json(batch.summary["header"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=batch.summary.get("delimiter") or ",")

    def line(cells) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(header.cells + [SOURCE_ROW_COLUMN, REASON_COLUMN])
    width = len(header.cells)
    for number, _kind, cells, reasons in rejected_rows(batch):
        cells = (list(cells) + [""] * width)[:width]
        yield line(
            [_csv_safe(cell) for cell in cells] + [number, _csv_safe(_reason_text(header, reasons))]
        )


def write_rejected_xlsx(batch: ImportBatch, target) -> int:
    """The rejected rows as a workbook: failing cells shaded, with the reason as a comment."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    header = Header.from_json(batch.summary["header"])
    width = len(header.cells)
    text_columns = {
        header.columns[c] for c in ("nik", "no_kk", "kode_wilayah") if c in header.columns
    }
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="FFC7CE")
    author = _("PMKS portal")

    def text_cell(value, position=None):
        cell = WriteOnlyCell(sheet, value="" if value is None else value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula
        if position in text_columns:
            cell.number_format = "@"
        return cell

    titles = []
    for title in header.cells + [SOURCE_ROW_COLUMN, REASON_COLUMN]:
        cell = text_cell(title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    count = 0
    for number, _kind, cells, reasons in rejected_rows(batch):
        cells = (list(cells) + [""] * width)[:width]
        by_column: dict[int, list[str]] = {}
        for column, message in reasons:
            position = header.columns.get(column)
            if position is not None:
                by_column.setdefault(position, []).append(message)
        row = []
        for position, value in enumerate(cells):
            if position in text_columns and isinstance(value, int):
                value = str(value)
            cell = text_cell(value, position)
            if position in by_column:
                cell.fill = shade
                cell.comment = Comment("\n".join(by_column[position]), author)
            row.append(cell)
        row.append(number)
        row.append(text_cell(_reason_text(header, reasons)))
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count


# ---------------------------------------------------------------------------------------------
# The template


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
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    today = timezone.localdate()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "data"
    sheet.append(COLUMNS)
    example = _example_row(regency, today)
    sheet.append([example[column] for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    text_columns = [COLUMNS.index(c) + 1 for c in ("nik", "no_kk", "kode_wilayah")]
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
    listing.append(["kode", _("name"), _("target programme")])
    for category in categories:
        listing.append([category.code, category.name, category.get_programme_display()])
    listing.column_dimensions["B"].width = 45

    places = workbook.create_sheet("wilayah")
    places.append(["kode_wilayah", _("level"), _("name")])
    for region in Region.objects.filter(
        code__startswith=f"{regency.code}.", is_active=True
    ).order_by("code"):
        places.append([region.code, region.get_level_display(), region.name])
    places.column_dimensions["A"].width = 18
    places.column_dimensions["C"].width = 35

    notes = workbook.create_sheet("petunjuk")
    for line in _template_instructions():
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    workbook.save(target)


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


# ---------------------------------------------------------------------------------------------
# Services: create, check, commit a batch


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def current_progress(batch: ImportBatch) -> int:
    """The batch's progress: while it runs, the cache is fresher than the row (see commit)."""
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING):
        cached = cache.get(progress_key(batch.pk))
        if cached is not None:
            return max(int(cached), batch.progress)
    return batch.progress


def _progress(
    batch_id: int, total: int, *, start: int, span: int, write_row: bool
) -> Callable[[int], None]:
    last = {"rows": 0}

    def report(rows_done: int) -> None:
        if rows_done - last["rows"] < PROGRESS_EVERY:
            return
        last["rows"] = rows_done
        share = min(rows_done / total, 1.0) if total else 0.0
        percent = min(99, start + int(span * share))
        cache.set(progress_key(batch_id), percent, 3600)
        if write_row:
            ImportBatch.objects.filter(pk=batch_id).update(progress=percent)

    return report


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        failure=message,
        progress=0,
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(batch_id))


def _require_write(actor, regency_code: str) -> None:
    if not access.can_write_record(actor, regency_code):
        raise PermissionDenied


def _queue(task_name: str, batch_id: int) -> None:
    from cases import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(batch_id))


@transaction.atomic
def import_batch_create(
    *, actor, regency: Region, upload, name: str = "", queue: bool = True
) -> ImportBatch:
    """Stores an uploaded spreadsheet (after the type, size and archive checks) and queues its
    check. Raises ImportFileError for a file that cannot be imported at all."""
    _require_write(actor, regency.code)
    fmt = check_upload(upload)
    original = os.path.basename(name or getattr(upload, "name", "") or "import")[:200]
    batch = ImportBatch(
        regency=regency,
        uploaded_by=actor,
        original_name=original,
        summary={"format": fmt, "language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    batch.file.save(f"{uuid.uuid4().hex}.{fmt}", File(upload), save=False)
    batch.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=batch,
        changes={"file": [None, original]},
        regency_id=regency.code,
    )
    if queue:
        _queue("check_import", batch.pk)
    return batch


def import_batch_check(batch_id: int) -> ImportBatch | None:
    """Checks a waiting batch; a batch in any other state is left alone (the task may rerun)."""
    batch = ImportBatch.objects.select_related("regency").filter(pk=batch_id).first()
    if batch is None or batch.status not in (
        ImportBatch.Status.UPLOADED,
        ImportBatch.Status.CHECKING,
    ):
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKING, progress=0, failure=""
    )
    with translation.override(batch.summary.get("language") or settings.LANGUAGE_CODE):
        try:
            _check_batch(batch)
        except ImportFileError as error:
            _fail(batch.pk, str(error))
        except Exception:
            logger.exception("import_check_failed batch=%s", batch.pk)
            _fail(
                batch.pk,
                _(
                    "The check stopped on an unexpected error. Try again, or tell the "
                    "administrator."
                ),
            )
    batch.refresh_from_db()
    return batch


def _check_batch(batch: ImportBatch) -> None:
    fmt = batch.summary["format"]
    with batch.file.open("rb") as handle, tempfile.TemporaryDirectory() as directory:
        rows, estimate, delimiter = read_table(handle, fmt)
        header, rows = find_header(rows)
        checker = RowChecker(header, load_reference(batch.regency))
        kept = _JsonLines(directory, "rows.jsonl")
        rejected = _JsonLines(directory, "rejected.jsonl")
        try:
            tally = process_rows(
                rows,
                checker,
                on_rejected=lambda row: rejected.write(_rejected_item(row)),
                on_progress=_progress(
                    batch.pk,
                    max(estimate - header.row_number, 1),
                    start=0,
                    span=100,
                    write_row=True,
                ),
                keep=lambda number, cells: kept.write([number, cells]),
            )
        finally:
            kept.close()
            rejected.close()
        if tally.total == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        files = {
            "rows": _store(_derived_name(batch, "rows.jsonl"), kept.path),
            "rejected": _store(_derived_name(batch, "rejected.jsonl"), rejected.path),
        }
    summary = dict(batch.summary)
    summary.update(
        {
            "delimiter": delimiter,
            "header": header.as_json(),
            "files": files,
            "counts": tally.counts(),
            "problems": tally.problems,
            "warnings": tally.warnings,
            "preview": tally.preview,
            "checked_at": timezone.now().isoformat(),
        }
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKED,
        progress=100,
        total_rows=tally.total,
        valid_rows=tally.valid,
        error_rows=tally.errors,
        duplicate_rows=tally.duplicates,
        summary=summary,
        failure="",
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(batch.pk))


@transaction.atomic
def import_batch_recheck(*, actor, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Checks a checked or failed batch again, e.g. after colleagues changed the registry."""
    _require_write(actor, batch.regency_id)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED):
        raise ValidationError(_("This import cannot be checked again now."))
    locked.status, locked.progress, locked.failure = ImportBatch.Status.UPLOADED, 0, ""
    locked.save(update_fields=["status", "progress", "failure"])
    if queue:
        _queue("check_import", locked.pk)
    return locked


@transaction.atomic
def import_batch_commit_request(
    *, actor, batch: ImportBatch, warnings_confirmed: bool, queue: bool = True
) -> ImportBatch:
    """Asks for a checked batch to be saved; the commit task does the work."""
    _require_write(actor, batch.regency_id)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("Only a checked import can be saved."))
    if locked.valid_rows == 0:
        raise ValidationError(_("No row of this file can be saved."))
    if locked.summary.get("counts", {}).get("with_warnings") and not warnings_confirmed:
        raise ValidationError(_("Confirm that you have read the warnings."))
    locked.status, locked.progress = ImportBatch.Status.COMMITTING, 0
    locked.summary = {**locked.summary, "commit_requested_by": actor.pk}
    locked.save(update_fields=["status", "progress", "summary"])
    if queue:
        _queue("commit_import", locked.pk)
    return locked


class NothingToSave(Exception):
    pass


def import_batch_commit(batch_id: int) -> ImportBatch | None:
    """Saves the rows still valid, all in one transaction; a rerun after success does nothing.

    On any failure nothing is saved, and the batch says why.
    """
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.COMMITTING:
        return batch
    with translation.override(batch.summary.get("language") or settings.LANGUAGE_CODE):
        try:
            _commit_batch(batch_id)
        except NothingToSave:
            _fail(
                batch_id,
                _(
                    "No row can be saved any more: the registry changed since the "
                    "check. Nothing was saved; check the file again."
                ),
            )
        except PermissionDenied:
            _fail(
                batch_id,
                _(
                    "The person who asked to save this import may no longer write "
                    "records of this regency/city. Nothing was saved."
                ),
            )
        except IntegrityError:
            logger.warning("import_commit_integrity batch=%s", batch_id, exc_info=True)
            _fail(
                batch_id,
                _(
                    "While saving, a record in the file was registered by someone else "
                    "(the same NIK). Nothing was saved; check the file again."
                ),
            )
        except Exception as error:
            logger.exception("import_commit_failed batch=%s", batch_id)
            _fail(
                batch_id,
                _(
                    "Saving stopped on an unexpected error (%(error)s). Nothing was "
                    "saved. Check the file again, or tell the administrator."
                )
                % {"error": type(error).__name__},
            )
    batch.refresh_from_db()
    return batch


def _commit_batch(batch_id: int) -> None:
    from accounts.models import User

    with tempfile.TemporaryDirectory() as directory:
        rejected = _JsonLines(directory, "rejected.jsonl")
        try:
            with transaction.atomic():
                batch = (
                    ImportBatch.objects.select_for_update()
                    .select_related("regency")
                    .get(pk=batch_id)
                )
                if batch.status != ImportBatch.Status.COMMITTING:
                    return
                actor = User.objects.get(
                    pk=batch.summary.get("commit_requested_by") or batch.uploaded_by_id
                )
                _require_write(actor, batch.regency_id)
                reference = load_reference(batch.regency)
                header = Header.from_json(batch.summary["header"])
                writer = RowWriter(batch=batch, actor=actor, reference=reference)
                tally = process_rows(
                    _stored_rows(batch),
                    RowChecker(header, reference),
                    on_rejected=lambda row: rejected.write(_rejected_item(row)),
                    on_valid=writer.write,
                    on_progress=_progress(
                        batch.pk, batch.total_rows, start=0, span=100, write_row=False
                    ),
                )
                if tally.written == 0:
                    raise NothingToSave
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    target=batch,
                    changes={
                        "cases": [None, tally.written],
                        "persons": [None, tally.new_persons],
                        "rejected": [None, tally.rejected],
                    },
                    reason=_("Import of %(file)s") % {"file": batch.original_name},
                    regency_id=batch.regency_id,
                )
                checked_valid = batch.valid_rows
                summary = dict(batch.summary)
                summary.update(
                    {
                        "counts": tally.counts(),
                        "problems": tally.problems,
                        "warnings": tally.warnings,
                        "preview": tally.preview,
                        "committed_at": timezone.now().isoformat(),
                        "changed_since_check": max(checked_valid - tally.written, 0),
                    }
                )
                batch.status, batch.progress = ImportBatch.Status.COMMITTED, 100
                batch.valid_rows, batch.error_rows = tally.valid, tally.errors
                batch.duplicate_rows, batch.committed_rows = tally.duplicates, tally.written
                batch.summary, batch.finished_at = summary, timezone.now()
                batch.save()
        finally:
            rejected.close()
        # Only once the rows are saved does the list of rejected rows change.
        name = batch.summary.get("files", {}).get("rejected") or _derived_name(
            batch, "rejected.jsonl"
        )
        stored = _store(name, rejected.path)
        if stored != name:
            ImportBatch.objects.filter(pk=batch_id).update(
                summary={**batch.summary, "files": {**batch.summary["files"], "rejected": stored}}
            )
    cache.delete(progress_key(batch_id))


# ---------------------------------------------------------------------------------------------
# Without a batch: the operators' dry run


def check_file(
    path: Path,
    *,
    regency: Region,
    on_progress: Callable[[int], None] | None = None,
    errors_out=None,
) -> tuple[Header, Tally]:
    """Checks a file on disk, saving nothing; rejected rows go to `errors_out` as CSV."""
    with path.open("rb") as handle:
        fmt = check_upload(handle)
        rows, _estimate, delimiter = read_table(handle, fmt)
        header, rows = find_header(rows)
        checker = RowChecker(header, load_reference(regency))
        writer = None
        if errors_out is not None:
            writer = csv.writer(errors_out, delimiter=delimiter or ",")
            writer.writerow(header.cells + [SOURCE_ROW_COLUMN, REASON_COLUMN])
        width = len(header.cells)

        def rejected(row: RowResult) -> None:
            if writer is not None:
                cells = (list(row.cells) + [""] * width)[:width]
                writer.writerow(
                    [_csv_safe(cell) for cell in cells]
                    + [row.number, _csv_safe(_reason_text(header, row.reasons()))]
                )

        tally = process_rows(rows, checker, on_rejected=rejected, on_progress=on_progress)
    return header, tally


def summary_lines(tally: Tally) -> list[str]:
    """The counts of a check, one sentence each (for the command and logs)."""
    return [
        ngettext("%(n)s row read.", "%(n)s rows read.", tally.total) % {"n": tally.total},
        ngettext("%(n)s row can be saved", "%(n)s rows can be saved", tally.valid)
        % {"n": tally.valid}
        + " "
        + _("(%(new)s new persons, %(existing)s already registered, %(nonik)s without NIK).")
        % {
            "new": tally.new_persons,
            "existing": tally.existing_persons,
            "nonik": tally.without_nik,
        },
        ngettext("%(n)s row has errors.", "%(n)s rows have errors.", tally.errors)
        % {"n": tally.errors},
        ngettext("%(n)s row is a duplicate.", "%(n)s rows are duplicates.", tally.duplicates)
        % {"n": tally.duplicates},
        ngettext("%(n)s row has warnings.", "%(n)s rows have warnings.", tally.with_warnings)
        % {"n": tally.with_warnings},
    ]
