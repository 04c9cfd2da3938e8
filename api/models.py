"""API clients: other systems (field apps, SIKS-NG/DTSEN links, the open-data portal) that call
/api/v1/ with a token. Each client acts as a service account whose role and regency match its
scope, so every access rule of the portal applies to it unchanged (pmks_portal/access.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmks_portal import access


class ApiClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        if access.can(user, access.Capability.MANAGE_USERS):
            return self
        return self.none()

    def for_list(self):
        return self.select_related("regency", "created_by")


class ApiClient(models.Model):
    """A caller of the API. Its token is shown once; only its SHA-256 digest is kept."""

    name = models.CharField(_("name"), max_length=100)
    # No regency: the client reads the whole province (it may never write records then).
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "regency"},
    )
    can_read = models.BooleanField(_("read records"), default=True)
    can_write = models.BooleanField(_("write records"), default=False)
    can_aggregate = models.BooleanField(_("read aggregates"), default=False)
    # The first characters of the token find the row; the digest is compared in constant time.
    token_prefix = models.CharField(max_length=16, unique=True)
    token_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]
        constraints = [
            # Only a regency writes records, so a province-wide client never may.
            models.CheckConstraint(
                name="api_client_writes_only_in_a_regency",
                condition=models.Q(can_write=False) | models.Q(regency__isnull=False),
                violation_error_message=_("Only a client of one regency/city may write."),
            ),
            models.CheckConstraint(
                name="api_client_writer_reads",
                condition=models.Q(can_write=False) | models.Q(can_read=True),
                violation_error_message=_("A client that writes records must read them too."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def capabilities(self) -> frozenset[str]:
        """The client's API capabilities, as access.API_CAPABILITIES names them."""
        flags = {"read": self.can_read, "write": self.can_write, "aggregates": self.can_aggregate}
        return frozenset(name for name, granted in flags.items() if granted)

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.account.is_active

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_USERS)
