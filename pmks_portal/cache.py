"""The cache as an optimisation only: every read and write of the portal goes through here.

A cache that fails (Redis down, a timeout, a value it cannot read) is a miss for a read and a
no-op for a write; get_or_set computes the value. The failure is logged once per outage
(pmks_portal.outages), and while the cache is down it is not asked at all for a few seconds, so
a page costs its queries, never a 500 and never a connection timeout per call. The socket
timeouts that bound a call are set in settings (CACHES OPTIONS).

The health check alone talks to the cache directly: it must see the failure.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache as django_cache

from pmks_portal.outages import Outage

outage = Outage("cache")
_MISSING = object()


def _call(operation: Callable[[], Any], fallback: Any = None) -> Any:
    if not outage.available():
        return fallback
    try:
        result = operation()
    except Exception as error:  # noqa: BLE001 - any cache failure is a miss, never the page's
        outage.failed(error)
        return fallback
    outage.succeeded()
    return result


def get(key: str, default: Any = None) -> Any:
    return _call(lambda: django_cache.get(key, default), default)


def set(key: str, value: Any, timeout: float | None = None) -> None:  # noqa: A001 - cache API
    _call(lambda: django_cache.set(key, value, timeout))


def delete(key: str) -> None:
    _call(lambda: django_cache.delete(key))


def get_or_set(key: str, compute: Callable[[], Any], timeout: float | None = None) -> Any:
    """The cached value, else `compute()` (stored when the cache answers)."""
    value = _call(lambda: django_cache.get(key, _MISSING), _MISSING)
    if value is not _MISSING:
        return value
    value = compute()
    set(key, value, timeout)
    return value


def incr(key: str, initial: int = 1) -> None:
    """Adds one to a counter, creating it (never expiring) when it is not there."""

    def operation():
        try:
            django_cache.incr(key)
        except ValueError:  # not in the cache yet (or evicted): any new number will do
            django_cache.set(key, initial, None)

    _call(operation)
