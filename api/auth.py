"""Who calls: an API client's bearer token, or a signed-in person's session (CSRF enforced on
unsafe methods by django-ninja's session authentication)."""

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
