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
    text = (text or "").strip().upper()
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


def previous_month(today: date) -> Period:
    start = add_months(today.replace(day=1), -1)
    return Period(MONTH, f"{start:%Y-%m}", start, month_end(start))
