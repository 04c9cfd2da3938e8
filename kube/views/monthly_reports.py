"""KUBE pages: a group's monthly reports, entered and corrected."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_of
from cases.services import EditConflict
from kube import selectors, services
from kube.forms import (
    ReportCorrectionForm,
    ReportForm,
)
from kube.models import (
    Kube,
    KubeReport,
    KubeRules,
    add_months,
    first_of_month,
)
from kube.views.common import _kube, read_records, write_records
from pmks_portal import service_errors


def _month_of(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        raise Http404 from None


def _report(kube: Kube, year: int, month: int) -> KubeReport:
    return get_object_or_404(
        KubeReport.objects.select_related("kube", "submitted_by"),
        kube=kube,
        month=_month_of(year, month),
    )


@write_records
def report_add(request, pk):
    kube = _kube(request, pk, write=True)
    rules = KubeRules.current()
    suggested = selectors.last_due_month(rules, timezone.localdate())
    if kube.last_report_month and kube.last_report_month >= suggested:
        suggested = first_of_month(timezone.localdate())
    form = ReportForm(request.POST or None, initial={"month": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_add(actor=request.user, kube=kube, data=form.report_data())
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            if report.is_late:
                messages.warning(
                    request,
                    _("Report saved. It came after the due date, so it is counted as late."),
                )
            else:
                messages.success(request, _("Report saved."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#reports")
    return render(request, "kube/report_form.html", {"form": form, "kube": kube})


@read_records
def report_detail(request, pk, year, month):
    kube = _kube(request, pk)
    report = _report(kube, year, month)
    rules = KubeRules.current()
    return render(
        request,
        "kube/report_detail.html",
        {
            "kube": kube,
            "report": report,
            "due_on": add_months(report.month, 1).replace(day=rules.report_due_day),
            "revisions": report.revisions.select_related("by"),
            "history": history_of(report, with_reads=False),
            "can_write": kube.writable_by(request.user),
        },
    )


@write_records
def report_correct(request, pk, year, month):
    kube = _kube(request, pk, write=True)
    report = _report(kube, year, month)
    initial = {field: getattr(report, field) for field in services.REPORT_INPUT_FIELDS}
    form = ReportCorrectionForm(
        request.POST or None, initial={**initial, "version": report.version}
    )
    context = {"kube": kube, "report": report, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.report_data()
        try:
            services.report_correct(
                actor=request.user,
                report=report,
                expected_version=data.pop("version"),
                reason=data.pop("reason"),
                data=data,
            )
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Report corrected; the previous values are kept."))
            return redirect("kube:report-detail", pk=kube.pk, year=year, month=month)
    return render(request, "kube/report_correct.html", context)
