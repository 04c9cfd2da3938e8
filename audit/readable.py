"""An audit event's changes as people read them: field labels and choice labels instead of
stored codes, yes/no instead of True/False, region names instead of codes, dates and numbers
the Indonesian way, and record numbers without a thousands separator ("No. 1276", not "1.276").

The trail stores what the services wrote (audit/services.py): mostly {field: [old, new]} of the
target's own fields, but also keys of a related record ("streetchilddetail.activity") and keys
that name an action ("member_added"). Each is resolved here, in one place.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pmks_portal.masking import displayed_change
from pmks_portal.templatetags.portal import rupiah

# Keys the services write that are no field of the target: what happened, in words.
ACTION_KEYS = {
    "member_added": _("member joined"),
    "member_left": _("member left"),
    "member": _("member"),
    "previous_chair": _("previous chair"),
    "partner_linked": _("partner linked"),
    "partner_ended": _("partnership ended"),
    "supports": _("support given"),
    "relapse": _("relapse"),
    "merged_person": _("person record merged into this one"),
    "merged_into": _("merged into person record"),
    "cases": _("cases moved"),
    "intervention": _("intervention"),
    "pasung_event": _("follow-up visit or re-shackling"),
    "attachment": _("photo or document"),
    "file": _("file"),
    "rejected_rows": _("rejected rows"),
    # A case import's batch: what its commit saved, and the province-wide file it was part of.
    "persons": _("new persons registered"),
    "rejected": _("rows left out"),
    "province_import": _("province-wide import"),
    "format": _("file format"),
    "regencies": _("responsible regencies/cities"),
    "second_factor": _("second factor"),
    "recovery_codes": _("recovery codes"),
    "referral": _("referral"),
    "stage_override": _("stage set by hand"),
    "effective_on": _("effective on"),
    "person": _("person record"),
}
# Keys whose values are codes of a choice list that no model field carries (a JSON list): the
# app that writes them registers the list (register_key_choices in its AppConfig.ready), since
# the audit app may not import the apps whose trail it keeps.
KEY_CHOICES: dict[str, type[models.Choices]] = {}
# Keys whose values number a record: shown as the number it is, never as a quantity.
RECORD_NUMBER_KEYS = {"merged_person", "merged_into", "person", "attachment", "province_import"}
# Keys whose values are region codes (one, or a list).
REGION_KEYS = {"regencies", "regency", "district", "village"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REGION_CODE = re.compile(r"^\d{2}(\.\d+)*$")


def register_key_choices(key: str, choices: type[models.Choices]) -> None:
    """Shows a change key's stored codes by the labels of `choices` (see KEY_CHOICES)."""
    KEY_CHOICES[key] = choices


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_of_key(model, key: str):
    """The field a change key names: the target's own, a related record's ("app model.field"
    written as "modelname.field"), or a field of that name elsewhere in the target's app (a
    KUBE event's "role" is its member's)."""
    if "." in key and model is not None:
        model_name, name = key.split(".", 1)
        return _field(_model(f"{model._meta.app_label}.{model_name}"), name)
    field = _field(model, key)
    if field is not None or model is None or key in ACTION_KEYS:
        return field
    for other in model._meta.app_config.get_models():
        candidate = _field(other, key)
        if candidate is not None and getattr(candidate, "choices", None):
            return candidate
    return None


def _label(field, key: str) -> str:
    if key in ACTION_KEYS:
        return capfirst(ACTION_KEYS[key])
    # Reverse relations have no verbose_name; their key is shown as it is.
    verbose = getattr(field, "verbose_name", None)
    return capfirst(verbose) if verbose else key


def _number(value, field) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if "rp" in str(getattr(field, "verbose_name", "")).lower():
        return rupiah(amount)
    places = getattr(field, "decimal_places", None)
    return formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def value_in_words(
    value, field=None, *, key: str = "", regions: dict[str, str] | None = None
) -> str:
    """One stored value as a person reads it: the field's choice label, yes/no, a date, a
    number the Indonesian way (Rupiah for amounts), a record number without separators."""
    regions = regions or {}
    key = key or getattr(field, "name", "")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return (
            ", ".join(value_in_words(item, field, key=key, regions=regions) for item in value)
            or "—"
        )
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key in REGION_KEYS and isinstance(value, str):
        return regions.get(value, value)
    if key in KEY_CHOICES:
        return str(dict(KEY_CHOICES[key].choices).get(value, value))
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if key in RECORD_NUMBER_KEYS or (isinstance(value, int) and "year" in key):
        return str(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, int | float | Decimal) or isinstance(field, models.DecimalField):
        if isinstance(field, models.ForeignKey):
            return str(value)
        return _number(value, field)
    return str(value)


def _region_codes(changes: dict) -> set[str]:
    codes = set()
    for key in REGION_KEYS & changes.keys():
        for side in changes[key] if isinstance(changes[key], list) else ():
            codes.update(side if isinstance(side, list) else [side])
    # Only codes (64.72): a case's district and village are stored by their names already.
    return {code for code in codes if isinstance(code, str) and REGION_CODE.match(code)}


def readable_changes(event) -> list[tuple[str, str, str]]:
    """(label, old, new) for each change of the event, in the target model's own words."""
    model = _model(event.target_type)
    changes = {
        key: change
        for key, change in (event.changes or {}).items()
        if isinstance(change, list) and len(change) == 2
    }
    regions = {}
    if codes := _region_codes(changes):
        region = apps.get_model("regions", "Region")
        regions = dict(region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for key, change in changes.items():
        field = _field_of_key(model, key)
        old, new = (displayed_change(key.rsplit(".", 1)[-1], value) for value in change)
        rows.append(
            (
                _label(field, key),
                value_in_words(old, field, key=key, regions=regions),
                value_in_words(new, field, key=key, regions=regions),
            )
        )
    return rows
