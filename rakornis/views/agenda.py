"""Rakornis pages: agenda sessions and meeting documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pmks_portal import access, service_errors
from pmks_portal.private_files import storage
from pmks_portal.private_files.serving import download_response
from rakornis import services
from rakornis.forms import (
    DocumentForm,
    SessionForm,
)
from rakornis.models import (
    AgendaSession,
    MeetingDocument,
)
from rakornis.views.common import _meeting, _saving_form_page, manage_meetings, read_records


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
