"""Small helpers shared by the test suite: signing in, walking the URL patterns, reading headers."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor

# force_login needs a backend that can load the user back from the session; the first one in
# AUTHENTICATION_BACKENDS (axes) only authenticates.
MODEL_BACKEND = "accounts.backends.UserWithRegencyBackend"
# The queries of every signed-in request: the session, and the user with the regency. Within a
# minute of sign-in the session is not saved again (the idle timeout restarts once a minute).
SESSION_AND_USER = 2

# A passphrase that every persona shares and that passes the password validators.
PERSONA_PASSWORD = "Pesut-Mahakam-berenang-2026"


def sign_in(client: Client, user) -> Client:
    """Signs the client in as `user` without the login form (the auth tests use the form).

    A user whose role needs a second factor also gets what the verification page leaves: a
    confirmed authenticator and the session verified by it (tests/foundation/
    test_second_factor.py proves that without it nobody of that role gets past the page).
    """
    client.force_login(user, backend=MODEL_BACKEND)
    if second_factor.required_for(user):
        verify_second_factor(client, user)
    return client


def verify_second_factor(client: Client, user) -> None:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=second_factor.TOTP_NAME, defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def client_for(user) -> Client:
    """A fresh client, signed in as `user`, or anonymous when `user` is None."""
    client = Client()
    return sign_in(client, user) if user is not None else client


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, as the access matrix sees it."""

    name: str | None  # namespaced: "regions:detail"
    route: str  # for messages: "wilayah/<region:code>/"
    view: Callable
    kwarg_names: tuple[str, ...]
    positional_groups: int


def project_routes(urlconf=None) -> list[Route]:
    """Every URL pattern reachable from the root URLconf, includes and namespaces followed."""
    return list(_walk(get_resolver(urlconf).url_patterns, "", (), (), 0))


def _walk(patterns, prefix, namespaces, kwarg_names, positional) -> Iterator[Route]:
    for entry in patterns:
        # Route and regex patterns alike compile to a regex; its groups are the parameters.
        regex = entry.pattern.regex
        names = (*kwarg_names, *regex.groupindex)
        unnamed = positional + regex.groups - len(regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, names, unnamed)
        elif isinstance(entry, URLPattern):
            yield Route(
                name=":".join((*namespaces, entry.name)) if entry.name else None,
                route=prefix + str(entry.pattern),
                view=entry.callback,
                kwarg_names=tuple(sorted(names)),
                positional_groups=unnamed,
            )


def csp_directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives
