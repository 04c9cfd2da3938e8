from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import REGENCY_ROLES
from regions.models import Region


class UserForm(forms.ModelForm):
    """Profile, role and regency of a user, as an administrator edits them."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "role", "regency"]
        help_texts = {
            "regency": _("Required for regency/city roles; left empty for the others."),
        }

    def __init__(self, *args, province_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = (
            Region.objects.regencies().active().in_province(province_code).order_by("name")
        )
        if self.instance.pk:
            # The username is the sign-in name and the key of the audit trail: it stays.
            self.fields["username"].disabled = True

    def clean(self):
        cleaned = super().clean()
        role, regency = cleaned.get("role"), cleaned.get("regency")
        if role in REGENCY_ROLES and regency is None:
            self.add_error("regency", _("Choose the regency or city this user works for."))
        return cleaned


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
