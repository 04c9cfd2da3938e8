"""Money fields' size and the month arithmetic of KUBE's models."""

from datetime import date
from decimal import Decimal

MONEY = {"max_digits": 15, "decimal_places": 2}
ZERO = Decimal("0")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
