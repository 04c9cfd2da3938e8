"""Rendered form fields, kept per process by what they show.

A list page's filter form took about half of the page's CPU (21 of 39 ms for the case list at
a million cases, measured by bench/run.py): crispy wraps every field in a template, and Django
renders every <option> of a select through one more. The same form, in the same state, renders
the same HTML, and a list's filters come in few states (most requests have none). So the HTML
is kept by a fingerprint of everything it is drawn from: the form's class and prefix, the
language, and per field its name, value, choices, label, help text, widget attributes (but for
the CSS classes crispy adds), required and disabled. A changed region or category list changes
the choices and so the key; a new release restarts the processes. A form with errors, or with
a field whose choices are a query (ModelChoiceField: reading them to make the key would cost
the query the render does), is rendered each time.
"""

import hashlib
from collections import OrderedDict
from threading import Lock

from django import forms
from django.utils.translation import get_language

MAX_ENTRIES = 512

_kept: OrderedDict[str, str] = OrderedDict()
_lock = Lock()


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def fingerprint(form: forms.BaseForm, variant: str) -> str | None:
    """The key of the form's rendered fields, or None when they must be rendered afresh."""
    if form.is_bound and form.errors:
        return None
    parts = [type(form).__qualname__, type(form).__module__, form.prefix, variant, get_language()]
    for bound in form:
        field = bound.field
        if isinstance(field, forms.ModelChoiceField):
            return None
        parts.append(
            [
                bound.name,
                _plain(bound.value()),
                _plain(getattr(field, "choices", None)),
                _plain(bound.label),
                _plain(field.help_text),
                # Not "class": crispy adds its classes to the widget as it renders, and a
                # date widget is shared between requests, so it differs after the first.
                _plain({k: v for k, v in field.widget.attrs.items() if k != "class"}),
                field.required,
                field.disabled,
                bound.is_hidden,
            ]
        )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def rendered(key: str | None, render) -> str:
    """The HTML kept under `key`, else `render()`, kept for next time (the oldest one goes)."""
    if key is None:
        return render()
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = render()
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return html


def forget() -> None:
    """Every kept rendering is dropped (tests that change templates or labels)."""
    with _lock:
        _kept.clear()
