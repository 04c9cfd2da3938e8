"""Writes to meetings, participants, attendance, recommendations and follow-ups.

Each service checks who may write (through pmks_portal.access, via the objects' `writable_by`),
validates everything before it saves anything, runs in one transaction and writes the audit
trail. Bad input is a ValidationError with a message for the user, and nothing is saved.
"""

import logging
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from pmks_portal import access
from pmks_portal.private_files import storage
from pmks_portal.private_files.content import checked_upload
from pmks_portal.records import lock_version, save_new_version
from rakornis import files
from rakornis.models import (
    AgendaSession,
    Attendance,
    AttendanceSource,
    DocumentKind,
    Evidence,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Participant,
    Recommendation,
    ReminderKind,
    ReminderLog,
)
from regions.models import Region

logger = logging.getLogger("pmks.rakornis")

MEETING_FIELDS = [
    "type",
    "title",
    "theme",
    "year",
    "edition",
    "host_regency",
    "venue",
    "starts_on",
    "ends_on",
    "organiser",
    "opened_by",
    "status",
]
SESSION_FIELDS = ["day", "starts_at", "ends_at", "title", "speaker", "speaker_institution"]
PARTICIPANT_FIELDS = [
    "name",
    "position",
    "institution",
    "institution_type",
    "regency",
    "role",
    "phone",
    "email",
    "invited",
]
RECOMMENDATION_FIELDS = [
    "text",
    "category",
    "due_on",
    "provincial_unit",
    "indicator",
    "indicator_programme",
    "direction",
    "window_before_days",
    "window_after_days",
]

# Reminders: "due soon" once, when the due date is this close; "overdue" again every week.
DUE_SOON_DAYS = 7
OVERDUE_REPEAT_DAYS = 7


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_manage(actor) -> None:
    _require(access.can(actor, access.Capability.MANAGE_MEETINGS))


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


# ---------------------------------------------------------------------------------------------
# Meetings


def _check_meeting(meeting: Meeting, today: date) -> None:
    """The rules of a meeting's own fields (ValidationError by field)."""
    errors = {}
    if meeting.starts_on and meeting.ends_on and meeting.ends_on < meeting.starts_on:
        errors["ends_on"] = _("The last day cannot come before the first day.")
    elif meeting.starts_on and meeting.ends_on and (meeting.ends_on - meeting.starts_on).days > 13:
        errors["ends_on"] = _("A meeting lasts two weeks at most; check the dates.")
    if meeting.starts_on and meeting.year and meeting.starts_on.year != meeting.year:
        errors["year"] = _("The year must be the year of the first day (%(year)s).") % {
            "year": meeting.starts_on.year
        }
    if (
        meeting.status in (MeetingStatus.HELD, MeetingStatus.CLOSED)
        and meeting.starts_on
        and meeting.starts_on > today
    ):
        errors["status"] = _("A meeting that has not begun cannot be held or closed yet.")
    if meeting.host_regency and meeting.host_regency.level != "regency":
        errors["host_regency"] = _("Choose a regency or city.")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["created_by"])


def _check_new_dates(meeting: Meeting) -> None:
    """Days already used (attendance, agenda) and due dates must fit the changed dates."""
    outside = Attendance.objects.filter(participant__meeting=meeting).exclude(
        day__range=(meeting.starts_on, meeting.ends_on)
    )
    first = outside.order_by("day").values_list("day", flat=True).first()
    if first:
        raise ValidationError(
            {
                "starts_on": _(
                    "Attendance is recorded on %(day)s, outside the new dates. Remove it first."
                )
                % {"day": _short(first)}
            }
        )
    session = meeting.sessions.exclude(day__range=(meeting.starts_on, meeting.ends_on)).first()
    if session:
        raise ValidationError(
            {
                "starts_on": _(
                    "The session “%(title)s” is on %(day)s, outside the new dates. Move it first."
                )
                % {"title": session.title, "day": _short(session.day)}
            }
        )
    early = meeting.recommendations.filter(due_on__lte=meeting.ends_on).order_by("due_on").first()
    if early:
        raise ValidationError(
            {
                "ends_on": _(
                    "Recommendation %(number)s is due on %(day)s, which would no longer come "
                    "after the meeting."
                )
                % {"number": early.number, "day": _short(early.due_on)}
            }
        )


@transaction.atomic
def meeting_create(*, actor, data: dict) -> Meeting:
    """Records a meeting that is planned (or was held). Only the provincial office does."""
    _require_manage(actor)
    meeting = Meeting(created_by=actor, **{f: data[f] for f in MEETING_FIELDS if f in data})
    _check_meeting(meeting, timezone.localdate())
    meeting.save()
    _audit(actor, AuditEvent.Action.CREATE, meeting, field_changes(meeting, MEETING_FIELDS, {}))
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, expected_version: int | None, data: dict) -> Meeting:
    """Saves changes unless someone saved first; dates may not strand attendance or agenda."""
    _require(meeting.writable_by(actor))
    locked = _lock(Meeting, meeting.pk, expected_version)
    before = snapshot(locked, MEETING_FIELDS)
    for field in MEETING_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    _check_meeting(locked, timezone.localdate())
    _check_new_dates(locked)
    changes = field_changes(locked, MEETING_FIELDS, before)
    if changes:
        save_new_version(locked, actor=actor, changes=changes)
    return locked


# ---------------------------------------------------------------------------------------------
# Agenda and documents


@transaction.atomic
def session_save(
    *, actor, meeting: Meeting, data: dict, session: AgendaSession | None = None
) -> AgendaSession:
    """Adds or changes an agenda session, which must fall on a day of the meeting."""
    _require(meeting.writable_by(actor))
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
    _require(meeting.writable_by(actor))
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
    _require(meeting.writable_by(actor))
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
    _require(document.writable_by(actor))
    _audit(
        actor,
        AuditEvent.Action.DELETE,
        document.meeting,
        {"document": [f"{document.get_kind_display()}: {document.original_name}", None]},
    )
    storage.delete_with_file(document)


# ---------------------------------------------------------------------------------------------
# Participants and attendance


def _check_attendance_day(meeting: Meeting, day: date, today: date) -> None:
    if not meeting.is_meeting_day(day):
        raise ValidationError(
            _("%(day)s is not a day of this meeting (%(start)s to %(end)s).")
            % {
                "day": _short(day),
                "start": _short(meeting.starts_on),
                "end": _short(meeting.ends_on),
            }
        )
    if day > today:
        raise ValidationError(_("Attendance cannot be recorded for a day still to come."))


def _check_participant(participant: Participant) -> None:
    if participant.regency and participant.regency.level != "regency":
        raise ValidationError({"regency": _("Choose a regency or city.")})
    participant.full_clean(exclude=["meeting", "dedupe_key"])
    participant.dedupe_key = Participant.key_for(participant.name, participant.institution)
    clash = Participant.objects.filter(
        meeting=participant.meeting_id, dedupe_key=participant.dedupe_key
    ).exclude(pk=participant.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("%(name)s of %(institution)s is already a participant.")
                % {"name": participant.name, "institution": participant.institution}
            }
        )


@transaction.atomic
def participant_save(
    *,
    actor,
    meeting: Meeting,
    data: dict,
    participant: Participant | None = None,
    present_on: date | None = None,
) -> Participant:
    """Adds or changes a participant; `present_on` also marks a walk-in present at the door."""
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("the participants"))
    today = timezone.localdate()
    if present_on is not None:
        _check_attendance_day(meeting, present_on, today)
    participant = participant or Participant(meeting=meeting)
    before = snapshot(participant, PARTICIPANT_FIELDS) if participant.pk else {}
    for field in PARTICIPANT_FIELDS:
        if field in data:
            setattr(participant, field, data[field])
    _check_participant(participant)
    created = participant.pk is None
    participant.save()
    if present_on is not None:
        Attendance.objects.get_or_create(
            participant=participant,
            day=present_on,
            defaults={"source": AttendanceSource.DOOR, "marked_by": actor},
        )
    changes = field_changes(participant, ["name", "institution", "regency", "role"], before)
    _audit(
        actor,
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        meeting,
        {f"participant.{k}": v for k, v in changes.items()},
    )
    return participant


@transaction.atomic
def participant_delete(*, actor, participant: Participant) -> None:
    """Removes someone registered by mistake, with their attendance."""
    meeting = participant.meeting
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("the participants"))
    _audit(actor, AuditEvent.Action.DELETE, meeting, {"participant": [participant.name, None]})
    participant.delete()


@dataclass
class ImportResult:
    created: int
    already_registered: int
    present_marked: int


@transaction.atomic
def participants_import(*, actor, meeting: Meeting, rows: list) -> ImportResult:
    """Registers the rows of a checked participant file: all of them, or none.

    `rows` are importing.ParticipantRow objects without errors. Someone already registered
    (same name and institution) is left as is. Rows that name days present get their attendance.
    """
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("the participants"))
    today = timezone.localdate()
    existing = dict(Participant.objects.filter(meeting=meeting).values_list("dedupe_key", "pk"))
    new, skipped = [], 0
    for row in rows:
        participant = Participant(meeting=meeting, **row.data)
        participant.dedupe_key = Participant.key_for(participant.name, participant.institution)
        if participant.dedupe_key in existing:
            skipped += 1
            continue
        for day in row.present_on:
            _check_attendance_day(meeting, day, today)
        participant.full_clean(exclude=["meeting", "dedupe_key"], validate_unique=False)
        new.append((participant, row.present_on))
    try:
        with transaction.atomic():
            created = Participant.objects.bulk_create([participant for participant, _d in new])
    except IntegrityError:
        raise ValidationError(
            _("Someone registered some of these people at the same time. Upload the file again.")
        ) from None
    attendance = [
        Attendance(participant=p, day=day, source=AttendanceSource.IMPORT, marked_by=actor)
        for p, (_same, days) in zip(created, new, strict=True)
        for day in days
    ]
    Attendance.objects.bulk_create(attendance)
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        meeting,
        {"participants_imported": [None, len(created)], "already_registered": [None, skipped]},
    )
    return ImportResult(
        created=len(created), already_registered=skipped, present_marked=len(attendance)
    )


@transaction.atomic
def attendance_mark(
    *, actor, participant: Participant, day: date, present: bool = True, source: str = "door"
) -> bool:
    """Marks someone present (or not) on one day of the meeting; True when something changed."""
    meeting = participant.meeting
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("attendance"))
    _check_attendance_day(meeting, day, timezone.localdate())
    if present:
        _attendance, created = Attendance.objects.get_or_create(
            participant=participant, day=day, defaults={"source": source, "marked_by": actor}
        )
        return created
    deleted, _detail = Attendance.objects.filter(participant=participant, day=day).delete()
    return bool(deleted)


@transaction.atomic
def attendance_set_for_day(
    *, actor, meeting: Meeting, day: date, present_ids: set[int], listed_ids: set[int]
) -> tuple[int, int]:
    """Attendance of one day as ticked on the list: (marked present, unmarked).

    Only the people that were on the list (`listed_ids`: a search may have shortened it) are
    touched; everyone else keeps their attendance.
    """
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("attendance"))
    _check_attendance_day(meeting, day, timezone.localdate())
    participants = set(meeting.participants.values_list("pk", flat=True))
    if (present_ids | listed_ids) - participants or present_ids - listed_ids:
        raise ValidationError(_("Some of the ticked people are not participants of this meeting."))
    already = set(
        Attendance.objects.filter(participant__meeting=meeting, day=day).values_list(
            "participant_id", flat=True
        )
    )
    to_add = present_ids - already
    to_remove = (already & listed_ids) - present_ids
    # Someone may be marked at the door meanwhile: the unique (participant, day) decides.
    Attendance.objects.bulk_create(
        [
            Attendance(participant_id=pk, day=day, source=AttendanceSource.LIST, marked_by=actor)
            for pk in sorted(to_add)
        ],
        ignore_conflicts=True,
    )
    Attendance.objects.filter(
        participant__meeting=meeting, day=day, participant_id__in=to_remove
    ).delete()
    if to_add or to_remove:
        _audit(
            actor,
            AuditEvent.Action.UPDATE,
            meeting,
            {
                f"attendance.{day.isoformat()}": [
                    len(already),
                    len(already) + len(to_add) - len(to_remove),
                ]
            },
        )
    return len(to_add), len(to_remove)


# ---------------------------------------------------------------------------------------------
# Recommendations and follow-ups


def _check_recommendation(recommendation: Recommendation, regencies: list[Region]) -> None:
    meeting = recommendation.meeting
    errors = {}
    if recommendation.due_on and recommendation.due_on <= meeting.ends_on:
        errors["due_on"] = _("The due date must come after the meeting, which ends on %(day)s.") % {
            "day": _short(meeting.ends_on)
        }
    if not regencies and not recommendation.provincial_unit.strip():
        errors["regencies"] = _(
            "Name at least one responsible regency or city, or a unit of the provincial office."
        )
    if any(region.level != "regency" for region in regencies):
        errors["regencies"] = _("Only regencies and cities can be responsible.")
    if recommendation.indicator_programme and not recommendation.indicator:
        errors["indicator"] = _("Choose the indicator to measure for this target.")
    if errors:
        raise ValidationError(errors)
    recommendation.full_clean(exclude=["meeting", "number", "created_by"])


@transaction.atomic
def recommendation_create(
    *, actor, meeting: Meeting, data: dict, regencies: list[Region]
) -> Recommendation:
    """Records a recommendation; each responsible regency (and the provincial unit, when one is
    named) gets its own follow-up, not started."""
    _require(meeting.writable_by(actor))
    _require_open(meeting, _("the recommendations"))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    last = meeting.recommendations.aggregate(n=models.Max("number"))["n"] or 0
    recommendation = Recommendation(
        meeting=meeting,
        number=last + 1,
        created_by=actor,
        **{f: data[f] for f in RECOMMENDATION_FIELDS if f in data},
    )
    _check_recommendation(recommendation, regencies)
    recommendation.save()
    FollowUp.objects.bulk_create(
        [
            FollowUp(recommendation=recommendation, regency=region, due_on=recommendation.due_on)
            for region in sorted(regencies, key=lambda r: r.code)
        ]
        + (
            [FollowUp(recommendation=recommendation, regency=None, due_on=recommendation.due_on)]
            if recommendation.provincial_unit.strip()
            else []
        )
    )
    changes = field_changes(recommendation, RECOMMENDATION_FIELDS, {})
    changes["regencies"] = [None, sorted(r.code for r in regencies)]
    _audit(actor, AuditEvent.Action.CREATE, recommendation, changes)
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor,
    recommendation: Recommendation,
    expected_version: int | None,
    data: dict,
    regencies: list[Region],
) -> Recommendation:
    """Saves changes; a regency added gets a follow-up, one removed loses it unless it has
    already reported on it (then the change is refused)."""
    _require(recommendation.writable_by(actor))
    _require_open(recommendation.meeting, _("the recommendations"))
    locked = _lock(Recommendation, recommendation.pk, expected_version)
    before = snapshot(locked, RECOMMENDATION_FIELDS)
    for field in RECOMMENDATION_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    _check_recommendation(locked, regencies)
    current = {f.regency_id: f for f in locked.follow_ups.select_related("regency")}
    wanted = {region.code: region for region in regencies}
    if locked.provincial_unit.strip():
        wanted[None] = None
    removed = [f for code, f in current.items() if code not in wanted]
    reported = [f for f in removed if f.updates.exists() or f.status != FollowUpStatus.NOT_STARTED]
    if reported:
        raise ValidationError(
            {
                "regencies": _(
                    "%(who)s has already reported on this recommendation; it stays responsible. "
                    "Its follow-up can be cancelled instead."
                )
                % {"who": reported[0].responsible_name}
            }
        )
    changes = field_changes(locked, RECOMMENDATION_FIELDS, before)
    if set(current) != set(wanted):
        changes["regencies"] = [
            sorted(c for c in current if c),
            sorted(c for c in wanted if c),
        ]
    if not changes:
        return locked
    FollowUp.objects.filter(pk__in=[f.pk for f in removed]).delete()
    FollowUp.objects.bulk_create(
        [
            FollowUp(recommendation=locked, regency=wanted[code], due_on=locked.due_on)
            for code in wanted
            if code not in current
        ]
    )
    if "due_on" in changes:
        locked.follow_ups.update(due_on=locked.due_on)
    save_new_version(locked, actor=actor, changes=changes)
    return locked


@transaction.atomic
def follow_up_update(
    *,
    actor,
    follow_up: FollowUp,
    expected_version: int | None,
    status: str,
    note: str,
    happened_on: date,
    uploaded_files=(),
) -> FollowUpUpdate:
    """A responsible regency reports on its follow-up: the status reached, what was done, when,
    with evidence files. Only that regency's staff (the province, for its own unit) may."""
    _require(follow_up.writable_by(actor))
    locked = _lock(FollowUp, follow_up.pk, expected_version)
    meeting = locked.recommendation.meeting
    today = timezone.localdate()
    errors = {}
    note = note.strip()
    if not note:
        errors["note"] = _("Say what was done (or why it was cancelled).")
    if happened_on > today:
        errors["happened_on"] = _("An update cannot be dated in the future.")
    elif happened_on < meeting.starts_on:
        errors["happened_on"] = _("An update cannot be dated before the meeting (%(day)s).") % {
            "day": _short(meeting.starts_on)
        }
    elif locked.last_update_on and happened_on < locked.last_update_on:
        errors["happened_on"] = _(
            "The previous update is dated %(day)s; a new one cannot be dated earlier."
        ) % {"day": _short(locked.last_update_on)}
    if status not in FollowUpStatus.values:
        errors["status"] = _("Choose a status.")
    if errors:
        raise ValidationError(errors)
    checked = [checked_upload(upload, files.MEETING_FILES) for upload in uploaded_files]
    previous = locked.status
    update = FollowUpUpdate.objects.create(
        follow_up=locked,
        status=status,
        previous_status=previous,
        note=note,
        happened_on=happened_on,
        by=actor,
    )
    locked.status = status
    locked.summary = note
    locked.last_update_on = happened_on
    if status == FollowUpStatus.IN_PROGRESS and locked.started_on is None:
        locked.started_on = happened_on
    if status == FollowUpStatus.DONE:
        locked.started_on = locked.started_on or happened_on
        locked.completed_on = happened_on
    else:
        locked.completed_on = None
    locked.version += 1
    locked.save()
    stored = []
    # One failure removes every file written so far: their rows are not saved either.
    with ExitStack() as written:
        for checked_file in checked:
            evidence = Evidence(
                follow_up=locked, update=update, uploaded_by=actor, **checked_file.fields()
            )
            written.enter_context(storage.stored(evidence, checked_file))
            evidence.save()
            stored.append(evidence)
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        locked,
        {
            "status": [previous, status],
            "happened_on": [None, happened_on.isoformat()],
            "evidence_files": [None, [e.original_name for e in stored]],
        },
        reason=note,
        regency_id=locked.regency_id,
    )
    return update


def evidence_open(*, actor, evidence: Evidence):
    """The stored evidence file, opened for reading, after logging who opened it."""
    return storage.open_stored(
        evidence,
        audit=lambda: _audit(
            actor,
            AuditEvent.Action.VIEW,
            evidence.follow_up,
            {"evidence_file": evidence.pk},
            regency_id=evidence.follow_up.regency_id,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass
class ReminderRun:
    emails: int = 0
    follow_ups: int = 0


def _reminder_kind(follow_up: FollowUp, today: date, last_sent: dict) -> str | None:
    """Which reminder a follow-up is due for today, if any.

    Due soon: once, the first run within DUE_SOON_DAYS of the due date. Overdue: the first run
    after the due date, then again every OVERDUE_REPEAT_DAYS, so that nobody gets a daily mail
    about the same item.
    """
    if follow_up.due_on < today:
        last = last_sent.get((follow_up.pk, ReminderKind.OVERDUE))
        if last is None or (today - last).days >= OVERDUE_REPEAT_DAYS:
            return ReminderKind.OVERDUE
        return None
    if (follow_up.due_on - today).days <= DUE_SOON_DAYS and (
        (follow_up.pk, ReminderKind.DUE_SOON) not in last_sent
    ):
        return ReminderKind.DUE_SOON
    return None


def _recipients(regency_code: str | None) -> list[str]:
    users = User.objects.filter(is_active=True).exclude(email="")
    if regency_code:
        users = users.filter(role=Role.REGENCY_STAFF, regency_id=regency_code)
    else:
        users = users.filter(role=Role.PROVINCIAL_OFFICER)
    return sorted(set(users.values_list("email", flat=True)))


def portal_url(path: str) -> str:
    """An absolute link for e-mails: the first of ALLOWED_HOSTS is the portal's own name."""
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), ""
    )
    if not host:
        return path
    scheme = "https" if settings.SECURE_SSL_REDIRECT or settings.SECURE_COOKIES else "http"
    return f"{scheme}://{host}{path}"


def _send_reminder(regency_code: str | None, items: list, recipients: list[str], today) -> None:
    for follow_up, _kind in items:
        follow_up.link = portal_url(reverse("rakornis:follow-up", args=[follow_up.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        regency_name = items[0][0].responsible_name
        context = {
            "regency_name": regency_name,
            "overdue": [f for f, kind in items if kind == ReminderKind.OVERDUE],
            "due_soon": [f for f, kind in items if kind == ReminderKind.DUE_SOON],
            "today": today,
            "list_url": portal_url(reverse("rakornis:follow-ups")),
        }
        subject = ngettext(
            "Rakornis: %(count)d follow-up of %(regency)s needs attention",
            "Rakornis: %(count)d follow-ups of %(regency)s need attention",
            len(items),
        ) % {"count": len(items), "regency": regency_name}
        body = render_to_string("rakornis/email/reminder.txt", context)
    send_mail(subject, body, None, recipients)


def follow_up_send_reminders(*, today: date | None = None) -> ReminderRun:
    """E-mails each responsible regency's staff (the provincial officers, for the province's
    own units) about open follow-ups due within a week and those overdue.

    Idempotent per day: every reminder is first recorded in ReminderLog, unique on (follow-up,
    day, kind); a second run on the same day, or one running at the same time, finds the rows
    there and sends nothing again. One e-mail per regency lists all of its items. When sending
    fails, that regency's log rows roll back with it, so the next run tries again.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    candidates = list(
        FollowUp.objects.open()
        .filter(due_on__lte=horizon)
        .select_related("recommendation__meeting", "regency")
        .order_by("regency_id", "due_on", "pk")
    )
    last_sent = {}
    for follow_up_id, kind, sent_on in ReminderLog.objects.filter(
        follow_up__in=[f.pk for f in candidates]
    ).values_list("follow_up_id", "kind", "sent_on"):
        key = (follow_up_id, kind)
        last_sent[key] = max(sent_on, last_sent.get(key, sent_on))
    by_regency = defaultdict(list)
    for follow_up in candidates:
        kind = _reminder_kind(follow_up, today, last_sent)
        if kind:
            by_regency[follow_up.regency_id].append((follow_up, kind))
    run = ReminderRun()
    for regency_code, items in by_regency.items():
        recipients = _recipients(regency_code)
        if not recipients:
            logger.warning("rakornis_reminder_no_recipients regency=%s", regency_code or "province")
            continue
        with transaction.atomic():
            claimed = []
            for follow_up, kind in items:
                try:
                    with transaction.atomic():
                        ReminderLog.objects.create(
                            follow_up=follow_up,
                            sent_on=today,
                            kind=kind,
                            recipients=len(recipients),
                        )
                except IntegrityError:
                    continue  # another run sent it today
                claimed.append((follow_up, kind))
            if claimed:
                _send_reminder(regency_code, claimed, recipients, today)
                run.emails += 1
                run.follow_ups += len(claimed)
    logger.info(
        "rakornis_reminders_sent emails=%s follow_ups=%s on=%s", run.emails, run.follow_ups, today
    )
    return run
