"""Report periods: a month (2026-10), a quarter (2026-Q4) or a year (2026)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from reports.indicators import add_months, month_end, months_between

# Reports start in 2000; checked before any date is made (year 0 has none: date() raised).
FIRST_YEAR = 2000
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"


@dataclass(frozen=True)
class Period:
    kind: str
    code: str  # 2026-10, 2026-Q4, 2026
    start: date
    end: date

    @property
    def months(self) -> list[date]:
        return months_between(self.start, self.end)

    @property
    def last_month(self) -> date:
        return self.end.replace(day=1)

    def label(self) -> str:
        if self.kind == MONTH:
            return formats.date_format(self.start, "F Y")
        if self.kind == QUARTER:
            return _("Quarter %(quarter)s %(year)s") % {
                "quarter": self.code[-1],
                "year": self.start.year,
            }
        return _("Year %(year)s") % {"year": self.start.year}


def parse_period(text: str, *, today: date | None = None) -> Period:
    """2026-10, 2026-Q4 or 2026; refused when it starts after today's month."""
    text = _iso_form((text or "").strip().upper())
    if (leading := re.match(r"\d{4}", text)) and int(leading[0]) < FIRST_YEAR:
        raise ValidationError(_("The period is too far back."))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValidationError(_("The month must be between 01 and 12."))
        start = date(year, month, 1)
        period = Period(MONTH, f"{year}-{month:02d}", start, month_end(start))
    elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        period = Period(QUARTER, f"{year}-Q{quarter}", start, month_end(add_months(start, 2)))
    elif re.fullmatch(r"\d{4}", text):
        year = int(text)
        period = Period(YEAR, str(year), date(year, 1, 1), date(year, 12, 31))
    else:
        raise ValidationError(
            _("Write the period as a month (2026-10), a quarter (2026-Q4) or a year (2026).")
        )
    if today is not None and period.start > today:
        raise ValidationError(_("The period has not begun yet."))
    return period


# A month named as people write it ("November 2026", "Okt 2026"), in Indonesian or English.
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("JANUARI", "JANUARY", "JAN"),
            ("FEBRUARI", "FEBRUARY", "FEB"),
            ("MARET", "MARCH", "MAR"),
            ("APRIL", "APR"),
            ("MEI", "MAY"),
            ("JUNI", "JUNE", "JUN"),
            ("JULI", "JULY", "JUL"),
            ("AGUSTUS", "AUGUST", "AGU", "AGT", "AUG"),
            ("SEPTEMBER", "SEP", "SEPT"),
            ("OKTOBER", "OCTOBER", "OKT", "OCT"),
            ("NOVEMBER", "NOV"),
            ("DESEMBER", "DECEMBER", "DES", "DEC"),
        ],
        start=1,
    )
    for name in names
}


def _iso_form(text: str) -> str:
    """ "NOVEMBER 2026" as 2026-11; any other text as it is (parse_period judges it)."""
    if (match := re.fullmatch(r"([A-Z]+)\.?\s+(\d{4})", text)) and match[1] in MONTH_NAMES:
        return f"{match[2]}-{MONTH_NAMES[match[1]]:02d}"
    return text


def period_choices(today: date, *, months: int = 24, quarters: int = 8) -> list:
    """The periods a report can be asked for, newest first, grouped for a select: the last
    `months` months, the last `quarters` quarters, and every year since FIRST_YEAR."""
    this_month = today.replace(day=1)
    month_list = [add_months(this_month, -n) for n in range(months)]
    quarter_starts = [
        add_months(this_month.replace(month=3 * ((this_month.month - 1) // 3) + 1), -3 * n)
        for n in range(quarters)
    ]

    def choice(code: str) -> tuple[str, str]:
        return code, parse_period(code).label()

    return [
        (_("Months"), [choice(f"{m:%Y-%m}") for m in month_list]),
        (
            _("Quarters"),
            [choice(f"{q.year}-Q{(q.month - 1) // 3 + 1}") for q in quarter_starts],
        ),
        (_("Years"), [choice(str(y)) for y in range(today.year, FIRST_YEAR - 1, -1)]),
    ]


def previous_month(today: date) -> Period:
    start = add_months(today.replace(day=1), -1)
    return Period(MONTH, f"{start:%Y-%m}", start, month_end(start))
