from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import second_factor, services
from accounts.forms import DeactivateForm, UserForm
from accounts.models import User
from audit.history import history_of
from pmks_portal import access
from pmks_portal.access import Capability

manage_users = access.requires(Capability.MANAGE_USERS)


def _users_for(request):
    return User.objects.visible_to(request.user).with_regency()


@manage_users
def user_list(request):
    users = _users_for(request)
    role = request.GET.get("role", "")
    if role:
        users = users.filter(role=role)
    return render(request, "accounts/user_list.html", {"users": users, "role": role})


@manage_users
def user_create(request):
    form = UserForm(request.POST or None, province_code=settings.PMKS_PROVINCE_CODE)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields}
        try:
            user = services.user_create(actor=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if services.user_send_password_link(user=user, request=request):
                messages.success(
                    request, _("User created; a link to set the password was e-mailed.")
                )
            else:
                messages.warning(
                    request, _("User created without e-mail: no password link was sent.")
                )
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@manage_users
def user_detail(request, pk):
    user = access.get_object_for_user(_users_for(request), request.user, pk=pk)
    history = history_of(user, with_reads=False)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "shown_user": user,
            "history": history,
            "deactivate_form": DeactivateForm(),
            "second_factor_enrolled": second_factor.has_device(user),
        },
    )


@manage_users
def user_edit(request, pk):
    user = access.get_object_for_user(_users_for(request), request.user, pk=pk, write=True)
    form = UserForm(request.POST or None, instance=user, province_code=settings.PMKS_PROVINCE_CODE)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields if key != "username"}
        try:
            services.user_update(actor=request.user, user=user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "shown_user": user})


@manage_users
@require_POST
def user_set_active(request, pk):
    user = access.get_object_for_user(_users_for(request), request.user, pk=pk, write=True)
    activate = request.POST.get("active") == "1"
    if user == request.user and not activate:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("accounts:user-detail", pk=user.pk)
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.user_set_active(actor=request.user, user=user, active=activate, reason=reason)
    messages.success(request, _("Account activated.") if activate else _("Account deactivated."))
    return redirect("accounts:user-detail", pk=user.pk)


@manage_users
@require_POST
def user_send_password_link(request, pk):
    user = access.get_object_for_user(_users_for(request), request.user, pk=pk, write=True)
    if services.user_send_password_link(user=user, request=request):
        messages.success(request, _("A link to set the password was e-mailed."))
    else:
        messages.error(request, _("This account has no e-mail address or is inactive."))
    return redirect("accounts:user-detail", pk=user.pk)


@access.authenticated
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"second_factor_enrolled": second_factor.has_device(request.user)},
    )
