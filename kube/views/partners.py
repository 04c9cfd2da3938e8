"""KUBE pages: a group's partnerships and the partner directory."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.history import history_of
from kube import services
from kube.forms import (
    PartnerForm,
    PartnerLinkForm,
    PartnershipEndForm,
)
from kube.models import (
    KubePartnership,
    Partner,
)
from kube.views.common import _kube, manage_reference, read_records, write_records
from pmks_portal import access, service_errors
from pmks_portal.access import Capability


@write_records
def partner_link(request, pk):
    kube = _kube(request, pk, write=True)
    form = PartnerLinkForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_link(actor=request.user, kube=kube, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Partner linked to the group."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#partners")
    return render(request, "kube/partner_link_form.html", {"form": form, "kube": kube})


@write_records
@require_POST
def partnership_end(request, pk, link_pk):
    kube = _kube(request, pk, write=True)
    link = get_object_or_404(KubePartnership.objects.select_related("kube"), kube=kube, pk=link_pk)
    form = PartnershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.partnership_end(actor=request.user, partnership=link, **form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Partnership ended."))
    else:
        messages.error(request, _("Give the date the partnership ended."))
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#partners")


@read_records
def partner_list(request):
    partners = Partner.objects.visible_to(request.user).order_by("name")
    return render(
        request,
        "kube/partner_list.html",
        {
            "partners": partners,
            "can_manage": access.can(request.user, Capability.MANAGE_REFERENCE),
        },
    )


@manage_reference
def partner_edit(request, pk):
    # The directory is province-wide reference data: no regency scope, only the capability.
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(actor=request.user, partner=form.save(commit=False))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("kube:partners")
    return render(
        request,
        "kube/partner_form.html",
        {
            "form": form,
            "partner": partner,
            "history": history_of(partner, with_reads=False),
        },
    )
