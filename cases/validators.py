"""Field rules of the registry that forms, services and imports share."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

BIRTH_DATE_IN_FUTURE = gettext_lazy("The date of birth cannot be after today.")


def birth_date_not_in_future(value: date | None, today: date | None = None) -> None:
    """ValidationError for a date of birth after today (in WITA, the portal's time zone)."""
    if value and value > (today or timezone.localdate()):
        raise ValidationError(BIRTH_DATE_IN_FUTURE, code="future")
