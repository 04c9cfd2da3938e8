"""The access policies of the Rakornis pages, fetching a meeting, and the saving-form page
the agenda, participant and recommendation forms share."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from pmks_portal import access, service_errors
from pmks_portal.access import Capability
from rakornis.models import (
    Meeting,
)

read_records = access.requires(Capability.READ_RECORDS)
manage_meetings = access.requires(Capability.MANAGE_MEETINGS)


def _meeting(request, pk, *, write=False) -> Meeting:
    return access.get_object_for_user(
        Meeting.objects.select_related("host_regency"), request.user, write=write, pk=pk
    )


def _can_manage(request) -> bool:
    return access.can(request.user, Capability.MANAGE_MEETINGS)


def _day_from(request, meeting: Meeting, today: date) -> date:
    """The day asked for (?day=), else today during the meeting, else its first day."""
    try:
        day = date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        day = None
    if day and meeting.is_meeting_day(day):
        return day
    return today if meeting.is_meeting_day(today) else meeting.starts_on


def _saving_form_page(request, form, save, *, saved: str, next_url: str, template, context):
    """A form page whose valid POST passes the cleaned data to `save` (a service call): a
    refusal shows on the form, a success as a message on the next page."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, saved)
            return redirect(next_url)
    return render(request, template, {"form": form, **context})
