"""Request-wide guards: the access policy, the session's absolute lifetime, no caching."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from pmks_portal import access

logger = logging.getLogger("pmks.access")

LOGIN_TIME_KEY = "pmks_login_at"
REFRESHED_AT_KEY = "pmks_refreshed_at"


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
    """Ends a session a fixed time after sign-in, however active, and keeps its idle timeout
    (SESSION_COOKIE_AGE) running from the user's requests.

    The idle timeout restarts when the session is saved. Saving it on every request cost three
    queries and a database write per page; it is saved when its last restart is
    SESSION_REFRESH_SECONDS old, so an idle session ends at most that much early.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(LOGIN_TIME_KEY, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(settings.LOGIN_URL)
            restart_idle_timeout(request.session)
        return self.get_response(request)


def restart_idle_timeout(session) -> None:
    """Restarts the idle timeout (the session will be saved) unless it restarted lately."""
    now = timezone.now().timestamp()
    if now - session.get(REFRESHED_AT_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
        session[REFRESHED_AT_KEY] = now  # a change: the session is saved, with a new expiry


class NoStoreMiddleware:
    """Pages for signed-in users hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
