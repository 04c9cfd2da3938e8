"""Reading a DTSEN extract in the by-name-by-address layout (NIK, No. KK, name, sex, birth date,
village code, decile, status): the header, then each row checked as the registry checks its own
(cases/nik.py for NIK and KK structure, the regions table for village codes).

The file itself is read by the case import's reader (cases/importing/files.py): the same size,
type and zip-bomb checks, CSV in any of the office encodings, or the first XLSX sheet.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from cases.importing.errors import ImportFileError
from cases.importing.header import HEADER_SEARCH_ROWS, normalise_header
from cases.importing.values import SEX_WORDS, as_words, cell_text, parse_date, region_code
from cases.nik import check_kk, check_nik, normalise_number
from pmks_portal.masking import mask_if_identifier
from pmks_portal.names import clean_name

COLUMNS = ["nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "desil", "status"]
REQUIRED = ["nik", "no_kk", "nama", "kode_desa", "desil"]
ALIASES = {
    "nik": {"nik", "no_nik", "nomor_induk_kependudukan"},
    "no_kk": {"no_kk", "nomor_kk", "kk", "no_kartu_keluarga", "nomor_kartu_keluarga"},
    "nama": {"nama", "nama_lengkap", "nama_art"},
    "jenis_kelamin": {"jenis_kelamin", "jk", "l_p", "lp", "kelamin"},
    "tanggal_lahir": {"tanggal_lahir", "tgl_lahir", "tgl_lhr"},
    "kode_desa": {"kode_desa", "kode_wilayah", "kode_kelurahan", "kode_desa_kelurahan", "kdesa"},
    "desil": {"desil", "desil_nasional", "peringkat_desil", "desil_kesejahteraan"},
    "status": {"status", "status_dtsen", "keterangan", "status_art"},
}
LOOKUP = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
STATUS_WORDS = {
    "aktif": {"", "aktif", "ada", "hidup"},
    "meninggal": {"meninggal", "meninggal dunia", "wafat", "md"},
    "pindah": {"pindah", "pindah domisili", "pindah alamat"},
}
STATUS_LOOKUP = {word: status for status, words in STATUS_WORDS.items() for word in words}
SEX_LOOKUP = {word: sex for sex, words in SEX_WORDS.items() for word in words}


@dataclass
class RowProblem:
    row: int
    column: str
    value: str
    message: str

    def as_json(self) -> dict:
        # A NIK or KK in a problem is shown masked: the page is the province's, not the record.
        return {
            "row": self.row,
            "column": self.column,
            "value": mask_if_identifier(self.value),
            "message": self.message,
        }


def find_columns(rows: Iterator[tuple[int, list]]) -> dict[str, int]:
    """Where each column sits, from the header row among the first rows; ImportFileError when
    the file is not in the DTSEN layout."""
    best: dict[str, int] = {}
    for number, cells in rows:
        found: dict[str, int] = {}
        for position, text in enumerate(cells):
            column = LOOKUP.get(normalise_header(text))
            if column and column not in found:
                found[column] = position
        if all(column in found for column in REQUIRED):
            return found
        best = max(best, found, key=len)
        if number >= HEADER_SEARCH_ROWS:
            break
    missing = [column for column in REQUIRED if column not in best]
    raise ImportFileError(
        _(
            "This is not a DTSEN extract in the by-name-by-address layout: no header row names "
            "the columns %(missing)s. The header must name: %(columns)s."
        )
        % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
    )


class RowChecker:
    """Checks rows one by one; remembers NIKs so a second row with one is an error.

    Speed matters (100,000 rows and more): cells are read once by position, a family card's
    check is done once per card (a household shares it), and the words of sex and status are
    looked up as written before they are normalised.
    """

    def __init__(self, *, columns: dict[str, int], villages: set[str], province: str, today):
        self.positions = [(column, columns.get(column)) for column in COLUMNS]
        self.villages = villages
        self.province = province
        self.today = today
        self.first_row_of: dict[str, int] = {}
        self.kk_errors: dict[str, list[str]] = {}

    def _cells(self, cells: list) -> dict[str, str]:
        width = len(cells)
        return {
            column: cell_text(cells[position]) if position is not None and position < width else ""
            for column, position in self.positions
        }

    def check(self, number: int, cells: list) -> tuple[dict | None, list[RowProblem]]:
        """(the row's values, []) or (None, its problems)."""
        problems: list[RowProblem] = []

        def problem(column, value, message):
            problems.append(RowProblem(number, column, str(value), message))

        cell = self._cells(cells)
        raw_nik = cell["nik"]
        nik = raw_nik if len(raw_nik) == 16 and raw_nik.isdigit() else normalise_number(raw_nik)
        nik_check = check_nik(raw_nik, today=self.today)
        for message in nik_check.errors:
            problem("nik", raw_nik, message)
        if nik_check.ok:
            first = self.first_row_of.setdefault(nik, number)
            if first != number:
                problem("nik", nik, _("This NIK is also on row %(row)s.") % {"row": first})
        raw_kk = cell["no_kk"]
        kk_errors = self.kk_errors.get(raw_kk)
        if kk_errors is None:
            kk_errors = self.kk_errors[raw_kk] = check_kk(raw_kk, today=self.today).errors
        for message in kk_errors:
            problem("no_kk", raw_kk, message)
        name = clean_name(cell["nama"])
        if not name:
            problem("nama", "", _("The name is empty."))
        raw_sex = cell["jenis_kelamin"]
        sex = _word(SEX_LOOKUP, raw_sex) if raw_sex else nik_check.sex
        if sex is None:
            problem("jenis_kelamin", raw_sex, _("Write L or P."))
        birth_date = self._birth_date(cell["tanggal_lahir"], nik_check, problem)
        village = self._village(cell["kode_desa"], problem)
        decile = self._decile(cell["desil"], problem)
        raw_status = cell["status"]
        status = _word(STATUS_LOOKUP, raw_status)
        if status is None:
            problem("status", raw_status, _("Write aktif, meninggal or pindah (or leave empty)."))
        if problems:
            return None, problems
        return {
            "nik": nik,
            "kk_number": raw_kk if len(raw_kk) == 16 else normalise_number(raw_kk),
            "name": name[:150],
            "sex": sex,
            "birth_date": birth_date,
            "village_code": village,
            "regency_code": village[:5],
            "decile": decile,
            "status": status,
        }, []

    def _birth_date(self, raw, nik_check, problem) -> date | None:
        if not raw:
            return nik_check.birth_date
        try:
            return parse_date(raw)
        except ValueError as error:
            problem("tanggal_lahir", raw, str(error))
            return None

    def _village(self, raw, problem) -> str:
        code = raw if raw in self.villages else region_code(raw)
        if code in self.villages:
            return code
        if code[:2] != self.province and code[:2].isdigit():
            problem(
                "kode_desa",
                raw,
                _("Village %(code)s is in province %(province)s, not in this province.")
                % {"code": code, "province": code[:2]},
            )
        else:
            problem(
                "kode_desa",
                raw,
                _("%(code)s is no village (desa/kelurahan) code of the province.")
                % {"code": code or "—"},
            )
        return code

    def _decile(self, raw, problem) -> int:
        if raw in DECILES:
            return DECILES[raw]
        try:
            decile = int(float(raw)) if raw and float(raw).is_integer() else None
        except ValueError:
            decile = None
        if decile is None or not 1 <= decile <= 10:
            problem("desil", raw, _("The decile must be a whole number from 1 to 10."))
        return decile or 0


DECILES = {str(decile): decile for decile in range(1, 11)}


def _word(lookup: dict[str, str], raw: str) -> str | None:
    """The value a word stands for: as written (most files), else as words ('Laki-Laki')."""
    found = lookup.get(raw.casefold())
    return found if found is not None else lookup.get(as_words(raw))
