"""The password policy of BSSN Regulation 4/2021, beside Django's own validators.

`ComplexityValidator`: at least 12 characters with an upper-case letter, a lower-case letter, a
digit and a symbol. `HistoryValidator`: none of the user's last N passwords again; it keeps the
hashes of the passwords a user has had (PasswordHistory), never the passwords. Which of them
run is settings.AUTH_PASSWORD_VALIDATORS, chosen by PMKS_PASSWORD_POLICY (README, "Passwords").
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class ComplexityValidator:
    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        missing = []
        if len(password) < self.min_length:
            missing.append(
                ngettext(
                    "at least %(count)d character",
                    "at least %(count)d characters",
                    self.min_length,
                )
                % {"count": self.min_length}
            )
        if not any(char.isupper() for char in password):
            missing.append(_("an upper-case letter"))
        if not any(char.islower() for char in password):
            missing.append(_("a lower-case letter"))
        if not any(char.isdigit() for char in password):
            missing.append(_("a digit"))
        if not any(not char.isalnum() and not char.isspace() for char in password):
            missing.append(_("a symbol such as - ! # or @"))
        if missing:
            raise ValidationError(
                _("The password needs %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_not_complex",
            )

    def get_help_text(self):
        return _(
            "At least %(count)d characters, with an upper-case letter, a lower-case letter, "
            "a digit and a symbol."
        ) % {"count": self.min_length}


class HistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def _recent(self, user):
        from accounts.models import PasswordHistory

        return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(self._recent(user).values_list("password", flat=True)[: self.remember])
        # The current password counts as the newest even when it was set before history was kept.
        if user.has_usable_password() and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in hashes[: self.remember]):
            raise ValidationError(
                _(
                    "This password was used recently; choose one that is not among your last "
                    "%(count)d."
                )
                % {"count": self.remember},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Called by User.save() after a new password was set: keeps its hash, prunes older."""
        from accounts.models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = self._recent(user).values_list("pk", flat=True)[self.remember :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("Not one of your last %(count)d passwords.") % {"count": self.remember}
