from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))

    def with_actor(self):
        return self.select_related("actor")


class AuditEvent(models.Model):
    """Who did what to which record, when, and what changed (old -> new). Never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DEACTIVATE = "deactivate", _("deactivated")
        ACTIVATE = "activate", _("activated")
        DELETE = "delete", _("deleted")
        TRANSITION = "transition", _("status changed")
        MERGE = "merge", _("merged")
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
        SIGN_OUT = "sign_out", _("signed out")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record"), max_length=64)
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.target_type}:{self.target_id}"


class AccessDigest(models.Model):
    """One week's digest of unusual access to sensitive records (audit/unusual_access.py): its
    row is written with the sending, so a second run of the same week sends nothing."""

    week_start = models.DateField(_("week from"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("unusual-access digest")
        verbose_name_plural = _("unusual-access digests")
        ordering = ["-week_start"]

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d}"
