"""KUBE pages: grants and disbursements."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kube import services
from kube.forms import (
    DisbursementForm,
    GrantForm,
)
from kube.models import (
    KubeGrant,
)
from kube.views.common import _kube, write_records
from pmks_portal import service_errors


@write_records
def grant_add(request, pk):
    kube = _kube(request, pk, write=True)
    form = GrantForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_add(actor=request.user, kube=kube, data=dict(form.cleaned_data))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Grant recorded."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#grants")
    return render(request, "kube/grant_form.html", {"form": form, "kube": kube})


@write_records
@require_POST
def disbursement_add(request, pk, grant_pk):
    kube = _kube(request, pk, write=True)
    grant = get_object_or_404(KubeGrant.objects.select_related("kube"), kube=kube, pk=grant_pk)
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_add(actor=request.user, grant=grant, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Payment stage recorded."))
    else:
        messages.error(
            request,
            " ".join(str(message) for errors in form.errors.values() for message in errors),
        )
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#grants")
