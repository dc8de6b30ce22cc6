"""When the shared cache cannot be reached: leave it alone for a while, and say so rarely.

A Redis that is down answers at once with an error, but one that hangs makes every call wait
for its timeout; a page makes a dozen calls. After one failure the cache is not asked again
for ``CACHE_RETRY_SECONDS``, so pages are rendered uncached at their normal speed, and the
log gets one line a minute rather than one per call.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask

from ..dates import utcnow

log = logging.getLogger(__name__)

OUTAGE_KEY = "blogapp.cache_outage"
#: How often an outage that goes on is logged again.
WARNING_INTERVAL = timedelta(minutes=1)


class CacheOutage:
    """This process's view of whether the shared cache can be reached (a circuit breaker)."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.down_until: datetime | None = None
        self.warned_at: datetime | None = None
        self.lock = threading.Lock()

    def is_down(self) -> bool:
        """True while the cache is being left alone after a failure."""
        down_until = self.down_until
        return down_until is not None and utcnow() < down_until

    def failed(self, error: Exception) -> None:
        now = utcnow()
        with self.lock:
            self.down_until = now + self.retry_after
            if self.warned_at is not None and now - self.warned_at < WARNING_INTERVAL:
                return
            self.warned_at = now
        log.warning(
            "the shared cache is unavailable (%s: %s): pages are served uncached and the cache "
            "is tried again in %d s",
            type(error).__name__,
            error,
            self.retry_after.total_seconds(),
        )

    def succeeded(self) -> None:
        if self.down_until is None:
            return
        with self.lock:
            self.down_until = self.warned_at = None
        log.info("the shared cache is reachable again")


def cache_outage(app: Flask) -> CacheOutage:
    """The app's outage record, made on first use."""
    outage = app.extensions.get(OUTAGE_KEY)
    if outage is None:
        retry_after = timedelta(seconds=app.config["CACHE_RETRY_SECONDS"])
        outage = app.extensions.setdefault(OUTAGE_KEY, CacheOutage(retry_after))
    return outage
