"""Writes to meetings, participants, attendance, recommendations and follow-ups.

Each service checks who may write (through pmks_portal.access, via the objects' `writable_by`),
validates everything before it saves anything, runs in one transaction and writes the audit
trail. Bad input is a ValidationError with a message for the user, and nothing is saved.
"""

from rakornis.services.agenda import (
    SESSION_FIELDS,
    document_add,
    document_delete,
    session_delete,
    session_save,
)
from rakornis.services.meetings import MEETING_FIELDS, meeting_create, meeting_update
from rakornis.services.participants import (
    PARTICIPANT_FIELDS,
    ImportResult,
    attendance_mark,
    attendance_set_for_day,
    participant_delete,
    participant_save,
    participants_import,
)
from rakornis.services.recommendations import (
    RECOMMENDATION_FIELDS,
    evidence_open,
    follow_up_update,
    recommendation_create,
    recommendation_update,
)
from rakornis.services.reminders import (
    DUE_SOON_DAYS,
    OVERDUE_REPEAT_DAYS,
    ReminderRun,
    follow_up_send_reminders,
    logger,
    portal_url,
)

__all__ = [
    "MEETING_FIELDS",
    "meeting_create",
    "meeting_update",
    "SESSION_FIELDS",
    "session_save",
    "session_delete",
    "document_add",
    "document_delete",
    "PARTICIPANT_FIELDS",
    "participant_save",
    "participant_delete",
    "ImportResult",
    "participants_import",
    "attendance_mark",
    "attendance_set_for_day",
    "RECOMMENDATION_FIELDS",
    "recommendation_create",
    "recommendation_update",
    "follow_up_update",
    "evidence_open",
    "logger",
    "DUE_SOON_DAYS",
    "OVERDUE_REPEAT_DAYS",
    "ReminderRun",
    "portal_url",
    "follow_up_send_reminders",
]
