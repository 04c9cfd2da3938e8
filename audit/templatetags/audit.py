"""Showing an audit event's changes as people read them: field labels and choice labels."""

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from pmks_portal.masking import displayed_change

register = template.Library()


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _readable(field, value):
    if value is None or value == "":
        return "—"
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return value


@register.simple_tag
def readable_changes(event) -> list[tuple[str, object, object]]:
    """(label, old, new) for each change of the event, in the target model's own words."""
    try:
        model = apps.get_model(event.target_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, change in (event.changes or {}).items():
        if not (isinstance(change, list) and len(change) == 2):
            continue
        field = _field(model, name)
        # Reverse relations have no verbose_name; their key is shown as it is.
        verbose = getattr(field, "verbose_name", None)
        label = capfirst(verbose) if verbose else name
        old, new = (displayed_change(name, value) for value in change)
        rows.append((label, _readable(field, old), _readable(field, new)))
    return rows
