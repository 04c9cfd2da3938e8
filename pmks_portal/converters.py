"""Path converters bounded to what the database and the calendar hold, so an out-of-range value
in a URL is a 404 (no pattern matches) instead of an OverflowError or a ValueError in a view.

Django's `<int:>` takes any run of digits: /kube/1/laporan/9999999999/1/ reached the view and
date(9999999999, 1, 1) raised OverflowError; an id past PostgreSQL's bigint overflowed in the
driver. Every URL of the portal uses these instead (`tests/resilience/test_fuzz.py` walks them
all with bad values).
"""

from django.urls import register_converter

# PostgreSQL bigint, the type of every id (DEFAULT_AUTO_FIELD = BigAutoField).
MAX_ID = 2**63 - 1
MIN_YEAR, MAX_YEAR = 1900, 9999


class BoundedInt:
    regex = "[0-9]+"
    low = 0
    high = MAX_ID

    def to_python(self, value: str) -> int:
        # Too many digits is out of range already; do not parse a 10,000-digit number.
        if len(value) > len(str(self.high)):
            raise ValueError(value)
        number = int(value)
        if not self.low <= number <= self.high:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class IdConverter(BoundedInt):
    """A row id: 1 .. bigint's maximum."""

    low = 1


class YearConverter(BoundedInt):
    """A calendar year of the portal's records: 1900 .. 9999 (never year 0)."""

    regex = "[0-9]{4}"
    low, high = MIN_YEAR, MAX_YEAR


class MonthConverter(BoundedInt):
    """A month number: 1 .. 12."""

    regex = "[0-9]{1,2}"
    low, high = 1, 12


register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
