"""One data row checked: its values read (RowChecker.parse), then, a chunk at a time, against
the rows before it in the file and the registry (RowChecker.check_chunk).

Rules are those of the services: NIK and KK structure by ``cases.nik``, the place-in-regency
check by ``cases.services``, field lengths from the models.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.importing.header import COLUMNS, Header
from cases.importing.reference import Reference
from cases.importing.values import (
    BLANKS,
    DOTTED_CODE,
    EXCEL_DIGITS,
    NO_WORDS,
    SEX_WORDS,
    YES_WORDS,
    as_words,
    cell_text,
    name_key,
    parse_date,
    region_code,
)
from cases.models import Case, CaseStatus, Category, Person
from cases.nik import check_kk, check_nik, normalise_number
from cases.services import check_place
from cases.validators import BIRTH_DATE_IN_FUTURE
from pmks_portal.names import clean_name
from regions.models import Level, Region

VALID, ERROR, DUPLICATE = "valid", "error", "duplicate"
# A row of another regency/city: not this clerk's to fix or import, counted in one line.
OTHER_REGENCY = "other_regency"
ROW = ""  # the "column" of reasons about the whole row

_max_length = {
    "name": Person._meta.get_field("name").max_length,
    "birth_place": Person._meta.get_field("birth_place").max_length,
    "address": Person._meta.get_field("address").max_length,
}


def _lookup(words_by_value: dict, value: str) -> str | None:
    for result, words in words_by_value.items():
        if value in words:
            return result
    return None


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
    other_regency: bool = False  # its region lies in another regency/city of the province

    @property
    def kind(self) -> str:
        if self.other_regency:
            return OTHER_REGENCY
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
        name = clean_name(cell_text(get(cells, "nama")))
        if not name:
            row.add_error("nama", _("The name is required."))
        elif len(name) > _max_length["name"]:
            row.add_error("nama", _("At most %(n)s characters.") % {"n": _max_length["name"]})
        elif name_key(name) in ref.example_names:
            row.add_error(ROW, _("This is the template's example row: delete it."))
        row.name = name

        sex_text = as_words(get(cells, "jenis_kelamin"))
        row.sex = _lookup(SEX_WORDS, sex_text) or ""
        if not row.sex:
            row.add_error(
                "jenis_kelamin",
                _("Write L (male) or P (female).") if sex_text else _("Sex is required: L or P."),
            )

        birth_text = get(cells, "tanggal_lahir")
        if cell_text(birth_text).casefold() not in BLANKS:
            try:
                row.birth_date = parse_date(birth_text)
            except ValueError as error:
                row.add_error("tanggal_lahir", str(error))
            else:
                if row.birth_date > ref.today:
                    row.add_error("tanggal_lahir", str(BIRTH_DATE_IN_FUTURE))
                elif row.birth_date.year < 1900:
                    row.add_error("tanggal_lahir", _("The birth date is before 1900."))

        self._parse_nik(row, get(cells, "nik"))
        kk_text = get(cells, "no_kk")
        if cell_text(kk_text).casefold() not in BLANKS:
            kk = check_kk(cell_text(kk_text).lstrip("'"), today=ref.today)
            if kk.errors:
                row.errors["no_kk"] = kk.errors
            else:
                row.kk = normalise_number(cell_text(kk_text).lstrip("'"))

        row.birth_place = self._optional_text(row, "tempat_lahir", "birth_place", cells)
        row.address = self._optional_text(row, "alamat", "address", cells)
        notes = cell_text(get(cells, "catatan"))
        row.notes = "" if notes.casefold() in BLANKS else notes

        self._parse_category(row, get(cells, "kategori"))
        self._parse_region(row, get(cells, "kode_wilayah"))

        found_text = get(cells, "tanggal_ditemukan")
        if cell_text(found_text).casefold() in BLANKS:
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
        pasung = cell_text(get(cells, "pasung")).casefold()
        if pasung in YES_WORDS:
            row.is_pasung = True
        elif pasung not in NO_WORDS:
            row.add_error("pasung", _("Write ya or tidak."))
        return row

    def _optional_text(self, row: RowResult, column: str, attribute: str, cells: list) -> str:
        text = " ".join(cell_text(self._get(cells, column)).split())
        if text.casefold() in BLANKS:
            return ""
        if len(text) > _max_length[attribute]:
            row.add_error(column, _("At most %(n)s characters.") % {"n": _max_length[attribute]})
        return text

    def _parse_nik(self, row: RowResult, value) -> None:
        # A whole number: the cell was a number, not text, and Excel keeps 15 significant digits.
        as_number = isinstance(value, int) and value >= 10 ** (EXCEL_DIGITS - 1)
        raw = str(value) if isinstance(value, int) else cell_text(value).lstrip("'")
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
        text = as_words(value)
        if not text:
            row.add_error("kategori", _("The category is required."))
            return
        category = self.ref.categories.get(text)
        if category is None:
            # "AJ - Anak Jalanan": the code before the dash.
            code = as_words(re.split(r"\s[-–—]\s|:", cell_text(value), maxsplit=1)[0])
            category = self.ref.categories.get(code)
        if category is not None:
            row.category = category
        elif text in self.ref.inactive_categories:
            row.add_error(
                "kategori",
                _("Category %(value)s is no longer in use.") % {"value": cell_text(value)},
            )
        else:
            row.add_error(
                "kategori",
                _("%(value)s is not a known category code or name.") % {"value": cell_text(value)},
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
                % {"value": cell_text(value)},
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
            check_place(self.ref.regency.code, region)
        except ValidationError:
            # Another regency's row, whatever else it says: that regency's to import.
            row.other_regency = True
            return
        if not region.is_active:
            row.add_error(
                "kode_wilayah", _("Region %(code)s is no longer active.") % {"code": code}
            )
            return
        row.region = region

    def _parse_status(self, row: RowResult, value, reason_value) -> None:
        text = as_words(value)
        if text:
            status = self.ref.statuses.get(text)
            if status is None:
                row.add_error(
                    "status",
                    _(
                        "%(value)s is not a status: write terdaftar, "
                        "terverifikasi, ditangani, selesai, dirujuk or ditutup."
                    )
                    % {"value": cell_text(value)},
                )
                return
            row.status = status
        reason_text = as_words(reason_value)
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
            r.nik for r in results if r.nik and r.kind == VALID and r.nik not in self.rows_with_nik
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
            if row.kind == VALID:
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
                if first_name != name_key(row.name):
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
                    if name_key(name) != name_key(row.name):
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
            self.rows_with_nik.setdefault(row.nik, (row.number, name_key(row.name), row.person_id))
            self.nik_categories[(row.nik, category_id)] = row.number
            return
        key = (name_key(row.name), row.sex, row.birth_date, category_id)
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
