"""Rakornis pages: participants (typed or imported), attendance and the door check-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pmks_portal import access, service_errors
from rakornis import importing, services, stats
from rakornis.forms import (
    AttendanceDayForm,
    DoorMarkForm,
    ImportForm,
    ParticipantForm,
    WalkInForm,
)
from rakornis.models import (
    AttendanceSource,
    Participant,
)
from rakornis.views.common import (
    _day_from,
    _meeting,
    _saving_form_page,
    manage_meetings,
    read_records,
)


@read_records
@require_GET
def participant_list(request, pk):
    meeting = _meeting(request, pk)
    today = timezone.localdate()
    can_manage = meeting.writable_by(request.user)
    day = _day_from(request, meeting, today)
    participants = (
        meeting.participants.for_list()
        .with_days_present()
        .with_presence_on(day)
        .order_by("regency_id", "institution", "name", "pk")
    )
    search = (request.GET.get("q") or "").strip()[:100]
    if search:
        participants = participants.matching(search)
    by_regency, totals = stats.attendance_by_regency(meeting)
    return render(
        request,
        "rakornis/participant_list.html",
        {
            "meeting": meeting,
            "participants": participants,
            "search": search,
            "day": day,
            "day_form": AttendanceDayForm(initial={"day": day.isoformat()}, meeting=meeting),
            "can_mark": can_manage and day <= today,
            "by_regency": by_regency,
            "by_institution": stats.attendance_by_institution(meeting),
            "by_day": stats.present_by_day(meeting),
            "totals": totals,
            "can_manage": can_manage,
        },
    )


def _participant_form_page(request, meeting, participant=None):
    return _saving_form_page(
        request,
        ParticipantForm(request.POST or None, instance=participant),
        lambda data: services.participant_save(
            actor=request.user, meeting=meeting, participant=participant, data=data
        ),
        saved=_("Participant saved."),
        next_url=reverse("rakornis:participants", args=[meeting.pk]),
        template="rakornis/participant_form.html",
        context={"meeting": meeting, "participant": participant},
    )


@manage_meetings
def participant_create(request, pk):
    return _participant_form_page(request, _meeting(request, pk, write=True))


@manage_meetings
def participant_edit(request, pk):
    participant = access.get_object_for_user(
        Participant.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    return _participant_form_page(request, participant.meeting, participant)


@manage_meetings
@require_POST
def participant_delete(request, pk):
    participant = access.get_object_for_user(
        Participant.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    try:
        services.participant_delete(actor=request.user, participant=participant)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("%(name)s removed.") % {"name": participant.name})
    return redirect("rakornis:participants", pk=participant.meeting_id)


@manage_meetings
def participant_import(request, pk):
    meeting = _meeting(request, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "meeting": meeting}
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        try:
            table, columns = importing.read_rows(form.cleaned_data["file"])
            check = importing.check_rows(table, columns, meeting, today)
            context["check"] = check
            if check.valid:
                result = services.participants_import(
                    actor=request.user, meeting=meeting, rows=check.rows
                )
                messages.success(
                    request,
                    _(
                        "%(created)s participants registered, %(skipped)s already registered "
                        "left as they were, %(present)s attendances recorded."
                    )
                    % {
                        "created": result.created,
                        "skipped": result.already_registered,
                        "present": result.present_marked,
                    },
                )
                return redirect("rakornis:participants", pk=meeting.pk)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
    return render(request, "rakornis/participant_import.html", context)


@manage_meetings
@require_GET
def participant_template(request):
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="peserta-rakornis.xlsx"'
    return response


@manage_meetings
@require_POST
def attendance_save(request, pk):
    meeting = _meeting(request, pk, write=True)
    form = AttendanceDayForm(request.POST, meeting=meeting)
    back = reverse("rakornis:participants", args=[meeting.pk])
    if not form.is_valid():
        messages.error(request, _("Choose one of the meeting's days."))
        return redirect(back)
    day = form.cleaned_data["day"]
    try:
        present = {int(value) for value in request.POST.getlist("present")}
        listed = {int(value) for value in request.POST.getlist("listed")}
    except ValueError:
        present = None
    if present is None:
        messages.error(request, _("The list of people present could not be read."))
        return redirect(back)
    try:
        added, removed = services.attendance_set_for_day(
            actor=request.user, meeting=meeting, day=day, present_ids=present, listed_ids=listed
        )
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(
            request,
            _("Attendance saved: %(added)s marked present, %(removed)s unmarked.")
            % {"added": added, "removed": removed},
        )
    return redirect(f"{back}?{urlencode({'day': day.isoformat()})}")


@manage_meetings
@require_GET
def door(request, pk):
    """The phone page at the door: find a name, tap present."""
    meeting = _meeting(request, pk, write=True)
    today = timezone.localdate()
    day = _day_from(request, meeting, today)
    search = (request.GET.get("q") or "").strip()[:100]
    participants = meeting.participants.for_list().with_presence_on(day).order_by("name", "pk")
    if search:
        participants = participants.matching(search)
    return render(
        request,
        "rakornis/door.html",
        {
            "meeting": meeting,
            "day": day,
            "days": meeting.days,
            "search": search,
            "participants": participants,
            "present_count": meeting.participants.filter(attendances__day=day).count(),
            "can_mark": day <= today,
            "walk_in_form": WalkInForm(prefix="walkin"),
        },
    )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@manage_meetings
@require_POST
def door_mark(request, pk):
    meeting = _meeting(request, pk, write=True)
    form = DoorMarkForm(request.POST)
    back = reverse("rakornis:door", args=[meeting.pk])
    query = {"q": request.POST.get("q", "")[:100], "day": request.POST.get("day", "")}
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": _("Tap a name again.")}, status=400)
        messages.error(request, _("Tap a name again."))
        return redirect(f"{back}?{urlencode(query)}")
    participant = access.get_object_for_user(
        meeting.participants.select_related("meeting"),
        request.user,
        write=True,
        pk=form.cleaned_data["participant"],
    )
    day, present = form.cleaned_data["day"], form.cleaned_data["present"]
    try:
        services.attendance_mark(
            actor=request.user,
            participant=participant,
            day=day,
            present=present,
            source=AttendanceSource.DOOR,
        )
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        service_errors.add_message(request, error)
        return redirect(f"{back}?{urlencode(query)}")
    count = meeting.participants.filter(attendances__day=day).count()
    if _wants_json(request):
        return JsonResponse({"present": present, "count": count})
    if present:
        messages.success(request, _("%(name)s is present.") % {"name": participant.name})
    return redirect(f"{back}?{urlencode(query)}#p{participant.pk}")


@manage_meetings
@require_POST
def door_walk_in(request, pk):
    meeting = _meeting(request, pk, write=True)
    today = timezone.localdate()
    day = _day_from(request, meeting, today)
    form = WalkInForm(request.POST, prefix="walkin")
    back = f"{reverse('rakornis:door', args=[meeting.pk])}?{urlencode({'day': day.isoformat()})}"
    if not form.is_valid():
        messages.error(request, _("A walk-in needs a name, an institution and its type."))
        return redirect(back)
    try:
        participant = services.participant_save(
            actor=request.user,
            meeting=meeting,
            data={**form.cleaned_data, "invited": False},
            present_on=day,
        )
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(
            request, _("%(name)s registered and marked present.") % {"name": participant.name}
        )
    return redirect(back)
