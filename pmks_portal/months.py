"""Month arithmetic: the one home of first_of_month / add_months / month_end for every app.

A month is represented by the date of its first day. Plain functions over dates, no database.
"""

from datetime import date


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (before, if negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`'s month."""
    return date.fromordinal(add_months(first_of_month(month), 1).toordinal() - 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included (first days of month)."""
    first, last = first_of_month(first), first_of_month(last)
    count = (last.year - first.year) * 12 + last.month - first.month
    return [add_months(first, n) for n in range(count + 1)]


def month_index(day: date) -> int:
    """A month as one integer (consecutive months differ by one): for arrays over months."""
    return day.year * 12 + day.month - 1
