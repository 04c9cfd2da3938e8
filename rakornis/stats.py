"""Figures of one meeting: who came, from which regency and which kind of institution.

Each function costs one query (the regency table one more), whatever the number of
participants.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from rakornis.forms import regencies
from rakornis.models import Attendance, InstitutionType, Meeting, Participant


def _counted(meeting: Meeting, group: str):
    """Rows of `group` with `registered` and `present` (present on at least one day)."""
    return (
        Participant.objects.filter(meeting=meeting)
        .order_by()
        .values(group)
        .annotate(
            registered=Count("pk", distinct=True),
            present=Count("pk", distinct=True, filter=Q(attendances__isnull=False)),
            invited=Count("pk", distinct=True, filter=Q(invited=True)),
        )
    )


def attendance_by_regency(meeting: Meeting) -> tuple[list[dict], dict]:
    """Every regency and city of the province, in code order (those with nobody too, so that
    an absent regency shows), then the province and institutions of no regency; and totals."""
    counts = {row["regency"]: row for row in _counted(meeting, "regency")}
    rows = []
    for region in regencies():
        row = counts.get(region.code, {})
        rows.append(
            {
                "code": region.code,
                "name": region.name,
                "registered": row.get("registered", 0),
                "present": row.get("present", 0),
                "invited": row.get("invited", 0),
            }
        )
    other = counts.get(None, {})
    rows.append(
        {
            "code": "",
            "name": _("Province and institutions of no one regency"),
            "registered": other.get("registered", 0),
            "present": other.get("present", 0),
            "invited": other.get("invited", 0),
        }
    )
    totals = {key: sum(row[key] for row in rows) for key in ("registered", "present", "invited")}
    totals["regencies_present"] = sum(1 for row in rows[:-1] if row["present"])
    totals["regencies"] = len(rows) - 1
    return rows, totals


def attendance_by_institution(meeting: Meeting) -> list[dict]:
    labels = dict(InstitutionType.choices)
    rows = _counted(meeting, "institution_type")
    ordered = {value: None for value in InstitutionType.values}
    for row in rows:
        ordered[row["institution_type"]] = row
    return [
        {
            "name": labels[value],
            "registered": row["registered"],
            "present": row["present"],
            "invited": row["invited"],
        }
        for value, row in ordered.items()
        if row
    ]


def present_by_day(meeting: Meeting) -> list[tuple]:
    """(day, number present) for every day of the meeting."""
    counts = dict(
        Attendance.objects.filter(participant__meeting=meeting)
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [(day, counts.get(day, 0)) for day in meeting.days]
