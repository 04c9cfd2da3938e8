"""Rate limits per API client: requests a minute, records a day, counted in the Django cache.

A cache that is down lets requests through (fail open) and says so in the log: the limits
protect the database from a runaway client, and an outage of the cache must not stop the
regencies' field apps. Days are counted in WITA (Asia/Makassar), the portal's time zone.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger("pmks.api")


class RateLimited(Exception):
    """Over a limit; `retry_after` is the number of seconds until it resets."""

    def __init__(self, retry_after: int, limit: str):
        super().__init__(limit)
        self.retry_after = max(1, int(retry_after))
        self.limit = limit


def _seconds_to_midnight(now: datetime) -> int:
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((midnight - local).total_seconds()) or 1


def _count(key: str, amount: int, ttl: int) -> int | None:
    """Adds `amount` to a counter that lives `ttl` seconds; None when the cache is down."""
    try:
        cache.add(key, 0, ttl)
        return cache.incr(key, amount) if amount else cache.get(key, 0)
    except Exception:  # any backend's failure: fail open, loudly
        logger.warning("api_rate_limit_cache_unavailable key=%s", key, exc_info=True)
        return None


def _day_key(client_id: int, now: datetime) -> str:
    return f"api:records:{client_id}:{timezone.localdate(now).isoformat()}"


def check_request(client_id: int) -> None:
    """Counts one request; RateLimited when the minute's or the day's allowance is used up."""
    now = timezone.now()
    window = int(time.time() // 60)
    used = _count(f"api:requests:{client_id}:{window}", 1, 120)
    if used is not None and used > settings.PMKS_API_REQUESTS_PER_MINUTE:
        raise RateLimited(60 - int(time.time()) % 60, "requests_per_minute")
    records = _count(_day_key(client_id, now), 0, 2 * 86400)
    if records is not None and records >= settings.PMKS_API_RECORDS_PER_DAY:
        raise RateLimited(_seconds_to_midnight(now), "records_per_day")


def count_records(client_id: int, amount: int) -> None:
    """Adds the records a response returned to the client's day."""
    if amount:
        _count(_day_key(client_id, timezone.now()), amount, 2 * 86400)
