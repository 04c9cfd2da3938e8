"""Aggregates per regency × month × programme (the dashboards' own series) and report runs."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from api import schemas
from api.auth import guarded
from api.common import require
from api.errors import BadInput, form_errors
from audit.services import audit_export
from pmks_portal import access
from pmks_portal.access import Capability
from reports import figures
from reports import services as report_services
from reports.forms import PROVINCE, ReportRequestForm
from reports.indicators import months_between
from reports.models import ReportRun, SummaryState
from reports.periods import parse_period
from reports.summary import province_regencies

router = Router(tags=["aggregates and reports"])
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
MAX_MONTHS = 24


def _months(filters: schemas.AggregateFilters) -> list:
    today = timezone.localdate()
    try:
        first = parse_period(filters.from_month, today=today)
        last = parse_period(filters.to_month, today=today)
    except (ValueError, ValidationError) as error:
        raise BadInput({"from": [_("Give months as YYYY-MM.")]}) from error
    if first.kind != "month" or last.kind != "month":
        raise BadInput({"from": [_("Give months as YYYY-MM.")]})
    months = months_between(first.start, last.start)
    if not months:
        raise BadInput({"to": [_("The last month comes before the first.")]})
    if len(months) > MAX_MONTHS:
        raise BadInput({"to": [_("Ask for at most 24 months at a time.")]})
    return months


@router.get(
    "/aggregates/", response={200: list[schemas.Aggregate], **ERRORS}, url_name="aggregates"
)
def aggregates(request, filters: Query[schemas.AggregateFilters]):
    """Cases per regency × month × target programme: the series the dashboards draw
    (reports/figures.py programme_series over the summary tables), never the raw cases."""
    if not access.api_aggregates_allowed(request.user):
        raise PermissionDenied
    limit = access.regency_limit(request.user)
    codes = province_regencies()
    if limit:
        if filters.regency and filters.regency != limit:
            raise BadInput({"regency": [_("This regency/city is outside your scope.")]})
        codes = [limit]
    elif filters.regency:
        if filters.regency not in codes:
            raise BadInput({"regency": [_("Select a valid choice.")]})
        codes = [filters.regency]
    months = _months(filters)
    states = SummaryState.objects.filter(regency_id__in=codes)
    counted = {s.regency_id: set(s.snapshot_months) for s in states}
    series = figures.programme_series(codes, months, counted)
    return [
        {
            "regency": regency,
            "programme": programme,
            "month": f"{m.month:%Y-%m}",
            "found": m.found,
            "in_handling": m.in_handling,
            "resolved": m.resolved,
            "relapsed": m.relapsed,
            "closed": m.closed,
            "remaining": m.remaining,
            "estimated": m.estimated,
        }
        for (regency, programme), rows in sorted(series.items())
        for m in rows
        if filters.programme in (None, programme)
    ]


def run_body(run: ReportRun) -> dict:
    return {
        "id": str(run.pk),
        "regency": run.regency_id,
        "period": run.period,
        "status": run.status,
        "progress": run.progress,
        "finished": run.is_finished,
        "error": run.error,
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
        "files": [kind for kind, name in (("pdf", run.pdf_file), ("xlsx", run.xlsx_file)) if name],
    }


@router.post(
    "/reports/",
    response={200: schemas.ReportRun, 202: schemas.ReportRun, **ERRORS},
    url_name="reports",
    auth=guarded(Capability.READ_RECORDS),
)
def report_request(request, payload: schemas.ReportIn):
    """Asks for a report of a regency (or the province roll-up): 202 when it is queued, 200 when
    the same report exists already. Poll its status, then download its files. A read-only
    client reads reports but may not ask for one, as a regency viewer may not (403)."""
    # Another regency in the body stays the form's 400 (its field error), as for a page.
    own_scope = payload.regency is None or access.regency_limit(request.user) in (
        None,
        payload.regency,
    )
    if own_scope and not access.may_request_report(request.user, payload.regency or None):
        raise PermissionDenied
    data = {"scope": payload.regency or PROVINCE, "period": payload.period}
    form = ReportRequestForm(data, user=request.user)
    if not form.is_valid():
        errors = form_errors(form)
        if "scope" in errors:  # the page's field is the body's `regency`
            errors["regency"] = errors.pop("scope")
        raise BadInput(errors)
    run, created = report_services.report_request(
        actor=request.user,
        regency=form.regency(),
        period=form.cleaned_data["period"],
        language=request.LANGUAGE_CODE,
    )
    return Status(202 if created else 200, run_body(run))


def _run(request, pk: uuid.UUID) -> ReportRun:
    require(request, Capability.READ_RECORDS)
    return access.get_object_for_user(ReportRun.objects.defer("figures"), request.user, pk=pk)


@router.get("/reports/{uuid:pk}/", response={200: schemas.ReportRun, **ERRORS}, url_name="report")
def report_status(request, pk: uuid.UUID):
    return run_body(_run(request, pk))


@router.get(
    "/reports/{uuid:pk}/{kind}/",
    response={200: None, **ERRORS},
    url_name="report-file",
    openapi_extra={
        # An int key, as the framework's own: a "200" beside it is a duplicate key in the JSON.
        "responses": {
            200: {
                "description": "The PDF or XLSX file.",
                "content": {"application/pdf": {}, "application/vnd.ms-excel": {}},
            }
        }
    },
)
def report_download(request, pk: uuid.UUID, kind: schemas.ReportFileKind):
    """The report's PDF or XLSX once built; every download is logged as an export."""
    run = _run(request, pk)
    try:
        handle = report_services.open_report_file(run, kind)
    except FileNotFoundError:
        raise Http404 from None
    audit_export(
        actor=request.user,
        label="reports.reportrun",
        params={"run": str(run.pk), "format": kind, "period": run.period, "via": "api"},
        row_count=0,
        regency_id=run.regency_id,
    )
    scope = run.regency_id or "provinsi"
    return FileResponse(
        handle, as_attachment=True, filename=f"laporan-pmks-{scope}-{run.period}.{kind}"
    )
