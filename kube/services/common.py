"""What the KUBE services share: capability check, today's date, amount and date checks,
the group lock and the audit trail's masked values."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.services import field_changes
from cases.models import Person
from kube.models import (
    Kube,
)
from pmks_portal.masking import mask_account


def _today() -> date:
    return timezone.localdate()


def _not_in_future(day: date | None, field: str, label: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: _("%(label)s cannot be in the future.") % {"label": label}})


def _check_amounts(data: dict, fields: Iterable[str], model: type[models.Model]) -> None:
    errors = {}
    for field in fields:
        value = data.get(field)
        if value is not None and value < 0:
            label = capfirst(model._meta.get_field(field).verbose_name)
            errors[field] = _("%(field)s cannot be negative.") % {"field": label}
    if errors:
        raise ValidationError(errors)


def _lock_kube(kube: Kube) -> Kube:
    return Kube.objects.select_for_update().get(pk=kube.pk)


def _audited_value(field: str, value):
    return mask_account(value) if field == "bank_account_number" and value else value


def _audit_changes(obj, fields: list[str], before: dict) -> dict:
    changes = field_changes(obj, fields, before)
    if "year_formed" in changes:  # a year, not a quantity: no thousands separator in the trail
        changes["year_formed"] = [None if y is None else str(y) for y in changes["year_formed"]]
    if "bank_account_number" in changes:
        old, new = changes["bank_account_number"]
        changes["bank_account_number"] = [
            _audited_value("bank_account_number", old),
            mask_account(new),
        ]
    return changes


def _member_label(person: Person) -> str:
    return f"{person.name} (#{person.pk})"
