"""A group's monthly business reports and their revisions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kube.models.common import MONEY, ZERO
from kube.models.groups import Kube

REPORT_MONEY_FIELDS = ["revenue", "costs", "capital", "iks_collected", "iks_used"]
REPORT_FIELDS = [
    *REPORT_MONEY_FIELDS,
    "profit",
    "meetings_held",
    "bookkeeping_kept",
    "problems",
    "pendamping_notes",
]


class KubeReport(models.Model):
    """A group's business in one month. One per group and month; a correction keeps the old
    values in KubeReportRevision and in the audit trail."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"))
    revenue = models.DecimalField(_("revenue (omzet)"), **MONEY)
    costs = models.DecimalField(_("costs"), **MONEY)
    # Revenue minus costs, kept so that sums and charts need no arithmetic; negative is a loss.
    profit = models.DecimalField(_("profit"), **MONEY)
    capital = models.DecimalField(_("capital and assets"), **MONEY)
    iks_collected = models.DecimalField(_("IKS collected"), default=ZERO, **MONEY)
    iks_used = models.DecimalField(_("IKS used"), default=ZERO, **MONEY)
    meetings_held = models.PositiveSmallIntegerField(
        _("meetings held"), default=0, validators=[MaxValueValidator(31)]
    )
    bookkeeping_kept = models.BooleanField(_("books kept"), default=False)
    problems = models.TextField(_("problems"), blank=True)
    pendamping_notes = models.TextField(_("companion's notes"), blank=True)
    received_on = models.DateField(_("received on"))
    is_late = models.BooleanField(_("late"), default=False)
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "month"],
                name="kube_report_one_per_month",
                violation_error_message=_("There is a report for this month already."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}), name=f"kube_report_{field}_not_negative"
                )
                for field in REPORT_MONEY_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(profit=F("revenue") - F("costs")), name="kube_report_profit_sum"
            ),
        ]
        indexes = [models.Index(fields=["month", "kube"], name="kube_report_month")]

    def __str__(self):
        return f"{self.kube_id} {self.month:%Y-%m}"

    def values(self) -> dict:
        """The reported figures, as plain text and numbers (for revisions and the audit trail)."""
        return {field: _plain(getattr(self, field)) for field in REPORT_FIELDS}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


class KubeReportRevision(models.Model):
    """The values of a report before a correction, who corrected it and why."""

    report = models.ForeignKey(KubeReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    values = models.JSONField(_("values before the correction"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="kube_report_revision")
        ]

    def __str__(self):
        return f"{self.report} r{self.number}"
