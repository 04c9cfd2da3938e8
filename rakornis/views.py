"""Pages of the Rakornis. Thin: fetch through the access rules, validate, call one service.

Meetings, agenda, documents, participants and recommendations are read by anyone who may read
records and managed by the provincial office (MANAGE_MEETINGS). Follow-ups are regency records:
a regency's users open their own only (another regency's is a 404), and only its staff update it.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from pmks_portal import access, service_errors
from pmks_portal.access import Capability
from pmks_portal.pagination import keyset_page
from pmks_portal.private_files import storage
from pmks_portal.private_files.serving import download_response
from pmks_portal.records import EditConflict
from rakornis import importing, outcomes, pdf, services, stats
from rakornis.forms import (
    AttendanceDayForm,
    DocumentForm,
    DoorMarkForm,
    FollowUpFilterForm,
    FollowUpUpdateForm,
    ImportForm,
    MeetingFilterForm,
    MeetingForm,
    ParticipantForm,
    RecommendationForm,
    SessionForm,
    WalkInForm,
)
from rakornis.models import (
    AgendaSession,
    AttendanceSource,
    Evidence,
    FollowUp,
    Meeting,
    MeetingDocument,
    Participant,
    Recommendation,
)

read_records = access.requires(Capability.READ_RECORDS)
manage_meetings = access.requires(Capability.MANAGE_MEETINGS)


def _meeting(request, pk, *, write=False) -> Meeting:
    return access.get_object_for_user(
        Meeting.objects.select_related("host_regency"), request.user, write=write, pk=pk
    )


def _can_manage(request) -> bool:
    return access.can(request.user, Capability.MANAGE_MEETINGS)


def _day_from(request, meeting: Meeting, today: date) -> date:
    """The day asked for (?day=), else today during the meeting, else its first day."""
    try:
        day = date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        day = None
    if day and meeting.is_meeting_day(day):
        return day
    return today if meeting.is_meeting_day(today) else meeting.starts_on


# ---------------------------------------------------------------------------------------------
# Meetings


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
            "history": AuditEvent.objects.for_object(meeting).with_actor()[:30]
            if can_manage
            else (),
        },
    )


# ---------------------------------------------------------------------------------------------
# Agenda and documents


def _saving_form_page(request, form, save, *, saved: str, next_url: str, template, context):
    """A form page whose valid POST passes the cleaned data to `save` (a service call): a
    refusal shows on the form, a success as a message on the next page."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, saved)
            return redirect(next_url)
    return render(request, template, {"form": form, **context})


def _session_form_page(request, meeting, session=None):
    return _saving_form_page(
        request,
        SessionForm(request.POST or None, instance=session, meeting=meeting),
        lambda data: services.session_save(
            actor=request.user, meeting=meeting, session=session, data=data
        ),
        saved=_("Agenda saved."),
        next_url=f"{reverse('rakornis:detail', args=[meeting.pk])}#agenda",
        template="rakornis/session_form.html",
        context={"meeting": meeting, "session": session},
    )


@manage_meetings
def session_create(request, pk):
    return _session_form_page(request, _meeting(request, pk, write=True))


@manage_meetings
def session_edit(request, pk):
    session = access.get_object_for_user(
        AgendaSession.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    return _session_form_page(request, session.meeting, session)


@manage_meetings
@require_POST
def session_delete(request, pk):
    session = access.get_object_for_user(
        AgendaSession.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    try:
        services.session_delete(actor=request.user, session=session)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Session removed."))
    return redirect(f"{reverse('rakornis:detail', args=[session.meeting_id])}#agenda")


@manage_meetings
@require_POST
def document_upload(request, pk):
    meeting = _meeting(request, pk, write=True)
    form = DocumentForm(request.POST, request.FILES, meeting=meeting)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(e for errors in form.errors.values() for e in errors)
            or _("Choose a file and its kind."),
        )
    else:
        try:
            services.document_add(
                actor=request.user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                session=form.cleaned_data["session"],
                uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Document uploaded."))
    return redirect(f"{reverse('rakornis:detail', args=[meeting.pk])}#documents")


@read_records
@require_GET
def document_download(request, pk):
    document = access.get_object_for_user(MeetingDocument.objects.all(), request.user, pk=pk)
    try:
        handle = storage.open_stored(document)
    except FileNotFoundError:
        raise Http404 from None
    return download_response(handle, document)


@manage_meetings
@require_POST
def document_delete(request, pk):
    document = access.get_object_for_user(
        MeetingDocument.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("Document removed."))
    return redirect(f"{reverse('rakornis:detail', args=[document.meeting_id])}#documents")


# ---------------------------------------------------------------------------------------------
# Participants and attendance


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


# ---------------------------------------------------------------------------------------------
# Recommendations and follow-ups


def _recommendation_form_page(request, meeting, recommendation=None):
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        regencies = list(form.cleaned_data["regencies"])
        try:
            if recommendation is None:
                saved = services.recommendation_create(
                    actor=request.user,
                    meeting=meeting,
                    data=form.service_data(),
                    regencies=regencies,
                )
            else:
                saved = services.recommendation_update(
                    actor=request.user,
                    recommendation=recommendation,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    regencies=regencies,
                )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect("rakornis:recommendation", pk=saved.pk)
    return render(
        request,
        "rakornis/recommendation_form.html",
        {"form": form, "meeting": meeting, "recommendation": recommendation},
    )


@manage_meetings
def recommendation_create(request, pk):
    return _recommendation_form_page(request, _meeting(request, pk, write=True))


@manage_meetings
def recommendation_edit(request, pk):
    recommendation = access.get_object_for_user(
        Recommendation.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    return _recommendation_form_page(
        request, recommendation.meeting, Recommendation.objects.get(pk=pk)
    )


@read_records
@require_GET
def recommendation_detail(request, pk):
    recommendation = access.get_object_for_user(
        Recommendation.objects.select_related("meeting__host_regency"), request.user, pk=pk
    )
    today = timezone.localdate()
    follow_ups = list(
        FollowUp.objects.visible_to(request.user)
        .filter(recommendation=recommendation)
        .select_related("regency")
        .order_by("regency_id")
    )
    results = outcomes.outcomes_for(recommendation, follow_ups, today)
    for follow_up in follow_ups:
        follow_up.outcome = results.get(follow_up.pk)
        follow_up.recommendation = recommendation
    before, after = outcomes.windows(recommendation)
    return render(
        request,
        "rakornis/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "meeting": recommendation.meeting,
            "follow_ups": follow_ups,
            "before_window": before,
            "after_window": after,
            "today": today,
            "can_manage": recommendation.writable_by(request.user),
            "history": AuditEvent.objects.for_object(recommendation).with_actor()[:30],
        },
    )


@read_records
@require_GET
def follow_up_list(request):
    today = timezone.localdate()
    regency = access.regency_limit(request.user)
    form = FollowUpFilterForm(
        request.GET or None,
        regency_limit=regency,
        meetings=Meeting.objects.visible_to(request.user).order_by("-starts_on"),
    )
    follow_ups = form.apply(FollowUp.objects.visible_to(request.user).for_list(), today)
    page = keyset_page(
        follow_ups, field="due_on", descending=False, cursor=request.GET.get("after"), size=50
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "rakornis/follow_up_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "today": today},
    )


def _follow_up(request, pk, *, write=False) -> FollowUp:
    return access.get_object_for_user(
        FollowUp.objects.select_related("recommendation__meeting", "regency"),
        request.user,
        write=write,
        pk=pk,
    )


def _follow_up_page(request, follow_up: FollowUp, form=None, status=200):
    today = timezone.localdate()
    can_write = follow_up.writable_by(request.user)
    if can_write and form is None:
        form = FollowUpUpdateForm(
            initial={
                "status": follow_up.status,
                "happened_on": today,
                "version": follow_up.version,
            }
        )
    results = outcomes.outcomes_for(follow_up.recommendation, [follow_up], today)
    return render(
        request,
        "rakornis/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "recommendation": follow_up.recommendation,
            "meeting": follow_up.recommendation.meeting,
            "updates": follow_up.updates.select_related("by").prefetch_related("evidence"),
            "outcome": results.get(follow_up.pk),
            "today": today,
            "can_write": can_write,
            "form": form if can_write else None,
            "history": AuditEvent.objects.for_object(follow_up).with_actor()[:30],
        },
        status=status,
    )


@read_records
@require_GET
def follow_up_detail(request, pk):
    return _follow_up_page(request, _follow_up(request, pk))


@access.authenticated
@require_POST
def follow_up_update(request, pk):
    """Open to any signed-in user, because who may write depends on the follow-up: its
    regency's staff, or the provincial office for its own unit (FollowUp.writable_by)."""
    follow_up = _follow_up(request, pk, write=True)
    form = FollowUpUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.follow_up_update(
                actor=request.user,
                follow_up=follow_up,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                happened_on=form.cleaned_data["happened_on"],
                uploaded_files=form.cleaned_data["evidence"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Follow-up updated."))
            return redirect("rakornis:follow-up", pk=pk)
    return _follow_up_page(request, _follow_up(request, pk), form)


@read_records
@require_GET
def evidence_download(request, pk):
    evidence = access.get_object_for_user(
        Evidence.objects.select_related("follow_up"), request.user, pk=pk
    )
    try:
        handle = services.evidence_open(actor=request.user, evidence=evidence)
    except FileNotFoundError:
        raise Http404 from None
    return download_response(handle, evidence)
