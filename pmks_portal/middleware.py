"""Request-wide guards: the access policy, the session's absolute lifetime, no caching."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from pmks_portal import access

logger = logging.getLogger("pmks.access")

LOGIN_TIME_KEY = "pmks_login_at"


class AccessPolicyMiddleware:
    """Refuses every view that has not declared an access policy (deny by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if access.policy_of(view_func) is None:
            logger.error("view_without_access_policy path=%s", request.path)
            raise PermissionDenied
        return None


class SessionLifetimeMiddleware:
    """Ends a session a fixed time after sign-in, however active (idle expiry is the cookie's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(LOGIN_TIME_KEY, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
