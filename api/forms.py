from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    regency = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("The whole province (read only)"),
        help_text=_("A client of one regency/city sees only its records."),
    )
    can_read = forms.BooleanField(label=_("Read records"), required=False, initial=True)
    can_write = forms.BooleanField(
        label=_("Write records"), required=False, help_text=_("Only for one regency/city.")
    )
    can_aggregate = forms.BooleanField(label=_("Read aggregates"), required=False)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = (
            Region.objects.regencies().in_province(settings.PMKS_PROVINCE_CODE).active()
        )
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(
            days=settings.PMKS_API_TOKEN_DAYS
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("can_write") and not cleaned.get("regency"):
            self.add_error("can_write", _("Only a client of one regency/city may write."))
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
