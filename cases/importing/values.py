"""What a cell may say, and how it is read: blanks, sexes, statuses, yes/no, dates, region
codes, names compared as people write them."""

import re
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import CaseStatus, CloseReason, Sex

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
NON_WORD = re.compile(r"[^0-9a-z]+")

# The template's example row is refused if left in the file (its name, in every language).
EXAMPLE_NAME = gettext_noop("EXAMPLE – delete this row")
# The same 15-significant-digit rule Excel applies: a 16-digit NIK typed as a number loses its last
# digit, which is why such NIKs get a warning.
EXCEL_DIGITS = 15


def cell_text(value) -> str:
    """A cell as stripped text ('' for an empty cell)."""
    return str(value).strip() if value is not None else ""


def as_words(value) -> str:
    """'Laki-Laki ' -> 'laki laki': lower-case words, as the word lists are written."""
    return " ".join(NON_WORD.sub(" ", cell_text(value).casefold()).split())


def parse_date(value) -> date:
    """A date written YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY (or an XLSX date cell)."""
    text = cell_text(value)
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
    text = cell_text(value).replace(" ", "")
    if UNDOTTED_CODE.match(text):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(part for part in parts if part)
    return text


def name_key(name: str) -> str:
    """A name as compared: spaces collapsed, case ignored."""
    return " ".join(str(name).split()).casefold()
