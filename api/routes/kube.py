"""KUBE groups and their monthly reports: read, and created through kube's own services."""

from ninja import Query, Router, Status

from api import readlog, schemas
from api.auth import guarded
from api.common import form_data, own_regency, page_body, page_of, require, valid_form
from kube import services as kube_services
from kube.forms import KubeForm, ReportForm
from kube.models import Kube, KubeReport
from pmks_portal import access
from pmks_portal.access import Capability
from pmks_portal.masking import mask_account

router = Router(tags=["kube"])
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


def kube_body(kube: Kube) -> dict:
    return {
        "id": kube.pk,
        "name": kube.name,
        "registration_number": kube.registration_number,
        "year_formed": kube.year_formed,
        "regency": kube.regency_id,
        "district": kube.district_id,
        "village": kube.village_id,
        "business_type": kube.business_type_id,
        "business_description": kube.business_description,
        # Masked on every page, for every role (kube's masked_account filter).
        "bank_account_number": mask_account(kube.bank_account_number),
        "status": kube.status,
        "stage": kube.stage,
        "last_report_month": kube.last_report_month,
        "version": kube.version,
    }


def report_body(report: KubeReport) -> dict:
    return {
        "id": report.pk,
        "kube": report.kube_id,
        "month": f"{report.month:%Y-%m}",
        "revenue": report.revenue,
        "costs": report.costs,
        "profit": report.profit,
        "capital": report.capital,
        "iks_collected": report.iks_collected,
        "iks_used": report.iks_used,
        "meetings_held": report.meetings_held,
        "bookkeeping_kept": report.bookkeeping_kept,
        "problems": report.problems,
        "received_on": report.received_on,
        "is_late": report.is_late,
    }


@router.get("/kube/", response={200: schemas.KubePage, **ERRORS}, url_name="kube-groups")
def kube_list(request, filters: Query[schemas.PersonFilters]):
    """The caller's KUBE groups, newest first; keyset pages."""
    require(request, Capability.READ_RECORDS)
    groups = Kube.objects.visible_to(request.user).for_list()
    page = page_of(
        groups, field="created_at", descending=True, after=filters.after, size=filters.size
    )
    readlog.served(request, Kube, [k.pk for k in page.rows])
    return page_body(page, [kube_body(k) for k in page.rows])


@router.post(
    "/kube/",
    response={201: schemas.Kube, **ERRORS},
    url_name="kube-groups",
    auth=guarded(Capability.WRITE_RECORDS),
)
def kube_create(request, payload: schemas.KubeIn):
    """Registers a group with the group form's checks (kube.services.kube_create)."""
    regency = own_regency(request, payload.regency)
    values = payload.dict(exclude={"regency"})
    form = valid_form(KubeForm(form_data(values), regency_code=regency.code))
    kube = kube_services.kube_create(actor=request.user, regency=regency, data=form.cleaned_data)
    return Status(201, kube_body(kube))


@router.get("/kube/{id:pk}/", response={200: schemas.Kube, **ERRORS}, url_name="kube-group")
def kube_detail(request, pk: int):
    require(request, Capability.READ_RECORDS)
    kube = access.get_object_for_user(Kube.objects.for_list(), request.user, pk=pk)
    readlog.served(request, Kube, [kube.pk])
    return kube_body(kube)


@router.get(
    "/kube/{id:pk}/reports/",
    response={200: list[schemas.KubeReport], **ERRORS},
    url_name="kube-reports",
)
def kube_report_list(request, pk: int):
    require(request, Capability.READ_RECORDS)
    kube = access.get_object_for_user(Kube.objects.all(), request.user, pk=pk)
    reports = list(kube.reports.order_by("-month")[:120])  # ten years of months
    readlog.served(request, KubeReport, [r.pk for r in reports])
    return [report_body(r) for r in reports]


@router.post(
    "/kube/{id:pk}/reports/",
    response={201: schemas.KubeReport, **ERRORS},
    url_name="kube-reports",
    auth=guarded(Capability.WRITE_RECORDS, Kube, write=True),
)
def kube_report_add(request, pk: int, payload: schemas.KubeReportIn):
    """A group's monthly report, checked as the report form and kube.services.report_add do:
    one per month, never a future month, no negative amounts; profit = revenue − costs."""
    kube = request.api_object
    # Amounts go to the form as Decimals, which its Rupiah fields take as they are.
    form = valid_form(ReportForm(form_data(payload.dict())))
    report = kube_services.report_add(actor=request.user, kube=kube, data=form.report_data())
    return Status(201, report_body(KubeReport.objects.get(pk=report.pk)))  # amounts as stored
