"""{% form_fields %} (pmks_portal/form_fragments.py): a list's filter fields are rendered once
per state of the form, and any change to what they show renders them again."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from cases.forms import CaseFilterForm
from pmks_portal import form_fragments
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    form_fragments.forget()
    yield
    form_fragments.forget()


def _filters(html: str) -> str:
    return re.search(r'<form method="get".*?</form>', html, re.S).group(0)


def _form(data=None):
    return CaseFilterForm(data, regency_limit="64.72", province_code=settings.PMKS_PROVINCE_CODE)


def test_the_filters_are_rendered_once_then_served_as_they_were(samarinda_staff, monkeypatch):
    client = client_for(samarinda_staff)
    first = _filters(client.get(reverse("cases:list")).content.decode())
    renders = []
    original = form_fragments.rendered

    def counting(key, render):
        return original(key, lambda: renders.append(key) or render())

    monkeypatch.setattr(form_fragments, "rendered", counting)
    again = _filters(client.get(reverse("cases:list")).content.decode())
    assert again == first and renders == []
    chosen = _filters(client.get(reverse("cases:list"), {"status": "closed"}).content.decode())
    assert len(renders) == 1
    assert re.search(r'<option value="closed" selected>', chosen)
    assert not re.search(r'<option value="closed" selected>', first)


def test_the_key_follows_the_value_the_choices_and_the_language(samarinda):
    from django.utils import translation

    blank = form_fragments.fingerprint(_form(), "t")
    assert blank == form_fragments.fingerprint(_form(), "t")
    assert blank != form_fragments.fingerprint(_form({"status": "closed"}), "t")
    assert blank != form_fragments.fingerprint(_form(), "another block")
    other_choices = _form()
    other_choices.fields["category"].choices = [("", "---------"), ("1", "Anak terlantar")]
    assert blank != form_fragments.fingerprint(other_choices, "t")
    with translation.override("en"):
        assert blank != form_fragments.fingerprint(_form(), "t")


def test_a_form_with_errors_is_rendered_every_time(samarinda):
    invalid = _form({"registered_from": "not a date"})
    assert not invalid.is_valid()
    assert form_fragments.fingerprint(invalid, "t") is None
