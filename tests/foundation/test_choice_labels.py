"""get_<field>_display() from the per-language tables says what Django's own says, for every
choice of every model field, in both languages, and for a value outside the choices."""

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils import translation


def _fields_with_choices():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field.choices, list | tuple) and field.choices:
                yield model, field


def test_every_label_is_the_one_django_gives_in_both_languages():
    checked = 0
    for model, field in _fields_with_choices():
        display = getattr(model, f"get_{field.name}_display")
        assert not isinstance(model.__dict__.get(f"get_{field.name}_display"), partialmethod)
        record = model()
        for value in [choice for choice, _label in field.flatchoices] + ["no-such-value", None]:
            setattr(record, field.attname, value)
            for language in ("id", "en"):
                with translation.override(language):
                    assert display(record) == models.Model._get_FIELD_display(record, field)
                    checked += 1
    assert checked > 500  # the statuses, categories' programmes, actions, roles, …


def test_the_labels_follow_the_language_of_the_request():
    from cases.models import Case

    case = Case(status="in_handling")
    with translation.override("en"):
        english = case.get_status_display()
    with translation.override("id"):
        indonesian = case.get_status_display()
    assert (english, indonesian) == ("In handling", "Dalam penanganan")
