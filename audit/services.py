"""Writing the audit trail. Called by the services of every app, in their transaction."""

from django.db import models

from audit.models import AuditEvent
from pmks_portal.masking import audited_changes


def field_changes(obj: models.Model, fields: list[str], old_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs from `old_values`."""
    changes = {}
    for field in fields:
        new = getattr(obj, field)
        if old_values.get(field) != new:
            changes[field] = [_plain(old_values.get(field)), _plain(new)]
    return changes


def created_changes(values: dict, fields: list[str]) -> dict:
    """field_changes(record, fields, {}) of a record just created, from its values by field
    name: for bulk writers, which record 100,000 of them without an instance for each."""
    return {
        field: [None, _plain(value)] for field in fields if (value := values[field]) is not None
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    return {field: getattr(obj, field) for field in fields}


# Most values are of these exact types: checked first, as bulk writers call this per field.
_PLAIN_TYPES = frozenset({str, int, bool, float, type(None)})


def _plain(value):
    if type(value) in _PLAIN_TYPES:
        return value
    # A related record is kept by its name, as people read the history, not by its key.
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_fields(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict | None = None,
    reason: str = "",
    regency_id: str | None = None,
) -> dict:
    """The values of the event audit_record() saves, by attribute: for writers that insert
    many in bulk (no model instance per event, which a bulk writer pays for 100,000 times).

    `target` needs only `_meta` and `pk`; an anonymous actor is recorded as nobody. NIK and KK
    numbers are stored masked, with a keyed fingerprint (pmks_portal.masking.audited_changes).
    """
    return {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "action": action,
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "regency_id": regency_id,
        "changes": audited_changes(changes or {}),
        "reason": reason,
    }


def audit_event(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict | None = None,
    reason: str = "",
    regency_id: str | None = None,
) -> AuditEvent:
    """The event audit_record() saves, unsaved (see audit_fields)."""
    return AuditEvent(
        **audit_fields(
            actor=actor,
            action=action,
            target=target,
            changes=changes,
            reason=reason,
            regency_id=regency_id,
        )
    )


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict | None = None,
    reason: str = "",
    regency_id: str | None = None,
) -> AuditEvent:
    """Append one event to the trail."""
    event = audit_event(
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        reason=reason,
        regency_id=regency_id,
    )
    event.save(force_insert=True)
    return event


def audit_export(*, actor, label: str, params: dict, row_count: int, regency_id: str | None):
    """An export of many records: what was asked (filters, never names or NIKs) and how much."""
    return AuditEvent.objects.create(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        target_type=label,
        target_id="*",
        regency_id=regency_id,
        changes={"params": params, "rows": row_count},
    )
