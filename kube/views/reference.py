"""KUBE pages of the administrators: business types and the KUBE rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from cases.services import EditConflict
from kube import services
from kube.forms import (
    BusinessTypeForm,
    RulesForm,
)
from kube.models import (
    BusinessType,
    KubeRules,
)
from kube.views.common import manage_reference
from pmks_portal import service_errors


@manage_reference
def business_type_list(request):
    return render(
        request, "kube/businesstype_list.html", {"business_types": BusinessType.objects.all()}
    )


def _business_type_edit(request, business_type: BusinessType):
    form = BusinessTypeForm(request.POST or None, instance=business_type)
    if request.method == "POST" and form.is_valid():
        services.business_type_save(actor=request.user, business_type=form.save(commit=False))
        messages.success(request, _("Business type saved."))
        return redirect("kube:business-types")
    history = history_of(business_type, with_reads=False)
    return render(
        request,
        "kube/businesstype_form.html",
        {"form": form, "business_type": business_type, "history": history},
    )


@manage_reference
def business_type_create(request):
    return _business_type_edit(request, BusinessType())


@manage_reference
def business_type_edit(request, pk):
    return _business_type_edit(request, get_object_or_404(BusinessType, pk=pk))


@manage_reference
def rules_edit(request):
    rules = KubeRules.current()
    form = RulesForm(request.POST or None, instance=rules)
    context = {"form": form, "rules": rules}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        try:
            services.rules_save(actor=request.user, expected_version=expected, data=data)
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Rules saved. Every group's stage is being scored again."))
            return redirect("kube:rules")
    context["history"] = history_of(rules, with_reads=False)
    return render(request, "kube/rules_form.html", context)
