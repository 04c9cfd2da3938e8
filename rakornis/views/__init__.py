"""Pages of the Rakornis. Thin: fetch through the access rules, validate, call one service.

Meetings, agenda, documents, participants and recommendations are read by anyone who may read
records and managed by the provincial office (MANAGE_MEETINGS). Follow-ups are regency records:
a regency's users open their own only (another regency's is a 404), and only its staff update it.
"""

from rakornis.views.agenda import (
    document_delete,
    document_download,
    document_upload,
    session_create,
    session_delete,
    session_edit,
)
from rakornis.views.common import manage_meetings, read_records
from rakornis.views.meetings import meeting_create, meeting_detail, meeting_edit, meeting_list
from rakornis.views.participants import (
    attendance_save,
    door,
    door_mark,
    door_walk_in,
    participant_create,
    participant_delete,
    participant_edit,
    participant_import,
    participant_list,
    participant_template,
)
from rakornis.views.printouts import attendance_sheet, summary_pdf
from rakornis.views.recommendations import (
    evidence_download,
    follow_up_detail,
    follow_up_list,
    follow_up_update,
    recommendation_create,
    recommendation_detail,
    recommendation_edit,
)

__all__ = [
    "read_records",
    "manage_meetings",
    "meeting_list",
    "meeting_create",
    "meeting_edit",
    "meeting_detail",
    "session_create",
    "session_edit",
    "session_delete",
    "document_upload",
    "document_download",
    "document_delete",
    "participant_list",
    "participant_create",
    "participant_edit",
    "participant_delete",
    "participant_import",
    "participant_template",
    "attendance_save",
    "door",
    "door_mark",
    "door_walk_in",
    "attendance_sheet",
    "summary_pdf",
    "recommendation_create",
    "recommendation_edit",
    "recommendation_detail",
    "follow_up_list",
    "follow_up_detail",
    "follow_up_update",
    "evidence_download",
]
