"""Money fields' size for KUBE's models; their month arithmetic is pmks_portal.months'."""

from decimal import Decimal

from pmks_portal.months import add_months, first_of_month  # noqa: F401 - kube.models exports them

MONEY = {"max_digits": 15, "decimal_places": 2}
ZERO = Decimal("0")
