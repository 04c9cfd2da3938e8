"""A meeting's agenda sessions and its documents."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import field_changes, snapshot
from pmks_portal import access
from pmks_portal.private_files import storage
from pmks_portal.private_files.content import checked_upload
from rakornis import files
from rakornis.models import (
    AgendaSession,
    DocumentKind,
    Meeting,
    MeetingDocument,
)
from rakornis.services.common import _audit, _require_open, _short

SESSION_FIELDS = ["day", "starts_at", "ends_at", "title", "speaker", "speaker_institution"]


@transaction.atomic
def session_save(
    *, actor, meeting: Meeting, data: dict, session: AgendaSession | None = None
) -> AgendaSession:
    """Adds or changes an agenda session, which must fall on a day of the meeting."""
    access.require(meeting.writable_by(actor))
    _require_open(meeting, _("the agenda"))
    session = session or AgendaSession(meeting=meeting)
    before = snapshot(session, SESSION_FIELDS) if session.pk else {}
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    errors = {}
    if session.day and not meeting.is_meeting_day(session.day):
        errors["day"] = _("The meeting runs from %(start)s to %(end)s; choose one of its days.") % {
            "start": _short(meeting.starts_on),
            "end": _short(meeting.ends_on),
        }
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("A session must end after it starts.")
    if errors:
        raise ValidationError(errors)
    session.full_clean()
    created = session.pk is None
    session.save()
    _audit(
        actor,
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        meeting,
        {f"session.{k}": v for k, v in field_changes(session, SESSION_FIELDS, before).items()},
    )
    return session


@transaction.atomic
def session_delete(*, actor, session: AgendaSession) -> None:
    meeting = session.meeting
    access.require(meeting.writable_by(actor))
    _require_open(meeting, _("the agenda"))
    _audit(actor, AuditEvent.Action.DELETE, meeting, {"session": [session.title, None]})
    session.delete()


@transaction.atomic
def document_add(
    *,
    actor,
    meeting: Meeting,
    kind: str,
    uploaded_file,
    session: AgendaSession | None = None,
    description: str = "",
) -> MeetingDocument:
    """Checks a file by its content and keeps it with the meeting (materials, minutes...)."""
    access.require(meeting.writable_by(actor))
    if session is not None and session.meeting_id != meeting.pk:
        raise ValidationError(_("That session belongs to another meeting."))
    if kind == DocumentKind.MATERIAL and session is None:
        raise ValidationError({"session": _("Choose the session this material belongs to.")})
    checked = checked_upload(uploaded_file, files.MEETING_FILES)
    document = MeetingDocument(
        meeting=meeting,
        session=session,
        kind=kind,
        description=description.strip(),
        uploaded_by=actor,
        **checked.fields(),
    )
    document.full_clean(exclude=["file"])
    with storage.stored(document, checked):
        document.save()
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            meeting,
            {"document": [None, f"{document.get_kind_display()}: {document.original_name}"]},
        )
    return document


@transaction.atomic
def document_delete(*, actor, document: MeetingDocument) -> None:
    """Removes a document; its file goes once the transaction has committed."""
    access.require(document.writable_by(actor))
    _audit(
        actor,
        AuditEvent.Action.DELETE,
        document.meeting,
        {"document": [f"{document.get_kind_display()}: {document.original_name}", None]},
    )
    storage.delete_with_file(document)
