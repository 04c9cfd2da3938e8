"""A group's monthly reports and their corrections."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import lock_version, save_new_version
from audit.services import audit_record, field_changes, snapshot
from kube.health import report_due_on
from kube.models import (
    REPORT_MONEY_FIELDS,
    Kube,
    KubeReport,
    KubeReportRevision,
    KubeRules,
    first_of_month,
)
from kube.services.common import _check_amounts, _lock_kube, _today
from kube.services.stages import stage_refresh
from pmks_portal import access

REPORT_INPUT_FIELDS = [
    *REPORT_MONEY_FIELDS,
    "meetings_held",
    "bookkeeping_kept",
    "problems",
    "pendamping_notes",
]


def _check_report_values(data: dict) -> None:
    _check_amounts(data, REPORT_MONEY_FIELDS, KubeReport)


@transaction.atomic
def report_add(*, actor, kube: Kube, data: dict) -> KubeReport:
    """Records a group's monthly report: one per month, never for a future month, no negative
    amounts. Profit is revenue minus costs. Late when received after the due day."""
    access.require(access.can_write_record(actor, kube.regency_id))
    locked = _lock_kube(kube)
    rules = KubeRules.current()
    month = data.get("month")
    if month is None:
        raise ValidationError({"month": _("Choose the month of the report.")})
    month = first_of_month(month)
    today = _today()
    if month > first_of_month(today):
        raise ValidationError({"month": _("A report cannot be for a future month.")})
    if month.year < locked.year_formed:
        raise ValidationError(
            {
                "month": _("The group was formed in %(year)s, after this month.")
                % {"year": locked.year_formed}
            }
        )
    _check_report_values(data)
    duplicate_message = _(
        "There is a report for this month already; open it to correct it instead."
    )
    if KubeReport.objects.filter(kube=locked, month=month).exists():
        raise ValidationError({"month": duplicate_message})
    report = KubeReport(
        kube=locked,
        month=month,
        received_on=today,
        is_late=today > report_due_on(month, rules),
        submitted_by=actor,
        **{field: data[field] for field in REPORT_INPUT_FIELDS if field in data},
    )
    report.profit = report.revenue - report.costs
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"month": duplicate_message}) from None
    if locked.last_report_month is None or month > locked.last_report_month:
        locked.last_report_month = month
        locked.save(update_fields=["last_report_month"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=report,
        changes=field_changes(report, ["month", *REPORT_INPUT_FIELDS, "profit"], {}),
        regency_id=locked.regency_id,
    )
    stage_refresh(kube=locked, actor=actor)
    return report


@transaction.atomic
def report_correct(
    *, actor, report: KubeReport, expected_version: int, data: dict, reason: str
) -> KubeReport:
    """Corrects a monthly report. The values before are kept (KubeReportRevision and the audit
    trail, old → new), with who corrected and why; a reason is required."""
    access.require(access.can_write_record(actor, report.kube.regency_id))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is corrected.")})
    locked = lock_version(KubeReport, report.pk, expected_version)
    _check_report_values(data)
    before_values = locked.values()
    fields = [*REPORT_INPUT_FIELDS, "profit"]
    before = snapshot(locked, fields)
    for field in REPORT_INPUT_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.profit = locked.revenue - locked.costs
    locked.full_clean(validate_constraints=False)
    changes = field_changes(locked, fields, before)
    if not changes:
        return locked
    KubeReportRevision.objects.create(
        report=locked, number=locked.version, values=before_values, reason=reason, by=actor
    )
    save_new_version(
        locked, actor=actor, changes=changes, reason=reason, regency_id=locked.kube.regency_id
    )
    stage_refresh(kube=locked.kube, actor=actor)
    return locked
