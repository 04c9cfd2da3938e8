"""The partner directory and a group's partnerships."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kube.models.choices import PartnerType, SupportKind
from kube.models.common import MONEY
from kube.models.groups import Kube
from kube.querysets import PartnerQuerySet
from pmks_portal import access


class Partner(models.Model):
    """An organisation that supports KUBE: a company (Forum CSR), a university, an LKS, ...

    The directory is province-wide: partners work across regencies, and names of organisations
    are not personal data. Links to groups (KubePartnership) belong to the group's regency.
    """

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="kube_partner_unique_name",
                violation_error_message=_("A partner with this name exists already."),
            )
        ]

    def __str__(self):
        return self.name

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_REFERENCE)


class KubePartnership(models.Model):
    """What a partner gives a group (kemitraan), from when until when."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="partnerships")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="partnerships"
    )
    supports = models.JSONField(_("what they give"), default=list)
    value = models.DecimalField(_("value (Rp)"), null=True, blank=True, **MONEY)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "partner"],
                condition=Q(ended_on__isnull=True),
                name="kube_partnership_once_open",
                violation_error_message=_("This partner is already linked to the group."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="kube_partnership_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="kube_partnership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.partner} → {self.kube}"

    def support_labels(self) -> list[str]:
        labels = dict(SupportKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.supports]

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)
