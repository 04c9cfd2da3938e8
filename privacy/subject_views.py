"""Subject requests: log one for a person, follow its 3 × 24 h clock, produce the person's
complete file (JSON, PDF), record corrections, mark it answered. Thin: services do the work."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import Person
from pmks_portal import access
from pmks_portal.access import Capability
from privacy import subjects
from privacy.forms import CorrectionForm, SubjectRequestForm
from privacy.models import SubjectRequest

handles_requests = access.requires(Capability.HANDLE_SUBJECT_REQUESTS)


@handles_requests
@require_GET
def request_list(request):
    # "Log a request for person n": the person's own page (cases) may link here instead.
    person = request.GET.get("orang", "")
    if person.isdigit():
        return redirect("pdp:request-create", person_pk=int(person))
    requests = (
        SubjectRequest.objects.visible_to(request.user)
        .select_related("person", "regency", "received_by")
        .order_by("answered_at", "-requested_at")[:200]
    )
    return render(
        request, "privacy/request_list.html", {"requests": requests, "now": timezone.now()}
    )


@handles_requests
def request_create(request, person_pk):
    person = access.get_object_for_user(Person.objects.all(), request.user, pk=person_pk)
    if not access.can_handle_subject_request(request.user, person.regency_id):
        raise PermissionDenied
    form = SubjectRequestForm(request.POST or None, initial={"requested_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            created = subjects.subject_request_create(
                actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            return redirect("pdp:request", pk=created.pk)
    return render(request, "privacy/request_form.html", {"form": form, "person": person})


def _own_request(request, pk, *, write=False):
    return access.get_object_for_user(
        SubjectRequest.objects.select_related("person", "regency", "received_by", "answered_by"),
        request.user,
        write=write,
        pk=pk,
    )


@handles_requests
@require_GET
def request_detail(request, pk):
    subject_request = _own_request(request, pk)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "req": subject_request,
            "now": timezone.now(),
            "exports": subject_request.exports.select_related("by"),
            "corrections": subject_request.corrections.select_related("by"),
            "correction_form": CorrectionForm(),
        },
    )


def _file(request, pk, fmt):
    subject_request = _own_request(request, pk, write=True)
    content, content_type = subjects.subject_export(
        actor=request.user, request=subject_request, fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="data-pribadi-{subject_request.person_id}.{fmt}"'
    )
    return response


@handles_requests
@require_POST
def request_json(request, pk):
    return _file(request, pk, "json")


@handles_requests
@require_POST
def request_pdf(request, pk):
    return _file(request, pk, "pdf")


@handles_requests
@require_POST
def request_answer(request, pk):
    subject_request = _own_request(request, pk, write=True)
    subjects.subject_request_answer(actor=request.user, request=subject_request)
    messages.success(request, _("The request is marked answered."))
    return redirect("pdp:request", pk=pk)


@handles_requests
@require_POST
def request_correct(request, pk):
    subject_request = _own_request(request, pk, write=True)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            subjects.subject_correct(
                actor=request.user, request=subject_request, **form.cleaned_data
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("The correction is recorded."))
    else:
        messages.error(request, _("Choose a field and give its correct value."))
    return redirect("pdp:request", pk=pk)
