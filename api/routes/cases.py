"""Persons, cases, their status transitions and interventions: the pages' services, as JSON."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from api import readlog, schemas
from api.auth import guarded
from api.common import (
    form_data,
    id_number,
    own_regency,
    page_body,
    page_of,
    require,
    valid_form,
)
from api.errors import BadInput
from cases import services, workflow
from cases.forms import CaseFilterForm, CaseForm, InterventionForm, PersonForm, TransitionForm
from cases.models import Case, Intervention, Person
from pmks_portal import access
from pmks_portal.access import Capability
from pmks_portal.pagination import SEARCH_COUNT_CAP

router = Router(tags=["cases"])
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


def person_body(request, person: Person) -> dict:
    return {
        "id": person.pk,
        "nik": id_number(request, person.nik),
        "kk_number": id_number(request, person.kk_number),
        "name": person.name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "birth_date_is_estimate": person.birth_date_is_estimate,
        "address": person.address,
        "regency": person.regency_id,
        "village": person.village_id,
        "version": person.version,
    }


def case_body(case: Case) -> dict:
    return {
        "id": case.pk,
        "person": case.person_id,
        "person_name": case.person.name,
        "category": case.category_id,
        "category_code": case.category.code,
        "programme": case.programme,
        "regency": case.regency_id,
        "district": case.district_id,
        "village": case.village_id,
        "found_on": case.found_on,
        "registered_on": case.registered_on,
        "source": case.source,
        "status": case.status,
        "close_reason": case.close_reason,
        "status_changed_on": case.status_changed_on,
        "relapse_count": case.relapse_count,
        "next_statuses": workflow.next_statuses(case.status),
        "version": case.version,
    }


def case_detail_body(case: Case) -> dict:
    return case_body(case) | {
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "effective_on": t.effective_on,
                "is_relapse": t.is_relapse,
                "reason": t.reason,
                "at": t.at,
            }
            for t in case.transitions.all()
        ]
    }


def intervention_body(intervention: Intervention) -> dict:
    return {
        "id": intervention.pk,
        "case": intervention.case_id,
        "date": intervention.date,
        "type": intervention.type,
        "provider": intervention.provider,
        "outcome": intervention.outcome,
        "notes": intervention.notes,
    }


def _pending(pending: services.NeedsConfirmation) -> dict:
    return {
        "detail": _("Confirm the warnings: send the request again with confirm."),
        "code": "needs_confirmation",
        "warnings": [str(w) for w in pending.warnings],
        "near_matches": [p.pk for p in pending.near_matches],
        "hidden_near": pending.hidden_near,
    }


def _duplicate(duplicate: services.DuplicateNik) -> dict:
    return {
        "detail": str(duplicate),
        "code": "duplicate_nik",
        "warnings": [],
        "near_matches": [],
        "hidden_near": 0,
        "existing_person": duplicate.person.pk if duplicate.person else None,
    }


@router.get("/cases/", response={200: schemas.CasePage, **ERRORS}, url_name="cases")
def case_list(request, filters: Query[schemas.CaseFilters]):
    """The caller's cases, newest first, with the case list page's filters; keyset pages."""
    require(request, Capability.READ_RECORDS)
    limit = access.regency_limit(request.user)
    if limit and filters.regency and filters.regency != limit:
        raise BadInput({"regency": [_("This regency/city is outside your scope.")]})
    values = filters.dict(exclude={"after", "size"})
    form = valid_form(
        CaseFilterForm(
            form_data(values),
            regency_limit=limit,
            province_code=settings.PMKS_PROVINCE_CODE,
        )
    )
    cases, (field, descending) = form.apply(Case.objects.visible_to(request.user).for_list())
    page = page_of(
        cases, field=field, descending=descending, after=filters.after, size=filters.size
    )
    readlog.served(request, Case, [case.pk for case in page.rows])
    return page_body(page, [case_body(case) for case in page.rows])


@router.post(
    "/cases/search/",
    response={200: schemas.CasePage, **ERRORS},
    url_name="case-search",
    auth=guarded(Capability.READ_RECORDS),
)
def case_search(request, payload: schemas.CaseSearchIn):
    """The caller's cases whose person has this NIK or KK number, or a name like this one (the
    list page's search: cases/querysets.py `matching`), newest first."""
    cases = Case.objects.visible_to(request.user).for_list().matching(payload.q.strip())
    page = page_of(
        cases,
        field="registered_on",
        descending=True,
        after=payload.after,
        size=payload.size,
        count_cap=SEARCH_COUNT_CAP,
    )
    readlog.served(request, Case, [case.pk for case in page.rows])
    return page_body(page, [case_body(case) for case in page.rows])


@router.get("/cases/{id:pk}/", response={200: schemas.CaseDetail, **ERRORS}, url_name="case")
def case_detail(request, pk: int):
    require(request, Capability.READ_RECORDS)
    case = access.get_object_for_user(Case.objects.for_list(), request.user, pk=pk)
    readlog.served(request, Case, [case.pk])
    return case_detail_body(case)


@router.post(
    "/cases/",
    response={201: schemas.CaseDetail, **ERRORS},
    url_name="cases",
    auth=guarded(Capability.WRITE_RECORDS),
    openapi_extra={"requestBody": {"description": "A case of a person of the caller's regency."}},
)
def case_create(request, payload: schemas.CaseIn):
    """Opens a case through the same service and checks as the case form."""
    regency = own_regency(request, payload.regency)
    person = Person.objects.visible_to(request.user).current().filter(pk=payload.person).first()
    if person is None or not person.writable_by(request.user):
        raise BadInput({"person": [_("No such person in your regency/city.")]})
    values = payload.dict(exclude={"person", "regency"})
    form = valid_form(CaseForm(form_data(values), regency_code=regency.code))
    data = form.case_data()
    data["restraint_form"] = form.cleaned_data.get("restraint_form") or "other"
    case = services.case_create(
        actor=request.user,
        person=person,
        regency=regency,
        data=data,
        is_pasung=form.cleaned_data["is_pasung"],
    )
    readlog.served(request, Case, [case.pk])
    return Status(201, case_detail_body(Case.objects.for_list().get(pk=case.pk)))


@router.post(
    "/cases/{id:pk}/transitions/",
    response={200: schemas.CaseDetail, **ERRORS},
    url_name="case-transition",
    auth=guarded(Capability.WRITE_RECORDS, Case, write=True),
)
def case_transition(request, pk: int, payload: schemas.TransitionIn):
    """Moves the case along its workflow (`next_statuses` says where), with a reason."""
    case = request.api_object
    values = payload.dict()
    values["effective_on"] = payload.effective_on or timezone.localdate()  # the form needs one
    form = valid_form(TransitionForm(form_data(values), current_status=case.status))
    services.case_transition(actor=request.user, case=case, **form.cleaned_data)
    readlog.served(request, Case, [case.pk])
    return case_detail_body(Case.objects.for_list().get(pk=case.pk))


@router.get(
    "/cases/{id:pk}/interventions/",
    response={200: list[schemas.Intervention], **ERRORS},
    url_name="case-interventions",
)
def intervention_list(request, pk: int):
    require(request, Capability.READ_RECORDS)
    case = access.get_object_for_user(Case.objects.all(), request.user, pk=pk)
    interventions = list(case.interventions.order_by("date", "pk"))
    readlog.served(request, Intervention, [i.pk for i in interventions])
    return [intervention_body(i) for i in interventions]


@router.post(
    "/cases/{id:pk}/interventions/",
    response={201: schemas.Intervention, **ERRORS},
    url_name="case-interventions",
    auth=guarded(Capability.WRITE_RECORDS, Case, write=True),
)
def intervention_add(request, pk: int, payload: schemas.InterventionIn):
    case = request.api_object
    form = valid_form(InterventionForm(form_data(payload.dict())))
    intervention = services.intervention_add(actor=request.user, case=case, data=form.cleaned_data)
    return Status(201, intervention_body(intervention))


@router.get("/persons/", response={200: schemas.PersonPage, **ERRORS}, url_name="persons")
def person_list(request, filters: Query[schemas.PersonFilters]):
    """The caller's persons (merged duplicates left out), newest first; keyset pages."""
    require(request, Capability.READ_RECORDS)
    persons = Person.objects.visible_to(request.user).current()
    page = page_of(
        persons, field="created_at", descending=True, after=filters.after, size=filters.size
    )
    readlog.served(request, Person, [p.pk for p in page.rows])
    return page_body(page, [person_body(request, p) for p in page.rows])


@router.get("/persons/{id:pk}/", response={200: schemas.Person, **ERRORS}, url_name="person")
def person_detail(request, pk: int):
    require(request, Capability.READ_RECORDS)
    person = access.get_object_for_user(Person.objects.all(), request.user, pk=pk)
    readlog.served(request, Person, [person.pk])
    return person_body(request, person)


@router.post(
    "/persons/",
    response={201: schemas.Person, 409: schemas.Pending, **ERRORS},
    url_name="persons",
    auth=guarded(Capability.WRITE_RECORDS),
)
def person_create(request, payload: schemas.PersonIn):
    """Registers a person with the person form's checks: NIK structure, an NIK registered
    already (409 duplicate_nik), and warnings (409 needs_confirmation: send again with
    `"confirm": true`)."""
    regency = own_regency(request, payload.regency)
    form = valid_form(
        PersonForm(form_data(payload.dict(exclude={"regency"})), regency_code=regency.code)
    )
    try:
        person = services.person_create(
            actor=request.user,
            regency=regency,
            data=form.person_data(services.estimated_birth_date),
            confirmed=form.cleaned_data["confirm"],
        )
    except services.DuplicateNik as duplicate:
        return Status(409, _duplicate(duplicate))
    except services.NeedsConfirmation as pending:
        return Status(409, _pending(pending))
    readlog.served(request, Person, [person.pk])
    return Status(201, person_body(request, person))
