"""Editing a versioned record (a `version` column) without losing someone else's change.

A form carries the version the user opened; the service locks the row and compares. Every saved
change moves the version on by one and leaves an event in the audit trail, which is also what the
user is shown of the changes made meanwhile.
"""

from django.db import models
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record

# The events of a saved version: what moved the version on.
VERSION_ACTIONS = [
    AuditEvent.Action.UPDATE,
    AuditEvent.Action.CREATE,
    AuditEvent.Action.TRANSITION,
]


class EditConflict(Exception):
    """Someone saved the record after this user opened it; nothing was saved.

    `meanwhile`: the audit events of the versions saved since, newest first.
    """

    def __init__(self, meanwhile: list[AuditEvent]):
        super().__init__(
            _("Someone else changed this record while you were editing it. Nothing was saved.")
        )
        self.meanwhile = meanwhile


def lock_version(model: type[models.Model], pk, expected_version: int):
    """The row, locked; EditConflict (with what changed meanwhile) when its version moved on."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        newer = current.version - (expected_version or 0)
        events = (
            AuditEvent.objects.for_object(current).with_actor().filter(action__in=VERSION_ACTIONS)
        )
        raise EditConflict(list(events[: max(newer, 1)]))
    return current


def save_new_version(
    record: models.Model,
    *,
    actor,
    changes: dict,
    reason: str = "",
    regency_id: str | None = None,
) -> None:
    """Saves an edited record as its next version and writes the changes to the audit trail."""
    record.version += 1
    record.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=record,
        changes=changes,
        reason=reason,
        regency_id=regency_id,
    )
