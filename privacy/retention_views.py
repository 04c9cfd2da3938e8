"""Administrators' retention page: each category's period, legal holds, what the runs did."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.models import Category, Person
from pmks_portal import access
from pmks_portal.access import Capability
from privacy import retention
from privacy.forms import LegalHoldForm, LiftHoldForm, RetentionRuleForm
from privacy.models import LegalHold, RetentionRun

FORMS = {"rule": RetentionRuleForm, "hold": LegalHoldForm, "lift": LiftHoldForm}


@access.requires(Capability.MANAGE_PRIVACY)
@require_http_methods(["GET", "POST"])
def retention_page(request):
    action = request.POST.get("action")
    forms = {name: form() for name, form in FORMS.items()}
    if action in FORMS:
        form = forms[action] = FORMS[action](request.POST)
        if form.is_valid():
            data, actor = form.cleaned_data, request.user
            if action == "rule":
                retention.retention_rule_set(actor=actor, **data)
            elif action == "hold":
                person = access.get_object_for_user(Person.objects.all(), actor, pk=data["person"])
                retention.legal_hold_place(actor=actor, person=person, reason=data["reason"])
            else:
                retention.legal_hold_lift(actor=actor, hold=data["hold"])
            return redirect("pdp:retention")
    periods = retention.retention_periods()
    return render(
        request,
        "privacy/retention.html",
        {
            "categories": [
                (c, *periods[c.pk]) for c in Category.objects.order_by("sort_order", "code")
            ],
            "holds": LegalHold.objects.active().select_related("placed_by"),
            "runs": RetentionRun.objects.all()[:20],
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )
