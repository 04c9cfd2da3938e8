"""What a user chose about the daily digest, and which digests were sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestOptOut(models.Model):
    """A kind of work (a worklist's key) the user does not want in the daily e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_opt_outs"
    )
    kind = models.CharField(_("kind of work"), max_length=40)

    class Meta:
        verbose_name = _("digest opt-out")
        verbose_name_plural = _("digest opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="digest_opt_out_once")]

    def __str__(self):
        return f"{self.user_id} · {self.kind}"


class DigestSent(models.Model):
    """One user's digest of one day: written before the e-mail is sent, in the same transaction,
    so that a second run (or a retry) on the same day sends nothing again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("day"))
    counts = models.JSONField(_("items by kind"), default=dict)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest sent")
        verbose_name_plural = _("daily digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="digest_sent_once_a_day")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.sent_on}"
