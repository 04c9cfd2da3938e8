"""Administrators' pages: breaches with their 3 × 24 h clock and notices, and the register of
processing activities (editable, printable). Thin: privacy.breaches does the writing."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pmks_portal import access
from pmks_portal.access import Capability
from privacy import breaches
from privacy.forms import BreachForm, NotificationForm, ProcessingActivityForm
from privacy.models import Breach, ProcessingActivity

manage_privacy = access.requires(Capability.MANAGE_PRIVACY)


@manage_privacy
def breach_list(request):
    form = BreachForm(request.POST or None, initial={"found_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        breach = breaches.breach_record(actor=request.user, data=form.cleaned_data)
        return redirect("pdp:breach", pk=breach.pk)
    return render(
        request,
        "privacy/breach_list.html",
        {"breaches": Breach.objects.visible_to(request.user).prefetch_related("notifications"),
         "form": form},
    )  # fmt: skip


@manage_privacy
@require_GET
def breach_detail(request, pk):
    breach = access.get_object_for_user(Breach.objects.all(), request.user, pk=pk)
    return render(
        request,
        "privacy/breach_detail.html",
        {"breach": breach, "notifications": breach.notifications.select_related("recorded_by"),
         "form": NotificationForm(initial={"sent_at": timezone.localtime()})},
    )  # fmt: skip


@manage_privacy
@require_POST
def breach_notify(request, pk):
    breach = access.get_object_for_user(Breach.objects.all(), request.user, write=True, pk=pk)
    form = NotificationForm(request.POST)
    if form.is_valid():
        breaches.breach_notify(actor=request.user, breach=breach, data=form.cleaned_data)
        return redirect("pdp:breach", pk=pk)
    return render(
        request,
        "privacy/breach_detail.html",
        {"breach": breach, "notifications": breach.notifications.all(), "form": form},
    )


@manage_privacy
@require_GET
def register(request):
    activities = ProcessingActivity.objects.visible_to(request.user).select_related("updated_by")
    template = "privacy/register_print.html" if "cetak" in request.GET else "privacy/register.html"
    return render(request, template, {"activities": activities, "now": timezone.localtime()})


@manage_privacy
def activity_edit(request, pk=None):
    activity = (
        access.get_object_for_user(
            ProcessingActivity.objects.all(), request.user, write=True, pk=pk
        )
        if pk
        else None
    )
    form = ProcessingActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        breaches.activity_save(
            actor=request.user,
            activity=activity,
            data={f: form.cleaned_data[f] for f in breaches.ACTIVITY_FIELDS},
        )
        return redirect("pdp:register")
    return render(request, "privacy/activity_form.html", {"form": form, "activity": activity})
