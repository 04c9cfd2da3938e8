"""Dashboards, report runs and targets. Thin: fetch through the access rules, call one service.

Dashboards read the summary only (reports.figures), never the raw cases; the number of queries
of each page is fixed and pinned by tests.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_export
from cases.models import Programme
from pmks_portal import access
from pmks_portal.access import Capability
from regions.models import Level, Region
from reports import districts, figures, services, sources, versions
from reports.charts import bar_chart
from reports.forms import (
    BaselineForm,
    MilestoneForm,
    MonthForm,
    OutlineUploadForm,
    ReportRequestForm,
    RestateForm,
    TargetForm,
)
from reports.indicators import add_months
from reports.maps import selectors as map_selectors
from reports.maps import services as map_services
from reports.maps.tiles import preview, province_map
from reports.models import ReportRun, Target
from reports.periods import Period
from reports.summary import current_month
from reports.trends import trend_chart

read_records = access.requires(Capability.READ_RECORDS)
province_dashboard = access.requires(Capability.VIEW_PROVINCE_DASHBOARD)
manage_reference = access.requires(Capability.MANAGE_REFERENCE)


# ---------------------------------------------------------------------------------------------
# Dashboards


@read_records
def dashboard(request):
    """The menu's "Dashboard": the province's for the provincial office, one's own regency's
    for regency staff (shown here, at one address for everyone); others who read the whole
    province choose a regency."""
    user = request.user
    if access.can(user, Capability.VIEW_PROVINCE_DASHBOARD):
        return _province(request)
    own = access.regency_limit(user)
    if own:
        return _regency(request, own)
    regencies = Region.objects.visible_to(user).province_regencies().order_by("name")
    return render(request, "reports/dashboard_choose.html", {"regencies": regencies})


def _month_choices() -> list:
    this_month = current_month()
    return [add_months(this_month, -n) for n in range(0, 24)]


def _trend_charts(standings) -> list[dict]:
    charts = ({"standing": s, "chart": trend_chart(s)} for s in standings)
    return [item for item in charts if item["chart"] is not None]


def _category_chart(overview):
    rows = sorted(
        ((row.code, row.active) for row in overview.categories if row.active),
        key=lambda item: -item[1],
    )
    return bar_chart(rows)


def _revised_months(overview) -> set:
    """The months of the page whose last issued monthly report differs from what it shows."""
    current: dict = {}
    for standing in overview.own:
        for m in standing.series:
            current.setdefault(m.month, {})[standing.target.code] = {
                name: getattr(m, name) for name in versions.FIGURES
            }
    return versions.revised_months(overview.regency, current) if current else set()


def _common(request, overview) -> dict:
    revised = _revised_months(overview)
    return {
        "revised_months": revised,
        "month_revised": overview.month in revised,
        "overview": overview,
        "trend_charts": _trend_charts(overview.own),
        "category_chart": _category_chart(overview),
        "months": _month_choices(),
        "is_current_month": overview.month == current_month(),
        "programmes": Programme.choices,
        "can_request_province": access.can(request.user, Capability.VIEW_PROVINCE_DASHBOARD),
        "stage_labels": sources.stage_labels() if overview.kube else {},
    }


@province_dashboard
def province(request):
    """League table of the regencies against the targets, trends, categories, KUBE, Rakornis."""
    return _province(request)


def _province(request):
    month = MonthForm(request.GET)
    if problem := month.problem(None):
        messages.warning(request, problem)
    overview = figures.overview(None, None if problem else month.chosen())
    context = _common(request, overview)
    context["province_map"] = _map(request, overview)
    return render(request, "reports/dashboard_province.html", context)


def _map(request, overview):
    """The map of the target asked for (?peta=<target code>), else of the first."""
    targets = overview.case_targets
    if not targets:
        return None
    asked = request.GET.get("peta")
    target = next((t for t in targets if t.code == asked), targets[0])
    return province_map(overview, target, map_selectors.outlines())


@read_records
def regency(request, code):
    """One regency: its targets, trends, districts (drill-down) and categories."""
    return _regency(request, code)


def _regency(request, code):
    region = access.get_object_for_user(Region.objects.regencies(), request.user, code=code)
    month = MonthForm(request.GET)
    if problem := month.problem(region):
        messages.warning(request, problem)
    overview = figures.overview(region, None if problem else month.chosen())
    context = _common(request, overview)
    context["region"] = region
    return render(request, "reports/dashboard_regency.html", context)


@read_records
def district(request, code):
    """One district (kecamatan): open cases by programme and category, linked to the cases."""
    region = access.get_object_for_user(
        Region.objects.filter(level=Level.DISTRICT).select_related("parent"),
        request.user,
        code=code,
    )
    overview = districts.district_overview(region, MonthForm(request.GET).chosen())
    return render(
        request,
        "reports/dashboard_district.html",
        {
            "overview": overview,
            "region": region,
            "regency": region.parent,
            "programmes": Programme.choices,
        },
    )


@manage_reference
def outlines(request):
    """The regencies' boundaries the province map draws: upload a GeoJSON file, or see which
    one is in use."""
    form = OutlineUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = map_services.outlines_upload(
                actor=request.user,
                raw=upload.read(),
                file_name=upload.name,
                code_property=form.cleaned_data["code_property"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request, _("%(count)s boundaries stored: the map draws them.") % {"count": count}
            )
            return redirect("reports:outlines")
    stored = map_selectors.outlines()
    regencies = Region.objects.province_regencies().order_by("code").values_list("code", "name")
    return render(
        request,
        "reports/outlines.html",
        {"form": form, "outlines": stored, "preview": preview(list(regencies), stored)},
    )


@manage_reference
@require_POST
def outlines_remove(request):
    map_services.outlines_remove(actor=request.user)
    messages.success(request, _("The boundaries were removed: the map is the tile grid again."))
    return redirect("reports:outlines")


# ---------------------------------------------------------------------------------------------
# Report runs


@read_records
def runs(request):
    """The reports the user may see, and the form to ask for one."""
    form = ReportRequestForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        run, created = services.report_request(
            actor=request.user,
            regency=form.regency(),
            period=form.cleaned_data["period"],
            language=request.LANGUAGE_CODE,
        )
        if created:
            messages.success(request, _("The report has been requested."))
        else:
            messages.info(request, _("This report exists already: here it is."))
        return redirect("reports:run", pk=run.pk)
    visible = (
        ReportRun.objects.visible_to(request.user)
        .select_related("regency", "requested_by")
        .defer("figures")[:50]
    )
    return render(request, "reports/run_list.html", {"form": form, "runs": visible})


def _run_for(request, pk) -> ReportRun:
    return access.get_object_for_user(
        ReportRun.objects.select_related("regency", "requested_by"), request.user, pk=pk
    )


@read_records
def run_detail(request, pk):
    """A report's progress, and once ready its figures and files; if it failed, why."""
    run = _run_for(request, pk)
    period = Period(run.period_kind, run.period, run.period_start, run.period_end)
    return render(
        request,
        "reports/run_detail.html",
        {
            "run": run,
            "period_label": period.label(),
            "can_rebuild": run.writable_by(request.user),
            "versions": run.versions.select_related("requested_by").defer("figures"),
        },
    )


@read_records
@require_GET
def run_status(request, pk):
    """The run's state as JSON, polled by the progress bar."""
    run = _run_for(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "label": str(run.get_status_display()),
            "progress": run.progress,
            "finished": run.is_finished,
            "error": run.error,
        }
    )


@read_records
@require_POST
def run_rebuild(request, pk):
    """Builds the report again from today's data; the old files stay until the new ones are in."""
    run = access.get_object_for_user(ReportRun.objects.all(), request.user, write=True, pk=pk)
    services.report_rebuild(actor=request.user, run=run, language=request.LANGUAGE_CODE)
    messages.success(request, _("The report will be built again."))
    return redirect("reports:run", pk=run.pk)


def _download(request, pk, kind: str):
    """The run's last build, or with ?versi=N its issued version N as it was issued."""
    run = _run_for(request, pk)
    asked = request.GET.get("versi")
    if asked is not None and not (asked.isdigit() and len(asked) < 7):
        raise Http404
    number = int(asked) if asked is not None else None
    try:
        if number is None:
            handle = services.open_report_file(run, kind)
        else:
            version = get_object_or_404(run.versions.defer("figures"), number=number)
            handle = services.open_report_file(version, kind)
    except FileNotFoundError:
        raise Http404 from None
    params = {"run": str(run.pk), "format": kind, "period": run.period}
    if number is not None:
        params["version"] = number
    audit_export(
        actor=request.user,
        label="reports.reportrun",
        params=params,
        row_count=0,
        regency_id=run.regency_id,
    )
    scope = run.regency_id or "provinsi"
    suffix = f"-v{number}" if number is not None else ""
    return FileResponse(
        handle, as_attachment=True, filename=f"laporan-pmks-{scope}-{run.period}{suffix}.{kind}"
    )


@read_records
@require_GET
def run_pdf(request, pk):
    return _download(request, pk, "pdf")


@read_records
@require_GET
def run_xlsx(request, pk):
    return _download(request, pk, "xlsx")


# ---------------------------------------------------------------------------------------------
# Targets (administrators)


@manage_reference
def target_list(request):
    targets = Target.objects.prefetch_related("restatements").order_by("sort_order", "code")
    return render(request, "reports/target_list.html", {"targets": targets})


@manage_reference
def target_create(request):
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = services.target_save(actor=request.user, target=Target(), data=form.cleaned_data)
        messages.success(request, _("The target has been saved."))
        return redirect("reports:target-edit", pk=target.pk)
    return render(request, "reports/target_form.html", {"form": form})


@manage_reference
def target_edit(request, pk):
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("deadline", "target_value", "stated_on")
        }
        try:
            services.target_save(actor=request.user, target=target, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The target has been saved."))
            return redirect("reports:target-edit", pk=target.pk)
    return render(
        request,
        "reports/target_form.html",
        {
            "form": form,
            "target": target,
            "baselines": target.baselines.all(),
            "milestones": target.milestones.all(),
            "restatements": target.restatements.all(),
            "baseline_form": BaselineForm(),
            "milestone_form": MilestoneForm(),
            "restate_form": RestateForm(
                initial={"restated_on": timezone.localdate(), "target_value": target.target_value}
            ),
        },
    )


@manage_reference
@require_POST
def target_restate(request, pk):
    target = get_object_or_404(Target, pk=pk)
    form = RestateForm(request.POST)
    if form.is_valid():
        try:
            services.target_restate(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The target has been restated; the old terms are kept."))
    else:
        messages.error(request, _("The restatement was not saved: check the fields."))
    return redirect("reports:target-edit", pk=target.pk)


@manage_reference
@require_POST
def target_baseline(request, pk):
    target = get_object_or_404(Target, pk=pk)
    form = BaselineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.baseline_save(
            actor=request.user,
            target=target,
            regency_code=data["regency"].code,
            value=data["value"],
            on=data["on"],
            source=data["source"],
        )
        messages.success(request, _("The baseline has been saved."))
    else:
        messages.error(request, _("The baseline was not saved: check the fields."))
    return redirect("reports:target-edit", pk=target.pk)


@manage_reference
@require_POST
def target_milestone(request, pk):
    target = get_object_or_404(Target, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_save(
            actor=request.user,
            target=target,
            year=form.cleaned_data["year"],
            progress=form.cleaned_data["progress"],
        )
        messages.success(request, _("The milestone has been saved."))
    else:
        messages.error(request, _("The milestone was not saved: check the fields."))
    return redirect("reports:target-edit", pk=target.pk)
