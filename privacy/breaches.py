"""Breaches and the register of processing activities: written by administrators, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from pmks_portal import access
from pmks_portal.access import Capability
from privacy.models import Breach, BreachNotification, ProcessingActivity

BREACH_FIELDS = ["found_at", "description", "subjects_affected", "data_categories", "handling"]
ACTIVITY_FIELDS = [
    "name", "purpose", "legal_basis", "data_categories", "subject_categories", "recipients",
    "retention", "safeguards",
]  # fmt: skip


def _require(actor) -> None:
    if not access.can(actor, Capability.MANAGE_PRIVACY):
        raise PermissionDenied


@transaction.atomic
def breach_record(*, actor, data: dict) -> Breach:
    """A suspected breach, from when it was found: the 3 × 24 h to notify run from then."""
    _require(actor)
    breach = Breach(recorded_by=actor, **data)
    breach.full_clean()
    breach.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=breach,
        changes={
            "found_at": [None, str(breach.found_at)],
            "subjects": [None, breach.subjects_affected],
        },
    )
    return breach


@transaction.atomic
def breach_notify(*, actor, breach: Breach, data: dict) -> BreachNotification:
    """Records a notice sent about the breach (to the authority, the subjects, the public)."""
    _require(actor)
    notice = BreachNotification(breach=breach, recorded_by=actor, **data)
    notice.full_clean()
    notice.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=breach,
        changes={"notified": [None, f"{notice.recipient} {notice.sent_at}"]},
    )
    return notice


@transaction.atomic
def activity_save(*, actor, activity: ProcessingActivity | None, data: dict) -> ProcessingActivity:
    """Creates or changes an entry of the register, with what changed in the audit trail."""
    _require(actor)
    creating = activity is None
    if creating:
        activity, before = ProcessingActivity(), {}
    else:
        # Read again, locked: a bound form has already written its values on the instance.
        activity = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
        before = snapshot(activity, ACTIVITY_FIELDS)
    for field, value in data.items():
        setattr(activity, field, value)
    activity.updated_by = actor
    activity.full_clean()
    activity.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        target=activity,
        changes=field_changes(activity, ACTIVITY_FIELDS, before),
    )
    return activity
