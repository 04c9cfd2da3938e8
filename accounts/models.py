from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import REGENCY_ROLES, Role
from pmks_portal import access


class UserQuerySet(models.QuerySet):
    def with_regency(self):
        return self.select_related("regency")

    def visible_to(self, user):
        if access.can(user, access.Capability.MANAGE_USERS):
            return self
        return self.none()


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A portal user. Regency roles belong to exactly one regency or city."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        limit_choices_to={"level": "regency"},
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_regency_matches_role",
                condition=(
                    Q(role__in=sorted(REGENCY_ROLES), regency__isnull=False)
                    | (~Q(role__in=sorted(REGENCY_ROLES)) & Q(regency__isnull=True))
                ),
                violation_error_message=_(
                    "Regency roles need a regency or city; other roles must not have one."
                ),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_regency_user(self) -> bool:
        return self.role in REGENCY_ROLES

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_USERS)


class PasswordHistory(models.Model):
    """The hash of a password a user had, so that it is not chosen again (accounts/passwords.py).
    Only the hash, as Django stores the current one; pruned to the last PMKS_PASSWORD_HISTORY."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("user")
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user")]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
