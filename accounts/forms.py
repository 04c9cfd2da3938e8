from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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


class SignInForm(AuthenticationForm):
    """Django's sign-in form in the portal's words. Django's Indonesian catalogue puts "nama
    pengguna" before the field's name, which is "nama pengguna" itself, so the message is the
    portal's own. A deactivated account whose password is right is told so, with whom to ask:
    only someone who knows the password learns that the account exists."""

    error_messages = {
        "invalid_login": _("The username or the password is not right. Both are case-sensitive."),
        "inactive": _(
            "This account has been deactivated. Ask an administrator of the portal to activate "
            "it again."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and self._is_deactivated_with_this_password():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _is_deactivated_with_this_password(self) -> bool:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        account = User.objects.filter(username=username, is_active=False).first()
        return bool(account and password and account.check_password(password))
