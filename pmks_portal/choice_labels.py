"""get_<field>_display() of every model field with fixed choices, from a table per language.

Django's get_<field>_display() builds a dict of the field's choices at every call, hashing each
label; labels are lazy translations, so each hash is a catalogue lookup. The case page shows
about a hundred such labels (statuses, interventions, actions of its history): 16 ms of its
CPU went there (#13). Here each field's labels are resolved once per language and looked up by
value, with Django's answer for a value outside the choices (the value itself). Fields whose
choices are computed at each use (a callable) and methods a model defines itself keep Django's.
"""

from functools import partialmethod

from django.apps import apps
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


def _display(field):
    tables: dict[str | None, dict] = {}

    def get_display(self):
        value = getattr(self, field.attname)
        language = get_language()
        table = tables.get(language)
        if table is None:
            table = tables[language] = {
                make_hashable(choice): force_str(label, strings_only=True)
                for choice, label in field.flatchoices
            }
        key = make_hashable(value)
        return table[key] if key in table else force_str(value, strings_only=True)

    return get_display


def install() -> None:
    """Replaces the get_<field>_display() Django added to every model (AppConfig.ready)."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if not isinstance(field.choices, list | tuple) or not field.choices:
                continue
            if not isinstance(model.__dict__.get(name), partialmethod):
                continue  # the model's own method, or inherited from an abstract parent
            setattr(model, name, _display(field))
