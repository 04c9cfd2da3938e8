"""The duplicates queue: suspected pairs, a side-by-side comparison, and the decision. Thin:
fetch through the access rules, validate, call one service."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import sensitive
from cases import services as case_services
from cases.models import Case
from duplicates import services
from duplicates.forms import PairDismissForm, PairMergeForm
from duplicates.models import SuspectedPair
from pmks_portal import access, service_errors
from pmks_portal.access import Capability

merge_persons = access.requires(Capability.MERGE_PERSONS)
QUEUE_PAGE = 50


@merge_persons
def queue(request):
    pairs = SuspectedPair.objects.visible_to(request.user).waiting().for_list()
    return render(
        request,
        "duplicates/queue.html",
        {"pairs": list(pairs[:QUEUE_PAGE]), "count": pairs.count(), "page_size": QUEUE_PAGE},
    )


def _pair(request, pk) -> SuspectedPair:
    return access.get_object_for_user(
        SuspectedPair.objects.select_related(
            "first__regency", "first__village", "second__regency", "second__village"
        ),
        request.user,
        pk=pk,
    )


@merge_persons
def compare(request, pk, merge_form=None, dismiss_form=None):
    pair = _pair(request, pk)
    persons = (pair.first, pair.second)
    cases = defaultdict(list)
    for case in Case.objects.filter(person__in=persons).for_list().order_by("-registered_on"):
        cases[case.person_id].append(case)
    # Reading two persons' records side by side is reading each of them (UU PDP art. 31).
    for person in persons:
        case_services.record_view(
            actor=request.user,
            obj=person,
            regency_id=person.regency_id,
            sensitive=any(sensitive.is_sensitive_case(case) for case in cases[person.pk]),
        )
    return render(
        request,
        "duplicates/compare.html",
        {
            "pair": pair,
            "columns": [(person, cases[person.pk]) for person in persons],
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
            "merge_form": merge_form or PairMergeForm(pair=pair),
            "dismiss_form": dismiss_form or PairDismissForm(),
        },
    )


@merge_persons
@require_POST
def merge(request, pk):
    pair = _pair(request, pk)
    form = PairMergeForm(request.POST, pair=pair)
    if form.is_valid():
        keep = pair.first if form.cleaned_data["keep"] == pair.first_id else pair.second
        try:
            kept = services.suspected_pair_merge(
                actor=request.user, pair=pair, keep=keep, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Records merged; all cases now belong to this person."))
            return redirect("cases:person-detail", pk=kept.pk)
    return compare(request, pk, merge_form=form)


@merge_persons
@require_POST
def dismiss(request, pk):
    pair = _pair(request, pk)
    form = PairDismissForm(request.POST)
    if form.is_valid():
        try:
            services.suspected_pair_dismiss(
                actor=request.user, pair=pair, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Marked as two different people; not suggested again."))
            return redirect("duplicates:queue")
    return compare(request, pk, dismiss_form=form)
