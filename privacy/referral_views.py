"""A case's referrals to other agencies: listed, and recorded by the case's regency staff."""

from django.shortcuts import redirect, render

from cases.models import Case
from pmks_portal import access
from pmks_portal.access import Capability
from privacy import referrals
from privacy.forms import ReferralForm
from privacy.models import Referral


@access.requires(Capability.READ_RECORDS)
def case_referrals(request, case_pk):
    case = access.get_object_for_user(
        Case.objects.all(), request.user, write=request.method == "POST", pk=case_pk
    )
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referrals.referral_record(actor=request.user, case=case, data=form.cleaned_data)
        return redirect("pdp:referrals", case_pk=case.pk)
    return render(
        request,
        "privacy/referrals.html",
        {
            "case": case,
            "referrals": Referral.objects.filter(case=case).select_related("by"),
            "form": form,
            "can_write": case.writable_by(request.user),
        },
    )
