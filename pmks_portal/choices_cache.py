"""The choices of reference lists (categories, regions) that filter forms offer, cached;
and their records, kept in each process (cached_records).

A list page read each of them from the database on every request. They change rarely, and
through services (regions.services, regions.loader, cases.reference) that call forget() once
their change is committed, so that it shows at once; TIMEOUT bounds how long a change made
elsewhere (a migration, the shell) leaves a list stale. Through pmks_portal.cache: with the
cache down, the lists are read from the database.
"""

import time
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


# name -> (version, loaded at, records). Per process, not through the cache: a list page
# attaches these records to every row, and unpickling a thousand regions per request would
# cost more than the joins they replace.
_records: dict[str, tuple[int, float, object]] = {}


def cached_records(name: str, load: Callable[[], object], *, fresh: bool = False):
    """What `load` gives (records of a reference table by key), kept in this process until
    forget() is committed anywhere (the version in the shared cache moves) or TIMEOUT;
    `fresh` reads them again now. The records are shared between requests: read them, never
    change them."""
    version = cache.get(VERSION_KEY, 0)
    kept = _records.get(name)
    if not fresh and kept and kept[0] == version and time.monotonic() - kept[1] < TIMEOUT:
        return kept[2]
    records = load()
    _records[name] = (version, time.monotonic(), records)
    return records


def forget() -> None:
    """Every cached list is read again, once the current transaction (if any) commits."""
    transaction.on_commit(forget_now)


def forget_now() -> None:
    """Every cached list is read again from now on."""
    cache.incr(VERSION_KEY)
    # This process's records too, whether or not the shared cache answers.
    _records.clear()
