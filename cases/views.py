"""Pages of the case registry. Thin: fetch through the access rules, validate, call a service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import sensitive
from audit.history import history_of
from audit.services import audit_export
from cases import attachments, exports, searches, services, targets
from cases.forms import (
    DETAIL_FORMS,
    AttachmentForm,
    CaseFilterForm,
    CaseForm,
    InterventionForm,
    MergeForm,
    PasungEventForm,
    PersonForm,
    SearchForm,
    TransitionForm,
)
from cases.models import Attachment, Case, Person, Programme
from pmks_portal import access, service_errors
from pmks_portal.access import Capability
from pmks_portal.pagination import COUNT_CAP, SEARCH_COUNT_CAP, chosen_page_size, keyset_page
from pmks_portal.private_files.serving import download_response

read_records = access.requires(Capability.READ_RECORDS)
write_records = access.requires(Capability.WRITE_RECORDS)


def _filtered_cases(request):
    """The user's visible cases narrowed by the list's filters and search; also the sort."""
    cases = Case.objects.visible_to(request.user).for_list()
    form = CaseFilterForm(
        request.GET or None,
        regency_limit=access.regency_limit(request.user),
        province_code=settings.PMKS_PROVINCE_CODE,
    )
    sort = CaseFilterForm.SORTS["newest"]
    if form.is_bound and form.is_valid():
        cases, sort = form.apply(cases)
    search_text = searches.recall(request.session, request.GET.get("s"))
    if search_text:
        cases = cases.matching(search_text)  # last: it picks persons among the filtered cases
    return cases, sort, form, search_text


@read_records
def case_list(request):
    cases, (field, descending), form, search_text = _filtered_cases(request)
    size = chosen_page_size(form)
    page = keyset_page(
        cases,
        field=field,
        descending=descending,
        cursor=request.GET.get("after"),
        size=size,
        count_cap=SEARCH_COUNT_CAP if search_text else COUNT_CAP,
        ids_first=bool(search_text),
    )
    sensitive.record_case_reads(actor=request.user, cases=page.rows, via="list")
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "form": form,
            "search_form": SearchForm(initial={"q": search_text}),
            "search_text": search_text,
            "query": query.urlencode(),
            "can_write": access.can(request.user, Capability.WRITE_RECORDS),
            "can_import_province": access.can(request.user, Capability.IMPORT_PROVINCE),
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
        },
    )


@read_records
@require_POST
def case_search(request):
    form = SearchForm(request.POST)
    query = {}
    if form.is_valid():
        query["s"] = searches.remember(request.session, form.cleaned_data["q"].strip())
    else:
        messages.error(request, _("Type at least two characters of a name, or a 16-digit NIK."))
    return redirect(f"{reverse('cases:list')}?{urlencode(query)}")


@write_records
def person_create(request):
    regency = request.user.regency
    form = PersonForm(request.POST or None, regency_code=regency.code)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                regency=regency,
                data=form.person_data(services.estimated_birth_date),
                confirmed=form.cleaned_data["confirm"],
            )
        except services.DuplicateNik as duplicate:
            context["duplicate"] = duplicate
        except services.NeedsConfirmation as pending:
            context["pending"] = pending
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Person registered. Now open a case for them."))
            return redirect("cases:case-create", person_pk=person.pk)
    return render(request, "cases/person_form.html", context)


@read_records
def person_detail(request, pk):
    person = access.get_object_for_user(
        Person.objects.select_related("regency", "village"), request.user, pk=pk
    )
    cases = list(person.cases.visible_to(request.user).for_list().order_by("-registered_on"))
    services.record_view(
        actor=request.user,
        obj=person,
        regency_id=person.regency_id,
        sensitive=any(sensitive.is_sensitive_case(case) for case in cases),
    )
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "history": history_of(person),
            "can_write": person.writable_by(request.user),
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
            "can_merge": access.can(request.user, Capability.MERGE_PERSONS),
            "merge_form": MergeForm(),
        },
    )


@write_records
def person_edit(request, pk):
    person = access.get_object_for_user(Person.objects.all(), request.user, write=True, pk=pk)
    form = PersonForm(request.POST or None, instance=person, regency_code=person.regency_id)
    context = {"form": form, "person": person}
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.person_data(services.estimated_birth_date),
                confirmed=form.cleaned_data["confirm"],
            )
        except services.EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except services.DuplicateNik as duplicate:
            context["duplicate"] = duplicate
        except services.NeedsConfirmation as pending:
            context["pending"] = pending
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:person-detail", pk=person.pk)
    return render(request, "cases/person_form.html", context)


@access.requires(Capability.MERGE_PERSONS)
@require_POST
def person_merge(request, pk):
    keep = access.get_object_for_user(Person.objects.all(), request.user, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the duplicate record and a reason."))
        return redirect("cases:person-detail", pk=keep.pk)
    duplicate = access.get_object_for_user(
        Person.objects.all(), request.user, pk=form.cleaned_data["duplicate"]
    )
    try:
        services.person_merge(
            actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Records merged; all cases now belong to this person."))
    return redirect("cases:person-detail", pk=keep.pk)


@write_records
def case_create(request, person_pk):
    person = access.get_object_for_user(
        Person.objects.all(), request.user, write=True, pk=person_pk
    )
    regency = request.user.regency
    form = CaseForm(request.POST or None, regency_code=regency.code)
    if request.method == "POST" and form.is_valid():
        data = form.case_data()
        data["restraint_form"] = form.cleaned_data.get("restraint_form") or "other"
        try:
            case = services.case_create(
                actor=request.user,
                person=person,
                regency=regency,
                data=data,
                is_pasung=form.cleaned_data["is_pasung"],
            )
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Case registered."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "person": person})


@read_records
def case_detail(request, pk):
    case = access.get_object_for_user(Case.objects.for_detail(), request.user, pk=pk)
    services.record_view(
        actor=request.user,
        obj=case,
        regency_id=case.regency_id,
        sensitive=sensitive.is_sensitive_case(case),
    )
    can_write = case.writable_by(request.user)
    detail_form = None
    if case.programme in DETAIL_FORMS:
        form_class, related = DETAIL_FORMS[case.programme]
        detail_form = form_class(instance=getattr(case, related, None))
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "open_against_target": targets.is_open_against_target(case),
            "transitions": case.transitions.select_related("by"),
            "interventions": case.interventions.select_related("created_by"),
            "attachments": case.attachments.for_list(),
            "pasung_events": case.pasung.events.all() if case.programme == Programme.PASUNG else (),
            "history": history_of(case),
            "can_write": can_write,
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
            "transition_form": TransitionForm(current_status=case.status) if can_write else None,
            "intervention_form": InterventionForm() if can_write else None,
            "attachment_form": AttachmentForm() if can_write else None,
            "detail_form": detail_form,
            "pasung_event_form": PasungEventForm() if case.programme == Programme.PASUNG else None,
        },
    )


def _case_for_writing(request, pk) -> Case:
    return access.get_object_for_user(Case.objects.for_detail(), request.user, write=True, pk=pk)


@write_records
def case_edit(request, pk):
    case = _case_for_writing(request, pk)
    form = CaseForm(request.POST or None, instance=case, regency_code=case.regency_id)
    context = {"form": form, "case": case, "person": case.person}
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.case_data(),
            )
        except services.EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", context)


def _field_errors(form) -> str:
    """The form's field errors as one line for a message: "Label: errors; Label: errors"."""
    return "; ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    )


@write_records
@require_POST
def case_transition(request, pk):
    case = _case_for_writing(request, pk)
    form = TransitionForm(request.POST, current_status=case.status)
    if not form.is_valid():
        messages.error(request, _("Choose a new status and a date."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.case_transition(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("cases:detail", pk=case.pk)


@write_records
@require_POST
def intervention_add(request, pk):
    case = _case_for_writing(request, pk)
    form = InterventionForm(request.POST)
    if form.is_valid():
        try:
            services.intervention_add(actor=request.user, case=case, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Intervention recorded."))
    else:
        messages.error(request, _("The intervention needs a date and a type."))
    return redirect("cases:detail", pk=case.pk)


@write_records
@require_POST
def case_details_save(request, pk):
    case = _case_for_writing(request, pk)
    if case.programme not in DETAIL_FORMS:
        raise PermissionDenied
    form_class, related = DETAIL_FORMS[case.programme]
    detail = getattr(case, related, None) or form_class._meta.model(case=case)
    form = form_class(request.POST, instance=detail)
    if form.is_valid():
        try:
            services.case_detail_save(
                actor=request.user, case=case, detail=detail, data=form.cleaned_data
            )
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Details saved."))
    else:
        messages.error(
            request,
            _("Some details are not valid: %(errors)s") % {"errors": _field_errors(form)},
        )
    return redirect("cases:detail", pk=case.pk)


@write_records
@require_POST
def pasung_event_add(request, pk):
    case = _case_for_writing(request, pk)
    if case.programme != Programme.PASUNG:
        raise PermissionDenied
    form = PasungEventForm(request.POST)
    if form.is_valid():
        services.pasung_event_add(actor=request.user, case=case, data=form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("A follow-up needs a kind and a date."))
    return redirect("cases:detail", pk=case.pk)


@read_records
def case_export(request):
    """Exactly what the list shows with the same filters, all pages; logged without names."""
    cases, (field, descending), form, search_text = _filtered_cases(request)
    cases = cases.order_by(f"{'-' if descending else ''}{field}", "-pk")
    full_ids = access.can(request.user, Capability.SEE_FULL_IDS)
    export_format = request.GET.get("format", "csv")
    params = {key: value for key, value in request.GET.items() if key not in {"s", "after"}}
    params["name_or_nik_search"] = bool(search_text)
    audit_export(
        actor=request.user,
        label="cases.case",
        params=params,
        row_count=cases.count(),
        regency_id=access.regency_limit(request.user),
    )
    sensitive.record_export_reads(actor=request.user, cases_queryset=cases)
    if export_format == "xlsx":
        return exports.xlsx_response(cases, full_ids=full_ids)
    return exports.csv_response(cases, full_ids=full_ids)


@write_records
@require_POST
def attachment_upload(request, pk):
    case = _case_for_writing(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attachment_add(
                actor=request.user,
                case=case,
                uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, _field_errors(form))
    return redirect("cases:detail", pk=case.pk)


@read_records
@require_GET
def attachment_download(request, pk):
    """The file, to people who may read its case only; every opening is logged."""
    attachment = access.get_object_for_user(
        Attachment.objects.select_related("case__category"), request.user, pk=pk
    )
    try:
        handle = attachments.attachment_open(actor=request.user, attachment=attachment)
    except FileNotFoundError:
        raise Http404 from None
    # Photos were re-encoded on upload and may be shown in the browser; PDFs are only downloaded.
    return download_response(handle, attachment, inline_images=True)


@write_records
@require_POST
def attachment_delete(request, pk):
    attachment = access.get_object_for_user(
        Attachment.objects.select_related("case"), request.user, write=True, pk=pk
    )
    attachments.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect("cases:detail", pk=attachment.case_id)
