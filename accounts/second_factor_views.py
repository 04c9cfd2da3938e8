"""The second factor's pages: verification after the password, enrolment, recovery codes, and
an administrator's reset (thin views; accounts/second_factor.py does the work)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.forms import DeactivateForm
from accounts.models import User
from pmks_portal import access
from pmks_portal.access import Capability

NEW_CODES_KEY = "pmks_new_recovery_codes"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    """Where to go after the code: the page asked for, if it is a path on this site (anything
    else, e.g. "0000", would be taken by redirect() for a view name), else where a sign-in
    lands ("Tugas saya")."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@access.authenticated
def verify(request):
    user = request.user
    if not second_factor.required_for(user) or second_factor.is_verified(request):
        return redirect(_next_url(request))
    if not second_factor.has_device(user):
        return redirect("second_factor:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_verify(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or too old. Try the newest code."))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(
        request, "registration/second_factor_verify.html", {"form": form, "next": next_url}
    )


@access.authenticated
def enrol(request):
    user = request.user
    if not second_factor.required_for(user):
        return redirect("home")
    if second_factor.has_device(user):
        # A second device is never added on the password alone.
        return redirect("second_factor:verify")
    device = second_factor.second_factor_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.second_factor_confirm(request, device, form.cleaned_data["token"])
        if codes is not None:
            request.session[NEW_CODES_KEY] = codes
            return redirect("second_factor:recovery-codes")
        form.add_error("token", _("The code is wrong or too old. Try the newest code."))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "qr_code": second_factor.qr_code_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/second_factor_enrol.html", context)


@access.authenticated
def recovery_codes(request):
    """Shows new recovery codes once (after enrolment or renewal); POST makes new ones."""
    if not second_factor.has_device(request.user):
        return redirect("profile")
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = second_factor.recovery_codes_renew(user=request.user)
        return redirect("second_factor:recovery-codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(request, "registration/second_factor_codes.html", {"codes": codes})


@access.requires(Capability.MANAGE_USERS)
@require_POST
def reset(request, pk):
    users = User.objects.visible_to(request.user)
    user = access.get_object_for_user(users, request.user, pk=pk, write=True)
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    second_factor.second_factor_reset(actor=request.user, user=user, reason=reason)
    messages.success(
        request, _("The second factor was reset; the user enrols again at the next sign-in.")
    )
    return redirect("accounts:user-detail", pk=user.pk)
