"""Saving edited records so that every change is in the audit trail.

A versioned record (a `version` column) is edited without losing someone else's change: a form
carries the version the user opened; the service locks the row and compares. Every saved change
moves the version on by one and leaves an event in the audit trail, which is also what the user is
shown of the changes made meanwhile. Reference data (categories, partners, business types) has no
version: the last save wins, and is audited all the same.
"""

from django.db import models
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot

# The events of a saved version: what moved the version on.
VERSION_ACTIONS = [
    AuditEvent.Action.UPDATE,
    AuditEvent.Action.CREATE,
    AuditEvent.Action.TRANSITION,
]


class EditConflict(Exception):
    """Someone saved the record after this user opened it; nothing was saved.

    `meanwhile`: the audit events of the versions saved since, newest first;
    `current_version`: the version now stored, which a second, deliberate save must carry.
    """

    def __init__(self, meanwhile: list[AuditEvent], current_version: int):
        super().__init__(
            _("Someone else changed this record while you were editing it. Nothing was saved.")
        )
        self.meanwhile = meanwhile
        self.current_version = current_version

    def offer_current_version(self, form) -> None:
        """Keeps the user's entries in `form` but lets them save over the newer version."""
        form.data = form.data.copy()
        form.data["version"] = self.current_version


def lock_version(model: type[models.Model], pk, expected_version: int):
    """The row, locked; EditConflict (with what changed meanwhile) when its version moved on."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        newer = current.version - (expected_version or 0)
        events = (
            AuditEvent.objects.for_object(current).with_actor().filter(action__in=VERSION_ACTIONS)
        )
        raise EditConflict(list(events[: max(newer, 1)]), current.version)
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


def save_reference_row(
    record: models.Model, *, actor, fields: list[str], more_changes: dict | None = None
) -> None:
    """Creates or changes a row of reference data and audits what changed (CREATE or UPDATE):
    `fields` compared with the row as stored, and `more_changes` the caller makes alongside
    (a category's aliases). Nothing is audited when nothing changed."""
    created = record.pk is None
    before = {} if created else snapshot(type(record).objects.get(pk=record.pk), fields)
    record.full_clean()
    record.save()
    changes = field_changes(record, fields, before) | (more_changes or {})
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            target=record,
            changes=changes,
        )
