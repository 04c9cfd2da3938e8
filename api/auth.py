"""Who calls: an API client's bearer token, or a signed-in person's session (CSRF enforced on
unsafe methods by django-ninja's session authentication)."""

from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer, SessionAuth

from api import limits
from api.clients import client_for_token
from pmks_portal import access


class ClientToken(HttpBearer):
    """`Authorization: Bearer pmks_...`: the request then acts as the client's service account,
    marked with the client's capabilities, which access.can() applies."""

    def authenticate(self, request, token):
        client = client_for_token(token)
        if client is None:
            return None
        account = client.account
        setattr(account, access.API_CLIENT_ATTRIBUTE, client.capabilities)
        request.user = account
        request.api_client = client
        limits.check_request(client.pk)
        return client


class SignedIn(SessionAuth):
    """A person signed in to the portal, e.g. trying the API on its documentation page."""

    def authenticate(self, request, key):
        request.api_client = None
        return super().authenticate(request, key)


AUTH = [ClientToken(), SignedIn()]


class Guard:
    """The access check of an operation that takes a body, run right after authentication and
    so before the body is validated: a caller without the capability gets its 403, and another
    regency's record its 404, whatever it sent (never a 400 that tells the record exists).
    The record found is left on request.api_object for the view."""

    def __init__(self, capability: access.Capability, model=None, *, write: bool = False):
        self.capability, self.model, self.write = capability, model, write

    def __call__(self, request) -> None:
        if not access.can(request.user, self.capability):
            raise PermissionDenied
        if self.model is not None:
            request.api_object = access.get_object_for_user(
                self.model.objects.all(),
                request.user,
                write=self.write,
                pk=request.resolver_match.kwargs["pk"],
            )


class _GuardedToken(ClientToken):
    def __init__(self, guard: Guard):
        super().__init__()
        self.guard = guard

    def authenticate(self, request, token):
        client = super().authenticate(request, token)
        if client is not None:
            self.guard(request)
        return client


class _GuardedSession(SignedIn):
    def __init__(self, guard: Guard):
        super().__init__()
        self.guard = guard

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            self.guard(request)
        return user


def guarded(capability: access.Capability, model=None, *, write: bool = False) -> list:
    """The `auth` of an operation with a body: AUTH, then its Guard."""
    guard = Guard(capability, model, write=write)
    return [_GuardedToken(guard), _GuardedSession(guard)]
