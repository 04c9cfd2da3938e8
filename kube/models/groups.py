"""A KUBE group, and the history of its status and stage."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kube.models.choices import KubeStatus, Stage, StageChangeSource
from kube.models.reference import BusinessType
from kube.querysets import KubeQuerySet
from pmks_portal import access
from regions.models import place_field, regency_field


class Kube(models.Model):
    """A KUBE: a group of 5–10 poor heads of family running one business with a group grant."""

    name = models.CharField(_("group name"), max_length=150)
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        unique=True,
        help_text=_("Leave empty to have one given (KUBE/regency/year/number)."),
    )
    sk_number = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    sk_date = models.DateField(_("decree (SK) date"), null=True, blank=True)
    year_formed = models.PositiveSmallIntegerField(
        _("year formed"), validators=[MinValueValidator(1980), MaxValueValidator(2100)]
    )
    regency = regency_field()
    district = place_field(_("district"))
    village = place_field(_("village"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    business_type = models.ForeignKey(
        BusinessType, verbose_name=_("business type"), on_delete=models.PROTECT, related_name="+"
    )
    business_description = models.CharField(
        _("business, in a few words"), max_length=200, blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("account in the name of"), max_length=150, blank=True)
    pendamping_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("companion (portal user)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pendamping_name = models.CharField(_("companion (name)"), max_length=150, blank=True)
    pendamping_phone = models.CharField(_("companion's phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=KubeStatus.choices, default=KubeStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"))
    # The months for which a report is expected (DHIS2's "expected reports"): from the month the
    # group started reporting until the last month before it stopped being active.
    reporting_from = models.DateField(_("reports expected from"))
    reporting_until = models.DateField(_("reports expected until"), null=True, blank=True)
    last_report_month = models.DateField(_("latest report"), null=True, blank=True)
    computed_stage = models.CharField(
        _("computed stage"), max_length=20, choices=Stage.choices, default=Stage.TUMBUH
    )
    stage_score = models.PositiveSmallIntegerField(_("stage score"), default=0)
    stage_breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    stage_override = models.CharField(
        _("stage set by hand"), max_length=20, choices=Stage.choices, blank=True
    )
    stage_override_reason = models.TextField(_("why the stage was set by hand"), blank=True)
    # The stage in force: the hand-set one when there is one, else the computed one.
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.TUMBUH)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KubeQuerySet.as_manager()

    class Meta:
        verbose_name = _("KUBE")
        verbose_name_plural = _("KUBE")
        indexes = [
            models.Index(fields=["regency", "name", "id"], name="kube_regency_name"),
            models.Index(fields=["name", "id"], name="kube_name"),
            # The list's other sorts (newest, highest score), in keyset pages.
            models.Index(fields=["regency", "-created_at", "-id"], name="kube_regency_created"),
            models.Index(fields=["-created_at", "-id"], name="kube_created"),
            models.Index(fields=["regency", "-stage_score", "-id"], name="kube_regency_score"),
            models.Index(fields=["-stage_score", "-id"], name="kube_score"),
            models.Index(fields=["regency", "status", "stage"], name="kube_regency_status_stage"),
            models.Index(fields=["reporting_from", "reporting_until"], name="kube_reporting"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_until__isnull=True)
                | Q(reporting_until__gte=F("reporting_from")),
                name="kube_reporting_period_order",
            ),
            models.CheckConstraint(
                condition=Q(stage=F("stage_override"))
                | (Q(stage_override="") & Q(stage=F("computed_stage"))),
                name="kube_stage_is_override_or_computed",
            ),
        ]

    def __str__(self):
        return self.name

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.regency_id)

    @property
    def is_active(self) -> bool:
        return self.status == KubeStatus.ACTIVE

    @property
    def pendamping(self) -> str:
        if self.pendamping_user_id:
            return str(self.pendamping_user)
        return self.pendamping_name

    def expects_report_for(self, month: date) -> bool:
        return self.reporting_from <= month and (
            self.reporting_until is None or month <= self.reporting_until
        )


class KubeStatusChange(models.Model):
    """Active, inactive or graduated since when, by whom and why."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=KubeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=KubeStatus.choices)
    effective_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.from_status or '-'} -> {self.to_status}"


class KubeStageChange(models.Model):
    """Every change of a group's stage: computed from its indicators, or set by hand (with why)."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="stage_changes")
    source = models.CharField(max_length=20, choices=StageChangeSource.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.from_stage or '-'} -> {self.to_stage}"
