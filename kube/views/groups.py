"""KUBE pages: the group list, its export, reporting completeness, and a group's own pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.history import history_of
from audit.services import audit_export
from cases.services import EditConflict
from kube import charts, exports, scoring, selectors, services
from kube.forms import (
    CompletenessForm,
    KubeFilterForm,
    KubeForm,
    StageOverrideForm,
    StatusForm,
)
from kube.models import (
    Kube,
    KubeRules,
    MemberRole,
    add_months,
    first_of_month,
)
from kube.views.common import _kube, read_records, write_records
from pmks_portal import access, service_errors
from pmks_portal.access import Capability
from pmks_portal.pagination import chosen_page_size, keyset_page

COMPLETENESS_MONTHS = 12


def _filtered_groups(request, rules: KubeRules):
    groups = Kube.objects.visible_to(request.user).for_list()
    form = KubeFilterForm(request.GET or None, regency_limit=access.regency_limit(request.user))
    sort = KubeFilterForm.SORTS["name"]
    if form.is_bound and form.is_valid():
        groups, sort = form.apply(
            groups, last_due_month=selectors.last_due_month(rules, timezone.localdate())
        )
    return groups, sort, form


@read_records
def kube_list(request):
    rules = KubeRules.current()
    groups, (field, descending), form = _filtered_groups(request, rules)
    size = chosen_page_size(form)
    page = keyset_page(
        groups, field=field, descending=descending, cursor=request.GET.get("after"), size=size
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "kube/kube_list.html",
        {
            "page": page,
            "rows": selectors.list_rows(page.rows, rules=rules, today=timezone.localdate()),
            "form": form,
            "query": query.urlencode(),
            "can_write": access.can(request.user, Capability.WRITE_RECORDS),
            "can_manage": access.can(request.user, Capability.MANAGE_REFERENCE),
        },
    )


@read_records
def kube_export(request):
    """What the list shows with the same filters, all pages: the groups or their monthly
    reports, as CSV or XLSX. Logged with the filters and the row count, never names."""
    rules = KubeRules.current()
    groups, (field, descending), _form = _filtered_groups(request, rules)
    groups = groups.order_by(f"{'-' if descending else ''}{field}", "pk")
    kind = request.GET.get("what") if request.GET.get("what") in exports.KINDS else "groups"
    export_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    full_ids = access.can(request.user, Capability.SEE_FULL_IDS)
    params = {key: value for key, value in request.GET.items() if key != "after"}
    audit_export(
        actor=request.user,
        label="kube.kubereport" if kind == "reports" else "kube.kube",
        params=params,
        row_count=exports.export_count(groups, kind),
        regency_id=access.regency_limit(request.user),
    )
    if export_format == "xlsx":
        return exports.xlsx_response(groups, kind=kind, full_ids=full_ids)
    return exports.csv_response(groups, kind=kind, full_ids=full_ids)


@read_records
def completeness(request):
    """Reporting rates as DHIS2 shows them: expected and received monthly reports per regency
    and month, late ones counted, and the groups still to chase for the latest due month."""
    rules = KubeRules.current()
    today = timezone.localdate()
    form = CompletenessForm(request.GET or None)
    until = selectors.last_due_month(rules, today)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("until"):
        until = min(form.cleaned_data["until"], first_of_month(today))
    months = [add_months(until, -offset) for offset in range(COMPLETENESS_MONTHS - 1, -1, -1)]
    groups = Kube.objects.visible_to(request.user)
    table, totals = selectors.completeness(groups, months)
    return render(
        request,
        "kube/completeness.html",
        {
            "form": form,
            "months": months,
            "table": table,
            "totals": totals,
            "until": until,
            "missing": selectors.missing_reports(groups, until),
            "due_on": add_months(until, 1).replace(day=rules.report_due_day),
        },
    )


@write_records
def kube_create(request):
    regency = request.user.regency
    form = KubeForm(
        request.POST or None,
        regency_code=regency.code,
        initial={"year_formed": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kube = services.kube_create(actor=request.user, regency=regency, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Group registered. Now add its members."))
            return redirect("kube:member-add", pk=kube.pk)
    return render(request, "kube/kube_form.html", {"form": form})


@read_records
def kube_detail(request, pk):
    kube = _kube(request, pk)
    services.record_view(actor=request.user, kube=kube)
    rules = KubeRules.current()
    today = timezone.localdate()
    page = selectors.group_page(kube, rules=rules, today=today)
    can_write = kube.writable_by(request.user)
    chart = charts.revenue_profit_chart(
        page.reports, labels={"revenue": _("Revenue"), "profit": _("Profit")}
    )
    return render(
        request,
        "kube/kube_detail.html",
        {
            "kube": kube,
            "page": page,
            "rules": rules,
            "chart": chart,
            "score_rows": scoring.describe(kube.stage_breakdown),
            "blockers": scoring.blockers_text(kube.stage_breakdown),
            "stage_changes": kube.stage_changes.select_related("by")[:20],
            "status_changes": kube.status_changes.select_related("by"),
            # Openings of the page are logged too: summed up under the changes.
            "history": history_of(kube),
            "can_write": can_write,
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
            "status_form": StatusForm(current_status=kube.status) if can_write else None,
            "stage_form": StageOverrideForm(initial={"stage": kube.stage_override})
            if can_write
            else None,
            "role_choices": MemberRole.choices,
            "today": today,
        },
    )


@write_records
def kube_edit(request, pk):
    kube = _kube(request, pk, write=True)
    form = KubeForm(
        request.POST or None, regency_code=kube.regency_id, initial=KubeForm.initial_for(kube)
    )
    context = {"form": form, "kube": kube}
    if request.method == "POST" and form.is_valid():
        try:
            services.kube_update(
                actor=request.user,
                kube=kube,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
            )
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("kube:detail", pk=kube.pk)
    return render(request, "kube/kube_form.html", context)


@write_records
@require_POST
def kube_status(request, pk):
    kube = _kube(request, pk, write=True)
    form = StatusForm(request.POST, current_status=kube.status)
    if not form.is_valid():
        messages.error(request, _("Choose a new status and a date."))
        return redirect("kube:detail", pk=kube.pk)
    try:
        services.kube_set_status(actor=request.user, kube=kube, **form.cleaned_data)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("kube:detail", pk=kube.pk)


@write_records
@require_POST
def kube_stage(request, pk):
    kube = _kube(request, pk, write=True)
    form = StageOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage and say why."))
        return redirect("kube:detail", pk=kube.pk)
    try:
        services.stage_override_set(actor=request.user, kube=kube, **form.cleaned_data)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Stage saved."))
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#stage")
