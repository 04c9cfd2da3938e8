"""Administrators' pages for API clients: list, create (the token shown once), revoke."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import clients
from api.forms import ApiClientForm, RevokeForm
from api.models import ApiClient
from audit.models import AuditEvent
from pmks_portal import access
from pmks_portal.access import Capability

manage_users = access.requires(Capability.MANAGE_USERS)


def _clients_for(request):
    return ApiClient.objects.visible_to(request.user).for_list()


@manage_users
def client_list(request):
    return render(request, "api/client_list.html", {"clients": _clients_for(request)})


@manage_users
def client_create(request):
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The token stops working at the end of its last day, WITA.
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        try:
            issued = clients.api_client_create(
                actor=request.user,
                name=data["name"],
                regency=data["regency"],
                can_read=data["can_read"],
                can_write=data["can_write"],
                can_aggregate=data["can_aggregate"],
                expires_at=expires_at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered, not redirected: the token exists in this response only.
            return render(
                request,
                "api/client_detail.html",
                _detail_context(issued.client) | {"token": issued.token},
            )
    return render(request, "api/client_form.html", {"form": form})


def _detail_context(client: ApiClient) -> dict:
    return {
        "client": client,
        "history": AuditEvent.objects.for_object(client).with_actor()[:50],
        "revoke_form": RevokeForm(),
    }


@manage_users
def client_detail(request, pk):
    client = access.get_object_for_user(_clients_for(request), request.user, pk=pk)
    return render(request, "api/client_detail.html", _detail_context(client))


@manage_users
@require_POST
def client_revoke(request, pk):
    client = access.get_object_for_user(_clients_for(request), request.user, write=True, pk=pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    clients.api_client_revoke(actor=request.user, client=client, reason=reason)
    messages.success(request, _("The client's token no longer works."))
    return redirect("api_clients:detail", pk=client.pk)
