"""Outages of a helper service (the cache, the broker): noticed once, logged once, retried later.

The portal treats Redis as something it may do without. When a call to it fails, the service is
taken as down for RETRY_AFTER seconds: callers skip it (no connection attempt, no timeout paid
on every call of every request) and fall back to the database or leave the work for the
sweeper. The first failure of an outage is logged as a warning with its cause; the first success
after it says how long it lasted. Nothing else is logged, so an outage of an hour does not
write a line per request.
"""

import logging
import threading
import time

logger = logging.getLogger("pmks.outages")

RETRY_AFTER = 5.0


class Outage:
    """The state of one helper service in this process: up, or down since when."""

    def __init__(self, name: str, retry_after: float = RETRY_AFTER):
        self.name = name
        self.retry_after = retry_after
        self.down_since: float | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    def available(self) -> bool:
        """False while the service failed less than retry_after seconds ago."""
        return self.down_since is None or time.monotonic() >= self.retry_at

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + self.retry_after
        if first:
            logger.warning(
                "%s unavailable (%s: %s); falling back until it answers again",
                self.name,
                type(error).__name__,
                str(error)[:200],
            )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.warning("%s available again after %.0f s", self.name, time.monotonic() - since)

    def reset(self) -> None:
        """Forget any outage (tests)."""
        self.down_since, self.retry_at = None, 0.0
