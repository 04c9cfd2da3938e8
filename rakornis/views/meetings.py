"""Rakornis pages: the meeting list, a meeting's creation, edit and detail."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.history import history_of
from audit.records import EditConflict
from pmks_portal import access, service_errors
from pmks_portal.pagination import keyset_page
from rakornis import services, stats
from rakornis.forms import (
    DocumentForm,
    MeetingFilterForm,
    MeetingForm,
)
from rakornis.models import (
    FollowUp,
    Meeting,
)
from rakornis.views.common import _can_manage, _meeting, manage_meetings, read_records


@read_records
@require_GET
def meeting_list(request):
    today = timezone.localdate()
    form = MeetingFilterForm(request.GET or None)
    meetings = Meeting.objects.visible_to(request.user).for_list(user=request.user, today=today)
    if form.is_bound and form.is_valid():
        meetings = form.apply(meetings)
    page = keyset_page(
        meetings, field="starts_on", descending=True, cursor=request.GET.get("after"), size=25
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "rakornis/meeting_list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "can_manage": _can_manage(request),
            "regency_limit": access.regency_limit(request.user),
        },
    )


@manage_meetings
def meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Meeting recorded. Add its agenda and participants."))
            return redirect("rakornis:detail", pk=meeting.pk)
    return render(request, "rakornis/meeting_form.html", {"form": form})


@manage_meetings
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, write=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user,
                meeting=Meeting.objects.get(pk=pk),
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("rakornis:detail", pk=pk)
    return render(
        request, "rakornis/meeting_form.html", {"form": form, "meeting": Meeting.objects.get(pk=pk)}
    )


def _recommendations_with_follow_ups(meeting: Meeting, user):
    """The meeting's recommendations, each with the follow-ups this user may see."""
    return meeting.recommendations.prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.visible_to(user).select_related("regency"),
            to_attr="visible_follow_ups",
        )
    )


@read_records
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    today = timezone.localdate()
    can_manage = meeting.writable_by(request.user)
    sessions = meeting.sessions.prefetch_related("documents")
    by_regency, totals = stats.attendance_by_regency(meeting)
    return render(
        request,
        "rakornis/meeting_detail.html",
        {
            "meeting": meeting,
            "sessions": sessions,
            "documents": meeting.documents.filter(session__isnull=True).select_related(
                "uploaded_by"
            ),
            "by_regency": by_regency,
            "totals": totals,
            "by_institution": stats.attendance_by_institution(meeting),
            "by_day": stats.present_by_day(meeting),
            "recommendations": _recommendations_with_follow_ups(meeting, request.user),
            "today": today,
            "can_manage": can_manage,
            "document_form": DocumentForm(meeting=meeting) if can_manage else None,
            "history": history_of(meeting, with_reads=False) if can_manage else None,
        },
    )
