from django import forms
from django.utils.translation import gettext_lazy as _


class DigestSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("E-mail me each morning about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nothing is sent on a day when none of these has anything waiting."),
    )

    def __init__(self, *args, worklists, chosen, **kwargs):
        super().__init__(*args, initial={"kinds": chosen}, **kwargs)
        self.fields["kinds"].choices = [(w.key, w.label) for w in worklists]

    def kinds_off(self) -> list[str]:
        chosen = set(self.cleaned_data["kinds"])
        return [key for key, _label in self.fields["kinds"].choices if key not in chosen]
