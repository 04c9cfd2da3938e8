"""Rakornis pages: recommendations, the regencies' follow-ups and their evidence."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.history import history_of
from audit.records import EditConflict
from pmks_portal import access, service_errors
from pmks_portal.pagination import keyset_page
from pmks_portal.private_files.serving import download_response
from rakornis import outcomes, services
from rakornis.forms import (
    FollowUpFilterForm,
    FollowUpUpdateForm,
    RecommendationForm,
)
from rakornis.models import (
    Evidence,
    FollowUp,
    Meeting,
    Recommendation,
)
from rakornis.views.common import _meeting, manage_meetings, read_records


def _recommendation_form_page(request, meeting, recommendation=None):
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        regencies = list(form.cleaned_data["regencies"])
        try:
            if recommendation is None:
                saved = services.recommendation_create(
                    actor=request.user,
                    meeting=meeting,
                    data=form.service_data(),
                    regencies=regencies,
                )
            else:
                saved = services.recommendation_update(
                    actor=request.user,
                    recommendation=recommendation,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    regencies=regencies,
                )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect("rakornis:recommendation", pk=saved.pk)
    return render(
        request,
        "rakornis/recommendation_form.html",
        {"form": form, "meeting": meeting, "recommendation": recommendation},
    )


@manage_meetings
def recommendation_create(request, pk):
    return _recommendation_form_page(request, _meeting(request, pk, write=True))


@manage_meetings
def recommendation_edit(request, pk):
    recommendation = access.get_object_for_user(
        Recommendation.objects.select_related("meeting"), request.user, write=True, pk=pk
    )
    return _recommendation_form_page(
        request, recommendation.meeting, Recommendation.objects.get(pk=pk)
    )


@read_records
@require_GET
def recommendation_detail(request, pk):
    recommendation = access.get_object_for_user(
        Recommendation.objects.select_related("meeting__host_regency"), request.user, pk=pk
    )
    today = timezone.localdate()
    follow_ups = list(
        FollowUp.objects.visible_to(request.user)
        .filter(recommendation=recommendation)
        .select_related("regency")
        .order_by("regency_id")
    )
    results = outcomes.outcomes_for(recommendation, follow_ups, today)
    for follow_up in follow_ups:
        follow_up.outcome = results.get(follow_up.pk)
        follow_up.recommendation = recommendation
    before, after = outcomes.windows(recommendation)
    return render(
        request,
        "rakornis/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "meeting": recommendation.meeting,
            "follow_ups": follow_ups,
            "before_window": before,
            "after_window": after,
            "today": today,
            "can_manage": recommendation.writable_by(request.user),
            "history": history_of(recommendation),
        },
    )


@read_records
@require_GET
def follow_up_list(request):
    today = timezone.localdate()
    regency = access.regency_limit(request.user)
    form = FollowUpFilterForm(
        request.GET or None,
        regency_limit=regency,
        meetings=Meeting.objects.visible_to(request.user).order_by("-starts_on"),
    )
    follow_ups = form.apply(FollowUp.objects.visible_to(request.user).for_list(), today)
    page = keyset_page(
        follow_ups, field="due_on", descending=False, cursor=request.GET.get("after"), size=50
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "rakornis/follow_up_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "today": today},
    )


def _follow_up(request, pk, *, write=False) -> FollowUp:
    return access.get_object_for_user(
        FollowUp.objects.select_related("recommendation__meeting", "regency"),
        request.user,
        write=write,
        pk=pk,
    )


def _follow_up_page(request, follow_up: FollowUp, form=None, status=200):
    today = timezone.localdate()
    can_write = follow_up.writable_by(request.user)
    if can_write and form is None:
        form = FollowUpUpdateForm(
            initial={
                "status": follow_up.status,
                "happened_on": today,
                "version": follow_up.version,
            }
        )
    results = outcomes.outcomes_for(follow_up.recommendation, [follow_up], today)
    return render(
        request,
        "rakornis/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "recommendation": follow_up.recommendation,
            "meeting": follow_up.recommendation.meeting,
            "updates": follow_up.updates.select_related("by").prefetch_related("evidence"),
            "outcome": results.get(follow_up.pk),
            "today": today,
            "can_write": can_write,
            "form": form if can_write else None,
            "history": history_of(follow_up),
        },
        status=status,
    )


@read_records
@require_GET
def follow_up_detail(request, pk):
    return _follow_up_page(request, _follow_up(request, pk))


@access.authenticated
@require_POST
def follow_up_update(request, pk):
    """Open to any signed-in user, because who may write depends on the follow-up: its
    regency's staff, or the provincial office for its own unit (FollowUp.writable_by)."""
    follow_up = _follow_up(request, pk, write=True)
    form = FollowUpUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.follow_up_update(
                actor=request.user,
                follow_up=follow_up,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                happened_on=form.cleaned_data["happened_on"],
                uploaded_files=form.cleaned_data["evidence"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Follow-up updated."))
            return redirect("rakornis:follow-up", pk=pk)
    return _follow_up_page(request, _follow_up(request, pk), form)


@read_records
@require_GET
def evidence_download(request, pk):
    evidence = access.get_object_for_user(
        Evidence.objects.select_related("follow_up"), request.user, pk=pk
    )
    try:
        handle = services.evidence_open(actor=request.user, evidence=evidence)
    except FileNotFoundError:
        raise Http404 from None
    return download_response(handle, evidence)
