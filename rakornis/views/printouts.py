"""Rakornis pages: the attendance sheet and the meeting summary as PDF."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pmks_portal import access
from rakornis import outcomes, pdf, stats
from rakornis.views.common import _day_from, _meeting, read_records
from rakornis.views.meetings import _recommendations_with_follow_ups


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@read_records
@require_GET
def attendance_sheet(request, pk):
    meeting = _meeting(request, pk)
    day = None
    if request.GET.get("day"):
        day = _day_from(request, meeting, timezone.localdate())
    participants = meeting.participants.for_list().order_by("regency_id", "institution", "name")
    if day:
        participants = participants.with_presence_on(day)
    content = pdf.attendance_sheet(meeting, list(participants), day)
    suffix = f"-{day.isoformat()}" if day else ""
    return _pdf_response(content, f"daftar-hadir-{meeting.pk}{suffix}.pdf")


@read_records
@require_GET
def summary_pdf(request, pk):
    meeting = _meeting(request, pk)
    today = timezone.localdate()
    by_regency, totals = stats.attendance_by_regency(meeting)
    recommendations = list(_recommendations_with_follow_ups(meeting, request.user))
    results = {}
    for recommendation in recommendations:
        recommendation.meeting = meeting
        results.update(
            outcomes.outcomes_for(recommendation, recommendation.visible_follow_ups, today)
        )
    regency = access.regency_limit(request.user)
    scope_note = (
        _("Follow-ups shown: those of %(regency)s only.") % {"regency": request.user.regency}
        if regency
        else ""
    )
    content = pdf.meeting_summary(
        meeting,
        attendance_rows=by_regency,
        totals=totals,
        recommendations=recommendations,
        outcomes=results,
        scope_note=scope_note,
        today=today,
    )
    return _pdf_response(content, f"ringkasan-rakornis-{meeting.pk}.pdf")
