from django import forms
from django.utils.translation import gettext_lazy as _


class PairMergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Keep this record"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why these are the same person"), max_length=500, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (person.pk, f"#{person.pk} · {person.name}") for person in (pair.first, pair.second)
        ]


class PairDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why these are two different people"),
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
    )
