from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class RegionForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("For example the decree (Kepmendagri) that renamed the region."),
    )

    class Meta:
        model = Region
        fields = ["name", "is_active"]


class RegionDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason for deleting"), max_length=500)
