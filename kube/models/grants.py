"""Grants to a group and their disbursements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kube.models.choices import GrantSource
from kube.models.common import MONEY
from kube.models.groups import Kube
from kube.models.partners import Partner


class KubeGrant(models.Model):
    """A grant (bantuan stimulan / UEP) to the group: a group asset, not an individual one."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="grants")
    source = models.CharField(_("source"), max_length=20, choices=GrantSource.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("CSR partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    granted_on = models.DateField(_("date"))
    reference = models.CharField(_("decree or letter number"), max_length=150, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="kube_grant_amount_positive")
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


class GrantDisbursement(models.Model):
    """One stage (tahap) of a grant's payment into the group's account."""

    grant = models.ForeignKey(KubeGrant, on_delete=models.CASCADE, related_name="disbursements")
    number = models.PositiveSmallIntegerField(_("stage"))
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    disbursed_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="kube_disbursement_number"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="kube_disbursement_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.amount}"
