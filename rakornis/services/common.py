"""What the Rakornis services share: the right checks, the version lock and the audit entry."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.records import lock_version
from audit.services import audit_record
from rakornis.models import (
    Meeting,
    MeetingStatus,
)


def _require_open(meeting: Meeting, what: str) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(
            _("This meeting is closed: %(what)s can no longer be changed. Reopen it first.")
            % {"what": what}
        )


def _lock(model: type[models.Model], pk, expected_version: int | None):
    """The row, locked; EditConflict when it moved on from the version the form was opened at.
    Without a version (None: a form that does not carry one), the last save wins."""
    if expected_version is None:
        return model.objects.select_for_update().get(pk=pk)
    return lock_version(model, pk, expected_version)


def _audit(actor, action, target, changes=None, reason="", regency_id=None):
    audit_record(
        actor=actor,
        action=action,
        target=target,
        changes=changes or {},
        reason=reason,
        regency_id=regency_id,
    )


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")
