"""Signing in and loading the signed-in user on each request."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend

from accounts import slowdown


class UserWithRegencyBackend(ModelBackend):
    """Django's model backend, loading the user's regency with the user: every page shows it
    (the menu) and forms read it, one query fewer on each request."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("regency")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class SignInSlowdownBackend(BaseBackend):
    """Authenticates nobody: it makes a sign-in of a much-guessed user wait (accounts.slowdown)
    before the next backend checks the password. After axes, so a locked pair never waits.

    Loading a signed-in user is the next backend's: Django's force_login (tests, and any code
    that logs a user in without a password) takes the first backend that has get_user, and
    BaseBackend's answers None, which would sign the user straight out again."""

    def get_user(self, user_id):
        return UserWithRegencyBackend().get_user(user_id)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            slowdown.slow_down(username)
        return None


AXES_USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The username django-axes records a failure under (AXES_USERNAME_CALLABLE): as typed,
    cut to what its column holds. No account's name is that long; uncut, a pasted page of text
    is a 500 on PostgreSQL (a value too long for varchar(255)) instead of a failed sign-in."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username
