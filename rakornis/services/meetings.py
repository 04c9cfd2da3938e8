"""A meeting's creation and its details."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import save_new_version
from audit.services import field_changes, snapshot
from pmks_portal import access
from rakornis.models import (
    Attendance,
    Meeting,
    MeetingStatus,
)
from rakornis.services.common import _audit, _lock, _short

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
    access.require(access.can(actor, access.Capability.MANAGE_MEETINGS))
    meeting = Meeting(created_by=actor, **{f: data[f] for f in MEETING_FIELDS if f in data})
    _check_meeting(meeting, timezone.localdate())
    meeting.save()
    _audit(actor, AuditEvent.Action.CREATE, meeting, field_changes(meeting, MEETING_FIELDS, {}))
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, expected_version: int | None, data: dict) -> Meeting:
    """Saves changes unless someone saved first; dates may not strand attendance or agenda."""
    access.require(meeting.writable_by(actor))
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
