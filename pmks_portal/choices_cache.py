"""The choices of reference lists (categories, regions) that filter forms offer, cached.

A list page read each of them from the database on every request. They change rarely, and
through services (regions.services, regions.loader, cases.reference) that call forget() once
their change is committed, so that it shows at once; TIMEOUT bounds how long a change made
elsewhere (a migration, the shell) leaves a list stale. Through pmks_portal.cache: with the
cache down, the lists are read from the database.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import get_language

from pmks_portal import cache

VERSION_KEY = "choices:version"
TIMEOUT = 5 * 60

Choices = list[tuple[str, str]]


def cached_choices(name: str, load: Callable[[], Choices]) -> Choices:
    """The (value, label) pairs `load` gives, kept per language until forget() or TIMEOUT."""
    version = cache.get(VERSION_KEY, 0)
    return cache.get_or_set(f"choices:{version}:{get_language()}:{name}", load, TIMEOUT)


def forget() -> None:
    """Every cached list is read again, once the current transaction (if any) commits."""
    transaction.on_commit(forget_now)


def forget_now() -> None:
    """Every cached list is read again from now on."""
    cache.incr(VERSION_KEY)
