"""Structure checks for NIK and KK numbers (DOMAIN.md §4.3). There is no check digit.

Errors make a number unacceptable; warnings are disagreements with what was entered, which the
user confirms, because real NIKs contain mistakes and are not changed to match a form.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

# Province codes of Kemendagri (DOMAIN.md §4.3 rule 2).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21"}
    | {"31", "32", "33", "34", "35", "36", "51", "52", "53"}
    | {"61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
    | {"81", "82", "91", "92", "93", "94", "95", "96"}
)
DUMMIES = frozenset({"1234567890123456", "6543210987654321", "0123456789012345"})
SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


@dataclass
class NikCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None  # "L" or "P", as encoded

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise_number(raw) -> str:
    """Digits as typed: spaces, dots and dashes that people put in are removed."""
    return re.sub(r"[\s.\-]", "", str(raw or "")).strip()


def _full_year(two_digits: int, today: date) -> int:
    year = 2000 + two_digits
    return year if year <= today.year else 1900 + two_digits


def _structure_errors(raw, number: str, label: str) -> list[str]:
    if SCIENTIFIC.match(str(raw or "").strip()):
        return [
            _(
                "%(label)s looks like %(value)s: the spreadsheet turned it into a number in "
                "scientific notation. Format the column as text and type the 16 digits again."
            )
            % {"label": label, "value": str(raw).strip()}
        ]
    if not re.fullmatch(r"\d{16}", number):
        return [_("%(label)s must be exactly 16 digits.") % {"label": label}]
    if len(set(number)) == 1 or number in DUMMIES:
        return [
            _("%(label)s %(value)s is a placeholder, not a real number.")
            % {"label": label, "value": number}
        ]
    errors = []
    if number[:2] not in PROVINCE_CODES:
        errors.append(
            _("%(label)s starts with %(code)s, which is no province code.")
            % {"label": label, "code": number[:2]}
        )
    if number[2:4] == "00" or number[4:6] == "00":
        errors.append(_("%(label)s has no regency or district code (00).") % {"label": label})
    if number[12:] == "0000":
        errors.append(_("%(label)s ends in serial 0000, which is never issued.") % {"label": label})
    return errors


def check_nik(
    raw, *, sex: str | None = None, birth_date: date | None = None, today: date | None = None
) -> NikCheck:
    """Checks a NIK, and compares its encoded sex and birth date with what was entered."""
    today = today or timezone.localdate()
    nik = normalise_number(raw)
    result = NikCheck(errors=_structure_errors(raw, nik, "NIK"))
    if result.errors:
        return result
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    encoded_sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    try:
        encoded = date(_full_year(year, today), month, day)
    except ValueError:
        result.errors.append(
            _("NIK digits 7-12 are not a real birth date (DDMMYY, +40 for women).")
        )
        return result
    result.birth_date, result.sex = encoded, encoded_sex
    if sex and sex != encoded_sex:
        result.warnings.append(
            _("The NIK encodes sex %(nik_sex)s but %(sex)s was entered.")
            % {"nik_sex": encoded_sex, "sex": sex}
        )
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        encoded.day,
        encoded.month,
        encoded.year % 100,
    ):
        result.warnings.append(
            _("The NIK encodes birth date %(nik_date)s but %(date)s was entered.")
            % {"nik_date": encoded.strftime("%d-%m-%Y"), "date": birth_date.strftime("%d-%m-%Y")}
        )
    return result


def check_kk(raw, *, today: date | None = None) -> NikCheck:
    """Checks a family card (KK) number: like a NIK, but the date is the issue date (no +40)."""
    today = today or timezone.localdate()
    kk = normalise_number(raw)
    result = NikCheck(errors=_structure_errors(raw, kk, "KK"))
    if result.errors:
        return result
    day, month, year = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    try:
        issued = date(_full_year(year, today), month, day)
    except ValueError:
        result.errors.append(_("KK digits 7-12 are not a real date (DDMMYY)."))
        return result
    if issued > today:
        result.errors.append(_("KK digits 7-12 give an issue date in the future."))
    return result


def one_digit_variants(nik: str) -> list[str]:
    """Every number that differs from this one in exactly one digit (144 for a NIK)."""
    return [
        f"{nik[:i]}{digit}{nik[i + 1 :]}"
        for i in range(len(nik))
        for digit in "0123456789"
        if digit != nik[i]
    ]
