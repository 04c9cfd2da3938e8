"""A meeting's participants (typed or imported) and their attendance."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import field_changes, snapshot
from pmks_portal import access
from rakornis.models import (
    Attendance,
    AttendanceSource,
    Meeting,
    Participant,
)
from rakornis.services.common import _audit, _require_open, _short

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
    access.require(meeting.writable_by(actor))
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
    access.require(meeting.writable_by(actor))
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
    access.require(meeting.writable_by(actor))
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
    access.require(meeting.writable_by(actor))
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
    access.require(meeting.writable_by(actor))
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
