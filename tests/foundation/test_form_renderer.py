"""The select lists written in Python give what Django's own templates give, character for
character, so that no page changes with the faster renderer (pmks_portal/form_renderer.py)."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from pmks_portal.form_renderer import FormRenderer
from regions.widgets import VillageSelect

CHOICES = [
    ("", "---------"),
    ("64.72.01.1001", 'Sungai Pinang Dalam & "Luar" <baru>'),
    (7, mark_safe("<b>tebal</b>")),
    ("Kecamatan", [("a", "A'"), ("b", "B")]),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES)
    optional = forms.ChoiceField(choices=CHOICES, required=False, disabled=True)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    village = forms.ChoiceField(
        choices=CHOICES, widget=VillageSelect(attrs={"class": "form-select", "data-x": 'a"b'})
    )
    word = forms.CharField()


@pytest.mark.parametrize(
    "data", [None, {"plain": "64.72.01.1001", "many": ["a", "7"], "village": "b", "word": "<x>"}]
)
def test_every_select_reads_as_django_s_templates_write_it(data):
    def form(renderer):
        if data:
            return Sample(data=data, renderer=renderer)
        return Sample(initial={"plain": 7, "optional": "b"}, renderer=renderer)

    fast, slow = form(FormRenderer()), form(DjangoTemplates())
    for name in Sample.base_fields:
        assert fast[name].as_widget() == slow[name].as_widget(), name
    assert "<optgroup" in fast["plain"].as_widget() and "selected" in fast["plain"].as_widget()
    assert fast.render() == slow.render()


def test_the_portal_s_forms_use_the_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "pmks_portal.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
