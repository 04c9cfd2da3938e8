"""A per-user slowdown for failed sign-ins spread over many addresses.

The lockout (django-axes) counts failures per user AND address, so nobody can lock a colleague
out from elsewhere; it therefore does not stop a guesser who rotates addresses. Against that,
each sign-in of a user who has had more than PMKS_SIGNIN_SLOWDOWN_AFTER failures (from any
address) within PMKS_SIGNIN_SLOWDOWN_WINDOW seconds waits before the password is checked: one
second, doubling with each further failure, at most PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS. The wait
is before the check, so a guesser who drops the connection early learns nothing; the real user
waits a few seconds and still signs in. It is never a lock.

Failures are counted in the cache, in two half-windows (the current one and the one before),
so a count ages out without a sweep; a cache outage only loses the slowdown, never a sign-in.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _keys(username: str, now: float) -> tuple[str, str]:
    half = max(settings.PMKS_SIGNIN_SLOWDOWN_WINDOW // 2, 1)
    bucket = int(now // half)
    # Hashed: a cache key is no place for a sign-in name typed by anybody.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"signin-failures:{digest}:{bucket}", f"signin-failures:{digest}:{bucket - 1}"


def record_failure(username: str) -> None:
    current, _previous = _keys(username, time.time())
    try:
        if not cache.add(current, 1, timeout=settings.PMKS_SIGNIN_SLOWDOWN_WINDOW):
            cache.incr(current)
    except Exception:  # noqa: BLE001 (the slowdown is best effort, signing in is not)
        logger.warning("sign-in slowdown: cache unavailable, failure not counted")


def recent_failures(username: str) -> int:
    try:
        return sum(cache.get_many(_keys(username, time.time())).values())
    except Exception:  # noqa: BLE001
        logger.warning("sign-in slowdown: cache unavailable, no slowdown")
        return 0


def delay_for(failures: int) -> float:
    """Seconds a sign-in waits after `failures` recent failures of its user."""
    excess = failures - settings.PMKS_SIGNIN_SLOWDOWN_AFTER
    if excess <= 0:
        return 0.0
    return float(min(2 ** (excess - 1), settings.PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS))


def wait(seconds: float) -> None:
    # One place to sleep, which the tests replace: they assert the wait, not the clock.
    time.sleep(seconds)


def slow_down(username: str) -> float:
    """Waits as long as the user's recent failures ask; returns the seconds waited."""
    seconds = delay_for(recent_failures(username))
    if seconds:
        wait(seconds)
    return seconds
